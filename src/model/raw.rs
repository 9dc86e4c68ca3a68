//! The original record behind a signal, kept compactly: CloudTrail and GuardDuty records as
//! their JSON text (a fraction of a parsed tree's size), parsed and nested-decoded only when a
//! responder opens the detail view, copies or pins it. Health events keep their joined parts as
//! a tree, since later pieces merge into them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Raw {
    /// Not kept (`airc inspect`).
    #[default]
    None,
    /// Compact JSON text of the original record.
    Text(Box<str>),
    /// A parsed tree (Health parts).
    Tree(Box<Value>),
}

impl Raw {
    pub fn text_of(v: &Value) -> Raw {
        Raw::Text(v.to_string().into_boxed_str())
    }

    pub fn tree(v: Value) -> Raw {
        Raw::Tree(Box::new(v))
    }

    /// The Health parts tree, when this is one.
    pub fn as_tree(&self) -> Option<&Value> {
        match self {
            Raw::Tree(v) => Some(v),
            _ => None,
        }
    }

    /// The record with JSON nested inside strings decoded (LookupEvents' `CloudTrailEvent`,
    /// GuardDuty `additionalInfo`, policy documents): what the detail view shows.
    pub fn decoded(&self) -> Value {
        match self {
            Raw::None => Value::Null,
            Raw::Text(t) => serde_json::from_str::<Value>(t)
                .map(crate::normalize::nested::decode_nested)
                .unwrap_or(Value::Null),
            Raw::Tree(v) => crate::normalize::nested::decode_nested((**v).clone()),
        }
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Raw::None)
    }
}

impl Serialize for Raw {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.decoded().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Raw, D::Error> {
        let v = Value::deserialize(d)?;
        Ok(if v.is_null() {
            Raw::None
        } else {
            Raw::text_of(&v)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_is_decoded_on_demand() {
        let r = Raw::text_of(&json!({"CloudTrailEvent": "{\"eventName\":\"X\"}"}));
        assert_eq!(r.decoded(), json!({"CloudTrailEvent": {"eventName": "X"}}));
        assert_eq!(Raw::None.decoded(), Value::Null);
        assert!(Raw::tree(json!({"a": 1})).as_tree().is_some());
    }
}
