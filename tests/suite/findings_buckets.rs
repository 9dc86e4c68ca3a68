//! Bucket names from records become `bucket:` entities only when they are bucket names (S3's
//! naming rules: `model::entity::is_bucket_name`, applied by `Entity::checked`, the one
//! constructor every normalizer makes buckets with). Review of issue 34: a name with control
//! characters, spaces or capitals from a Macie, Security Hub, GuardDuty, Access Analyzer, S3
//! access log or CloudTrail record became an actionable `bucket:` entity.

use airc::model::{EntityKind, Signal};
use airc::normalize::{normalize_record, Normalized, Options};
use serde_json::{json, Value};

const GOOD: &str = "acme-prod-backups";
const BAD: &[&str] = &[
    "evil\u{1b}]52;c;cm0gLXJmIH4=\u{7}bucket",
    "my bucket",
    "Acme-Prod-Backups",
    "ab",
    "-leading-hyphen",
    "trailing-dot.",
    "two..dots",
    "192.168.10.1",
    "under_score",
];

fn records(b: &str) -> Vec<(&'static str, Value)> {
    let t = "2026-01-15T03:00:00Z";
    vec![
        (
            "macie",
            json!({"id": "m1", "type": "Policy:IAMUser/S3BucketPublic", "category": "POLICY",
            "severity": {"description": "High", "score": 3}, "createdAt": t, "accountId": "111122223333",
            "resourcesAffected": {"s3Bucket": {"name": b}, "s3Object": {"key": "exports/cards.csv"}}}),
        ),
        (
            "securityhub",
            json!({"SchemaVersion": "2018-10-08", "Id": "f1", "AwsAccountId": "111122223333",
            "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub", "GeneratorId": "g",
            "Types": ["Software and Configuration Checks"], "UpdatedAt": t, "Severity": {"Label": "HIGH"},
            "Title": "S3 general purpose buckets should block public access", "Description": "d",
            "Resources": [{"Type": "AwsS3Bucket", "Id": b},
                          {"Type": "AwsS3Bucket", "Id": format!("arn:aws:s3:::{b}")}]}),
        ),
        (
            "guardduty",
            json!({"schemaVersion": "2.0", "id": "g1", "type": "Policy:S3/BucketBlockPublicAccessDisabled",
            "severity": 5, "accountId": "111122223333", "region": "us-east-1", "updatedAt": t,
            "title": "t", "description": "d",
            "resource": {"resourceType": "S3Bucket", "s3BucketDetails": [{"name": b, "arn": format!("arn:aws:s3:::{b}")}]},
            "service": {"archived": false}}),
        ),
        (
            "access analyzer",
            json!({"id": "a1", "resourceType": "AWS::S3::Bucket", "resource": b,
            "status": "ACTIVE", "resourceOwnerAccount": "111122223333", "createdAt": t, "updatedAt": t,
            "principal": {"AWS": "*"}, "action": ["s3:GetObject"], "isPublic": true}),
        ),
        (
            "s3 access",
            json!({"bucket_owner": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
            "bucket": b, "time": t, "remote_ip": "192.0.2.3",
            "requester": "-", "request_id": "3E57427F33A59F07", "operation": "REST.GET.OBJECT",
            "key": "exports/cards.csv", "http_status": "200"}),
        ),
        (
            "cloudtrail",
            json!({"eventID": "e1", "eventName": "PutBucketPolicy", "eventSource": "s3.amazonaws.com",
            "eventTime": t, "awsRegion": "us-east-1", "recipientAccountId": "111122223333",
            "userIdentity": {"type": "IAMUser", "userName": "eve", "accountId": "111122223333"},
            "requestParameters": {"bucketName": b}}),
        ),
    ]
}

fn signal(what: &str, v: Value) -> Signal {
    match normalize_record(v, &Options::without_raw()) {
        Ok((_, Normalized::Signal(s))) => s.signal,
        other => panic!("{what}: {other:?}"),
    }
}

fn buckets(s: &Signal) -> Vec<String> {
    s.own_entities()
        .unwrap_or_default()
        .iter()
        .filter(|e| matches!(e.kind, EntityKind::Bucket | EntityKind::ObjectKey))
        .map(|e| e.to_string())
        .chain(
            s.own_entities()
                .unwrap_or_default()
                .iter()
                .filter(|e| e.kind == EntityKind::Other && e.id.contains("s3"))
                .map(|e| e.to_string()),
        )
        .collect()
}

#[test]
fn a_bucket_name_is_an_entity_only_when_s3_would_take_it() {
    for (what, v) in records(GOOD) {
        let s = signal(what, v);
        assert!(
            buckets(&s).contains(&format!("bucket:{GOOD}")),
            "{what}: {:?}",
            buckets(&s)
        );
    }
    for bad in BAD {
        for (what, v) in records(bad) {
            // The record is still a signal; the name is no entity (nor an object in it).
            let s = signal(what, v);
            assert!(buckets(&s).is_empty(), "{what} {bad:?}: {:?}", buckets(&s));
        }
    }
}
