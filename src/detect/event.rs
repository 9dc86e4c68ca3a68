//! The record as `rsigma-eval` sees it: a JSON event, except that a field holding an object
//! reads as that object's JSON text.
//!
//! SigmaHQ's AWS rules are written for SIEMs that store `requestParameters` as text and match
//! `requestParameters|contains: 'Suspended'` against it; raw CloudTrail holds an object there.
//! `rsigma-eval` compares strings with strings only, so those rules would never match. Written
//! here because it is a question of how CloudTrail is stored, not of the Sigma language.

use rsigma_eval::{Event, EventValue, JsonEvent};
use serde_json::Value;
use std::borrow::Cow;

pub struct RecordEvent<'a> {
    value: &'a Value,
    inner: JsonEvent<'a>,
}

impl<'a> RecordEvent<'a> {
    pub fn new(value: &'a Value) -> Self {
        RecordEvent {
            value,
            inner: JsonEvent::borrow(value),
        }
    }
}

impl Event for RecordEvent<'_> {
    fn get_field(&self, path: &str) -> Option<EventValue<'_>> {
        match self.inner.get_field(path)? {
            EventValue::Map(m) => match super::fields::value_at(self.value, path) {
                Some(v @ Value::Object(_)) => Some(EventValue::Str(Cow::Owned(v.to_string()))),
                _ => Some(EventValue::Map(m)),
            },
            other => Some(other),
        }
    }

    fn any_string_value(&self, pred: &dyn Fn(&str) -> bool) -> bool {
        self.inner.any_string_value(pred)
    }

    fn all_string_values(&self) -> Vec<Cow<'_, str>> {
        self.inner.all_string_values()
    }

    fn to_json(&self) -> Value {
        self.inner.to_json()
    }

    fn field_keys(&self) -> Vec<Cow<'_, str>> {
        self.inner.field_keys()
    }
}
