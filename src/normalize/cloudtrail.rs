//! CloudTrail records → signals. Accepts a plain record (S3 log file, JSON Lines, Logstash with
//! `@timestamp`), and the inner record of an EventBridge envelope or a LookupEvents event.

use super::cloudtrail_entities::extract;
use super::cloudtrail_severity::assess;
use super::json_path::{get, str_at};
use super::text_bounds as bounds;
use super::Envelope;
use crate::detect::record::{Field, Record, Top};
use crate::model::{time, Entity, Rare, Signal, Source, Text};
use serde_json::Value;

pub fn normalize(record: &Value, env: &Envelope) -> Result<super::Arriving, super::RecordError> {
    normalize_fields(&of_value(record), env)
}

/// A record parsed whole, its top-level fields looked up as every shape here is read (either
/// case of the first letter, null as absent).
pub fn of_value(record: &Value) -> Record<'_> {
    let top = std::array::from_fn(|i| get(record, crate::detect::FAST_FIELDS[i]).map(Field::Json));
    Record::with_whole(top, record)
}

/// A CloudTrail record → its signal, from its top-level fields.
pub fn normalize_fields(
    record: &Record,
    env: &Envelope,
) -> Result<super::Arriving, super::RecordError> {
    let event_id = record
        .str(Top::EventId)
        .ok_or("CloudTrail record has no eventID")?;
    let event_name = record
        .str(Top::EventName)
        .ok_or("CloudTrail record has no eventName")?;
    let time_value = record
        .get(Top::EventTime)
        .or_else(|| record.get(Top::Timestamp))
        .ok_or("CloudTrail record has neither eventTime nor @timestamp")?;
    let time = match time_value {
        Field::Json(v) => time::parse_value(v),
        Field::Str(s) => time::parse_value(&Value::from(s)),
    }
    .ok_or_else(|| format!("unreadable eventTime {}", short(&time_value.to_value())))?;
    let matched = crate::detect::installed().match_fields(record);
    let (severity, severity_reason) = assess(record, event_name, &matched.detections);
    let (actor, found) = extract(record);
    let (entities, more) = super::cloudtrail_entities::capped(found);
    let source_short = record
        .str(Top::EventSource)
        .map(|s| s.trim_end_matches(".amazonaws.com"))
        .unwrap_or("?");
    // Every text cut to its bound (`text_bounds`): the record is attacker-controlled.
    let account = record
        .str(Top::RecipientAccountId)
        .or_else(|| {
            record
                .json(Top::UserIdentity)
                .and_then(|ui| str_at(ui, &["accountId"]))
        })
        .or(env.account.as_deref())
        .map(bounds::text);
    let region = record
        .str(Top::AwsRegion)
        .or(env.region.as_deref())
        .map(bounds::text);
    let summary = summary(record, actor.as_deref(), &entities);
    let signal = Signal {
        id: crate::model::SignalId::cloudtrail(event_id),
        source: Source::CloudTrail,
        time,
        rare: Rare {
            entities_more: more,
            detections: matched.detections.into(),
            entities: entities.into(),
            ..Rare::default()
        }
        .boxed(),
        severity,
        facets: crate::model::Facets::new(crate::model::FacetFields {
            severity_reason,
            kind: bounds::text(event_name),
            title: title(source_short, event_name),
            account,
            region,
            category: record.str(Top::EventType).map(bounds::text),
            actor: actor.as_deref().map(bounds::text),
            ..Default::default()
        }),
        summary,
        held: false,
        raw: crate::model::Raw::None,
    };
    Ok(super::Arriving {
        signal,
        correlation: matched.correlation_input,
    })
}

thread_local! {
    static TITLE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// "{service}:{event}", put together in a buffer the thread reuses (it is made for every record
/// and almost always already interned).
fn title(source: &str, event_name: &str) -> Text {
    TITLE.with(|t| match t.try_borrow_mut() {
        Ok(mut t) => {
            t.clear();
            t.push_str(source);
            t.push(':');
            t.push_str(event_name);
            bounds::text(&t)
        }
        Err(_) => bounds::text(&format!("{source}:{event_name}")),
    })
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    s.chars().take(60).collect()
}

/// "{who} called {service}:{event}[ on {target}][ from {ip}][ → {error}]", kept as what the
/// signal does not already hold (`model::Summary`).
fn summary(record: &Record, actor: Option<&str>, entities: &[Entity]) -> crate::model::Summary {
    let who = actor.unwrap_or("unknown principal");
    // The first entity that is not the caller is the call's target.
    let caller_kinds = [
        crate::model::EntityKind::AccessKey,
        crate::model::EntityKind::Ip,
        crate::model::EntityKind::AssumedRole,
    ];
    let target = entities.iter().find(|e| {
        !caller_kinds.contains(&e.kind)
            && Some(e.id.as_str()) != actor
            && !who.starts_with(e.id.as_str())
    });
    let from = record.str(Top::SourceIp).map(bounds::field);
    let error = record.str(Top::ErrorCode).map(bounds::field);
    crate::model::Summary::call(target, from.as_deref(), error.as_deref())
}

/// The CloudTrail record inside a LookupEvents `Event`: its `CloudTrailEvent` string when
/// present and readable, otherwise a record rebuilt from the outer fields.
pub fn from_lookup_event(event: &Value) -> Result<Value, super::RecordError> {
    if let Some(inner) = get(event, "CloudTrailEvent") {
        return match inner {
            Value::String(s) => serde_json::from_str::<Value>(s)
                .map_err(|e| format!("CloudTrailEvent is not valid JSON: {e}").into()),
            Value::Object(_) => Ok(inner.clone()),
            _ => Err("CloudTrailEvent is neither a string nor an object".into()),
        };
    }
    let mut rec = serde_json::Map::new();
    for (outer, inner) in [
        ("EventId", "eventID"),
        ("EventName", "eventName"),
        ("EventTime", "eventTime"),
        ("EventSource", "eventSource"),
    ] {
        if let Some(v) = get(event, outer) {
            rec.insert(inner.into(), v.clone());
        }
    }
    let mut ui = serde_json::Map::new();
    if let Some(u) = get(event, "Username") {
        ui.insert("userName".into(), u.clone());
        ui.insert("type".into(), Value::String("IAMUser".into()));
    }
    if let Some(k) = get(event, "AccessKeyId") {
        ui.insert("accessKeyId".into(), k.clone());
    }
    rec.insert("userIdentity".into(), Value::Object(ui));
    Ok(Value::Object(rec))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_logstash_record_uses_its_timestamp() {
        let rec = json!({
            "eventID": "e1", "eventName": "GetObject", "eventSource": "s3.amazonaws.com",
            "@timestamp": "2020-09-14T00:44:23.000Z", "awsRegion": "us-east-1",
            "sourceIPAddress": "1.2.3.4", "recipientAccountId": "123456789123",
            "userIdentity": {"type": "IAMUser", "userName": "pedro"},
            "requestParameters": {"bucketName": "mordor-bank"}
        });
        let s = normalize(&rec, &Envelope::default()).map_err(|e| e.to_string());
        let s = s.as_ref().map_err(|e| e.as_str());
        let s = match s {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(s.id, "cloudtrail:e1");
        assert_eq!(s.time.to_rfc3339(), "2020-09-14T00:44:23+00:00");
        assert_eq!(
            s.summary(),
            "pedro called s3:GetObject on bucket:mordor-bank from 1.2.3.4"
        );
        assert_eq!(s.account(), Some("123456789123"));
    }

    #[test]
    fn missing_fields_are_errors_not_panics() {
        assert!(normalize(
            &json!({"eventName": "X", "eventTime": "2020-01-01T00:00:00Z"}),
            &Envelope::default()
        )
        .is_err());
        assert!(normalize(
            &json!({"eventID": "1", "eventName": "X", "eventTime": "soon"}),
            &Envelope::default()
        )
        .is_err());
        assert!(normalize(&json!([1, 2]), &Envelope::default()).is_err());
    }

    #[test]
    fn lookup_events_without_the_inner_string_are_rebuilt() {
        let ev = json!({"EventId": "e9", "EventName": "StopLogging", "EventTime": 1644272617.0,
                        "EventSource": "cloudtrail.amazonaws.com",
                        "Username": "eve", "AccessKeyId": "AKIAZZZZZZZZZZZZZZZZ"});
        let rec = from_lookup_event(&ev).unwrap_or_default();
        let s = normalize(&rec, &Envelope::default());
        assert!(
            matches!(s, Ok(ref s) if s.severity == crate::model::Severity::Critical && s.actor() == Some("eve"))
        );
        assert!(from_lookup_event(&json!({"CloudTrailEvent": "{broken"})).is_err());
    }
}
