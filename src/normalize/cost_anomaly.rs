//! Cost Anomaly Detection (`ce:GetAnomalies` output) → monitor signals: what was spent against
//! what was expected, and the root causes (service, account, region, usage type). A sudden bill
//! is often the first sign of stolen credentials running instances.

use super::finding_parts::Draft;
use super::json_path::{array_at, f64_at, str_at};
use crate::model::{EntityKind, Severity, Signal, Source};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde_json::Value;

/// A `GetAnomalies` anomaly: `AnomalyId`, `Impact` and a `MonitorArn` or `AnomalyScore`.
pub fn is_anomaly(v: &Value) -> bool {
    v.get("AnomalyId").is_some()
        && v.get("Impact").is_some()
        && (v.get("MonitorArn").is_some() || v.get("AnomalyScore").is_some())
}

/// Cost Explorer's dates are days (`2026-11-28`); some outputs carry a full time.
fn day(v: &Value, key: &str) -> Option<DateTime<Utc>> {
    let s = str_at(v, &[key])?;
    crate::model::time::parse_str(s).or_else(|| {
        let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
        Some(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0)?))
    })
}

/// By the money: a responder's threshold, not AWS's (its score is not a severity).
fn severity(impact: f64) -> Severity {
    match impact {
        i if i >= 1000.0 => Severity::High,
        i if i >= 100.0 => Severity::Medium,
        i if i > 0.0 => Severity::Low,
        _ => Severity::Info,
    }
}

pub fn normalize(v: &Value) -> Result<Signal, super::RecordError> {
    let id = str_at(v, &["AnomalyId"]).ok_or("cost anomaly has no AnomalyId")?;
    let impact = f64_at(v, &["Impact", "TotalImpact"])
        .or_else(|| f64_at(v, &["Impact", "MaxImpact"]))
        .unwrap_or(0.0);
    let actual = f64_at(v, &["Impact", "TotalActualSpend"]);
    let expected = f64_at(v, &["Impact", "TotalExpectedSpend"]);
    let percent = f64_at(v, &["Impact", "TotalImpactPercentage"]);
    let causes = array_at(v, &["RootCauses"]);
    let service = causes.iter().find_map(|c| str_at(c, &["Service"]));
    let dimension = str_at(v, &["DimensionValue"]);
    let start = day(v, "AnomalyStartDate");
    let end = day(v, "AnomalyEndDate");
    let mut d = Draft {
        id: format!("cost-anomaly:{id}"),
        time: end.or(start),
        updated: end,
        severity: severity(impact),
        kind: format!("CostAnomaly:{}", service.or(dimension).unwrap_or("spend")),
        title: format!(
            "Cost anomaly in {}",
            dimension.or(service).unwrap_or("spend")
        ),
        reason: format!(
            "Cost Anomaly Detection: ${impact:.2} over expected{}",
            f64_at(v, &["AnomalyScore", "MaxScore"])
                .map(|s| format!(" (score {s:.2})"))
                .unwrap_or_default()
        ),
        account: causes
            .iter()
            .find_map(|c| str_at(c, &["LinkedAccount"]))
            .map(str::to_string),
        region: causes
            .iter()
            .find_map(|c| str_at(c, &["Region"]))
            .map(str::to_string),
        category: Some("cost".into()),
        product: Some("costanomaly".into()),
        ..Draft::default()
    };
    let money = |x: Option<f64>| x.map(|x| format!("${x:.2}")).unwrap_or_else(|| "?".into());
    let mut summary = format!(
        "{} spent, {} expected (+${impact:.2}{})",
        money(actual),
        money(expected),
        percent.map(|p| format!(", +{p:.0}%")).unwrap_or_default()
    );
    let listed: Vec<String> = causes
        .iter()
        .take(3)
        .map(|c| {
            [
                str_at(c, &["Service"]),
                str_at(c, &["UsageType"]),
                str_at(c, &["Region"]),
                str_at(c, &["LinkedAccount"]),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
        })
        .filter(|c| !c.is_empty())
        .collect();
    if !listed.is_empty() {
        summary.push_str(&format!("; root cause {}", listed.join("; ")));
    }
    d.summary = summary;
    for c in causes {
        d.entities
            .kind(EntityKind::Account, str_at(c, &["LinkedAccount"]));
    }
    d.build(
        Source::Monitors,
        "cost anomaly has no readable AnomalyStartDate or AnomalyEndDate",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn spend_against_expected_and_the_root_cause() {
        let a = json!({"AnomalyId": "a1b2", "AnomalyStartDate": "2026-11-28", "AnomalyEndDate": "2026-11-28",
            "DimensionValue": "Amazon Elastic Compute Cloud - Compute",
            "RootCauses": [{"Service": "Amazon Elastic Compute Cloud - Compute", "Region": "us-east-1",
                "LinkedAccount": "111122223333", "UsageType": "BoxUsage:p3.16xlarge"}],
            "AnomalyScore": {"MaxScore": 0.97, "CurrentScore": 0.97},
            "Impact": {"MaxImpact": 1650.0, "TotalImpact": 1650.0, "TotalActualSpend": 1712.4, "TotalExpectedSpend": 62.4, "TotalImpactPercentage": 2644.2},
            "MonitorArn": "arn:aws:ce::111122223333:anomalymonitor/m1"});
        assert!(is_anomaly(&a));
        let s = normalize(&a).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (s.source, s.severity, s.product()),
            (Source::Monitors, Severity::High, "costanomaly")
        );
        assert_eq!(s.id.to_string(), "cost-anomaly:a1b2");
        assert_eq!(
            s.summary(),
            "$1712.40 spent, $62.40 expected (+$1650.00, +2644%); root cause Amazon Elastic Compute Cloud - Compute BoxUsage:p3.16xlarge us-east-1 111122223333"
        );
        assert_eq!(s.time.to_rfc3339(), "2026-11-28T00:00:00+00:00");
    }
}
