//! CloudWatch alarms → monitor signals: "CloudWatch Alarm State Change" EventBridge events,
//! `DescribeAlarms` output (metric and composite alarms) and `DescribeAlarmHistory` state
//! updates. Billing (`AWS/Billing` `EstimatedCharges`) and Route 53 health-check alarms are
//! recognised as such.
//!
//! One alarm episode is one signal whichever way it was read: the id is the alarm's name and
//! the time it entered its state (`cloudwatch-alarm:NAME@TIME`), which the event, the alarm's
//! description and its history all carry.

use super::finding_parts::{time_at, Draft, Entities};
use super::json_path::{array_at, get, path, str_at};
use super::Envelope;
use crate::model::{EntityKind, Severity, Signal, Source};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

/// A `DescribeAlarms` metric or composite alarm.
pub fn is_alarm(v: &Value) -> bool {
    v.get("AlarmName").is_some()
        && v.get("StateValue").is_some()
        && (v.get("MetricName").is_some()
            || v.get("Metrics").is_some()
            || v.get("AlarmRule").is_some())
}

/// A `DescribeAlarmHistory` item.
pub fn is_history_item(v: &Value) -> bool {
    v.get("AlarmName").is_some()
        && v.get("HistoryItemType").is_some()
        && v.get("Timestamp").is_some()
}

/// The parts every form gives.
struct Alarm<'a> {
    name: &'a str,
    state: String,
    previous: Option<String>,
    reason: Option<String>,
    at: DateTime<Utc>,
    namespace: Option<&'a str>,
    metric: Option<&'a str>,
    dimensions: Vec<(&'a str, &'a str)>,
    description: Option<&'a str>,
    arn: Option<&'a str>,
    composite: bool,
}

fn id_of(name: &str, at: DateTime<Utc>) -> String {
    format!(
        "cloudwatch-alarm:{name}@{}",
        at.to_rfc3339_opts(SecondsFormat::Millis, true)
    )
}

/// What kind of alarm it is, for the type column, the severity and routing.
fn class(a: &Alarm) -> (&'static str, Severity) {
    match (a.namespace, a.metric) {
        (Some("AWS/Billing"), _) => ("billing", Severity::High),
        (Some("AWS/Route53"), Some("HealthCheckStatus" | "HealthCheckPercentageHealthy")) => {
            ("route53-health-check", Severity::High)
        }
        _ if a.composite => ("composite", Severity::Medium),
        _ => ("metric", Severity::Medium),
    }
}

fn build(a: Alarm, env: &Envelope) -> Result<Signal, super::RecordError> {
    let (category, in_alarm) = class(&a);
    let severity = if a.state == "ALARM" {
        in_alarm
    } else {
        Severity::Info
    };
    let kind = match (category, a.namespace, a.metric) {
        ("composite", _, _) => "CloudWatchAlarm:Composite".to_string(),
        (_, Some(ns), Some(m)) => format!("CloudWatchAlarm:{ns}/{m}"),
        _ => "CloudWatchAlarm:Metrics".to_string(),
    };
    let arn_part = |i: usize| {
        a.arn
            .and_then(|arn| arn.split(':').nth(i))
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let mut d = Draft {
        id: id_of(a.name, a.at),
        time: Some(a.at),
        updated: Some(a.at),
        severity,
        kind,
        title: a.name.to_string(),
        reason: format!(
            "CloudWatch alarm {}{}",
            a.state,
            match category {
                "billing" => " (billing: estimated charges)",
                "route53-health-check" => " (Route 53 health check)",
                _ => "",
            }
        ),
        account: arn_part(4).or_else(|| env.account.clone()),
        region: arn_part(3).or_else(|| env.region.clone()),
        category: Some(category.into()),
        product: Some("cloudwatch".into()),
        ..Draft::default()
    };
    d.summary = format!(
        "{}{}: {}",
        a.state,
        a.previous
            .map(|p| format!(" (was {p})"))
            .unwrap_or_default(),
        a.reason.as_deref().or(a.description).unwrap_or(a.name)
    );
    dimensions(&a.dimensions, &mut d.entities);
    d.build(Source::Monitors, "CloudWatch alarm has no time")
}

/// Dimensions that name something a responder pivots on.
fn dimensions(dims: &[(&str, &str)], e: &mut Entities) {
    for (name, value) in dims {
        match *name {
            "InstanceId" => e.kind(EntityKind::Instance, Some(value)),
            "BucketName" => e.kind(EntityKind::Bucket, Some(value)),
            "LinkedAccount" => e.kind(EntityKind::Account, Some(value)),
            "HealthCheckId" => e.kind(
                EntityKind::Other,
                Some(&format!("route53-healthcheck/{value}")),
            ),
            "FunctionName"
            | "DBInstanceIdentifier"
            | "AutoScalingGroupName"
            | "LoadBalancer"
            | "QueueName" => e.kind(EntityKind::Other, Some(value)),
            _ => {}
        }
    }
}

fn dims_of<'a>(list: &'a [Value], name_key: &str, value_key: &str) -> Vec<(&'a str, &'a str)> {
    list.iter()
        .filter_map(|d| Some((str_at(d, &[name_key])?, str_at(d, &[value_key])?)))
        .collect()
}

/// A `DescribeAlarms` `MetricAlarms` / `CompositeAlarms` entry.
pub fn from_describe(v: &Value, env: &Envelope) -> Result<Signal, super::RecordError> {
    let name = str_at(v, &["AlarmName"]).ok_or("alarm has no AlarmName")?;
    let at = time_at(
        v,
        &[&["StateTransitionedTimestamp"], &["StateUpdatedTimestamp"]],
    )
    .ok_or("alarm has no readable StateUpdatedTimestamp")?;
    // A metric-math alarm: the billing metric (or the first) names the namespace, every
    // metric's dimensions (the instances it watches) are its entities.
    let stats: Vec<&Value> = array_at(v, &["Metrics"])
        .iter()
        .filter_map(|m| path(m, &["MetricStat", "Metric"]))
        .collect();
    let stat = stats
        .iter()
        .find(|m| str_at(m, &["Namespace"]) == Some("AWS/Billing"))
        .or(stats.first())
        .copied();
    let (namespace, metric, dims) = match stat {
        Some(m) if v.get("MetricName").is_none() => (
            str_at(m, &["Namespace"]),
            str_at(m, &["MetricName"]),
            stats
                .iter()
                .flat_map(|m| dims_of(array_at(m, &["Dimensions"]), "Name", "Value"))
                .collect(),
        ),
        _ => (
            str_at(v, &["Namespace"]),
            str_at(v, &["MetricName"]),
            dims_of(array_at(v, &["Dimensions"]), "Name", "Value"),
        ),
    };
    build(
        Alarm {
            name,
            state: str_at(v, &["StateValue"]).unwrap_or("?").to_string(),
            previous: None,
            reason: str_at(v, &["StateReason"]).map(str::to_string),
            at,
            namespace,
            metric,
            dimensions: dims,
            description: str_at(v, &["AlarmDescription"]),
            arn: str_at(v, &["AlarmArn"]),
            composite: v.get("AlarmRule").is_some(),
        },
        env,
    )
}

/// A "CloudWatch Alarm State Change" event.
pub fn from_event(v: &Value) -> Result<Signal, super::RecordError> {
    let detail = get(v, "detail").ok_or("EventBridge event has no detail")?;
    let name = str_at(detail, &["alarmName"]).ok_or("alarm event has no alarmName")?;
    let at = time_at(detail, &[&["state", "timestamp"]])
        .or_else(|| time_at(v, &[&["time"]]))
        .ok_or("alarm event has no readable state.timestamp")?;
    // A metric-math alarm names several metrics: the billing one (if any) says what kind of
    // alarm it is, and every metric's dimensions (the instances it watches) are its entities.
    let metrics: Vec<&Value> = array_at(detail, &["configuration", "metrics"])
        .iter()
        .filter_map(|m| path(m, &["metricStat", "metric"]))
        .collect();
    let metric = metrics
        .iter()
        .find(|m| str_at(m, &["namespace"]) == Some("AWS/Billing"))
        .or(metrics.first())
        .copied();
    let dims: Vec<(&str, &str)> = metrics
        .iter()
        .filter_map(|m| get(m, "dimensions").and_then(Value::as_object))
        .flat_map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.as_str(), v.as_str()?)))
        })
        .collect();
    let env = Envelope {
        account: str_at(v, &["account"]).map(str::to_string),
        region: str_at(v, &["region"]).map(str::to_string),
        ..Envelope::default()
    };
    build(
        Alarm {
            name,
            state: str_at(detail, &["state", "value"])
                .unwrap_or("?")
                .to_string(),
            previous: str_at(detail, &["previousState", "value"]).map(str::to_string),
            reason: str_at(detail, &["state", "reason"]).map(str::to_string),
            at,
            namespace: metric.and_then(|m| str_at(m, &["namespace"])),
            metric: metric.and_then(|m| str_at(m, &["name"])),
            dimensions: dims,
            description: str_at(detail, &["configuration", "description"]),
            arn: array_at(v, &["resources"]).first().and_then(Value::as_str),
            composite: path(detail, &["configuration", "alarmRule"]).is_some(),
        },
        &env,
    )
}

/// A `DescribeAlarmHistory` item: a state update is an episode (`Ok(Some)`), the others
/// (configuration changes, actions) hold none.
pub fn from_history(v: &Value, env: &Envelope) -> Result<Option<Signal>, super::RecordError> {
    if str_at(v, &["HistoryItemType"]) != Some("StateUpdate") {
        return Ok(None);
    }
    let name = str_at(v, &["AlarmName"]).ok_or("history item has no AlarmName")?;
    let data: Value = match get(v, "HistoryData") {
        Some(Value::String(s)) => {
            serde_json::from_str(s).map_err(|e| format!("HistoryData is not JSON: {e}"))?
        }
        Some(other) => other.clone(),
        None => Value::Null,
    };
    // When the new state began, as the alarm's own StateTransitionedTimestamp says it.
    let at = time_at(v, &[&["Timestamp"]]).ok_or("history item has no readable Timestamp")?;
    let mut s = build(
        Alarm {
            name,
            state: str_at(&data, &["newState", "stateValue"])
                .unwrap_or("?")
                .to_string(),
            previous: str_at(&data, &["oldState", "stateValue"]).map(str::to_string),
            reason: str_at(&data, &["newState", "stateReason"])
                .or_else(|| str_at(v, &["HistorySummary"]))
                .map(str::to_string),
            at,
            namespace: None,
            metric: None,
            dimensions: Vec::new(),
            description: None,
            arn: None,
            composite: str_at(v, &["AlarmType"]) == Some("CompositeAlarm"),
        },
        env,
    )?;
    // The alarm's own description of the episode (namespace, metric, dimensions) replaces this
    // one when both are read: it has no update time, theirs do.
    if let Some(r) = s.rare.as_mut() {
        r.updated = None;
    }
    if s.rare
        .as_deref()
        .is_some_and(|r| *r == crate::model::Rare::default())
    {
        s.rare = None;
    }
    Ok(Some(s))
}

#[cfg(test)]
mod tests;
