use super::*;
use serde_json::json;

pub(crate) fn finding() -> Value {
    json!({
        "schemaVersion": "2.0", "id": "535b6a437178ba0a1038f0b5e998d0ee", "accountId": "111122223333",
        "region": "us-east-1", "type": "AttackSequence:IAM/CompromisedCredentials", "severity": 9.5,
        "title": "Potential credential compromise of ci-deploy indicated by a sequence of actions.",
        "createdAt": "2026-01-15T03:06:00Z", "updatedAt": "2026-01-15T03:06:00Z",
        "resource": {"resourceType": "AccessKey"},
        "service": {"detection": {"sequence": {
            "uid": "seq-0001", "description": "Credentials of ci-deploy used for reconnaissance, persistence and defense evasion.",
            "actors": [{"id": "a1", "user": {"name": "ci-deploy", "uid": "AIDA4EXAMPLECIDEPLOY", "type": "IAMUser",
                "credentialUid": "AKIA4EXAMPLELEAKED01", "account": {"uid": "111122223333"}}}],
            "resources": [{"uid": "acme-prod-backups", "name": "acme-prod-backups", "resourceType": "S3_BUCKET", "accountId": "111122223333"},
                          {"uid": "arn:aws:ec2:us-east-1:111122223333:instance/i-0c0ffee0c0ffee001", "resourceType": "EC2_INSTANCE"}],
            "endpoints": [{"id": "e1", "ip": "203.0.113.66", "location": {"country": "Unknown"}}],
            "signals": [
                {"uid": "arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/0fcf31ca8e752fdf1ece615db9a6442e",
                 "type": "FINDING", "name": "PrivilegeEscalation:IAMUser/AnomalousBehavior", "description": "Admin policy attached",
                 "firstSeenAt": "2026-01-15T02:27:00Z", "count": 1, "actorIds": ["a1"], "endpointIds": ["e1"], "resourceUids": []},
                {"uid": "ct-1", "type": "CLOUD_TRAIL", "name": "ListBuckets", "description": "Buckets listed",
                 "firstSeenAt": "2026-01-15T02:05:00Z", "count": 3, "actorIds": ["a1"], "endpointIds": ["e1"],
                 "signalIndicators": [{"key": "MALICIOUS_IP", "values": ["203.0.113.66"]}]},
                {"uid": "ct-2", "type": "CLOUD_TRAIL", "name": "PutBucketPolicy", "description": "Bucket made public",
                 "firstSeenAt": "2026-01-15T02:58:00Z", "count": 1, "actorIds": ["a1"], "resourceUids": ["acme-prod-backups"]}
            ],
            "sequenceIndicators": [
                {"key": "ATTACK_TACTIC", "values": ["Discovery", "Persistence", "Defense Evasion", "Nonsense"]},
                {"key": "ATTACK_TECHNIQUE", "values": ["T1580 - Cloud Infrastructure Discovery", "T1098.001", "Valid Accounts"]},
                {"key": "HIGH_RISK_API", "values": ["PutBucketPolicy"]}
            ]
        }}}
    })
}

#[test]
fn the_sequence_names_its_actors_resources_and_endpoints() {
    let mut out = Vec::new();
    add_entities(&finding(), &mut out);
    let ents: Vec<String> = out.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        ents,
        [
            "iam_user:ci-deploy",
            "access_key:AKIA4EXAMPLELEAKED01",
            "bucket:acme-prod-backups",
            "instance:i-0c0ffee0c0ffee001",
            "ip:203.0.113.66"
        ]
    );
    let mut none = Vec::new();
    add_entities(
        &json!({"type": "Recon:EC2/PortProbeUnprotectedPort"}),
        &mut none,
    );
    assert!(none.is_empty());
}

#[test]
fn its_tactics_and_techniques_are_a_detection() {
    let d = detections(&finding());
    assert_eq!(d.len(), 1);
    let r = &d[0].rule;
    assert_eq!(r.tactics, ["persistence", "defense-evasion", "discovery"]);
    assert_eq!(r.techniques, ["T1580", "T1098.001"]);
    assert_eq!(r.level, Severity::Critical);
    assert_eq!(r.title, "GuardDuty attack sequence (3 signals)");
    assert!(detections(&json!({"type": "x"})).is_empty());
}

#[test]
fn steps_come_in_time_order_with_who_what_and_where() {
    let s = steps(&finding());
    let names: Vec<&str> = s.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "ListBuckets",
            "PrivilegeEscalation:IAMUser/AnomalousBehavior",
            "PutBucketPolicy"
        ]
    );
    assert_eq!(s[0].actors, ["ci-deploy (AKIA4EXAMPLELEAKED01)"]);
    assert_eq!(s[0].endpoints, ["203.0.113.66 (Unknown)"]);
    assert_eq!(s[0].indicators, ["MALICIOUS_IP 203.0.113.66"]);
    assert_eq!(s[0].count, 3);
    assert_eq!(s[2].resources, ["acme-prod-backups"]);
    assert_eq!(finding_id(&s[1]), Some("0fcf31ca8e752fdf1ece615db9a6442e"));
    assert_eq!(finding_id(&s[0]), None);
}
