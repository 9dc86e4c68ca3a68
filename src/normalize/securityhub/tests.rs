use super::*;
use crate::model::Severity;
use serde_json::json;

fn control() -> Value {
    json!({
        "SchemaVersion": "2018-10-08",
        "Id": "arn:aws:securityhub:us-east-1:111122223333:security-control/S3.8/finding/4f2c",
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/securityhub",
        "ProductName": "Security Hub", "GeneratorId": "security-control/S3.8", "AwsAccountId": "111122223333",
        "Region": "us-east-1", "Types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
        "CreatedAt": "2026-01-01T00:00:00Z", "UpdatedAt": "2026-01-02T00:00:00.000Z",
        "Severity": {"Label": "HIGH", "Normalized": 70},
        "Title": "S3 general purpose buckets should block public access",
        "Description": "This control checks whether S3 buckets block public access. More text.",
        "Resources": [{"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::acme-prod-backups", "Region": "us-east-1"}],
        "Compliance": {"Status": "FAILED", "SecurityControlId": "S3.8"},
        "Workflow": {"Status": "NEW"}, "RecordState": "ACTIVE"
    })
}

#[test]
fn a_control_finding_names_its_control_resource_and_state() {
    let f = control();
    assert!(is_finding(&f));
    let s = normalize(&f, &Envelope::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.source, Source::SecurityHub);
    assert_eq!(
        s.id.to_string(),
        "securityhub:arn:aws:securityhub:us-east-1:111122223333:security-control/S3.8/finding/4f2c"
    );
    assert_eq!(
        (s.kind(), s.severity, s.product(), s.workflow()),
        ("S3.8", Severity::High, "securityhub", Some("NEW"))
    );
    assert_eq!(s.category(), Some("AwsS3Bucket"));
    assert_eq!(
        s.summary(),
        "FAILED · AwsS3Bucket arn:aws:s3:::acme-prod-backups: This control checks whether S3 buckets block public access."
    );
    assert_eq!(
        s.severity_reason(),
        "Security Hub severity HIGH; compliance FAILED; workflow NEW"
    );
    let ents: Vec<String> = s
        .own_entities()
        .unwrap_or_default()
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(ents, ["bucket:acme-prod-backups"]);
}

#[test]
fn old_style_findings_without_label_region_or_workflow() {
    // The shape of 2020 CIS findings: Severity.Normalized only, WorkflowState, no Region.
    let mut f = control();
    let m = f.as_object_mut().unwrap_or_else(|| panic!("object"));
    m.remove("Region");
    m.remove("Workflow");
    m.remove("ProductName");
    m.insert("WorkflowState".into(), json!("NEW"));
    m.insert("Severity".into(), json!({"Normalized": 90, "Product": 90}));
    m.insert("Compliance".into(), json!({"Status": "FAILED"}));
    m.insert(
        "GeneratorId".into(),
        json!("arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.13"),
    );
    m.insert("ProductFields".into(), json!({"RuleId": "1.13"}));
    m.insert(
        "Resources".into(),
        json!([{"Type": "AwsAccount", "Id": "AWS::::Account:111122223333", "Region": "us-east-1"}]),
    );
    let s = normalize(&f, &Envelope::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (s.kind(), s.severity, s.workflow(), s.region()),
        (
            "CIS 1.13",
            Severity::Critical,
            Some("NEW"),
            Some("us-east-1")
        )
    );
    let ents: Vec<String> = s
        .own_entities()
        .unwrap_or_default()
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(ents, ["account:111122223333"]);
}

#[test]
fn a_guardduty_finding_through_security_hub_is_the_guardduty_finding() {
    let f = json!({"SchemaVersion": "2018-10-08",
        "Id": "arn:aws:guardduty:us-east-1:111122223333:detector/d1/finding/0acd8be146e4099030f970583f9d52f9",
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty", "AwsAccountId": "111122223333",
        "Types": ["TTPs/Discovery/Recon:EC2-PortProbeUnprotectedPort"], "UpdatedAt": "2026-01-15T02:52:00Z",
        "Severity": {"Label": "LOW", "Normalized": 20}, "Title": "Unprotected port on EC2 instance is being probed",
        "Description": "EC2 instance has an unprotected port which is being probed by a known malicious host.",
        "Resources": [{"Type": "AwsEc2Instance", "Id": "arn:aws:ec2:us-east-1:111122223333:instance/i-0c0ffee0c0ffee001",
            "Details": {"AwsEc2Instance": {"IamInstanceProfileArn": "arn:aws:iam::111122223333:instance-profile/miner"}}}],
        "ProductFields": {"aws/guardduty/service/action/portProbeAction/portProbeDetails.0_/remoteIpDetails/ipAddressV4": "198.51.100.23"},
        "Network": {"SourceIpV4": "198.51.100.23", "Direction": "IN"},
        "Workflow": {"Status": "NOTIFIED"}, "RecordState": "ACTIVE"});
    let s = normalize(&f, &Envelope::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        s.id.to_string(),
        "guardduty:0acd8be146e4099030f970583f9d52f9"
    );
    assert_eq!(
        (s.kind(), s.product(), s.workflow()),
        (
            "Recon:EC2/PortProbeUnprotectedPort",
            "guardduty",
            Some("NOTIFIED")
        )
    );
    let ents: Vec<String> = s
        .own_entities()
        .unwrap_or_default()
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(
        ents,
        [
            "instance:i-0c0ffee0c0ffee001",
            "other:arn:aws:iam::111122223333:instance-profile/miner",
            "ip:198.51.100.23"
        ]
    );
}

#[test]
fn an_event_of_several_findings_splits_into_one_each() {
    let ev = json!({"version": "0", "id": "e", "detail-type": "Security Hub Findings - Custom Action",
        "source": "aws.securityhub", "account": "111122223333", "region": "us-east-1", "time": "2026-01-02T00:00:00Z",
        "resources": ["arn:aws:securityhub:us-east-1:111122223333:action/custom/Remediate"],
        "detail": {"actionName": "Remediate", "findings": [control(), control()]}});
    assert!(is_event(&ev));
    let parts = split_event(&ev).unwrap_or_default();
    assert_eq!(parts.len(), 2);
    for p in &parts {
        assert!(event_finding(p).is_ok());
        assert_eq!(p["detail"]["actionName"], "Remediate");
    }
    assert!(split_event(&parts[0]).is_none());
    let empty = json!({"source": "aws.securityhub", "detail-type": "Security Hub Findings - Imported", "detail": {"findings": []}});
    assert_eq!(split_event(&empty).map(|p| p.len()), Some(0));
}

/// Files are untrusted: a Title, Description, type, product, workflow or resource type of
/// megabytes is cut where the signal is built (the console froze on a 50 MB Title).
#[test]
fn megabytes_of_finding_text_are_cut_where_the_signal_is_built() {
    let huge = "A".repeat(10 << 20);
    let mut f = control();
    f["Title"] = json!(huge);
    f["Description"] = json!(huge);
    f["Compliance"] = json!({"Status": "FAILED", "SecurityControlId": huge});
    f["Workflow"] = json!({"Status": huge});
    f["ProductArn"] = json!(format!(
        "arn:aws:securityhub:us-east-1:1:product/acme/{huge}"
    ));
    f["Resources"][0]["Type"] = json!(huge);
    let start = std::time::Instant::now();
    let s = normalize(&f, &Envelope::default()).unwrap_or_else(|e| panic!("{e}"));
    let took = start.elapsed();
    for (what, v) in [
        ("title", s.title()),
        ("kind", s.kind()),
        ("product", s.product()),
        ("workflow", s.workflow().unwrap_or("")),
        ("category", s.category().unwrap_or("")),
    ] {
        assert!(
            v.len() <= 1100 && v.ends_with('…'),
            "{what}: {} bytes",
            v.len()
        );
    }
    assert!(s.summary().len() <= 5000 && s.summary().ends_with('…'));
    assert!(s.severity_reason().len() <= 1100);
    assert!(took < std::time::Duration::from_secs(2), "{took:?}");
}

/// 300,000 Resources: the entities are scanned a few times what a signal keeps, then only
/// counted (the cap was checked after a search of the list: 27.8 s in `airc inspect`).
#[test]
fn three_hundred_thousand_resources_are_not_all_scanned() {
    let mut f = control();
    f["Resources"] = Value::Array(
        (0..300_000)
            .map(|i| json!({"Type": "AwsEc2Instance", "Id": format!("arn:aws:ec2:us-east-1:111122223333:instance/i-{i:017x}")}))
            .collect(),
    );
    f["Vulnerabilities"] = Value::Array(
        (0..300_000)
            .map(|i| json!({"Id": format!("CVE-2026-{i}")}))
            .collect(),
    );
    let start = std::time::Instant::now();
    let s = normalize(&f, &Envelope::default()).unwrap_or_else(|e| panic!("{e}"));
    let took = start.elapsed();
    assert_eq!(
        s.own_entities().unwrap_or_default().len(),
        crate::model::signal::MAX_ENTITIES
    );
    assert!(s.entities_more() > 0);
    assert!(took < std::time::Duration::from_millis(500), "{took:?}");
}
