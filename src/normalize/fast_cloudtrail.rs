//! The fast path for CloudTrail log records, the bulk of any replay: a typed, borrowing parse
//! of only the fields the model reads (everything else — user agents, request ids, TLS details —
//! is skipped without allocating), then the same normalizer as every other shape. Anything that
//! does not fit (other key spellings, unexpected types) returns `None` and takes the general
//! path, which reports errors precisely.

use super::{cloudtrail, Envelope, Normalized, Options, RecordKind};
use crate::detect::record::{Field, Record};
use crate::model::Raw;
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;

#[derive(Debug, Deserialize)]
struct Fast<'a> {
    #[serde(rename = "eventID", borrow, default)]
    event_id: Option<Cow<'a, str>>,
    #[serde(rename = "eventName", borrow, default)]
    event_name: Option<Cow<'a, str>>,
    #[serde(rename = "eventTime", default)]
    event_time: Option<Value>,
    #[serde(rename = "@timestamp", default)]
    timestamp: Option<Value>,
    #[serde(rename = "eventSource", borrow, default)]
    event_source: Option<Cow<'a, str>>,
    #[serde(rename = "awsRegion", borrow, default)]
    aws_region: Option<Cow<'a, str>>,
    #[serde(rename = "sourceIPAddress", borrow, default)]
    source_ip: Option<Cow<'a, str>>,
    #[serde(rename = "recipientAccountId", borrow, default)]
    recipient: Option<Cow<'a, str>>,
    #[serde(rename = "errorCode", borrow, default)]
    error_code: Option<Cow<'a, str>>,
    #[serde(rename = "eventType", borrow, default)]
    event_type: Option<Cow<'a, str>>,
    #[serde(rename = "readOnly", default)]
    read_only: Option<Value>,
    #[serde(rename = "userIdentity", default)]
    user_identity: Option<Value>,
    #[serde(rename = "requestParameters", default)]
    request_parameters: Option<Value>,
    #[serde(rename = "responseElements", default)]
    response_elements: Option<Value>,
    #[serde(default)]
    resources: Option<Value>,
    // Read by detection rules only (`detect::fields::FAST_FIELDS` lists every field kept here).
    #[serde(rename = "errorMessage", borrow, default)]
    error_message: Option<Cow<'a, str>>,
    #[serde(rename = "userAgent", borrow, default)]
    user_agent: Option<Cow<'a, str>>,
    #[serde(rename = "additionalEventData", default)]
    additional: Option<Value>,
    #[serde(rename = "serviceEventDetails", default)]
    service_details: Option<Value>,
    #[serde(rename = "sessionCredentialFromConsole", default)]
    from_console: Option<Value>,
    /// Not a CloudTrail field, but SigmaHQ's SAML-provider rule reads it (from SIEM exports
    /// that add it); kept so that rule does not send every record down the general path.
    #[serde(default)]
    status: Option<Value>,
}

/// A record's fields as the fast path reads them, parsed straight from a log file's text
/// (`parse_at`) or from a record's text (`normalize`).
#[derive(Debug)]
pub struct Parsed<'a>(Fast<'a>);

/// Whether the installed detection rules let the fast path run at all (a rule reading a field
/// it does not keep needs the whole record).
pub fn usable() -> bool {
    !crate::detect::installed().needs_full_record()
}

/// Parses the record that starts at `text`'s first byte (no leading whitespace) and returns it
/// with the number of bytes it took: one pass that finds the record's end and reads its fields,
/// where finding it first and parsing it after read every byte twice. `None` when the text
/// there does not parse as this path's record (the caller reads it the general way). Text, not
/// bytes: read from bytes, `serde_json` checks every key and string for UTF-8 one by one (8 %
/// of a read), where one check of a whole file costs a fraction of that.
pub fn parse_at(text: &str) -> Option<(Parsed<'_>, usize)> {
    let mut records = serde_json::Deserializer::from_str(text).into_iter::<Fast<'_>>();
    match records.next() {
        Some(Ok(f)) => Some((Parsed(f), records.byte_offset())),
        _ => None,
    }
}

/// `None` when the text is not a CloudTrail record this path understands.
pub fn normalize(
    text: &str,
    opts: &Options,
) -> Option<Result<(RecordKind, Normalized), super::RecordError>> {
    if !usable() {
        return None;
    }
    normalize_parsed(Parsed(serde_json::from_str(text).ok()?), text, opts)
}

/// The record `parse_at` or `normalize` read, normalized; `text` is its original (kept as the
/// signal's raw record when `opts` says so). `None` when it is not a CloudTrail record.
pub fn normalize_parsed(
    parsed: Parsed<'_>,
    text: &str,
    opts: &Options,
) -> Option<Result<(RecordKind, Normalized), super::RecordError>> {
    let f = parsed.0;
    if f.event_id.is_none()
        || f.event_name.is_none()
        || (f.event_source.is_none() && f.user_identity.is_none())
    {
        return None;
    }
    let kind = if f.event_time.is_none() && f.timestamp.is_some() {
        RecordKind::CloudTrailLogstash
    } else {
        RecordKind::CloudTrail
    };
    fn s<'b>(c: &'b Option<Cow<'_, str>>) -> Option<Field<'b>> {
        c.as_deref().map(Field::Str)
    }
    fn v(v: &Option<Value>) -> Option<Field<'_>> {
        v.as_ref().map(Field::Json)
    }
    // In the order of `FAST_FIELDS` (`Top`).
    let record = Record::from_fields([
        s(&f.event_id),
        s(&f.event_name),
        v(&f.event_time),
        v(&f.timestamp),
        s(&f.event_source),
        s(&f.aws_region),
        s(&f.source_ip),
        s(&f.recipient),
        s(&f.error_code),
        s(&f.error_message),
        s(&f.event_type),
        v(&f.read_only),
        v(&f.user_identity),
        s(&f.user_agent),
        v(&f.request_parameters),
        v(&f.response_elements),
        v(&f.additional),
        v(&f.service_details),
        v(&f.from_console),
        v(&f.status),
        v(&f.resources),
    ]);
    Some(
        cloudtrail::normalize_fields(&record, &Envelope::default()).map(|mut sig| {
            if opts.keep_raw {
                sig.raw = Raw::Text(text.trim().into());
            }
            (kind, Normalized::Signal(Box::new(sig)))
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize_record;

    #[test]
    fn matches_the_general_path_on_real_records() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/datasets/invictus-aws-dataset/CloudTrail");
        let mut n = 0;
        for f in std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .take(6)
        {
            let v: Value = serde_json::from_slice(&std::fs::read(f.path()).unwrap_or_default())
                .unwrap_or_default();
            for rec in v["Records"].as_array().cloned().unwrap_or_default() {
                let text = rec.to_string();
                let opts = Options::without_raw();
                let fast = normalize(&text, &opts).map(|r| r.map(|(k, n)| (k, format!("{n:?}"))));
                let slow = normalize_record(rec, &opts).map(|(k, n)| (k, format!("{n:?}")));
                assert_eq!(fast, Some(slow), "{text}");
                n += 1;
            }
        }
        assert!(n > 100, "{n} records compared");
    }

    #[test]
    fn anything_else_falls_back() {
        assert!(normalize(
            r#"{"EventId":"1","EventName":"X","CloudTrailEvent":"{}"}"#,
            &Options::default()
        )
        .is_none());
        assert!(normalize(
            r#"{"eventID":1,"eventName":"X","eventSource":"s"}"#,
            &Options::default()
        )
        .is_none());
        assert!(normalize(r#"{"schemaVersion":"2.0"}"#, &Options::default()).is_none());
        assert!(normalize("not json", &Options::default()).is_none());
    }
}
