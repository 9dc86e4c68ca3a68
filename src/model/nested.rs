//! Decodes JSON that sources put inside strings (LookupEvents' `CloudTrailEvent`, GuardDuty's
//! `additionalInfo.value`, IAM policy documents), so the detail view shows structure.

use serde_json::Value;

/// Strings nested inside strings inside strings… stop here.
const MAX_DEPTH: u32 = 6;

pub fn decode_nested(v: Value) -> Value {
    decode(v, 0)
}

fn decode(v: Value, depth: u32) -> Value {
    match v {
        Value::String(s) if depth < MAX_DEPTH => match parse_embedded(&s) {
            Some(inner) => decode(inner, depth + 1),
            None => Value::String(s),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(|i| decode(i, depth)).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, decode(v, depth)))
                .collect(),
        ),
        other => other,
    }
}

/// Only objects and arrays count: a string "42" or "true" stays a string.
pub fn parse_embedded(s: &str) -> Option<Value> {
    let t = s.trim_start();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return None;
    }
    serde_json::from_str::<Value>(s)
        .ok()
        .filter(|v| v.is_object() || v.is_array())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_strings_holding_objects_at_any_depth() {
        let v = json!({"CloudTrailEvent": "{\"a\":\"{\\\"b\\\":1}\"}", "n": "42", "t": "[x"});
        assert_eq!(
            decode_nested(v),
            json!({"CloudTrailEvent": {"a": {"b": 1}}, "n": "42", "t": "[x"})
        );
    }
}
