//! CloudWatch alarms in one region: `DescribeAlarms` (metric and composite alarms in ALARM)
//! and `DescribeAlarmHistory` (state updates since the last poll, so an alarm that fired and
//! recovered between two polls is still seen). CloudWatch answers in CBOR, which the console
//! does not keep: each alarm is written back in `DescribeAlarms`' JSON shape, the one the file
//! reader takes, so both become the same signal (`normalize::alarms`).

use super::errors::{classify, Problem};
use super::findings::{interval, normalize_all, outcome};
use super::poller::{self, send_items, Poll};
use super::Ctx;
use crate::model::Source;
use aws_config::SdkConfig;
use aws_sdk_cloudwatch::types::{
    AlarmHistoryItem, AlarmType, CompositeAlarm, HistoryItemType, MetricAlarm, StateValue,
};
use aws_sdk_cloudwatch::Client;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};
use std::time::Duration;

struct Poller {
    scope: String,
    pace_key: String,
    client: Client,
    region: String,
    last_poll: Option<DateTime<Utc>>,
    interval: Duration,
}

pub async fn run(ctx: Ctx, cfg: SdkConfig, region: String) {
    let p = Poller {
        scope: format!("cloudwatch {}/{region}", ctx.profile),
        pace_key: format!("cloudwatch/{}/{region}", ctx.profile),
        client: Client::new(&cfg),
        region,
        last_poll: None,
        interval: interval(&ctx.opts.poll, "cloudwatch"),
    };
    poller::run(ctx, p).await
}

fn time(t: Option<&aws_smithy_types::DateTime>) -> Value {
    t.and_then(|t| DateTime::from_timestamp_millis(t.to_millis().ok()?))
        .map(|t| Value::String(t.to_rfc3339_opts(SecondsFormat::Millis, true)))
        .unwrap_or(Value::Null)
}

/// Drops the keys the SDK left empty.
fn object(pairs: Vec<(&str, Value)>) -> Value {
    let m: Map<String, Value> = pairs
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    Value::Object(m)
}

/// A metric alarm as `DescribeAlarms` writes it in JSON.
pub fn metric_alarm_json(a: &MetricAlarm) -> Value {
    let dims = |d: &[aws_sdk_cloudwatch::types::Dimension]| -> Value {
        d.iter()
            .map(|d| json!({"Name": d.name(), "Value": d.value()}))
            .collect()
    };
    let metrics: Vec<Value> = a
        .metrics()
        .iter()
        .map(|m| {
            let stat = m.metric_stat().and_then(|s| s.metric()).map(|x| {
                json!({"Metric": {"Namespace": x.namespace(), "MetricName": x.metric_name(), "Dimensions": dims(x.dimensions())}})
            });
            object(vec![("Id", json!(m.id())), ("MetricStat", stat.unwrap_or(Value::Null)), ("Expression", json!(m.expression()))])
        })
        .collect();
    object(vec![
        ("AlarmName", json!(a.alarm_name())),
        ("AlarmArn", json!(a.alarm_arn())),
        ("AlarmDescription", json!(a.alarm_description())),
        ("StateValue", json!(a.state_value().map(StateValue::as_str))),
        ("StateReason", json!(a.state_reason())),
        ("StateUpdatedTimestamp", time(a.state_updated_timestamp())),
        (
            "StateTransitionedTimestamp",
            time(a.state_transitioned_timestamp()),
        ),
        ("MetricName", json!(a.metric_name())),
        ("Namespace", json!(a.namespace())),
        (
            "Dimensions",
            if a.dimensions().is_empty() {
                Value::Null
            } else {
                dims(a.dimensions())
            },
        ),
        (
            "Metrics",
            if metrics.is_empty() {
                Value::Null
            } else {
                Value::Array(metrics)
            },
        ),
        ("Threshold", json!(a.threshold())),
        (
            "ComparisonOperator",
            json!(a.comparison_operator().map(|c| c.as_str())),
        ),
    ])
}

/// A composite alarm the same way.
pub fn composite_alarm_json(a: &CompositeAlarm) -> Value {
    object(vec![
        ("AlarmName", json!(a.alarm_name())),
        ("AlarmArn", json!(a.alarm_arn())),
        ("AlarmDescription", json!(a.alarm_description())),
        ("AlarmRule", json!(a.alarm_rule())),
        ("StateValue", json!(a.state_value().map(StateValue::as_str))),
        ("StateReason", json!(a.state_reason())),
        ("StateUpdatedTimestamp", time(a.state_updated_timestamp())),
        (
            "StateTransitionedTimestamp",
            time(a.state_transitioned_timestamp()),
        ),
    ])
}

/// A history item as `DescribeAlarmHistory` writes it.
pub fn history_json(h: &AlarmHistoryItem) -> Value {
    object(vec![
        ("AlarmName", json!(h.alarm_name())),
        ("AlarmType", json!(h.alarm_type().map(AlarmType::as_str))),
        ("Timestamp", time(h.timestamp())),
        (
            "HistoryItemType",
            json!(h.history_item_type().map(HistoryItemType::as_str)),
        ),
        ("HistorySummary", json!(h.history_summary())),
        ("HistoryData", json!(h.history_data())),
    ])
}

impl Poll for Poller {
    fn source(&self) -> Source {
        Source::Monitors
    }
    fn scope(&self) -> String {
        self.scope.clone()
    }
    fn interval(&self) -> Duration {
        self.interval
    }
    async fn poll(&mut self, ctx: &Ctx, account: &str) -> Result<Option<String>, Problem> {
        let started = Utc::now();
        let mut records = Vec::new();
        let mut token: Option<String> = None;
        let mut pages = 0;
        loop {
            ctx.check_paused()?;
            ctx.findings_pacers.other.acquire(&self.pace_key).await;
            let out = match self
                .client
                .describe_alarms()
                .state_value(StateValue::Alarm)
                .alarm_types(AlarmType::MetricAlarm)
                .alarm_types(AlarmType::CompositeAlarm)
                .max_records(100)
                .set_next_token(token.take())
                .send()
                .await
            {
                Ok(o) => o,
                Err(e) => return outcome(e, "CloudWatch", "cloudwatch:DescribeAlarms"),
            };
            records.extend(out.metric_alarms().iter().map(metric_alarm_json));
            records.extend(out.composite_alarms().iter().map(composite_alarm_json));
            match super::findings::more(out.next_token(), &mut pages) {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        // The alarms in ALARM go to the pane now: a history that cannot be read (a missing
        // permission) is said, and does not hold them back.
        let env = json!({"account": account, "region": self.region});
        let place_all = |records: Vec<Value>| -> Vec<crate::normalize::Normalized> {
            normalize_all("CloudWatch alarm", records)
                .into_iter()
                .map(|n| place(n, &env))
                .collect()
        };
        send_items(ctx, place_all(std::mem::take(&mut records)));
        // State changes since the last poll (the first: the --since window).
        let from = match self.last_poll {
            Some(t) => crate::model::time::minus(t, Duration::from_secs(60)),
            None => crate::model::time::minus(started, ctx.opts.since),
        };
        let mut pages = 0;
        loop {
            ctx.check_paused()?;
            ctx.findings_pacers.other.acquire(&self.pace_key).await;
            let out = self
                .client
                .describe_alarm_history()
                .history_item_type(HistoryItemType::StateUpdate)
                .start_date(aws_smithy_types::DateTime::from_millis(
                    from.timestamp_millis(),
                ))
                .end_date(aws_smithy_types::DateTime::from_millis(
                    Utc::now().timestamp_millis(),
                ))
                .max_records(100)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| classify(&e, "cloudwatch:DescribeAlarmHistory"))?;
            records.extend(out.alarm_history_items().iter().map(history_json));
            match super::findings::more(out.next_token(), &mut pages) {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        // The history's episodes, in the account and region they were read from (a history
        // item carries neither).
        send_items(ctx, place_all(records));
        self.last_poll = Some(started);
        Ok(None)
    }
}

/// A history item's signal, placed in the account and region it was read from.
fn place(mut n: crate::normalize::Normalized, env: &Value) -> crate::normalize::Normalized {
    if let crate::normalize::Normalized::Signal(s) = &mut n {
        if s.account().is_none() {
            let f = s.facets_mut();
            f.account = env["account"].as_str().map(crate::model::Text::from);
            f.region = env["region"].as_str().map(crate::model::Text::from);
        }
    }
    n
}
