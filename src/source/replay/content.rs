//! What one file's decompressed content is: JSON (a document, an array, JSON Lines) read
//! record by record, a file of log lines (flow logs, access logs, CloudWatch Logs exports), or
//! something else (a README), from memory or from a stream.

use super::accumulate::Accumulator;
use super::containers::extension;
use super::{document, text_log, FileOutput, FileReport, FileStatus};
use crate::model::raw::RecordFile;
use crate::normalize::Options;
use std::io::{BufRead, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

const JSON_EXTENSIONS: &[&str] = &["json", "jsonl", "ndjson", "gz", "zip"];

/// Whether content starts (after blanks and a byte order mark) like JSON.
fn looks_json(bytes: &[u8]) -> bool {
    let first = bytes
        .iter()
        .take(4096)
        .find(|b| !b.is_ascii_whitespace() && **b != 0xEF && **b != 0xBB && **b != 0xBF);
    matches!(first, Some(b'{') | Some(b'['))
}

/// Content that is neither JSON nor a log of lines: refused when it should have been JSON (a
/// `.json` file, anything compressed), else a file with no event data (a README).
fn not_json(name: &str, empty: bool, container: &str) -> FileOutput {
    let report = FileReport::new(name.into());
    let ext = extension(name.trim_end_matches(".gz"));
    if JSON_EXTENSIONS.contains(&ext.as_str()) || !container.is_empty() {
        let why = if empty {
            "empty file"
        } else {
            "does not start with a JSON object or array, and is no flow log, access log or CloudWatch Logs export"
        };
        return FileOutput {
            report: report.fail("file", why),
            items: vec![],
        };
    }
    let mut report = report;
    report.status = FileStatus::NoEventData;
    report.format = "not JSON".into();
    report.note = Some(format!("no event data (.{ext} file)"));
    FileOutput {
        report,
        items: vec![],
    }
}

/// Reads an in-memory file. Public for the fuzz target and tests.
pub fn read_bytes(name: &str, bytes: &[u8], container: &str, opts: Options) -> FileOutput {
    read_bytes_of(name, bytes, container, opts, None)
}

/// `read_bytes` of content read from `file` on disk: a log file's records can be read back from
/// it (`Options::file_spans`).
pub(super) fn read_bytes_of(
    name: &str,
    bytes: &[u8],
    container: &str,
    opts: Options,
    file: Option<Arc<RecordFile>>,
) -> FileOutput {
    if !looks_json(bytes) {
        if let Some(format) = text_log::sniff_bytes(bytes) {
            let r = std::io::Cursor::new(bytes);
            return text_log::read_lines(name, r, format, container, opts, file);
        }
        return not_json(name, bytes.is_empty(), container);
    }
    let mut acc = Accumulator::new(name, opts, file);
    acc.report.json_bytes = bytes.len() as u64;
    let (info, errors) = document::read_slice(bytes, &mut |loc, v| acc.record(loc, v));
    acc.finish(info, errors, container)
}

pub(super) fn read_stream(name: &str, r: impl Read, container: &str, opts: Options) -> FileOutput {
    // Streamed (larger than `IN_MEMORY`): the records' places are not known, they stay in memory.
    let mut r = std::io::BufReader::with_capacity(1 << 16, r);
    let head = match r.fill_buf() {
        Ok(head) => head,
        Err(e) => {
            return FileOutput {
                report: FileReport::new(name.into()).fail("read", e.to_string()),
                items: vec![],
            }
        }
    };
    if !looks_json(head) {
        return match text_log::sniff_bytes(head) {
            Some(format) => text_log::read_lines(name, r, format, container, opts, None),
            None => not_json(name, head.is_empty(), container),
        };
    }
    let mut acc = Accumulator::new(name, opts, None);
    let counted = Arc::new(AtomicU64::new(0));
    let reader = CountingReader {
        inner: r,
        count: Arc::clone(&counted),
    };
    let (info, errors) = document::read_stream(reader, &mut |loc, v| acc.record(loc, v));
    acc.report.json_bytes = counted.load(Ordering::Relaxed);
    acc.finish(info, errors, container)
}

/// Counts the bytes a streamed file yields after decompression.
struct CountingReader<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}
