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
use crate::model::time::Received;
use crate::model::{EntityKind, Severity, Signal, Source};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A Macie finding: a `type`, a `category` (CLASSIFICATION or POLICY) and a severity object
/// (`{description, score}`), which tells it from a GuardDuty finding (a number).
pub fn is_finding(v: &Value) -> bool {
    v.get("type").is_some()
        && str_at(v, &["category"]).is_some_and(|c| c == "CLASSIFICATION" || c == "POLICY")
        && v.get("severity").is_some_and(Value::is_object)
}

/// Keys whose values are sensitive data itself (reveal output: the `sensitiveDataOccurrences`
/// of `GetSensitiveDataOccurrences`, a revealed value pasted beside a detection), removed at
/// any depth.
const REVEALED: &[&str] = &[
    "sensitiveDataOccurrences",
    "revealedValue",
    "revealedValues",
];
/// Keys that hold a sample of the data where Macie's findings name only where it is (the
/// occurrences under `classificationDetails`): removed there, and only there (a bucket's or an
/// object's `tags[].value` elsewhere are kept; `tag=` rules match them).
const SAMPLES: &[&str] = &["value", "values"];

/// Removes revealed sensitive values from a record before it is kept.
pub fn scrub(v: &mut Value) {
    scrub_in(v, false);
}

fn scrub_in(v: &mut Value, in_classification: bool) {
    match v {
        Value::Object(m) => {
            m.retain(|k, _| {
                let sample = in_classification && SAMPLES.contains(&k.as_str());
                !(sample || REVEALED.contains(&k.as_str()))
            });
            for (k, x) in m.iter_mut() {
                scrub_in(x, in_classification || k == "classificationDetails");
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| scrub_in(x, in_classification)),
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
    // Macie's own id; a finding written without one (a trimmed example) is known by its
    // content: the same record read twice is one row, two different ones are two.
    let id = match str_at(f, &["id"]) {
        Some(id) => format!("macie:{id}"),
        None => format!("macie:no-id-{}", content_id(f)),
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
        // placed at when it was received (its file's modification time, or when it was read),
        // and says so; never at 1970, which would sort it first and read as a real time.
        let r = env.received.unwrap_or_else(Received::now);
        d.time = Some(r.at);
        d.undated = Some(r.how);
        d.reason.push_str("; no time in the record: shown at ");
        d.reason.push_str(r.how.label());
    }
    let e = &mut d.entities;
    e.kind(EntityKind::Bucket, bucket);
    // The object only in a bucket whose name is one (`Entity::checked`).
    let valid = bucket.filter(|b| crate::model::entity::is_bucket_name(b));
    if let (Some(b), Some(k)) = (valid, key) {
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

/// The first 128 bits of the SHA-256 of the record's canonical form (object keys sorted at
/// every depth, no spaces; numbers as serde_json writes them), in hex. By hand because the
/// canonical form is a dozen lines here and no crate of ours writes one.
fn content_id(f: &Value) -> String {
    let mut h = Sha256::new();
    canonical(f, &mut h);
    hex::encode(&h.finalize()[..16])
}

/// Feeds `v` in canonical form (serde_json bounds a parsed tree's depth at 128).
fn canonical(v: &Value, h: &mut Sha256) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            h.update(b"{");
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    h.update(b",");
                }
                h.update(Value::from(k.as_str()).to_string().as_bytes());
                h.update(b":");
                if let Some(x) = m.get(k) {
                    canonical(x, h);
                }
            }
            h.update(b"}");
        }
        Value::Array(a) => {
            h.update(b"[");
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    h.update(b",");
                }
                canonical(x, h);
            }
            h.update(b"]");
        }
        other => h.update(other.to_string().as_bytes()),
    }
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
#[path = "macie_tests.rs"]
mod tests;
