//! Line-oriented logs, recognised by their content: VPC Flow Logs (a header line naming the
//! fields, or default-format records), S3 server access logs, and either of them (or a Resolver
//! query as JSON) behind the timestamp a CloudWatch Logs export to S3 puts before each message.
//! One `LineLog` reads one file, a line at a time, remembering the flow log's field list.

use super::flowlogs::{looks_like_default_record, FlowFormat};
use super::{resolver, s3access, RecordError, RecordKind};
use crate::model::flow::FlowRecord;
use crate::model::Signal;

/// What a file of lines holds, decided from its first line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineFormat {
    FlowLog,
    S3Access,
    /// `2024-01-01T00:00:00.000Z message` lines (a CloudWatch Logs export).
    CloudWatchExport,
}

impl LineFormat {
    pub fn label(self) -> &'static str {
        match self {
            LineFormat::FlowLog => "VPC Flow Logs (text)",
            LineFormat::S3Access => "S3 server access log",
            LineFormat::CloudWatchExport => "CloudWatch Logs export (timestamped lines)",
        }
    }
}

/// One line read.
#[derive(Debug)]
pub enum Line {
    Flow(Box<FlowRecord>),
    Signal(Box<Signal>),
    /// A flow log header (its fields are the format of the lines after it).
    Header,
    Blank,
}

/// A CloudWatch Logs export line: the ISO time, a space, the message.
fn export_message(line: &str) -> Option<&str> {
    let (time, rest) = line.split_once(' ')?;
    (time.len() >= 20 && time.ends_with('Z') && crate::model::time::parse_str(time).is_some())
        .then_some(rest)
}

/// What the first non-blank line of a file says it is; `None` for anything else.
pub fn sniff(first: &str) -> Option<LineFormat> {
    let first = first.trim_end_matches(['\r', '\n']);
    if FlowFormat::from_header(first).is_some() || looks_like_default_record(first) {
        return Some(LineFormat::FlowLog);
    }
    if s3access::looks_like(first) {
        return Some(LineFormat::S3Access);
    }
    let msg = export_message(first)?;
    let inner = looks_like_default_record(msg)
        || s3access::looks_like(msg)
        || msg.trim_start().starts_with('{');
    inner.then_some(LineFormat::CloudWatchExport)
}

/// Reads the lines of one file (or the messages of one CloudWatch Logs payload).
#[derive(Debug, Clone)]
pub struct LineLog {
    flow_format: Option<FlowFormat>,
}

impl Default for LineLog {
    fn default() -> Self {
        LineLog::new()
    }
}

impl LineLog {
    pub fn new() -> LineLog {
        LineLog { flow_format: None }
    }

    /// One line of a file in `format`.
    pub fn line(
        &mut self,
        format: LineFormat,
        text: &str,
    ) -> Result<(Option<RecordKind>, Line), RecordError> {
        let text = text.trim_end_matches(['\r', '\n']);
        if text.trim().is_empty() {
            return Ok((None, Line::Blank));
        }
        match format {
            LineFormat::FlowLog => self.flow(text),
            LineFormat::S3Access => access(text),
            LineFormat::CloudWatchExport => match export_message(text) {
                Some(msg) => self.message(msg),
                None => Err("no CloudWatch Logs timestamp before the message".into()),
            },
        }
    }

    /// One log message of unknown shape (a CloudWatch Logs event): a default-format flow record
    /// (or one in the format of a header seen before), an access log line, or a Resolver query.
    pub fn message(&mut self, msg: &str) -> Result<(Option<RecordKind>, Line), RecordError> {
        let msg = msg.trim();
        if msg.starts_with('{') {
            let v: serde_json::Value =
                serde_json::from_str(msg).map_err(|e| format!("message is not JSON: {e}"))?;
            return json_message(&v);
        }
        if self.flow_format.is_some() || looks_like_default_record(msg) {
            return self.flow(msg);
        }
        if FlowFormat::from_header(msg).is_some() {
            return self.flow(msg);
        }
        if s3access::looks_like(msg) {
            return access(msg);
        }
        let fields = msg.split_ascii_whitespace().take(1000).count();
        Err(format!(
            "a message of {fields} fields that is no default-format flow record (14 fields), access log line or Resolver query: a custom flow log format needs its header line"
        )
        .into())
    }

    fn flow(&mut self, text: &str) -> Result<(Option<RecordKind>, Line), RecordError> {
        if let Some(f) = FlowFormat::from_header(text) {
            self.flow_format = Some(f);
            return Ok((None, Line::Header));
        }
        let format = self.flow_format.get_or_insert_with(FlowFormat::default_v2);
        let rec = format.parse(text)?;
        Ok((Some(RecordKind::FlowLog), Line::Flow(Box::new(rec))))
    }
}

fn access(text: &str) -> Result<(Option<RecordKind>, Line), RecordError> {
    let fields = s3access::fields(text)?;
    let s = s3access::normalize(&fields)?;
    Ok((Some(RecordKind::S3AccessLog), Line::Signal(Box::new(s))))
}

/// A JSON message: a Resolver query or an access log record by field name.
fn json_message(v: &serde_json::Value) -> Result<(Option<RecordKind>, Line), RecordError> {
    if resolver::is_query(v) {
        let s = resolver::normalize(v)?;
        return Ok((Some(RecordKind::ResolverQuery), Line::Signal(Box::new(s))));
    }
    if let Some(fields) = s3access::json_fields(v) {
        let s = s3access::normalize(&fields)?;
        return Ok((Some(RecordKind::S3AccessLog), Line::Signal(Box::new(s))));
    }
    Err("JSON message that is no Resolver query or access log record".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_told_apart_by_their_first_line() {
        let header = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";
        assert_eq!(sniff(header), Some(LineFormat::FlowLog));
        let export = "2024-05-01T10:00:00.000Z 2 123456789012 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1714557600 1714557660 ACCEPT OK";
        assert_eq!(sniff(export), Some(LineFormat::CloudWatchExport));
        assert_eq!(sniff("# a README"), None);
        assert_eq!(sniff("2024-05-01T10:00:00.000Z hello"), None);
        let mut log = LineLog::new();
        let r = log.line(LineFormat::CloudWatchExport, export);
        assert!(
            matches!(r, Ok((Some(RecordKind::FlowLog), Line::Flow(_)))),
            "{r:?}"
        );
        assert!(matches!(
            log.line(LineFormat::FlowLog, "  \r"),
            Ok((None, Line::Blank))
        ));
    }

    #[test]
    fn messages_of_a_custom_format_without_header_say_so() {
        let mut log = LineLog::new();
        let r = log.message("2 eni-1235b8ca123456789 172.31.16.139 172.31.16.21");
        assert!(r.is_err_and(|e| e.to_string().contains("needs its header line")));
        let q = r#"{"version":"1.100000","account_id":"111122223333","query_timestamp":"2026-11-28T09:14:02Z","query_name":"a.example.","query_type":"A","rcode":"NOERROR","srcaddr":"10.0.0.1","srcport":"1"}"#;
        assert!(matches!(
            log.message(q),
            Ok((Some(RecordKind::ResolverQuery), Line::Signal(_)))
        ));
    }
}
