//! The detail view's fields of each finding and monitor format, as a responder reads them:
//! Security Hub (ASFF, OCSF), Macie, Inspector, Access Analyzer, CloudWatch alarms and cost
//! anomalies (`detail_findings` places them).

use super::detail_findings::{field, strings};
use crate::normalize::json_path::{array_at, f64_at, get, path, str_at};
use serde_json::Value;

pub(super) fn asff(f: &Value, out: &mut Vec<String>) -> &'static str {
    field(
        out,
        "Product",
        str_at(f, &["ProductName"])
            .or(str_at(f, &["ProductArn"]))
            .unwrap_or(""),
    );
    field(
        out,
        "Workflow",
        str_at(f, &["Workflow", "Status"])
            .or(str_at(f, &["WorkflowState"]))
            .unwrap_or("NEW"),
    );
    if let Some(n) = get(f, "Note") {
        field(
            out,
            "Note",
            format!(
                "{} — {}",
                str_at(n, &["Text"]).unwrap_or(""),
                str_at(n, &["UpdatedBy"]).unwrap_or("")
            ),
        );
    }
    field(out, "Record", str_at(f, &["RecordState"]).unwrap_or(""));
    if let Some(c) = get(f, "Compliance") {
        let control = str_at(c, &["SecurityControlId"]).unwrap_or("");
        field(
            out,
            "Compliance",
            format!("{} {control}", str_at(c, &["Status"]).unwrap_or("")).trim(),
        );
        field(out, "Requirements", strings(c, &["RelatedRequirements"], 4));
    }
    field(out, "Types", strings(f, &["Types"], 3));
    field(out, "Generator", str_at(f, &["GeneratorId"]).unwrap_or(""));
    let seen = (
        str_at(f, &["FirstObservedAt"]),
        str_at(f, &["LastObservedAt"]),
    );
    if let (Some(a), Some(b)) = seen {
        field(out, "Observed", format!("{a} → {b}"));
    }
    for res in array_at(f, &["Resources"]).iter().take(8) {
        field(
            out,
            "Resource",
            format!(
                "{} {}",
                str_at(res, &["Type"]).unwrap_or("?"),
                str_at(res, &["Id"]).unwrap_or("?")
            ),
        );
    }
    for v in array_at(f, &["Vulnerabilities"]).iter().take(5) {
        let packages: Vec<String> = array_at(v, &["VulnerablePackages"])
            .iter()
            .filter_map(|p| {
                Some(format!(
                    "{} {}",
                    str_at(p, &["Name"])?,
                    str_at(p, &["Version"]).unwrap_or("")
                ))
            })
            .collect();
        field(
            out,
            "Vulnerability",
            format!(
                "{} {}",
                str_at(v, &["Id"]).unwrap_or("?"),
                packages.join(", ")
            ),
        );
    }
    if let Some(rec) = path(f, &["Remediation", "Recommendation"]) {
        field(out, "Remediation", str_at(rec, &["Text"]).unwrap_or(""));
        field(out, "", str_at(rec, &["Url"]).unwrap_or(""));
    }
    "Security Hub (ASFF)"
}

pub(super) fn ocsf(f: &Value, out: &mut Vec<String>) -> &'static str {
    field(
        out,
        "Product",
        str_at(f, &["metadata", "product", "name"]).unwrap_or(""),
    );
    field(out, "Class", str_at(f, &["class_name"]).unwrap_or(""));
    field(out, "Status", str_at(f, &["status"]).unwrap_or(""));
    if let Some(c) = get(f, "compliance") {
        field(
            out,
            "Compliance",
            format!(
                "{} {}",
                str_at(c, &["status"]).unwrap_or(""),
                str_at(c, &["control"]).unwrap_or("")
            )
            .trim(),
        );
    }
    field(out, "Types", strings(f, &["finding_info", "types"], 3));
    for res in array_at(f, &["resources"]).iter().take(8) {
        field(
            out,
            "Resource",
            format!(
                "{} {}",
                str_at(res, &["type"]).unwrap_or("?"),
                str_at(res, &["uid"]).unwrap_or("?")
            ),
        );
    }
    field(
        out,
        "Remediation",
        str_at(f, &["remediation", "desc"]).unwrap_or(""),
    );
    "Security Hub (OCSF)"
}

pub(super) fn macie(f: &Value, out: &mut Vec<String>) -> &'static str {
    let bucket = path(f, &["resourcesAffected", "s3Bucket"]);
    field(out, "Category", str_at(f, &["category"]).unwrap_or(""));
    if let Some(b) = bucket {
        let access = str_at(b, &["publicAccess", "effectivePermission"]).unwrap_or("?");
        field(
            out,
            "Bucket",
            format!(
                "{} (public access: {access})",
                str_at(b, &["name"]).unwrap_or("?")
            ),
        );
    }
    if let Some(o) = path(f, &["resourcesAffected", "s3Object"]) {
        let size = f64_at(o, &["size"])
            .map(|s| format!(", {s} bytes"))
            .unwrap_or_default();
        field(
            out,
            "Object",
            format!("{}{size}", str_at(o, &["key"]).unwrap_or("?")),
        );
    }
    let result = path(f, &["classificationDetails", "result"]);
    for data in result
        .map(|r| array_at(r, &["sensitiveData"]))
        .unwrap_or(&[])
    {
        for det in array_at(data, &["detections"]) {
            field(
                out,
                "Found",
                format!(
                    "{} ×{} ({})",
                    str_at(det, &["type"]).unwrap_or("?"),
                    f64_at(det, &["count"]).unwrap_or(0.0),
                    str_at(data, &["category"]).unwrap_or("?")
                ),
            );
        }
    }
    field(
        out,
        "Job",
        str_at(f, &["classificationDetails", "jobArn"]).unwrap_or(""),
    );
    if let Some(p) = get(f, "policyDetails") {
        field(
            out,
            "Action",
            format!(
                "{} ({})",
                str_at(p, &["action", "apiCallDetails", "api"]).unwrap_or("?"),
                str_at(p, &["action", "apiCallDetails", "apiServiceName"]).unwrap_or("?")
            ),
        );
    }
    field(
        out,
        "",
        "Macie keeps the sensitive values themselves; airc never asks for them.",
    );
    "Macie"
}

pub(super) fn inspector(f: &Value, out: &mut Vec<String>) -> &'static str {
    field(out, "Status", str_at(f, &["status"]).unwrap_or(""));
    field(
        out,
        "Score",
        f64_at(f, &["inspectorScore"])
            .map(|s| s.to_string())
            .unwrap_or_default(),
    );
    field(
        out,
        "Exploit / fix",
        format!(
            "{} / {}",
            str_at(f, &["exploitAvailable"]).unwrap_or("?"),
            str_at(f, &["fixAvailable"]).unwrap_or("?")
        ),
    );
    if let Some(pv) = get(f, "packageVulnerabilityDetails") {
        field(
            out,
            "CVE",
            format!(
                "{} ({})",
                str_at(pv, &["vulnerabilityId"]).unwrap_or("?"),
                str_at(pv, &["source"]).unwrap_or("?")
            ),
        );
        for p in array_at(pv, &["vulnerablePackages"]).iter().take(8) {
            field(
                out,
                "Package",
                format!(
                    "{} {} → {}",
                    str_at(p, &["name"]).unwrap_or("?"),
                    str_at(p, &["version"]).unwrap_or("?"),
                    str_at(p, &["fixedInVersion"]).unwrap_or("no fix")
                ),
            );
        }
    }
    for res in array_at(f, &["resources"]).iter().take(8) {
        field(
            out,
            "Resource",
            format!(
                "{} {}",
                str_at(res, &["type"]).unwrap_or("?"),
                str_at(res, &["id"]).unwrap_or("?")
            ),
        );
    }
    field(
        out,
        "Remediation",
        str_at(f, &["remediation", "recommendation", "text"]).unwrap_or(""),
    );
    "Inspector"
}

pub(super) fn access(f: &Value, out: &mut Vec<String>) -> &'static str {
    field(out, "Status", str_at(f, &["status"]).unwrap_or(""));
    field(
        out,
        "Finding type",
        str_at(f, &["findingType"]).unwrap_or("ExternalAccess"),
    );
    field(
        out,
        "Resource",
        format!(
            "{} {}",
            str_at(f, &["resourceType"]).unwrap_or("?"),
            str_at(f, &["resource"]).unwrap_or("?")
        ),
    );
    let details: Vec<&Value> = std::iter::once(f)
        .chain(
            array_at(f, &["findingDetails"])
                .iter()
                .filter_map(|d| get(d, "externalAccessDetails")),
        )
        .collect();
    for d in details {
        if let Some(p) = get(d, "principal") {
            field(out, "Principal", p.to_string());
        }
        field(out, "Actions", strings(d, &["action"], 6));
        if let Some(c) =
            get(d, "condition").filter(|c| c.as_object().is_some_and(|m| !m.is_empty()))
        {
            field(out, "Condition", c.to_string());
        }
        if let Some(p) = get(d, "isPublic").and_then(Value::as_bool) {
            field(out, "Public", if p { "yes" } else { "no" });
        }
    }
    if let Some(c) = str_at(f, &["changeType"]) {
        field(
            out,
            "Preview",
            format!("{c}: the access a proposed policy would grant, not current access"),
        );
    }
    "IAM Access Analyzer"
}

pub(super) fn alarm(raw: &Value, out: &mut Vec<String>) -> &'static str {
    // An event's detail (camelCase) or a DescribeAlarms entry (PascalCase).
    field(
        out,
        "State",
        str_at(raw, &["state", "value"])
            .or(str_at(raw, &["StateValue"]))
            .unwrap_or(""),
    );
    field(
        out,
        "Was",
        str_at(raw, &["previousState", "value"]).unwrap_or(""),
    );
    field(
        out,
        "Reason",
        str_at(raw, &["state", "reason"])
            .or(str_at(raw, &["StateReason"]))
            .unwrap_or(""),
    );
    field(
        out,
        "Description",
        str_at(raw, &["configuration", "description"])
            .or(str_at(raw, &["AlarmDescription"]))
            .unwrap_or(""),
    );
    let metric = array_at(raw, &["configuration", "metrics"])
        .iter()
        .find_map(|m| path(m, &["metricStat", "metric"]));
    let (ns, name) = match metric {
        Some(m) => (str_at(m, &["namespace"]), str_at(m, &["name"])),
        None => (str_at(raw, &["Namespace"]), str_at(raw, &["MetricName"])),
    };
    if let (Some(ns), Some(name)) = (ns, name) {
        field(out, "Metric", format!("{ns} {name}"));
    }
    if let Some(t) = f64_at(raw, &["Threshold"]) {
        field(
            out,
            "Threshold",
            format!("{} {t}", str_at(raw, &["ComparisonOperator"]).unwrap_or("")),
        );
    }
    "CloudWatch alarm"
}

pub(super) fn anomaly(a: &Value, out: &mut Vec<String>) -> &'static str {
    let money = |k: &str| {
        f64_at(a, &["Impact", k])
            .map(|x| format!("${x:.2}"))
            .unwrap_or_else(|| "?".into())
    };
    field(
        out,
        "Spent",
        format!(
            "{} against {} expected",
            money("TotalActualSpend"),
            money("TotalExpectedSpend")
        ),
    );
    field(
        out,
        "Impact",
        format!(
            "{} ({}%)",
            money("TotalImpact"),
            f64_at(a, &["Impact", "TotalImpactPercentage"])
                .map(|p| format!("{p:.0}"))
                .unwrap_or("?".into())
        ),
    );
    field(
        out,
        "Period",
        format!(
            "{} → {}",
            str_at(a, &["AnomalyStartDate"]).unwrap_or("?"),
            str_at(a, &["AnomalyEndDate"]).unwrap_or("ongoing")
        ),
    );
    for c in array_at(a, &["RootCauses"]).iter().take(6) {
        let parts: Vec<&str> = ["Service", "UsageType", "Region", "LinkedAccount"]
            .iter()
            .filter_map(|k| str_at(c, &[k]))
            .collect();
        field(out, "Root cause", parts.join(" · "));
    }
    field(out, "Monitor", str_at(a, &["MonitorArn"]).unwrap_or(""));
    "Cost Anomaly Detection"
}
