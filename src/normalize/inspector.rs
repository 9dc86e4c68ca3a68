//! Amazon Inspector findings (inspector2 `ListFindings` output, "Inspector2 Finding"
//! EventBridge events) → signals: package vulnerabilities (the CVE, the packages and their fixed
//! versions), network reachability and code vulnerabilities, on instances, images and functions.

use super::finding_parts::{first_sentence, severity_word, time_at, Draft};
use super::json_path::{array_at, f64_at, get, path, str_at};
use super::Envelope;
use crate::model::{EntityKind, Signal, Source};
use serde_json::Value;

/// An Inspector finding: `findingArn`, `awsAccountId`, a `type` and `resources`.
pub fn is_finding(v: &Value) -> bool {
    v.get("findingArn").is_some() && v.get("awsAccountId").is_some() && v.get("type").is_some()
}

pub fn normalize(f: &Value, env: &Envelope) -> Result<Signal, super::RecordError> {
    let arn = str_at(f, &["findingArn"]).ok_or("Inspector finding has no findingArn")?;
    let ftype = str_at(f, &["type"]).unwrap_or("FINDING");
    let cve = str_at(f, &["packageVulnerabilityDetails", "vulnerabilityId"]);
    let status = str_at(f, &["status"]).unwrap_or("ACTIVE");
    let label = str_at(f, &["severity"]).unwrap_or("UNTRIAGED");
    let score = f64_at(f, &["inspectorScore"]);
    let mut d = Draft {
        id: format!("inspector:{arn}"),
        updated: time_at(f, &[&["updatedAt"]]),
        time: time_at(
            f,
            &[&["updatedAt"], &["lastObservedAt"], &["firstObservedAt"]],
        ),
        severity: severity_word(label).unwrap_or_default(),
        kind: cve.unwrap_or(ftype).to_string(),
        account: str_at(f, &["awsAccountId"])
            .map(str::to_string)
            .or_else(|| env.account.clone()),
        region: array_at(f, &["resources"])
            .iter()
            .find_map(|r| str_at(r, &["region"]))
            .map(str::to_string)
            .or_else(|| env.region.clone()),
        category: array_at(f, &["resources"])
            .first()
            .and_then(|r| str_at(r, &["type"]))
            .map(str::to_string),
        ..Draft::default()
    };
    d.title = str_at(f, &["title"]).unwrap_or(&d.kind).to_string();
    let flag = |k: &str| str_at(f, &[k]) == Some("YES");
    d.reason = format!(
        "Inspector severity {label}{}{}{}; status {status}",
        score.map(|s| format!(" (score {s})")).unwrap_or_default(),
        if flag("exploitAvailable") {
            "; exploit available"
        } else {
            ""
        },
        if flag("fixAvailable") {
            "; fix available"
        } else {
            ""
        },
    );
    let e = &mut d.entities;
    for r in e.scan(array_at(f, &["resources"])) {
        e.resource(str_at(r, &["id"]));
        let details = get(r, "details");
        if let Some(inst) = details.and_then(|x| get(x, "awsEc2Instance")) {
            e.kind(EntityKind::Other, str_at(inst, &["imageId"]));
            e.resource(str_at(inst, &["iamInstanceProfileArn"]));
        }
        if let Some(img) = details.and_then(|x| get(x, "awsEcrContainerImage")) {
            e.kind(EntityKind::Other, str_at(img, &["imageHash"]));
        }
    }
    e.kind(EntityKind::Other, cve);
    let target = array_at(f, &["resources"])
        .first()
        .and_then(|r| str_at(r, &["id"]));
    d.summary = summary(f, target, &d.title);
    d.build(
        Source::Inspector,
        "Inspector finding has no readable updatedAt or lastObservedAt",
    )
}

/// "CVE-2024-1 in openssl 1.0.2k (fixed in 1.0.2k-24) on i-0abc; exploit available", or the
/// first sentence of the description for other types.
fn summary(f: &Value, target: Option<&str>, title: &str) -> String {
    let on = target.map(|t| format!(" on {t}")).unwrap_or_default();
    let pv = get(f, "packageVulnerabilityDetails");
    let packages: Vec<String> = pv
        .map(|p| array_at(p, &["vulnerablePackages"]))
        .unwrap_or(&[])
        .iter()
        .take(3)
        .filter_map(|p| {
            let name = str_at(p, &["name"])?;
            let version = str_at(p, &["version"]).unwrap_or("");
            let fixed = str_at(p, &["fixedInVersion"])
                .filter(|v| *v != "NotAvailable")
                .map(|v| format!(" (fixed in {v})"))
                .unwrap_or_default();
            Some(format!("{name} {version}{fixed}").replace("  ", " "))
        })
        .collect();
    match (
        pv.and_then(|p| str_at(p, &["vulnerabilityId"])),
        packages.is_empty(),
    ) {
        (Some(cve), false) => format!("{cve} in {}{on}", packages.join(", ")),
        _ => {
            let port = path(f, &["networkReachabilityDetails", "openPortRange", "begin"])
                .and_then(Value::as_u64)
                .map(|p| format!(" (port {p} open)"))
                .unwrap_or_default();
            format!(
                "{}{port}{on}",
                first_sentence(str_at(f, &["description"]).unwrap_or(title))
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;
    use serde_json::json;

    #[test]
    fn a_package_vulnerability_on_an_instance() {
        let f = json!({
            "findingArn": "arn:aws:inspector2:us-east-1:111122223333:finding/0f1e2d", "awsAccountId": "111122223333",
            "type": "PACKAGE_VULNERABILITY", "severity": "CRITICAL", "inspectorScore": 9.8, "status": "ACTIVE",
            "exploitAvailable": "YES", "fixAvailable": "YES", "title": "CVE-2024-3094 - xz",
            "description": "Malicious code was discovered in the upstream tarballs of xz. More.",
            "firstObservedAt": "2026-01-01T00:00:00Z", "lastObservedAt": "2026-01-02T00:00:00Z", "updatedAt": "2026-01-02T00:00:00Z",
            "resources": [{"type": "AWS_EC2_INSTANCE", "id": "i-0c0ffee0c0ffee002", "region": "us-east-1",
                "details": {"awsEc2Instance": {"imageId": "ami-0abc1234"}}}],
            "packageVulnerabilityDetails": {"vulnerabilityId": "CVE-2024-3094", "source": "NVD",
                "vulnerablePackages": [{"name": "xz", "version": "5.6.0", "fixedInVersion": "5.6.1"}]}
        });
        assert!(is_finding(&f));
        let s = normalize(&f, &Envelope::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (s.severity, s.kind()),
            (Severity::Critical, "CVE-2024-3094")
        );
        assert_eq!(
            s.summary(),
            "CVE-2024-3094 in xz 5.6.0 (fixed in 5.6.1) on i-0c0ffee0c0ffee002"
        );
        assert!(s.severity_reason().contains("exploit available"));
        let ents: Vec<String> = s
            .own_entities()
            .unwrap_or_default()
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(
            ents,
            [
                "instance:i-0c0ffee0c0ffee002",
                "other:ami-0abc1234",
                "other:CVE-2024-3094"
            ]
        );
    }
}
