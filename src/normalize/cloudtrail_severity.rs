//! The severity of a CloudTrail record: the highest level among the detection rules it
//! matched (`detect`, the built-in pack and the user's Sigma rules), and without any, a
//! read-only call is informational and a write is low.

use crate::detect::record::{Field, Record, Top};
use crate::model::detection::Detection;
use crate::model::{Severity, Text};
use serde_json::Value;

/// Whether the record is a read: its `readOnly` flag, or by the event name when it has none.
fn read_only(record: &Record, event_name: &str) -> bool {
    match record.get(Top::ReadOnly) {
        Some(Field::Json(Value::Bool(b))) => *b,
        Some(Field::Str(s)) => s == "true",
        Some(Field::Json(Value::String(s))) => s == "true",
        _ => ["Get", "List", "Describe", "Head", "Lookup"]
            .iter()
            .any(|p| event_name.starts_with(p)),
    }
}

/// The severity and the reason shown for it; the reason names the rules at the top level.
pub fn assess(record: &Record, event_name: &str, detections: &[Detection]) -> (Severity, Text) {
    let base = if read_only(record, event_name) {
        (
            Severity::Info,
            Text::literal(arcstr::literal!("read-only call")),
        )
    } else {
        (Severity::Low, Text::literal(arcstr::literal!("write call")))
    };
    raise(base, detections)
}

/// `current` raised by the detections: the top level wins, and the rules at that level are
/// named ("rule: A; rule: B").
pub fn raise(current: (Severity, Text), detections: &[Detection]) -> (Severity, Text) {
    let Some(top) = detections.iter().map(|d| d.rule.level).max() else {
        return current;
    };
    if top < current.0 {
        return current;
    }
    let names: Vec<String> = detections
        .iter()
        .filter(|d| d.rule.level == top)
        .map(|d| format!("rule: {}", d.rule.title))
        .collect();
    (top, Text::from(names.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Detections;
    use serde_json::json;

    fn sev(rec: serde_json::Value) -> (Severity, String) {
        let d = Detections::builtin();
        let name = rec["eventName"].as_str().unwrap_or("").to_string();
        let fields = crate::normalize::cloudtrail::of_value(&rec);
        let (sev, why) = assess(&fields, &name, &d.match_record(&rec).detections);
        (sev, why.to_string())
    }

    #[test]
    fn the_top_rule_sets_severity_and_reason() {
        let (s, why) =
            sev(json!({"eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging"}));
        assert_eq!(s, Severity::Critical);
        assert_eq!(why, "rule: CloudTrail logging stopped");
        let (s, why) =
            sev(json!({"eventSource": "ec2.amazonaws.com", "eventName": "DescribeInstances"}));
        assert_eq!((s, why.as_str()), (Severity::Info, "read-only call"));
        let (s, why) = sev(json!({"eventSource": "ec2.amazonaws.com", "eventName": "TagResource"}));
        assert_eq!((s, why.as_str()), (Severity::Low, "write call"));
        let (s, _) = sev(
            json!({"eventSource": "s3.amazonaws.com", "eventName": "ListBuckets",
            "userIdentity": {"type": "Root"}, "eventType": "AwsApiCall"}),
        );
        assert_eq!(s, Severity::High);
    }
}
