//! Security Hub findings in OCSF (`GetFindingsV2`, the Security Hub of 2025): Detection,
//! Compliance and Vulnerability findings → signals, with the same product, workflow and ids as
//! their ASFF form (a GuardDuty finding here is the GuardDuty finding, one row).

use super::finding_parts::{
    first_sentence, native_id, product_named, product_of, severity_word, time_at, walk_addresses,
    Draft,
};
use super::json_path::{array_at, f64_at, get, path, str_at};
use crate::model::{EntityKind, Severity, Signal, Source};
use serde_json::Value;

/// An OCSF finding: `finding_info` and a class (`class_uid` 2001–2006) or `metadata.product`.
pub fn is_finding(v: &Value) -> bool {
    v.get("finding_info").is_some_and(Value::is_object)
        && (v.get("class_uid").is_some() || path(v, &["metadata", "product"]).is_some())
}

/// OCSF `severity_id`: 1 informational … 5 critical, 6 fatal.
fn severity(v: &Value) -> Severity {
    if let Some(s) = str_at(v, &["severity"]).and_then(severity_word) {
        return s;
    }
    match f64_at(v, &["severity_id"]).unwrap_or(0.0) as i64 {
        5 | 6 => Severity::Critical,
        4 => Severity::High,
        3 => Severity::Medium,
        2 => Severity::Low,
        _ => Severity::Info,
    }
}

/// OCSF `status` as Security Hub's workflow words (New, In Progress, Suppressed, Resolved).
fn workflow(v: &Value) -> String {
    if let Some(s) = str_at(v, &["status"]) {
        return s.to_ascii_uppercase().replace(' ', "_");
    }
    match f64_at(v, &["status_id"]).unwrap_or(1.0) as i64 {
        2 => "IN_PROGRESS",
        3 => "SUPPRESSED",
        4 => "RESOLVED",
        5 => "ARCHIVED",
        _ => "NEW",
    }
    .to_string()
}

pub fn normalize(f: &Value) -> Result<Signal, super::RecordError> {
    let info = get(f, "finding_info").ok_or("OCSF finding has no finding_info")?;
    let uid = str_at(info, &["uid"]).ok_or("OCSF finding has no finding_info.uid")?;
    let product = product_of(
        str_at(f, &["metadata", "product", "uid"]),
        str_at(f, &["metadata", "product", "name"])
            .map(product_named)
            .as_deref(),
    );
    let mut d = Draft {
        id: native_id(product.as_deref(), uid).unwrap_or_else(|| format!("securityhub:{uid}")),
        updated: time_at(info, &[&["modified_time_dt"], &["modified_time"]]),
        time: time_at(
            info,
            &[
                &["modified_time_dt"],
                &["modified_time"],
                &["last_seen_time_dt"],
                &["created_time_dt"],
                &["created_time"],
            ],
        )
        .or_else(|| time_at(f, &[&["time_dt"], &["time"]])),
        severity: severity(f),
        ..Draft::default()
    };
    let types: Vec<&str> = array_at(info, &["types"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let control = str_at(f, &["compliance", "control"]);
    let cve = array_at(f, &["vulnerabilities"])
        .iter()
        .find_map(|v| str_at(v, &["cve", "uid"]));
    d.kind = match (product.as_deref(), types.first()) {
        (Some("guardduty"), Some(t)) => t.to_string(),
        _ => control
            .or(cve)
            .or(types.first().copied())
            .or_else(|| str_at(f, &["class_name"]))
            .unwrap_or("OCSF finding")
            .to_string(),
    };
    d.title = str_at(info, &["title"]).unwrap_or(&d.kind).to_string();
    let wf = workflow(f);
    let status = str_at(f, &["compliance", "status"]);
    d.reason = format!(
        "Security Hub severity {}{}; workflow {wf}",
        str_at(f, &["severity"])
            .map(str::to_string)
            .unwrap_or_else(|| d.severity.to_string()),
        status
            .map(|s| format!("; compliance {s}"))
            .unwrap_or_default()
    );
    d.workflow = Some(wf);
    d.account = str_at(f, &["cloud", "account", "uid"]).map(str::to_string);
    d.region = str_at(f, &["cloud", "region"])
        .or_else(|| {
            array_at(f, &["resources"])
                .iter()
                .find_map(|r| str_at(r, &["region"]))
        })
        .map(str::to_string);
    d.category = array_at(f, &["resources"])
        .first()
        .and_then(|r| str_at(r, &["type"]))
        .map(str::to_string);
    d.actor = str_at(f, &["actor", "user", "name"]).map(str::to_string);
    d.product = product;
    let e = &mut d.entities;
    for r in array_at(f, &["resources"]) {
        e.resource(str_at(r, &["uid"]));
    }
    // The actor is in the account its record names (`actor.user.account.uid`); when it names
    // none, the finding's, as GuardDuty's own finding says of the same user (its resource's
    // `accessKeyDetails`), so both rows name one entity.
    e.push(
        str_at(f, &["actor", "user", "name"])
            .filter(|_| {
                str_at(f, &["actor", "user", "type"])
                    .is_none_or(|t| t.eq_ignore_ascii_case("IAMUser"))
            })
            .map(|n| {
                crate::model::Entity::new(EntityKind::IamUser, n.trim())
                    .in_account(str_at(f, &["actor", "user", "account", "uid"]))
            }),
    );
    for key in ["actor", "src_endpoint", "dst_endpoint", "evidences"] {
        if let Some(v) = get(f, key) {
            walk_addresses(v, key, e, 0);
        }
    }
    for v in array_at(f, &["vulnerabilities"]) {
        e.kind(EntityKind::Other, str_at(v, &["cve", "uid"]));
    }
    let resource = array_at(f, &["resources"])
        .first()
        .and_then(|r| str_at(r, &["uid"]));
    d.summary = format!(
        "{}{}{}",
        status.map(|s| format!("{s} · ")).unwrap_or_default(),
        resource.map(|r| format!("{r}: ")).unwrap_or_default(),
        first_sentence(str_at(info, &["desc"]).unwrap_or(&d.title))
    );
    d.build(Source::SecurityHub, "OCSF finding has no readable time")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_guardduty_detection_finding_in_ocsf_is_the_guardduty_finding() {
        let f = json!({
            "class_uid": 2004, "class_name": "Detection Finding", "severity_id": 4, "severity": "High",
            "status": "In Progress",
            "finding_info": {"uid": "arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/abc",
                "title": "Credentials used from a malicious IP", "desc": "An API was invoked. More.",
                "types": ["UnauthorizedAccess:IAMUser/MaliciousIPCaller"],
                "modified_time_dt": "2026-01-02T03:04:05Z"},
            "metadata": {"product": {"name": "GuardDuty", "uid": "arn:aws:securityhub:us-east-1::product/aws/guardduty"}},
            "cloud": {"account": {"uid": "111122223333"}, "region": "us-east-1"},
            "resources": [{"uid": "arn:aws:iam::111122223333:user/alice", "type": "AWS::IAM::User"}],
            "actor": {"user": {"name": "alice", "type": "IAMUser", "credential_uid": "AKIAIOSFODNN7EXAMPLE"}},
            "src_endpoint": {"ip": "203.0.113.7"}
        });
        assert!(is_finding(&f));
        let s = normalize(&f).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.id.to_string(), "guardduty:abc");
        assert_eq!(s.kind(), "UnauthorizedAccess:IAMUser/MaliciousIPCaller");
        assert_eq!(
            (s.severity, s.workflow(), s.product()),
            (Severity::High, Some("IN_PROGRESS"), "guardduty")
        );
        let ents: Vec<String> = s
            .own_entities()
            .unwrap_or_default()
            .iter()
            .map(|e| e.to_string())
            .collect();
        for want in [
            "iam_user:alice",
            "access_key:AKIAIOSFODNN7EXAMPLE",
            "ip:203.0.113.7",
        ] {
            assert!(ents.contains(&want.to_string()), "{want} in {ents:?}");
        }
    }
}
