//! Turns one JSON record of any supported shape into signals. Shared by replay, the demo and
//! the live AWS pollers, so every source gets the same severities and entities.

pub mod access_analyzer;
pub mod alarms;
pub mod attack_sequence;
pub mod classify;
mod classify_findings;
pub mod cloudtrail;
pub mod cloudtrail_entities;
pub mod cloudtrail_severity;
pub mod copies;
pub mod cost_anomaly;
pub mod error;
pub mod fast_cloudtrail;
pub mod finding_parts;
pub mod flowlogs;
pub mod guardduty;
pub mod health;
pub mod inspector;
pub mod json_path;
pub mod lines;
pub mod macie;
pub mod ocsf;
mod record_kind;
pub mod resolver;
pub mod s3access;
pub mod securityhub;
pub mod text_bounds;

/// Abuse types and nested-JSON decoding are domain types; their old paths stay for callers.
pub use crate::model::{abuse, nested};
pub use classify::{normalize_record, Arriving, Normalized, RecordKind};
pub use error::RecordError;

/// A record holding several findings (a Security Hub event) as one record per finding; `None`
/// for any other record, which is read as it is.
pub fn split_record(v: &serde_json::Value) -> Option<Vec<serde_json::Value>> {
    classify_findings::split(v)
}

/// Context an EventBridge envelope (or the file) gives to the record inside it.
#[derive(Debug, Clone, Default)]
pub struct Envelope {
    pub account: Option<String>,
    pub region: Option<String>,
    /// When the record was received (`Options::received`), for a record without a time.
    pub received: Option<crate::model::time::Received>,
}

#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Keep the decoded original record on every signal (the detail view needs it;
    /// `airc inspect` does not). Health parts are always kept: the join needs them.
    pub keep_raw: bool,
    /// For a log file read from disk: keep each CloudTrail record's place in the file instead of
    /// its text (`Raw::File`); the console reads it back when a responder opens it.
    pub file_spans: bool,
    /// When the records were received (their file's modification time): the time a record
    /// without one of its own is placed at, and says so. `None`: when it is read.
    pub received: Option<crate::model::time::Received>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            keep_raw: true,
            file_spans: false,
            received: None,
        }
    }
}

impl Options {
    /// What the console keeps of replayed files: every original, log files' records as their
    /// place in the file.
    pub fn console() -> Options {
        Options {
            keep_raw: true,
            file_spans: true,
            received: None,
        }
    }
    /// Signals without their original records (`airc inspect`, counts, benchmarks).
    pub fn without_raw() -> Options {
        Options {
            keep_raw: false,
            file_spans: false,
            received: None,
        }
    }
}

/// The JSON records of network and data-access logs: a CloudWatch Logs subscription payload
/// (`messageType`, `logEvents`) or one event of `filter-log-events` (`message`, `timestamp`,
/// `logStreamName`), a Resolver query, an access log record in its JSON form.
fn network_kind(v: &serde_json::Value) -> Option<RecordKind> {
    use json_path::has;
    let payload = has(v, "messageType") && v.get("logEvents").is_some_and(|e| e.is_array());
    let event = v.get("message").is_some_and(|m| m.is_string())
        && v.get("timestamp").is_some()
        && (has(v, "logStreamName") || has(v, "eventId") || has(v, "ingestionTime"));
    if payload || event {
        return Some(RecordKind::CloudWatchLogs);
    }
    if resolver::is_query(v) {
        return Some(RecordKind::ResolverQuery);
    }
    s3access::json_fields(v).map(|_| RecordKind::S3AccessLog)
}
