//! S3 server access logs: one request a line, fields separated by spaces, `"…"` around the
//! request URI, referrer and user agent, `[…]` around the time, `-` for a field that does not
//! apply. Fields have been added at the end over the years (version id … access point ARN,
//! aclRequired, source region), so a line may stop after the user agent; fields past the
//! documented ones are ignored. Each line becomes an activity signal with the bucket, the
//! object, the requester and the remote address as entities.

mod tokens;

use super::finding_parts::Draft;
use crate::model::{Entity, EntityKind, Severity, Signal, Source};
use chrono::{DateTime, Utc};

pub use tokens::split;

/// The documented field names, in order (the JSON form from CloudWatch Logs uses them too).
pub const FIELDS: [&str; 27] = [
    "bucket_owner",
    "bucket",
    "time",
    "remote_ip",
    "requester",
    "request_id",
    "operation",
    "key",
    "request_uri",
    "http_status",
    "error_code",
    "bytes_sent",
    "object_size",
    "total_time",
    "turn_around_time",
    "referrer",
    "user_agent",
    "version_id",
    "host_id",
    "signature_version",
    "cipher_suite",
    "authentication_type",
    "host_header",
    "tls_version",
    "access_point_arn",
    "acl_required",
    "source_region",
];

/// The oldest format ends with the user agent: fewer fields is not a whole record.
pub const MIN_FIELDS: usize = 17;
/// Tokens read from one line at most (AWS may add a few more fields; a line of thousands is not
/// a record).
const MAX_TOKENS: usize = 64;

/// `[06/Feb/2019:00:00:38 +0000]`'s inside.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_str(s, "%d/%b/%Y:%H:%M:%S %z")
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Whether a line looks like an access log record: a bucket owner, a bucket and a bracketed time
/// that parses.
pub fn looks_like(line: &str) -> bool {
    let mut it = line.splitn(4, ' ');
    let (Some(owner), Some(bucket), Some(rest)) = (it.next(), it.next(), it.next()) else {
        return false;
    };
    let rest = match it.next() {
        Some(more) => format!("{rest} {more}"),
        None => rest.to_string(),
    };
    !owner.is_empty()
        && !bucket.is_empty()
        && rest
            .strip_prefix('[')
            .and_then(|r| r.split_once(']'))
            .is_some_and(|(t, _)| parse_time(t).is_some())
}

/// The fields of one line by name (`-` left out), or why it is not a record.
pub fn fields(line: &str) -> Result<Vec<(&'static str, String)>, String> {
    let tokens = split(line, MAX_TOKENS)?;
    if tokens.len() < MIN_FIELDS {
        return Err(format!(
            "{} fields where an access log record has at least {MIN_FIELDS}",
            tokens.len()
        ));
    }
    Ok(FIELDS
        .iter()
        .zip(tokens)
        .filter(|(_, v)| v != "-" && !v.is_empty())
        .map(|(k, v)| (*k, v))
        .collect())
}

/// The JSON form (a CloudWatch Logs message, a log shipper's record): the documented fields
/// by name, in snake_case, camelCase or PascalCase (`bucket_owner`, `bucketOwner`,
/// `BucketOwner`). `None` unless it names a bucket, an operation and a time.
pub fn json_fields(v: &serde_json::Value) -> Option<Vec<(&'static str, String)>> {
    let obj = v.as_object()?;
    let squash = |k: &str| k.replace('_', "").to_ascii_lowercase();
    let mut out = Vec::new();
    for (k, val) in obj.iter().take(MAX_TOKENS * 2) {
        let key = squash(k);
        let Some(name) = FIELDS.iter().find(|f| squash(f) == key) else {
            continue;
        };
        let text = match val {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => b.to_string(),
            _ => continue,
        };
        if text != "-" && !text.is_empty() && !out.iter().any(|(n, _)| n == name) {
            out.push((*name, text));
        }
    }
    let has = |n: &str| out.iter().any(|(k, _)| *k == n);
    (has("bucket") && has("operation") && has("time")).then_some(out)
}

fn get<'a>(f: &'a [(&'static str, String)], name: &str) -> Option<&'a str> {
    f.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str())
}

/// One record's named fields into a signal.
pub fn normalize(f: &[(&'static str, String)]) -> Result<Signal, super::RecordError> {
    let bucket = get(f, "bucket").ok_or("access log record has no bucket")?;
    let time = get(f, "time")
        .and_then(|t| parse_time(t).or_else(|| crate::model::time::parse_str(t)))
        .ok_or("access log record has no readable time")?;
    let operation = get(f, "operation").unwrap_or("UNKNOWN");
    let status = get(f, "http_status").unwrap_or("-");
    let error = get(f, "error_code");
    let key = get(f, "key");
    let ip = get(f, "remote_ip");
    let requester = get(f, "requester");
    let request_id = get(f, "request_id").unwrap_or("-");
    let principal = requester.and_then(Entity::from_arn);
    let who = match (&principal, requester) {
        (Some(p), _) => p.id.to_string(),
        (None, Some(r)) => r.to_string(),
        (None, None) => "anonymous".to_string(),
    };
    let access_point = get(f, "access_point_arn");
    let account = access_point
        .and_then(|a| a.split(':').nth(4))
        .filter(|a| crate::model::entity::is_account_id(a));
    let denied = status == "403";
    let mut d = Draft {
        id: format!(
            "s3access:{bucket}:{request_id}:{operation}:{}:{}",
            time.timestamp(),
            key.unwrap_or("-")
        ),
        time: Some(time),
        severity: if denied {
            Severity::Low
        } else {
            Severity::Info
        },
        kind: operation.to_string(),
        title: format!("S3 {operation}"),
        reason: if denied {
            "S3 access log: request denied (403)".into()
        } else {
            "S3 access log record".into()
        },
        account: account.map(str::to_string),
        region: get(f, "source_region").map(str::to_string),
        category: Some(match error {
            Some(e) => format!("HTTP {status} {e}"),
            None => format!("HTTP {status}"),
        }),
        actor: Some(who.clone()),
        product: Some("s3".into()),
        ..Draft::default()
    };
    let object = key.map(|k| format!("s3://{bucket}/{k}"));
    d.summary = format!(
        "{who} {operation} {} → {status}{}{}{}",
        object.as_deref().unwrap_or(&format!("s3://{bucket}")),
        error.map(|e| format!(" {e}")).unwrap_or_default(),
        get(f, "bytes_sent")
            .map(|b| format!(" ({b} B sent)"))
            .unwrap_or_default(),
        ip.map(|ip| format!(" from {ip}")).unwrap_or_default(),
    );
    d.entities.kind(EntityKind::Bucket, Some(bucket));
    // The object only in a bucket whose name is one (`Entity::checked`).
    if let Some(k) = key.filter(|_| crate::model::entity::is_bucket_name(bucket)) {
        d.entities.push(Some(Entity::new(
            EntityKind::ObjectKey,
            format!("{bucket}/{k}"),
        )));
    }
    d.entities.push(principal);
    if let Some(ip) = ip.filter(|ip| ip.parse::<std::net::IpAddr>().is_ok()) {
        d.entities.kind(EntityKind::Ip, Some(ip));
    }
    d.build(Source::S3Access, "access log record has no time")
}

#[cfg(test)]
mod tests;
