//! Small lookups over `serde_json::Value` that tolerate the camelCase / PascalCase split
//! between the GuardDuty API and the SDK-printed shapes.

use serde_json::Value;

/// The value at `key`, or at `key` with its first letter's case flipped (`accessKeyId` /
/// `AccessKeyId`): the API's camelCase and the SDK-printed PascalCase differ only there. Two
/// map lookups, never a scan: this sits on the hot path of every record.
pub fn get<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    let map = v.as_object()?;
    let found = map.get(key).or_else(|| {
        let mut chars = key.chars();
        let first = chars.next()?;
        let flipped = if first.is_ascii_uppercase() {
            first.to_ascii_lowercase()
        } else {
            first.to_ascii_uppercase()
        };
        if flipped == first {
            return None;
        }
        let mut other = String::with_capacity(key.len());
        other.push(flipped);
        other.push_str(chars.as_str());
        map.get(&other)
    });
    found.filter(|v| !v.is_null())
}

pub fn path<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().try_fold(v, |cur, k| get(cur, k))
}

/// A non-empty string at `keys`.
pub fn str_at<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a str> {
    path(v, keys)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A number at `keys`, also when written as a string ("5.0").
pub fn f64_at(v: &Value, keys: &[&str]) -> Option<f64> {
    match path(v, keys)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub fn has(v: &Value, key: &str) -> bool {
    get(v, key).is_some()
}

/// Every element of the array at `keys` (empty when absent or not an array).
pub fn array_at<'a>(v: &'a Value, keys: &[&str]) -> &'a [Value] {
    path(v, keys)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_keys_in_either_case() {
        let v =
            json!({"Resource": {"AccessKeyDetails": {"AccessKeyId": "AKIA"}}, "severity": "5.5"});
        assert_eq!(
            str_at(&v, &["resource", "accessKeyDetails", "accessKeyId"]),
            Some("AKIA")
        );
        assert_eq!(f64_at(&v, &["Severity"]), Some(5.5));
        assert_eq!(str_at(&v, &["missing"]), None);
        assert!(array_at(&v, &["Resource"]).is_empty());
    }
}
