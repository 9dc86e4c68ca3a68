//! Wire encodings the Rust SDK speaks: Smithy RPC v2 CBOR (Health), JSON (GuardDuty restJson1,
//! CloudTrail awsJson1.1) and the query protocol's XML (STS).

use ciborium::value::Value as Cbor;
use serde_json::Value;

/// Keys whose values are timestamps (CBOR tag 1, epoch seconds) in Health responses.
const HEALTH_TIME_KEYS: &[&str] = &[
    "startTime",
    "endTime",
    "lastUpdatedTime",
    "from",
    "to",
    // CloudWatch's.
    "StateUpdatedTimestamp",
    "StateTransitionedTimestamp",
    "Timestamp",
];

pub fn epoch(text: &str) -> Option<f64> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.timestamp_millis() as f64 / 1000.0)
}

/// JSON (times as RFC 3339 text) → CBOR as AWS Health sends it.
pub fn to_cbor(v: &Value, key: Option<&str>) -> Cbor {
    match v {
        Value::Null => Cbor::Null,
        Value::Bool(b) => Cbor::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Cbor::Integer(i.into()),
            None => Cbor::Float(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => match (key, epoch(s)) {
            (Some(k), Some(secs)) if HEALTH_TIME_KEYS.contains(&k) => {
                Cbor::Tag(1, Box::new(Cbor::Float(secs)))
            }
            _ => Cbor::Text(s.clone()),
        },
        Value::Array(a) => Cbor::Array(a.iter().map(|x| to_cbor(x, key)).collect()),
        Value::Object(m) => Cbor::Map(
            m.iter()
                .filter(|(_, x)| !x.is_null())
                .map(|(k, x)| (Cbor::Text(k.clone()), to_cbor(x, Some(k))))
                .collect(),
        ),
    }
}

/// CBOR request → JSON (timestamps become epoch seconds).
pub fn from_cbor(c: &Cbor) -> Value {
    match c {
        Cbor::Null => Value::Null,
        Cbor::Bool(b) => Value::Bool(*b),
        Cbor::Integer(i) => Value::from(i128::from(*i) as i64),
        Cbor::Float(f) => serde_json::json!(f),
        Cbor::Text(s) => Value::String(s.clone()),
        Cbor::Bytes(b) => Value::String(format!("{} bytes", b.len())),
        Cbor::Tag(_, inner) => from_cbor(inner),
        Cbor::Array(a) => Value::Array(a.iter().map(from_cbor).collect()),
        Cbor::Map(m) => Value::Object(
            m.iter()
                .filter_map(|(k, v)| match k {
                    Cbor::Text(k) => Some((k.clone(), from_cbor(v))),
                    _ => None,
                })
                .collect(),
        ),
        _ => Value::Null,
    }
}

pub fn cbor_bytes(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = ciborium::ser::into_writer(&to_cbor(v, None), &mut out);
    out
}

pub fn parse_cbor(body: &[u8]) -> Value {
    if body.is_empty() {
        return Value::Object(Default::default());
    }
    ciborium::de::from_reader::<Cbor, _>(body)
        .map(|c| from_cbor(&c))
        .unwrap_or(Value::Null)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub fn sts_identity(account: &str, arn: &str) -> String {
    format!(
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <GetCallerIdentityResult><Arn>{}</Arn><UserId>AIDAFAKE</UserId><Account>{}</Account>\
         </GetCallerIdentityResult><ResponseMetadata><RequestId>fake-1</RequestId>\
         </ResponseMetadata></GetCallerIdentityResponse>",
        xml_escape(arn),
        xml_escape(account)
    )
}

pub fn query_error(code: &str, message: &str) -> String {
    format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>\
         <Type>Sender</Type><Code>{}</Code><Message>{}</Message></Error>\
         <RequestId>fake-err</RequestId></ErrorResponse>",
        xml_escape(code),
        xml_escape(message)
    )
}

/// `application/x-www-form-urlencoded` → pairs (only what STS requests carry).
pub fn form(body: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(body);
    text.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
