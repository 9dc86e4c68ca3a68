//! The record as `rsigma-eval` sees it: a JSON event, except that a field holding an object
//! reads as that object's JSON text.
//!
//! SigmaHQ's AWS rules are written for SIEMs that store `requestParameters` as text and match
//! `requestParameters|contains: 'Suspended'` against it; raw CloudTrail holds an object there.
//! `rsigma-eval` compares strings with strings only, so those rules would never match. Written
//! here because it is a question of how CloudTrail is stored, not of the Sigma language.

use super::fields::FAST_FIELDS;
use super::record::{Field, Record, Slots};
use rsigma_eval::{Event, EventValue, JsonEvent};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::cell::OnceCell;

pub struct RecordEvent<'a> {
    /// The record parsed whole (the general path); `None` for a record read field by field.
    whole: Option<&'a Value>,
    inner: Option<JsonEvent<'a>>,
    /// The top-level fields of `FAST_FIELDS`, each in its own slot: the bucket keys and
    /// correlation groups are read for every record, and a lookup by name in the record's map
    /// (a B-tree of ~20 string keys) was a third of what matching cost.
    top: Slots<'a>,
    /// A top-level key holds a dot (`"userIdentity.type": …`, as some exports flatten): then
    /// `get_field` leaves every path to `rsigma-eval`, which looks such keys up first.
    dotted: bool,
    /// A record read field by field, as one JSON object, for what only `rsigma-eval` answers
    /// (paths through arrays or with indexes, keywords); made when first asked.
    rebuilt: OnceCell<JsonEvent<'static>>,
}

/// The slot of a top-level field: a `match` (the compiler dispatches on length first), since
/// it runs for every key of every record.
fn slot(name: &str) -> Option<usize> {
    Some(match name {
        "eventID" => 0,
        "eventName" => 1,
        "eventTime" => 2,
        "@timestamp" => 3,
        "eventSource" => 4,
        "awsRegion" => 5,
        "sourceIPAddress" => 6,
        "recipientAccountId" => 7,
        "errorCode" => 8,
        "errorMessage" => 9,
        "eventType" => 10,
        "readOnly" => 11,
        "userIdentity" => 12,
        "userAgent" => 13,
        "requestParameters" => 14,
        "responseElements" => 15,
        "additionalEventData" => 16,
        "serviceEventDetails" => 17,
        "sessionCredentialFromConsole" => 18,
        "status" => 19,
        "resources" => 20,
        _ => return None,
    })
}

impl<'a> RecordEvent<'a> {
    pub fn new(value: &'a Value) -> Self {
        let mut top = [None; FAST_FIELDS.len()];
        let mut dotted = false;
        if let Some(m) = value.as_object() {
            for (k, v) in m {
                match slot(k) {
                    Some(i) => top[i] = Some(Field::Json(v)),
                    None => dotted |= k.contains('.'),
                }
            }
        }
        RecordEvent {
            whole: Some(value),
            inner: Some(JsonEvent::borrow(value)),
            top,
            dotted,
            rebuilt: OnceCell::new(),
        }
    }

    /// The event of a record: its whole value when it was parsed whole, else its fields.
    pub fn of(record: &Record<'a>) -> Self {
        match record.whole() {
            Some(v) => RecordEvent::new(v),
            None => RecordEvent {
                whole: None,
                inner: None,
                top: *record.slots(),
                dotted: false,
                rebuilt: OnceCell::new(),
            },
        }
    }

    /// The record as `rsigma-eval`'s own event.
    fn json(&self) -> &JsonEvent<'_> {
        match &self.inner {
            Some(e) => e,
            None => self.rebuilt.get_or_init(|| {
                let fields = FAST_FIELDS.iter().zip(&self.top);
                let m: Map<String, Value> = fields
                    .filter_map(|(k, f)| Some((k.to_string(), f.as_ref()?.to_value())))
                    .collect();
                JsonEvent::owned(Value::Object(m))
            }),
        }
    }

    /// Follows a dotted path through objects.
    fn walk(&self, path: &str) -> Walk<'a> {
        let mut parts = path.split('.');
        let first = parts.next().unwrap_or(path);
        let found = match slot(first) {
            Some(i) => self.top[i],
            None => self
                .whole
                .and_then(Value::as_object)
                .and_then(|m| m.get(first))
                .map(Field::Json),
        };
        let Some(mut f) = found else {
            return Walk::Missing;
        };
        for part in parts {
            f = match f {
                Field::Json(Value::Object(m)) => match m.get(part) {
                    Some(next) => Field::Json(next),
                    None => return Walk::Missing,
                },
                Field::Json(Value::Array(_)) => return Walk::Array,
                _ => return Walk::Missing,
            };
        }
        Walk::Found(f)
    }

    /// The value at a plain dotted path (object keys only), without a lookup by name for the
    /// fields of `FAST_FIELDS`.
    pub fn value(&self, path: &str) -> Option<Field<'a>> {
        match self.walk(path) {
            Walk::Found(v) => Some(v),
            Walk::Missing | Walk::Array => None,
        }
    }
}

enum Walk<'a> {
    Found(Field<'a>),
    Missing,
    /// The path crosses an array (Sigma then matches any element).
    Array,
}

impl Event for RecordEvent<'_> {
    /// What `JsonEvent::get_field` answers, without its allocations for the common case (a
    /// dotted path through objects only): it parses every dotted path into a vector of steps
    /// and collects into another, per field per rule per record. Paths with indexes or escapes,
    /// and paths that cross an array, are left to it. An object reads as its JSON text.
    fn get_field(&self, path: &str) -> Option<EventValue<'_>> {
        if !self.dotted && !path.contains(['[', '\\']) {
            match self.walk(path) {
                Walk::Found(Field::Json(v @ Value::Object(_))) => {
                    return Some(EventValue::Str(Cow::Owned(v.to_string())))
                }
                Walk::Found(Field::Json(v)) => return Some(EventValue::from(v)),
                Walk::Found(Field::Str(s)) => return Some(EventValue::Str(Cow::Borrowed(s))),
                Walk::Missing => return None,
                Walk::Array => {}
            }
        }
        match self.json().get_field(path)? {
            EventValue::Map(m) => match self.value(path) {
                Some(Field::Json(v @ Value::Object(_))) => {
                    Some(EventValue::Str(Cow::Owned(v.to_string())))
                }
                _ => Some(EventValue::Map(m)),
            },
            other => Some(other),
        }
    }

    fn any_string_value(&self, pred: &dyn Fn(&str) -> bool) -> bool {
        self.json().any_string_value(pred)
    }

    fn all_string_values(&self) -> Vec<Cow<'_, str>> {
        self.json().all_string_values()
    }

    fn to_json(&self) -> Value {
        self.json().to_json()
    }

    fn field_keys(&self) -> Vec<Cow<'_, str>> {
        self.json().field_keys()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fast_field_has_its_own_slot_and_paths_read_like_the_record() {
        for (i, f) in FAST_FIELDS.iter().enumerate() {
            assert_eq!(slot(f), Some(i), "{f}");
        }
        assert_eq!(slot("eventname"), None);
        let rec = serde_json::json!({"eventName": "X", "userIdentity": {"type": "Root",
            "sessionContext": {"sessionIssuer": {"type": "Role"}}}, "other": {"a": 1}});
        let ev = RecordEvent::new(&rec);
        assert_eq!(
            ev.value("eventName").map(Field::to_value),
            Some(Value::from("X"))
        );
        assert_eq!(
            ev.value("userIdentity.type").map(Field::to_value),
            Some(Value::from("Root"))
        );
        assert_eq!(
            ev.value("userIdentity.sessionContext.sessionIssuer.type")
                .map(Field::to_value),
            Some(Value::from("Role"))
        );
        assert_eq!(
            ev.value("other.a").map(Field::to_value),
            Some(Value::from(1))
        );
        assert_eq!(ev.value("errorCode"), None);
        assert_eq!(ev.value("userIdentity.type.x"), None);
    }

    /// What `rsigma-eval`'s own event answers, objects read as their JSON text.
    fn reference(rec: &Value, path: &str) -> Option<String> {
        let ev = JsonEvent::borrow(rec);
        let found = match ev.get_field(path)? {
            EventValue::Map(m) => {
                let mut v = rec;
                for p in path.split('.') {
                    match v.get(p) {
                        Some(next) => v = next,
                        None => return Some(format!("{:?}", EventValue::Map(m))),
                    }
                }
                match v {
                    Value::Object(_) => Some(EventValue::Str(Cow::Owned(v.to_string()))),
                    _ => Some(EventValue::Map(m)),
                }
            }
            other => Some(other),
        };
        found.map(|v| format!("{v:?}"))
    }

    #[test]
    fn fields_read_exactly_as_rsigma_reads_them() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut records: Vec<Value> = Vec::new();
        let data = root.join("tests/fixtures/datasets/invictus-aws-dataset/CloudTrail");
        for e in std::fs::read_dir(data).into_iter().flatten().flatten() {
            let v: Value = serde_json::from_slice(&std::fs::read(e.path()).unwrap_or_default())
                .unwrap_or_default();
            records.extend(v["Records"].as_array().cloned().unwrap_or_default());
        }
        assert!(records.len() > 1000, "{}", records.len());
        records.push(
            serde_json::json!({"userIdentity.type": "Root", "userIdentity": {"type": "IAMUser"},
            "resources": [{"ARN": "a"}, {"ARN": "b"}], "n": 5, "b": true, "z": null}),
        );
        let paths = [
            "eventName",
            "userIdentity",
            "userIdentity.type",
            "userIdentity.arn",
            "userIdentity.sessionContext.sessionIssuer.type",
            "userIdentity.sessionContext",
            "requestParameters",
            "requestParameters.bucketName",
            "requestParameters.policy",
            "responseElements.accessKey.accessKeyId",
            "resources",
            "resources.ARN",
            "resources[0].ARN",
            "additionalEventData.MFAUsed",
            "readOnly",
            "errorCode",
            "eventTime.x",
            "n",
            "b",
            "z",
            "nothing.here",
            "userAgent",
        ];
        for rec in &records {
            let ev = RecordEvent::new(rec);
            // As the fast path reads it: only its fields, strings borrowed, null as absent.
            let kept: serde_json::Map<String, Value> = FAST_FIELDS
                .iter()
                .filter_map(|k| {
                    Some((k.to_string(), rec.get(*k).filter(|v| !v.is_null())?.clone()))
                })
                .collect();
            let kept = Value::Object(kept);
            let top = std::array::from_fn(|i| {
                kept.get(FAST_FIELDS[i]).map(|v| match v {
                    Value::String(s) => Field::Str(s),
                    v => Field::Json(v),
                })
            });
            let fields = Record::from_fields(top);
            let fast = RecordEvent::of(&fields);
            for p in paths {
                let got = ev.get_field(p).map(|v| format!("{v:?}"));
                assert_eq!(got, reference(rec, p), "{p} in {rec}");
                let got = fast.get_field(p).map(|v| format!("{v:?}"));
                assert_eq!(got, reference(&kept, p), "{p} in {kept} (fields)");
            }
            let words = |e: &dyn Event| e.all_string_values().len();
            assert_eq!(words(&fast), words(&JsonEvent::borrow(&kept)));
        }
    }
}
