//! One CloudTrail record's top-level fields, as the normalizer and the detection rules read
//! them, without a map of the whole record.
//!
//! The fast CloudTrail path parses only the fields of `FAST_FIELDS`, borrowing its strings from
//! the file's text. Building a `serde_json` map of them for every record (a B-tree of ~20
//! owned keys and owned strings) and then looking each field up in it by name was a fifth of
//! what parsing a log file cost; here each field has a slot, and a string stays a `&str`.
//! A record parsed as a whole (the general path) keeps the whole value too: rules then read it
//! as before, any field included.

use super::fields::FAST_FIELDS;
use serde_json::Value;

/// A top-level field: a string borrowed from the text, or a parsed JSON value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Field<'a> {
    Str(&'a str),
    Json(&'a Value),
}

impl<'a> Field<'a> {
    pub fn as_str(self) -> Option<&'a str> {
        match self {
            Field::Str(s) => Some(s),
            Field::Json(v) => v.as_str(),
        }
    }

    pub fn as_json(self) -> Option<&'a Value> {
        match self {
            Field::Str(_) => None,
            Field::Json(v) => Some(v),
        }
    }

    pub fn is_null(self) -> bool {
        matches!(self, Field::Json(Value::Null))
    }

    /// The field as its JSON value (a string copied).
    pub fn to_value(self) -> Value {
        match self {
            Field::Str(s) => Value::String(s.to_string()),
            Field::Json(v) => v.clone(),
        }
    }
}

/// The slot of each field of `FAST_FIELDS`, in its order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Top {
    EventId,
    EventName,
    EventTime,
    Timestamp,
    EventSource,
    AwsRegion,
    SourceIp,
    RecipientAccountId,
    ErrorCode,
    ErrorMessage,
    EventType,
    ReadOnly,
    UserIdentity,
    UserAgent,
    RequestParameters,
    ResponseElements,
    AdditionalEventData,
    ServiceEventDetails,
    SessionCredentialFromConsole,
    Status,
    Resources,
}

pub type Slots<'a> = [Option<Field<'a>>; FAST_FIELDS.len()];

pub struct Record<'a> {
    top: Slots<'a>,
    whole: Option<&'a Value>,
}

impl<'a> Record<'a> {
    /// The fields of the fast path (absent or JSON null: `None`); rules read these alone.
    pub fn from_fields(top: Slots<'a>) -> Self {
        Record { top, whole: None }
    }

    /// A record parsed whole: `top` as the normalizer looks its fields up, and the value itself
    /// for the rules.
    pub fn with_whole(top: Slots<'a>, whole: &'a Value) -> Self {
        Record {
            top,
            whole: Some(whole),
        }
    }

    pub fn get(&self, f: Top) -> Option<Field<'a>> {
        self.top[f as usize]
    }

    /// The JSON value of a field (`None` for a field held as a string).
    pub fn json(&self, f: Top) -> Option<&'a Value> {
        self.get(f).and_then(Field::as_json)
    }

    /// A non-empty string field, trimmed.
    pub fn str(&self, f: Top) -> Option<&'a str> {
        self.get(f)
            .and_then(Field::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    pub(super) fn slots(&self) -> &Slots<'a> {
        &self.top
    }

    pub(super) fn whole(&self) -> Option<&'a Value> {
        self.whole
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_slot_names_its_field() {
        let all = [
            (Top::EventId, "eventID"),
            (Top::EventName, "eventName"),
            (Top::EventTime, "eventTime"),
            (Top::Timestamp, "@timestamp"),
            (Top::EventSource, "eventSource"),
            (Top::AwsRegion, "awsRegion"),
            (Top::SourceIp, "sourceIPAddress"),
            (Top::RecipientAccountId, "recipientAccountId"),
            (Top::ErrorCode, "errorCode"),
            (Top::ErrorMessage, "errorMessage"),
            (Top::EventType, "eventType"),
            (Top::ReadOnly, "readOnly"),
            (Top::UserIdentity, "userIdentity"),
            (Top::UserAgent, "userAgent"),
            (Top::RequestParameters, "requestParameters"),
            (Top::ResponseElements, "responseElements"),
            (Top::AdditionalEventData, "additionalEventData"),
            (Top::ServiceEventDetails, "serviceEventDetails"),
            (
                Top::SessionCredentialFromConsole,
                "sessionCredentialFromConsole",
            ),
            (Top::Status, "status"),
            (Top::Resources, "resources"),
        ];
        assert_eq!(all.len(), FAST_FIELDS.len());
        for (i, (slot, name)) in all.iter().enumerate() {
            assert_eq!(*slot as usize, i);
            assert_eq!(FAST_FIELDS[i], *name);
        }
    }

    #[test]
    fn strings_read_trimmed_and_values_only_as_values() {
        let v = Value::from(" x ");
        let mut top: Slots = [None; FAST_FIELDS.len()];
        top[Top::EventName as usize] = Some(Field::Str("  GetObject "));
        top[Top::EventSource as usize] = Some(Field::Json(&v));
        top[Top::ErrorCode as usize] = Some(Field::Str("  "));
        let r = Record::from_fields(top);
        assert_eq!(r.str(Top::EventName), Some("GetObject"));
        assert_eq!(r.str(Top::EventSource), Some("x"));
        assert_eq!(r.str(Top::ErrorCode), None);
        assert_eq!(r.json(Top::EventName), None);
        assert_eq!(r.json(Top::EventSource), Some(&v));
        assert!(r.whole().is_none());
    }
}
