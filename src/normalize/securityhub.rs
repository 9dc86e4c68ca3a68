//! Security Hub findings in ASFF (`GetFindings`, `BatchImportFindings` input, the "Security Hub
//! Findings - Imported" / "- Custom Action" EventBridge events) → signals.
//!
//! Security Hub is where GuardDuty, Macie, Inspector, Config, Access Analyzer, its own controls
//! and partner products meet. A finding another service made keeps that service as its
//! `product`; one of GuardDuty's (or Inspector's, Macie's) takes the id the service itself gives
//! it, so the copy read here and the one read from the service become one row
//! (`finding_parts::native_id`).

use super::finding_parts::{
    first_sentence, guardduty_type, native_id, product_of, severity_normalized, severity_word,
    time_at, walk_addresses, Draft, MAX_SCANNED,
};
use super::json_path::{array_at, f64_at, get, path, str_at};
use super::Envelope;
use crate::model::{EntityKind, Signal, Source};
use serde_json::Value;

/// An ASFF finding: `SchemaVersion`, `Id`, `ProductArn` and an account or resources.
pub fn is_finding(v: &Value) -> bool {
    v.get("ProductArn").is_some()
        && v.get("Id").is_some()
        && (v.get("AwsAccountId").is_some() || v.get("Resources").is_some())
}

/// A Security Hub EventBridge event (`source` aws.securityhub, `detail.findings`).
pub fn is_event(v: &Value) -> bool {
    str_at(v, &["source"]) == Some("aws.securityhub")
        || str_at(v, &["detail-type"]).is_some_and(|d| d.starts_with("Security Hub Findings"))
}

/// An event holding other than one finding, as one event per finding (each with the envelope);
/// `None` for anything else. Custom actions and imports carry several findings in one event.
pub fn split_event(v: &Value) -> Option<Vec<Value>> {
    if !is_event(v) {
        return None;
    }
    let findings = path(v, &["detail", "findings"])?.as_array()?;
    if findings.len() == 1 {
        return None;
    }
    Some(
        findings
            .iter()
            .map(|f| {
                let mut one = v.clone();
                if let Some(d) = one.get_mut("detail").and_then(Value::as_object_mut) {
                    d.insert("findings".into(), Value::Array(vec![f.clone()]));
                }
                one
            })
            .collect(),
    )
}

/// The single finding of an event (`split_event` made every event hold one).
pub fn event_finding(v: &Value) -> Result<&Value, super::RecordError> {
    match array_at(v, &["detail", "findings"]) {
        [one] => Ok(one),
        [] => Err("Security Hub event has no findings".into()),
        _ => Err("Security Hub event holds several findings".into()),
    }
}

pub fn normalize(f: &Value, env: &Envelope) -> Result<Signal, super::RecordError> {
    let id = str_at(f, &["Id"]).ok_or("Security Hub finding has no Id")?;
    let product_arn = str_at(f, &["ProductArn"]);
    let product_name = str_at(f, &["ProductName"])
        .or_else(|| str_at(f, &["ProductFields", "aws/securityhub/ProductName"]));
    let product = product_of(product_arn, product_name)
        .or_else(|| product_name.map(super::finding_parts::product_named));
    let mut d = Draft {
        id: native_id(product.as_deref(), id).unwrap_or_else(|| format!("securityhub:{id}")),
        updated: time_at(f, &[&["UpdatedAt"]]),
        time: time_at(
            f,
            &[
                &["UpdatedAt"],
                &["LastObservedAt"],
                &["CreatedAt"],
                &["ProcessedAt"],
                &["FirstObservedAt"],
            ],
        ),
        ..Draft::default()
    };
    let types: Vec<&str> = array_at(f, &["Types"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    d.kind = kind(f, product.as_deref(), &types);
    d.title = str_at(f, &["Title"]).unwrap_or(&d.kind).to_string();
    let label = str_at(f, &["Severity", "Label"])
        .or_else(|| str_at(f, &["FindingProviderFields", "Severity", "Label"]));
    let normalized = f64_at(f, &["Severity", "Normalized"]);
    d.severity = label
        .and_then(severity_word)
        .or_else(|| normalized.map(severity_normalized))
        .or_else(|| f64_at(f, &["Severity", "Product"]).map(|p| severity_normalized(p * 10.0)))
        .unwrap_or_default();
    let workflow = str_at(f, &["Workflow", "Status"])
        .or_else(|| str_at(f, &["WorkflowState"]))
        .unwrap_or("NEW")
        .to_ascii_uppercase();
    let record = str_at(f, &["RecordState"]).unwrap_or("ACTIVE");
    let compliance = str_at(f, &["Compliance", "Status"]);
    let mut reason = format!(
        "Security Hub severity {}",
        label
            .map(str::to_string)
            .or_else(|| normalized.map(|n| n.to_string()))
            .unwrap_or("?".into())
    );
    for (what, value) in [
        ("compliance", compliance),
        ("record", Some(record).filter(|r| *r != "ACTIVE")),
    ] {
        if let Some(v) = value {
            reason.push_str(&format!("; {what} {v}"));
        }
    }
    reason.push_str(&format!("; workflow {workflow}"));
    d.reason = reason;
    d.workflow = Some(workflow);
    d.account = str_at(f, &["AwsAccountId"])
        .map(str::to_string)
        .or_else(|| env.account.clone());
    d.region = str_at(f, &["Region"])
        .or_else(|| {
            array_at(f, &["Resources"])
                .iter()
                .find_map(|r| str_at(r, &["Region"]))
        })
        .map(str::to_string)
        .or_else(|| env.region.clone());
    d.category = array_at(f, &["Resources"])
        .first()
        .and_then(|r| str_at(r, &["Type"]))
        .map(str::to_string);
    d.product = product;
    entities(f, &mut d);
    d.summary = summary(f, compliance, &d);
    d.build(
        Source::SecurityHub,
        "Security Hub finding has no readable UpdatedAt, CreatedAt or LastObservedAt",
    )
}

/// What the "type" column shows: GuardDuty's own finding type for its findings, the control id
/// for a control's (`S3.1`, `CIS 1.13`, `PCI.Lambda.2`), else the most specific type.
fn kind(f: &Value, product: Option<&str>, types: &[&str]) -> String {
    if product == Some("guardduty") {
        if let Some(t) = types.iter().find_map(|t| guardduty_type(t)) {
            return t;
        }
    }
    let control = str_at(f, &["Compliance", "SecurityControlId"])
        .or_else(|| str_at(f, &["ProductFields", "ControlId"]))
        .map(str::to_string)
        .or_else(|| {
            let rule = str_at(f, &["ProductFields", "RuleId"])?;
            let cis =
                str_at(f, &["GeneratorId"]).is_some_and(|g| g.contains("cis-aws-foundations"));
            Some(if cis {
                format!("CIS {rule}")
            } else {
                rule.to_string()
            })
        });
    if let Some(c) = control {
        return c;
    }
    if let Some(g) = str_at(f, &["GeneratorId"]).filter(|g| g.contains("cis-aws-foundations")) {
        if let Some(rule) = g.rsplit('/').next() {
            return format!("CIS {rule}");
        }
    }
    types
        .first()
        .map(|t| t.rsplit('/').next().unwrap_or(t).to_string())
        .or_else(|| {
            str_at(f, &["GeneratorId"]).map(|g| g.rsplit('/').next().unwrap_or(g).to_string())
        })
        .unwrap_or_else(|| "Security Hub finding".into())
}

fn entities(f: &Value, d: &mut Draft) {
    let e = &mut d.entities;
    for r in e.scan(array_at(f, &["Resources"])) {
        let rtype = str_at(r, &["Type"]).unwrap_or("");
        let rid = str_at(r, &["Id"]);
        match rtype {
            "AwsS3Bucket" if rid.is_some_and(|i| !i.starts_with("arn:")) => {
                e.kind(EntityKind::Bucket, rid)
            }
            "AwsAccount" => e.resource(rid.map(|i| i.rsplit(':').next().unwrap_or(i))),
            _ => e.resource(rid),
        }
        let details = get(r, "Details");
        if let Some(key) = details.and_then(|x| get(x, "AwsIamAccessKey")) {
            let user = str_at(key, &["UserName"]).or_else(|| str_at(key, &["PrincipalName"]));
            let role = str_at(key, &["PrincipalType"]).is_some_and(|t| t.contains("Role"));
            e.kind(
                if role {
                    EntityKind::IamRole
                } else {
                    EntityKind::IamUser
                },
                user,
            );
            if d.actor.is_none() {
                d.actor = user.map(str::to_string);
            }
            e.push(str_at(key, &["AccessKeyId"]).and_then(crate::model::Entity::from_id));
        }
        if let Some(inst) = details.and_then(|x| get(x, "AwsEc2Instance")) {
            e.resource(str_at(inst, &["IamInstanceProfileArn"]));
        }
    }
    for key in ["Network", "Action"] {
        if let Some(v) = get(f, key) {
            walk_addresses(v, key, e, 0);
        }
    }
    // GuardDuty's and partners' fields flattened into ProductFields ("…/remoteIpDetails/ipAddressV4").
    if let Some(Value::Object(pf)) = get(f, "ProductFields") {
        // Fields, not entities: past the first `MAX_SCANNED` they are not read (nor counted).
        for (k, v) in pf.iter().take(MAX_SCANNED) {
            let k = k.to_ascii_lowercase();
            if let Value::String(s) = v {
                if k.ends_with("ipaddressv4")
                    || k.ends_with("ipaddressv6")
                    || k.ends_with("accesskeyid")
                {
                    walk_addresses(v, k.rsplit('/').next().unwrap_or(&k), e, 0);
                } else if k.ends_with("accesskeydetails/username") {
                    e.kind(EntityKind::IamUser, Some(s));
                    if d.actor.is_none() {
                        d.actor = Some(s.clone());
                    }
                }
            }
        }
    }
    for v in e.scan(array_at(f, &["Vulnerabilities"])) {
        e.kind(EntityKind::Other, str_at(v, &["Id"]));
    }
}

/// "FAILED · AwsS3Bucket arn:aws:s3:::logs: the first sentence of the description".
fn summary(f: &Value, compliance: Option<&str>, d: &Draft) -> String {
    let resources = array_at(f, &["Resources"]);
    let first = resources.first().map(|r| {
        let t = str_at(r, &["Type"]).unwrap_or("resource");
        let id = str_at(r, &["Id"]).unwrap_or("?");
        let more = match resources.len() {
            0 | 1 => String::new(),
            n => format!(" (+{} more)", n - 1),
        };
        format!("{t} {id}{more}")
    });
    let text = first_sentence(str_at(f, &["Description"]).unwrap_or(&d.title));
    let mut out = String::new();
    if let Some(c) = compliance {
        out.push_str(c);
        out.push_str(" · ");
    }
    if let Some(r) = first {
        out.push_str(&r);
        out.push_str(": ");
    }
    out.push_str(&text);
    out
}

/// A Security Hub finding history record (`GetFindingHistory`): recognised, holds no finding.
pub fn is_history_record(v: &Value) -> bool {
    v.get("FindingIdentifier").is_some() && v.get("UpdateTime").is_some()
}

#[cfg(test)]
mod tests;
