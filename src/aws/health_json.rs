//! Health API objects in the API's own JSON shape, so live events go through the same
//! normalizer (and Health part join) as events read from files.

use crate::normalize::health::{part, PART_DENIED, PART_ENTITY_COUNT};
use crate::normalize::{normalize_record, Normalized, Options};
use aws_sdk_health::types::{AffectedEntity, Event};
use aws_smithy_types::date_time::Format;
use serde_json::{json, Map, Value};

pub fn time_text(t: Option<&aws_smithy_types::DateTime>) -> Value {
    t.and_then(|t| t.fmt(Format::DateTime).ok())
        .map(Value::String)
        .unwrap_or(Value::Null)
}

fn put(m: &mut Map<String, Value>, k: &str, v: Option<&str>) {
    if let Some(v) = v {
        m.insert(k.into(), Value::String(v.to_string()));
    }
}

/// A DescribeEvents item in the API's JSON shape (what the normalizer reads from files too).
/// A macro because `Event` and `OrganizationEvent` share these accessors but no trait.
macro_rules! event_to_json {
    ($e:expr, $account:expr) => {{
        let e = $e;
        let mut m = Map::new();
        put(&mut m, "arn", e.arn());
        put(&mut m, "service", e.service());
        put(&mut m, "eventTypeCode", e.event_type_code());
        put(
            &mut m,
            "eventTypeCategory",
            e.event_type_category().map(|c| c.as_str()),
        );
        put(&mut m, "region", e.region());
        put(&mut m, "statusCode", e.status_code().map(|c| c.as_str()));
        put(
            &mut m,
            "eventScopeCode",
            e.event_scope_code().map(|c| c.as_str()),
        );
        for (k, t) in [
            ("startTime", e.start_time()),
            ("endTime", e.end_time()),
            ("lastUpdatedTime", e.last_updated_time()),
        ] {
            if t.is_some() {
                m.insert(k.into(), time_text(t));
            }
        }
        put(&mut m, "affectedAccount", $account);
        Value::Object(m)
    }};
}

pub fn event_json(e: &Event, account: Option<&str>) -> Value {
    let mut v = event_to_json!(e, account);
    if let (Some(az), Some(m)) = (e.availability_zone(), v.as_object_mut()) {
        m.insert("availabilityZone".into(), Value::String(az.to_string()));
    }
    v
}

pub fn org_event_json(
    e: &aws_sdk_health::types::OrganizationEvent,
    account: Option<&str>,
) -> Value {
    event_to_json!(e, account)
}

pub fn entity_json(a: &AffectedEntity) -> Value {
    let mut m = Map::new();
    put(&mut m, "entityArn", a.entity_arn());
    put(&mut m, "eventArn", a.event_arn());
    put(&mut m, "entityValue", a.entity_value());
    put(&mut m, "entityUrl", a.entity_url());
    put(&mut m, "awsAccountId", a.aws_account_id());
    put(&mut m, "statusCode", a.status_code().map(|c| c.as_str()));
    if a.last_updated_time().is_some() {
        m.insert("lastUpdatedTime".into(), time_text(a.last_updated_time()));
    }
    if let Some(tags) = a.tags() {
        m.insert("tags".into(), json!(tags));
    }
    Value::Object(m)
}

pub fn details_json(
    event: Option<&Event>,
    description: Option<&str>,
    metadata: Option<&std::collections::HashMap<String, String>>,
    account: Option<&str>,
) -> Value {
    json!({
        "event": event.map(|e| event_json(e, account)).unwrap_or(Value::Null),
        "eventDescription": {"latestDescription": description},
        "eventMetadata": metadata,
        "awsAccountId": account,
    })
}

/// A piece through the same normalizer as files; a piece it refuses is skipped and counted
/// (`skipped`), not fatal.
pub fn normalized(v: Value) -> Option<Normalized> {
    match normalize_record(v, &Options::default()) {
        Ok((_, n)) => Some(n),
        Err(e) => {
            super::skipped::record("Health record", e);
            None
        }
    }
}

pub fn count_part(arn: &str, count: i32) -> Normalized {
    Normalized::HealthPart {
        arn: arn.to_string(),
        parts: part(PART_ENTITY_COUNT, json!({"eventArn": arn, "count": count})),
    }
}

pub fn denied_part(arn: &str, name: Option<&str>, message: Option<&str>) -> Normalized {
    Normalized::HealthPart {
        arn: arn.to_string(),
        parts: part(
            PART_DENIED,
            json!({"eventArn": arn, "errorName": name, "errorMessage": message}),
        ),
    }
}

pub fn is_denied(error_name: Option<&str>) -> bool {
    error_name.is_some_and(|n| n.contains("AccessDenied") || n.contains("Unauthorized"))
}
