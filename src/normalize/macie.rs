//! Amazon Macie findings (`GetFindings` output, "Macie Finding" EventBridge events) → signals:
//! sensitive-data findings (bucket, object, the data categories and how many were found) and
//! policy findings (a bucket made public, unencrypted, shared).
//!
//! A finding names where sensitive data is, never the data: Macie keeps the values behind
//! `GetSensitiveDataOccurrences`, which airc never calls. A record that carries such values
//! anyway (reveal output pasted into a finding) has them removed before it is kept
//! (`scrub`), so they are never shown, copied, pinned or exported.

use super::finding_parts::{first_sentence, time_at, Draft};
use super::json_path::{array_at, f64_at, get, path, str_at};
use super::Envelope;
use crate::model::{EntityKind, Severity, Signal, Source};
use serde_json::Value;

/// A Macie finding: a `type`, a `category` (CLASSIFICATION or POLICY) and a severity object
/// (`{description, score}`), which tells it from a GuardDuty finding (a number).
pub fn is_finding(v: &Value) -> bool {
    v.get("type").is_some()
        && str_at(v, &["category"]).is_some_and(|c| c == "CLASSIFICATION" || c == "POLICY")
        && v.get("severity").is_some_and(Value::is_object)
}

/// Keys whose values are sensitive data itself (reveal output), removed at any depth.
const REVEALED: &[&str] = &[
    "sensitiveDataOccurrences",
    "revealedValue",
    "values",
    "value",
];

/// Removes revealed sensitive values from a record before it is kept.
pub fn scrub(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|k, _| !REVEALED.contains(&k.as_str()));
            m.values_mut().for_each(scrub);
        }
        Value::Array(a) => a.iter_mut().for_each(scrub),
        _ => {}
    }
}

/// Macie's bands: Low, Medium, High (its `description`), else by score (1–3, 4–6, 7–10).
fn severity(f: &Value) -> Severity {
    match str_at(f, &["severity", "description"])
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        Some("HIGH") => Severity::High,
        Some("MEDIUM") => Severity::Medium,
        Some("LOW") => Severity::Low,
        _ => Severity::from_guardduty(f64_at(f, &["severity", "score"]).unwrap_or(0.0)),
    }
}

pub fn normalize(f: &Value, env: &Envelope) -> Result<Signal, super::RecordError> {
    let kind = str_at(f, &["type"]).ok_or("Macie finding has no type")?;
    let bucket = str_at(f, &["resourcesAffected", "s3Bucket", "name"]);
    let key = str_at(f, &["resourcesAffected", "s3Object", "key"]);
    let account = str_at(f, &["accountId"])
        .map(str::to_string)
        .or_else(|| env.account.clone());
    // Macie's own id; a finding written without one (a trimmed example) is known by what it is.
    let id = match str_at(f, &["id"]) {
        Some(id) => format!("macie:{id}"),
        None => format!(
            "macie:{}:{kind}:{}/{}",
            account.as_deref().unwrap_or("?"),
            bucket.unwrap_or("?"),
            key.unwrap_or("")
        ),
    };
    let archived = get(f, "archived").and_then(Value::as_bool).unwrap_or(false);
    let mut d = Draft {
        id,
        updated: time_at(f, &[&["updatedAt"]]),
        time: time_at(f, &[&["updatedAt"], &["createdAt"]]),
        severity: severity(f),
        kind: kind.to_string(),
        title: str_at(f, &["title"]).unwrap_or(kind).to_string(),
        account,
        region: str_at(f, &["region"])
            .map(str::to_string)
            .or_else(|| env.region.clone()),
        category: str_at(f, &["category"]).map(str::to_string),
        ..Draft::default()
    };
    let score = f64_at(f, &["severity", "score"]);
    d.reason = format!(
        "Macie severity {}{}{}",
        str_at(f, &["severity", "description"]).unwrap_or("?"),
        score.map(|s| format!(" ({s})")).unwrap_or_default(),
        if archived { "; archived" } else { "" }
    );
    if d.time.is_none() {
        // A trimmed finding (an example, a hand-made export) is still a finding: it is kept,
        // placed at the start of time, and says why.
        d.time = chrono::DateTime::from_timestamp(0, 0);
        d.reason.push_str("; no time in the record");
    }
    let e = &mut d.entities;
    e.kind(EntityKind::Bucket, bucket);
    if let (Some(b), Some(k)) = (bucket, key) {
        e.kind(EntityKind::Other, Some(&format!("s3://{b}/{k}")));
    }
    e.kind(
        EntityKind::Account,
        str_at(f, &["resourcesAffected", "s3Bucket", "owner", "id"])
            .filter(|o| crate::model::entity::is_account_id(o)),
    );
    let actor = path(f, &["policyDetails", "actor"]);
    if let Some(user) = actor.and_then(|a| get(a, "userIdentity")) {
        for (k, kind) in [
            ("iamUser", EntityKind::IamUser),
            ("assumedRole", EntityKind::AssumedRole),
        ] {
            if let Some(arn) = path(user, &[k, "arn"]).and_then(Value::as_str) {
                // The caller: its ARN names its account, which may not be the bucket's.
                e.push_foreign(crate::model::Entity::from_arn(arn));
                if d.actor.is_none() {
                    d.actor = str_at(user, &[k, "userName"])
                        .map(str::to_string)
                        .or_else(|| {
                            crate::model::Entity::from_arn(arn)
                                .filter(|x| x.kind == kind)
                                .map(|x| x.id.to_string())
                        });
                }
            }
        }
        let caller_account =
            str_at(user, &["iamUser", "accountId"]).or(str_at(user, &["assumedRole", "accountId"]));
        e.push_foreign(
            str_at(user, &["iamUser", "accessKeyId"])
                .or(str_at(user, &["assumedRole", "accessKeyId"]))
                .and_then(crate::model::Entity::from_id)
                .map(|k| k.in_account(caller_account)),
        );
    }
    if let Some(ip) = actor.and_then(|a| str_at(a, &["ipAddressDetails", "ipAddressV4"])) {
        e.push(crate::model::Entity::from_id(ip));
    }
    d.summary = summary(f, bucket, key, &d.title);
    d.product = None;
    d.build(
        Source::Macie,
        "Macie finding has no readable updatedAt or createdAt",
    )
}

/// "s3://bucket/key: CREDIT_CARD_NUMBER ×30, USA_SOCIAL_SECURITY_NUMBER ×2 (FINANCIAL_INFORMATION,
/// PERSONAL_INFORMATION)"; a policy finding: its description's first sentence.
fn summary(f: &Value, bucket: Option<&str>, key: Option<&str>, title: &str) -> String {
    let place = match (bucket, key) {
        (Some(b), Some(k)) => format!("s3://{b}/{k}"),
        (Some(b), None) => format!("bucket {b}"),
        _ => String::new(),
    };
    let result = path(f, &["classificationDetails", "result"]);
    let mut found: Vec<String> = Vec::new();
    let mut categories: Vec<&str> = Vec::new();
    for data in result
        .map(|r| array_at(r, &["sensitiveData"]))
        .unwrap_or(&[])
    {
        if let Some(c) = str_at(data, &["category"]) {
            if !categories.contains(&c) {
                categories.push(c);
            }
        }
        for det in array_at(data, &["detections"]) {
            if let Some(t) = str_at(det, &["type"]) {
                let n = f64_at(det, &["count"]).unwrap_or(0.0);
                found.push(format!("{t} ×{n}"));
            }
        }
    }
    for det in result
        .map(|r| array_at(r, &["customDataIdentifiers", "detections"]))
        .unwrap_or(&[])
    {
        if let Some(name) = str_at(det, &["name"]) {
            let n = f64_at(det, &["count"]).unwrap_or(0.0);
            found.push(format!("custom {name} ×{n}"));
        }
    }
    let what = if found.is_empty() {
        first_sentence(str_at(f, &["description"]).unwrap_or(title))
    } else {
        let mut s = found.join(", ");
        if !categories.is_empty() {
            s.push_str(&format!(" ({})", categories.join(", ")));
        }
        s
    };
    match place.is_empty() {
        true => what,
        false => format!("{place}: {what}"),
    }
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn a_finding_without_id_or_time_is_known_by_what_it_is() {
        let f = json!({"accountId": "123456789012", "archived": false, "category": "CLASSIFICATION",
            "severity": {"description": "High", "score": 8.1}, "title": "Sensitive data was detected in an S3 object",
            "type": "SensitiveData:S3Object/Personal"});
        assert!(is_finding(&f));
        let s = normalize(&f, &Envelope::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            s.id.to_string(),
            "macie:123456789012:SensitiveData:S3Object/Personal:?/"
        );
        assert_eq!(s.time.timestamp(), 0);
        assert!(
            s.severity_reason().ends_with("no time in the record"),
            "{}",
            s.severity_reason()
        );
    }
}
