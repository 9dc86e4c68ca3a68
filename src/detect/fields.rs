//! Which record fields rules read: for the fast CloudTrail path (which keeps only some top-level
//! fields) and for correlations (which need a few values carried to the store).

use super::record::Field;
use rsigma_parser::{CorrelationCondition, CorrelationRule, Detection, SigmaRule};
use serde_json::Value;

/// The top-level CloudTrail fields `normalize::fast_cloudtrail` keeps. A rule reading any other
/// (or searching keywords through the whole record) makes records take the general path.
pub const FAST_FIELDS: &[&str] = &[
    "eventID",
    "eventName",
    "eventTime",
    "@timestamp",
    "eventSource",
    "awsRegion",
    "sourceIPAddress",
    "recipientAccountId",
    "errorCode",
    "errorMessage",
    "eventType",
    "readOnly",
    "userIdentity",
    "userAgent",
    "requestParameters",
    "responseElements",
    "additionalEventData",
    "serviceEventDetails",
    "sessionCredentialFromConsole",
    "status",
    "resources",
];

fn covered(field: &str) -> bool {
    let top = field.split('.').next().unwrap_or(field);
    FAST_FIELDS.contains(&top)
}

fn detection_covered(d: &Detection) -> bool {
    match d {
        Detection::AllOf(items) => items
            .iter()
            .all(|i| i.field.name.as_deref().is_some_and(covered)),
        Detection::AnyOf(ds) | Detection::And(ds) => ds.iter().all(detection_covered),
        Detection::Keywords(_) => false,
        Detection::ArrayMatch { field, .. } => covered(field),
        Detection::Conditional { named, .. } => named.values().all(detection_covered),
    }
}

/// Whether every field the rule reads is one the fast path keeps.
pub fn fast_path_covers(rule: &SigmaRule) -> bool {
    rule.detection.named.values().all(detection_covered)
}

/// The group-by fields of a correlation as they are named in the events of the rule
/// `reference` (alias mappings resolved).
pub fn group_fields(c: &CorrelationRule, reference: &str) -> Vec<String> {
    c.group_by
        .iter()
        .map(|g| {
            c.aliases
                .iter()
                .find(|a| &a.alias == g)
                .and_then(|a| a.mapping.get(reference).cloned())
                .unwrap_or_else(|| g.clone())
        })
        .collect()
}

/// The fields a correlation reads from the events of the rule `reference`: its group-by
/// fields and the field it counts distinct values of.
pub fn correlation_fields(c: &CorrelationRule, reference: &str) -> Vec<String> {
    let mut out = group_fields(c, reference);
    if let CorrelationCondition::Threshold {
        field: Some(fields),
        ..
    } = &c.condition
    {
        out.extend(fields.iter().cloned());
    }
    out.sort();
    out.dedup();
    out
}

/// A scalar as a string (numbers and booleans written out).
pub fn scalar_string(v: Option<Field>) -> Option<String> {
    match v? {
        Field::Str(s) => Some(s.to_string()),
        Field::Json(v) => json_scalar_string(v),
    }
}

fn json_scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
