//! Macie findings: the object and counts never the values, a record without id or time, the
//! scrub of revealed values.

use super::*;
use serde_json::json;

#[test]
fn a_sensitive_data_finding_names_the_object_and_counts_never_values() {
    let mut f = json!({
        "schemaVersion": "1.0", "id": "abc", "accountId": "555555555555", "region": "us-east-1",
        "type": "SensitiveData:S3Object/Multiple", "category": "CLASSIFICATION",
        "severity": {"description": "High", "score": 3}, "title": "The S3 object contains multiple categories of sensitive information.",
        "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-02T00:00:00Z",
        "resourcesAffected": {"s3Bucket": {"name": "acme-data", "owner": {"id": "555555555555"}}, "s3Object": {"key": "exports/cards.csv"}},
        "classificationDetails": {"result": {"sensitiveData": [{"category": "FINANCIAL_INFORMATION",
            "detections": [{"type": "CREDIT_CARD_NUMBER", "count": 30, "occurrences": {"cells": [{"column": 2, "row": 5}]},
                "sensitiveDataOccurrences": [{"value": "4111111111111111"}]}]}]}}
    });
    assert!(is_finding(&f));
    let s = normalize(&f, &Envelope::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.id.to_string(), "macie:abc");
    assert_eq!(s.severity, Severity::High);
    assert_eq!(
        s.summary(),
        "s3://acme-data/exports/cards.csv: CREDIT_CARD_NUMBER ×30 (FINANCIAL_INFORMATION)"
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
            "bucket:acme-data",
            "other:s3://acme-data/exports/cards.csv",
            "account:555555555555"
        ]
    );
    scrub(&mut f);
    assert!(!f.to_string().contains("4111111111111111"), "{f}");
    assert!(f.to_string().contains("\"cells\""));
}

/// Review of issue 34: a record without id or time was kept at 1970-01-01 as
/// `macie:123456789012:SensitiveData:S3Object/Personal:?/`, so two different trimmed
/// findings of one type and account were one row, at a time that read as real.
#[test]
fn a_finding_without_id_or_time_is_known_by_its_content_at_when_it_was_received() {
    let f = json!({"accountId": "123456789012", "archived": false, "category": "CLASSIFICATION",
        "severity": {"description": "High", "score": 8.1}, "title": "Sensitive data was detected in an S3 object",
        "type": "SensitiveData:S3Object/Personal"});
    assert!(is_finding(&f));
    let at = chrono::DateTime::parse_from_rfc3339("2026-03-04T05:06:07Z")
        .map(|t| t.to_utc())
        .unwrap_or_default();
    let env = Envelope {
        received: Some(Received {
            at,
            how: crate::model::time::Undated::FileModified,
        }),
        ..Envelope::default()
    };
    let s = normalize(&f, &env).unwrap_or_else(|e| panic!("{e}"));
    let id = s.id.to_string();
    assert!(
        id.starts_with("macie:no-id-") && id.len() == "macie:no-id-".len() + 32,
        "{id}"
    );
    assert_eq!(s.time, at);
    assert_eq!(s.undated(), Some(crate::model::time::Undated::FileModified));
    assert!(
        s.severity_reason()
            .ends_with("no time in the record: shown at its file's modification time"),
        "{}",
        s.severity_reason()
    );
    // The same record, its keys in another order and read another time: the same id.
    let same: Value = serde_json::from_str(
        r#"{"type": "SensitiveData:S3Object/Personal", "title": "Sensitive data was detected in an S3 object",
            "severity": {"score": 8.10, "description": "High"}, "category": "CLASSIFICATION",
            "archived": false, "accountId": "123456789012"}"#,
    )
    .unwrap_or_default();
    let again = normalize(&same, &Envelope::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.id.to_string(), id);
    assert_eq!(again.undated(), Some(crate::model::time::Undated::Read));
    assert!(again.time.timestamp() > 1_700_000_000, "not 1970");
    // Another finding of the same type and account: another row.
    let mut other = f.clone();
    other["title"] = json!("Sensitive data was detected in another S3 object");
    let other = normalize(&other, &env).unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(other.id.to_string(), id);
    // A finding with its own times is not marked.
    let mut timed = f.clone();
    timed["updatedAt"] = json!("2026-01-02T00:00:00Z");
    let timed = normalize(&timed, &env).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(timed.undated(), None);
    assert_eq!(timed.time.to_rfc3339(), "2026-01-02T00:00:00+00:00");
}

/// Only revealed sensitive values are removed: a bucket's tags (`tags[].value`, which
/// `tag=` rules match) stay.
#[test]
fn scrub_removes_revealed_values_and_keeps_tags() {
    let mut f = json!({"id": "abc", "type": "SensitiveData:S3Object/Personal", "category": "CLASSIFICATION",
        "severity": {"score": 2}, "createdAt": "2026-01-01T00:00:00Z",
        "resourcesAffected": {"s3Bucket": {"name": "b", "tags": [{"key": "env", "value": "prod"}]},
            "s3Object": {"key": "k", "tags": [{"key": "owner", "value": "payments"}]}},
        "classificationDetails": {"result": {"sensitiveData": [{"category": "PERSONAL_INFORMATION",
            "detections": [{"type": "USA_SOCIAL_SECURITY_NUMBER", "count": 1,
                "occurrences": {"cells": [{"column": 1, "row": 2, "value": "078-05-1120"}]},
                "revealedValue": "078-05-1121", "values": ["078-05-1122"]}]}]}},
        "sensitiveDataOccurrences": {"USA_SOCIAL_SECURITY_NUMBER": [{"value": "078-05-1123"}]}});
    scrub(&mut f);
    let text = f.to_string();
    for secret in ["078-05-1120", "078-05-1121", "078-05-1122", "078-05-1123"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert_eq!(
        f["resourcesAffected"]["s3Bucket"]["tags"][0]["value"],
        "prod"
    );
    assert_eq!(
        f["resourcesAffected"]["s3Object"]["tags"][0]["value"],
        "payments"
    );
    assert_eq!(
        f["classificationDetails"]["result"]["sensitiveData"][0]["detections"][0]["occurrences"]
            ["cells"][0]["row"],
        2
    );
}
