//! Files of lines (VPC Flow Logs, S3 server access logs, CloudWatch Logs exports) and the
//! messages of CloudWatch Logs payloads: each line read by `normalize::lines`, flow records
//! summed into the file's conversations, every other record a signal. A line that is not a
//! record is an error with its line number, never dropped silently.

use super::accumulate::Accumulator;
use super::FileOutput;
use crate::model::raw::RecordFile;
use crate::normalize::flowlogs::MAX_LINE;
use crate::normalize::lines::{sniff, Line, LineFormat};
use crate::normalize::{Normalized, Options, RecordKind};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, Read};
use std::sync::Arc;

/// The most events read from one CloudWatch Logs payload (a subscription payload holds up to
/// 10,000; `filter-log-events` pages up to 10,000 too).
const MAX_EVENTS: usize = 100_000;

/// What the first non-blank line of `head` says the file is.
pub(super) fn sniff_bytes(head: &[u8]) -> Option<LineFormat> {
    let head = &head[..head.len().min(MAX_LINE)];
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        // Cut inside a character: what is valid before it.
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or(""),
    };
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .find(|l| !l.trim().is_empty())?;
    sniff(first)
}

/// `gzip › VPC Flow Logs (text): VPC Flow Logs record ×3`.
pub(super) fn describe(
    f: LineFormat,
    kinds: &BTreeMap<RecordKind, usize>,
    container: &str,
) -> String {
    let mut out = if container.is_empty() {
        f.label().to_string()
    } else {
        format!("{container} › {}", f.label())
    };
    if !kinds.is_empty() {
        let list: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} ×{n}")).collect();
        out.push_str(&format!(": {}", list.join(", ")));
    }
    out
}

/// Reads every line of a file in `format`.
pub(super) fn read_lines(
    name: &str,
    mut r: impl BufRead,
    format: LineFormat,
    container: &str,
    opts: Options,
    file: Option<Arc<RecordFile>>,
) -> FileOutput {
    let mut acc = Accumulator::new(name, opts, file);
    acc.text_format = Some(format);
    let mut buf = Vec::new();
    let mut lineno = 0usize;
    let mut bytes = 0u64;
    loop {
        buf.clear();
        let read = r
            .by_ref()
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf);
        let n = match read {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                acc.push_error(format!("line {}", lineno + 1), format!("read: {e}"));
                break;
            }
        };
        bytes += n as u64;
        lineno += 1;
        if buf.len() > MAX_LINE && buf.last() != Some(&b'\n') {
            // Past what any record holds: skip to the end of the line, and say so.
            acc.report.records += 1;
            acc.push_error(
                format!("line {lineno}"),
                format!("longer than {MAX_LINE} bytes: not a log record"),
            );
            let mut rest = Vec::new();
            loop {
                rest.clear();
                match r.by_ref().take(1 << 16).read_until(b'\n', &mut rest) {
                    Ok(0) | Err(_) => break,
                    Ok(m) => {
                        bytes += m as u64;
                        if rest.last() == Some(&b'\n') {
                            break;
                        }
                    }
                }
            }
            continue;
        }
        let loc = format!("line {lineno}");
        match std::str::from_utf8(&buf) {
            Ok(text) => acc.text_line(loc, format, text),
            Err(_) => {
                acc.report.records += 1;
                acc.push_error(loc, "not UTF-8 text".into());
            }
        }
    }
    acc.report.json_bytes = bytes;
    acc.finish(None, Vec::new(), container)
}

impl Accumulator {
    /// One line of a file of lines.
    pub(super) fn text_line(&mut self, loc: String, format: LineFormat, text: &str) {
        let result = self.lines.line(format, text);
        self.line_result(loc, text, result);
    }

    /// The messages of a CloudWatch Logs payload (or one `filter-log-events` event).
    pub(super) fn log_events(&mut self, loc: &str, v: &Value) {
        // The payload (or event) was counted as a record; its messages are the records.
        self.report.records = self.report.records.saturating_sub(1);
        *self
            .report
            .kinds
            .entry(RecordKind::CloudWatchLogs)
            .or_default() += 1;
        let one = [v.clone()];
        let events: &[Value] = match v.get("logEvents").and_then(Value::as_array) {
            Some(list) => list,
            None => &one,
        };
        if events.len() > MAX_EVENTS {
            self.push_error(
                loc.to_string(),
                format!(
                    "{} log events; the first {MAX_EVENTS} are read",
                    events.len()
                ),
            );
        }
        let payload = v.get("logEvents").is_some();
        for (i, e) in events.iter().take(MAX_EVENTS).enumerate() {
            let at = if payload && loc == "record 0" {
                // The file is this one payload.
                format!("logEvents[{i}]")
            } else if payload {
                format!("{loc} logEvents[{i}]")
            } else {
                loc.to_string()
            };
            match e.get("message").and_then(Value::as_str) {
                Some(msg) => {
                    let result = self.lines.message(msg);
                    self.line_result(at, msg, result);
                }
                None => {
                    self.report.records += 1;
                    self.push_error(at, "log event has no message".into());
                }
            }
        }
    }

    fn line_result(
        &mut self,
        loc: String,
        text: &str,
        result: Result<(Option<RecordKind>, Line), crate::normalize::RecordError>,
    ) {
        let (kind, line) = match result {
            Ok((_, Line::Blank | Line::Header)) => return,
            Ok((kind, line)) => (kind, line),
            Err(e) => {
                self.report.records += 1;
                self.push_error(loc, e.to_string());
                return;
            }
        };
        self.report.records += 1;
        match line {
            Line::Flow(rec) => {
                self.flows.add(&rec);
                self.report.flows += 1;
                if let Some(kind) = kind {
                    *self.report.kinds.entry(kind).or_default() += 1;
                }
            }
            Line::Signal(mut s) => {
                if self.opts.keep_raw {
                    // A JSON message as it is; a line of text as `{"line": …}`.
                    let line = text.trim_end_matches(['\r', '\n']);
                    let raw = serde_json::from_str::<Value>(line)
                        .ok()
                        .filter(Value::is_object)
                        .unwrap_or_else(|| serde_json::json!({ "line": line }));
                    s.raw = crate::model::Raw::text_of(&raw);
                }
                self.take_line(kind.unwrap_or(RecordKind::S3AccessLog), *s);
            }
            Line::Blank | Line::Header => {}
        }
    }

    fn take_line(&mut self, kind: RecordKind, s: crate::model::Signal) {
        *self.report.kinds.entry(kind).or_default() += 1;
        *self.report.signals.entry(s.source.label()).or_default() += 1;
        self.items.push(Normalized::signal(s));
    }

    /// The file's conversations, handed to the store with its signals.
    pub(super) fn take_flows(&mut self) {
        if !self.flows.is_empty() {
            let flows = std::mem::take(&mut self.flows);
            self.items.push(Normalized::Flows(Box::new(flows)));
        }
    }
}

#[cfg(test)]
mod tests;
