//! Recognises what a JSON record is, by its own keys, and dispatches it to the right normalizer.

use super::json_path::{get, has, str_at};
use super::{cloudtrail, guardduty, health, nested, Envelope, Options};
use crate::model::Signal;
use serde_json::Value;

pub use super::record_kind::RecordKind;

/// A signal on its way to the store, with what the correlation rules need from its record: the
/// store runs them (`detect`) and drops it, so the signals it keeps do not carry the field. Reads
/// as the signal (`Deref`).
#[derive(Debug, Clone)]
pub struct Arriving {
    pub signal: Signal,
    pub correlation: Option<Box<crate::model::detection::CorrelationInput>>,
}

impl From<Signal> for Arriving {
    fn from(signal: Signal) -> Self {
        Arriving {
            signal,
            correlation: None,
        }
    }
}

impl std::ops::Deref for Arriving {
    type Target = Signal;
    fn deref(&self) -> &Signal {
        &self.signal
    }
}

impl std::ops::DerefMut for Arriving {
    fn deref_mut(&mut self) -> &mut Signal {
        &mut self.signal
    }
}

impl Normalized {
    pub fn signal(s: impl Into<Arriving>) -> Normalized {
        Normalized::Signal(Box::new(s.into()))
    }
}

/// What one record became.
#[derive(Debug)]
pub enum Normalized {
    Signal(Box<Arriving>),
    /// A piece of a Health event, to be joined with the other pieces by ARN.
    HealthPart {
        arn: String,
        parts: Value,
    },
    /// A catalog row: event type code and category.
    EventType {
        code: String,
        category: String,
    },
    /// A record that is recognised but holds no event (a CloudTrail digest).
    NoEvent,
    /// Flow log records of one file, summed into conversations.
    Flows(Box<crate::model::conversations::Conversations>),
}

fn detail_type(v: &Value) -> Option<&str> {
    str_at(v, &["detail-type"]).or_else(|| str_at(v, &["DetailType"]))
}

fn is_cloudtrail(v: &Value) -> bool {
    has(v, "eventID") && has(v, "eventName") && (has(v, "eventSource") || has(v, "userIdentity"))
}

fn is_finding(v: &Value) -> bool {
    has(v, "schemaVersion") && has(v, "type") && has(v, "severity") && has(v, "id")
}

pub fn classify(v: &Value) -> Option<RecordKind> {
    if !v.is_object() {
        return None;
    }
    if let Some(dt) = detail_type(v) {
        let source = str_at(v, &["source"]).unwrap_or("");
        return if dt.contains("via CloudTrail") {
            Some(RecordKind::CloudTrailEventBridge)
        } else if dt == "GuardDuty Finding" || source == "aws.guardduty" {
            Some(RecordKind::GuardDutyEventBridge)
        } else if dt.starts_with("AWS Health") || source.ends_with(".health") {
            Some(if v.get("DetailType").is_some() {
                RecordKind::HealthPutEventsEntry
            } else {
                RecordKind::HealthEventBridge
            })
        } else {
            super::classify_findings::event_kind(dt, source)
        };
    }
    if is_cloudtrail(v) {
        let logstash = !has(v, "eventTime") && has(v, "@timestamp");
        return Some(if logstash {
            RecordKind::CloudTrailLogstash
        } else {
            RecordKind::CloudTrail
        });
    }
    if has(v, "CloudTrailEvent") || (v.get("EventId").is_some() && v.get("EventName").is_some()) {
        return Some(RecordKind::CloudTrailLookupEvent);
    }
    if let Some(kind) = super::classify_findings::kind(v) {
        return Some(kind);
    }
    if is_finding(v) {
        let pascal = v.get("Id").is_some() || v.get("SchemaVersion").is_some();
        return Some(if pascal {
            RecordKind::GuardDutyFindingPascal
        } else {
            RecordKind::GuardDutyFinding
        });
    }
    if has(v, "eventTypeCode") && has(v, "arn") {
        return Some(RecordKind::HealthEvent);
    }
    if get(v, "event").is_some_and(|e| has(e, "arn")) {
        return Some(RecordKind::HealthEventDetails);
    }
    if has(v, "eventArn") && (has(v, "entityValue") || has(v, "entityArn")) {
        return Some(RecordKind::HealthAffectedEntity);
    }
    if has(v, "code") && has(v, "category") && has(v, "service") {
        return Some(RecordKind::HealthEventType);
    }
    if has(v, "digestStartTime") && has(v, "logFiles") {
        return Some(RecordKind::CloudTrailDigest);
    }
    super::network_kind(v)
}

fn envelope_of(v: &Value) -> Envelope {
    Envelope {
        account: str_at(v, &["account"]).map(str::to_string),
        region: str_at(v, &["region"]).map(str::to_string),
        received: None,
    }
}

/// A PutEvents entry (`Detail` as a string, PascalCase keys) rewritten as an EventBridge event.
fn put_events_to_eventbridge(v: &Value) -> Result<Value, super::RecordError> {
    let detail = match get(v, "Detail") {
        Some(Value::String(s)) => serde_json::from_str::<Value>(s)
            .map_err(|e| format!("Detail is not valid JSON: {e}"))?,
        Some(other) => other.clone(),
        None => return Err("PutEvents entry has no Detail".into()),
    };
    let mut out = serde_json::Map::new();
    for (from, to) in [
        ("DetailType", "detail-type"),
        ("Source", "source"),
        ("Time", "time"),
        ("Resources", "resources"),
        ("Account", "account"),
        ("Region", "region"),
    ] {
        if let Some(x) = v.get(from) {
            out.insert(to.into(), x.clone());
        }
    }
    out.insert("detail".into(), detail);
    Ok(Value::Object(out))
}

fn signal(s: impl Into<Arriving>, raw: Value, opts: &Options) -> Normalized {
    let mut s = s.into();
    // Kept as compact text; nested JSON is decoded when someone looks at it.
    if opts.keep_raw {
        s.raw = crate::model::Raw::text_of(&raw);
    }
    Normalized::Signal(Box::new(s))
}

fn keep_signal(s: Signal, raw: Value, opts: &Options) -> Normalized {
    signal(s, raw, opts)
}

fn health_part(kind: &str, piece: Value) -> Result<Normalized, super::RecordError> {
    let arn = health::arn_of(kind, &piece).ok_or("Health record has no event ARN")?;
    Ok(Normalized::HealthPart {
        arn,
        parts: health::part(kind, nested::decode_nested(piece)),
    })
}

/// Normalizes one record. `Err` carries a reason fit for the user ("CloudTrail record has no
/// eventID"); an unrecognised record is an error too, with its top-level keys.
pub fn normalize_record(
    v: Value,
    opts: &Options,
) -> Result<(RecordKind, Normalized), super::RecordError> {
    let kind = classify(&v).ok_or_else(|| unrecognised(&v))?;
    let out = match kind {
        RecordKind::CloudTrail | RecordKind::CloudTrailLogstash => {
            signal(cloudtrail::normalize(&v, &Envelope::default())?, v, opts)
        }
        RecordKind::CloudTrailEventBridge => {
            let detail = get(&v, "detail").ok_or("EventBridge event has no detail")?;
            signal(cloudtrail::normalize(detail, &envelope_of(&v))?, v, opts)
        }
        RecordKind::CloudTrailLookupEvent => {
            let inner = cloudtrail::from_lookup_event(&v)?;
            signal(
                cloudtrail::normalize(&inner, &Envelope::default())?,
                v,
                opts,
            )
        }
        RecordKind::GuardDutyFinding | RecordKind::GuardDutyFindingPascal => {
            signal(guardduty::normalize(&v, &Envelope::default())?, v, opts)
        }
        RecordKind::GuardDutyEventBridge => {
            let detail = get(&v, "detail").ok_or("EventBridge event has no detail")?;
            signal(guardduty::normalize(detail, &envelope_of(&v))?, v, opts)
        }
        RecordKind::HealthEventBridge => {
            if !get(&v, "detail").is_some_and(Value::is_object) {
                return Err("EventBridge Health event has no detail object".into());
            }
            health_part(health::PART_EVENTBRIDGE, v)?
        }
        RecordKind::HealthPutEventsEntry => {
            health_part(health::PART_EVENTBRIDGE, put_events_to_eventbridge(&v)?)?
        }
        RecordKind::HealthEvent => health_part(health::PART_EVENT, v)?,
        RecordKind::HealthEventDetails => health_part(health::PART_DETAILS, v)?,
        RecordKind::HealthAffectedEntity => health_part(health::PART_ENTITIES, v)?,
        RecordKind::HealthEventType => Normalized::EventType {
            code: str_at(&v, &["code"]).unwrap_or_default().to_string(),
            category: str_at(&v, &["category"]).unwrap_or_default().to_string(),
        },
        RecordKind::CloudTrailDigest => Normalized::NoEvent,
        RecordKind::ResolverQuery => signal(super::resolver::normalize(&v)?, v, opts),
        RecordKind::S3AccessLog => {
            let fields = super::s3access::json_fields(&v).ok_or("not an access log record")?;
            signal(super::s3access::normalize(&fields)?, v, opts)
        }
        RecordKind::FlowLog | RecordKind::CloudWatchLogs => {
            return Err("log lines are read a file at a time (replay, inspect)".into())
        }
        other => super::classify_findings::normalize(other, v, opts, keep_signal)?,
    };
    Ok((kind, out))
}

fn unrecognised(v: &Value) -> super::RecordError {
    super::RecordError::Unrecognised(match v {
        Value::Object(m) => {
            let keys: Vec<&str> = m.keys().take(8).map(String::as_str).collect();
            format!(
                "not a CloudTrail, GuardDuty, Health, Security Hub, Macie, Inspector, Access Analyzer, CloudWatch alarm, cost anomaly, Resolver query or CloudWatch Logs record (keys: {})",
                keys.join(", ")
            )
        }
        other => format!("expected a JSON object, found {}", type_name(other)),
    })
}

pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lookup_events_are_not_mistaken_for_records() {
        // `EventId`/`EventName`/`EventSource` differ from the record's keys by more than the
        // first letter's case: the outer LookupEvents object must not pass as a record.
        let ev = json!({"EventId": "1", "EventName": "X", "EventSource": "s3.amazonaws.com", "CloudTrailEvent": "{}"});
        assert_eq!(classify(&ev), Some(RecordKind::CloudTrailLookupEvent));
        let rec = json!({"eventID": "1", "eventName": "X", "eventSource": "s3.amazonaws.com", "eventTime": "2024-01-01T00:00:00Z"});
        assert_eq!(classify(&rec), Some(RecordKind::CloudTrail));
        let finding = json!({"SchemaVersion": "2.0", "Id": "f", "Type": "T", "Severity": 5});
        assert_eq!(classify(&finding), Some(RecordKind::GuardDutyFindingPascal));
        assert_eq!(classify(&json!({"hello": 1})), None);
        assert_eq!(classify(&json!([1])), None);
    }
}
