//! Streams the records out of one JSON document without building the whole document in
//! memory: `{"Records": [...]}`, `{"Findings": [...]}` and the other API envelopes, bare arrays,
//! single objects, JSON Lines, and placebo recordings (`{"status_code": 200, "data": {...}}`).
//! Each record is handed to a sink as soon as it is parsed.

use super::seeds::{finish, Top};
use serde::de::{DeserializeSeed, IgnoredAny};
use serde_json::Value;
use std::fmt;
use std::io::Read;

/// Top-level keys whose array holds the records of an API response or log file.
pub const RECORD_ARRAYS: &[&str] = &[
    "Records",
    "Events",
    "Findings",
    "findings",
    "events",
    "successfulSet",
    "failedSet",
    "entities",
    "eventTypes",
    "MetricAlarms",
    "CompositeAlarms",
    "AlarmHistoryItems",
    "Anomalies",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// `{"<key>": [...]}`: a log file or an API response.
    Wrapped(&'static str),
    Array,
    Lines,
    Single,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocInfo {
    pub shape: Shape,
    /// Wrapped in a placebo recording (`status_code` + `data`).
    pub placebo: bool,
}

/// Where a record sits in its file, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// 0-based index of the record within the file.
    pub index: usize,
    /// 1-based line, when the file is JSON Lines.
    pub line: Option<usize>,
    /// The array key the record came from (`Records`, `failedSet`…).
    pub key: Option<&'static str>,
    /// A log file's record read from memory: where its bytes start in the (decompressed)
    /// content, and how many there are.
    pub span: Option<(u64, u32)>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.key) {
            (Some(l), _) => write!(f, "line {l}"),
            (None, Some(k)) => write!(f, "{k}[{}]", self.index),
            (None, None) => write!(f, "record {}", self.index),
        }
    }
}

/// One record as it comes out of a document: a parsed tree, or (for a log file's `Records`) its
/// raw text, which the CloudTrail fast path parses without building a tree.
#[derive(Debug)]
// `Fast` is large (its fields' slots), but an element lives on the stack for one call to a
// sink; boxing it would be an allocation a record.
#[allow(clippy::large_enum_variant)]
pub enum Element<'a> {
    Value(Value),
    Raw(&'a serde_json::value::RawValue),
    /// A log file's record parsed by the CloudTrail fast path as its end was found
    /// (`log_file`): its text and its fields.
    Fast(&'a str, crate::normalize::fast_cloudtrail::Parsed<'a>),
}

impl Element<'_> {
    /// The record as a tree, whatever form it came in.
    pub fn into_value(self) -> Result<Value, serde_json::Error> {
        match self {
            Element::Value(v) => Ok(v),
            Element::Raw(r) => serde_json::from_str(r.get()),
            Element::Fast(text, _) => serde_json::from_str(text),
        }
    }
}

pub type Sink<'s> = dyn FnMut(Location, Element<'_>) + 's;

/// Longest first line that is tried as a JSON Lines record before the file is read as one
/// document (an S3 log file is one long line).
const MAX_PROBE_LINE: usize = 8 << 20;

fn looks_like_json_lines(bytes: &[u8]) -> bool {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let body = &bytes[start..];
    // Only the first line is looked for (memchr, and no further than a probe's length): a
    // CloudTrail log file is one line of megabytes, and a byte-by-byte search for a newline
    // that is not there read every file through once more (a tenth of a replay's time).
    let probe = &body[..body.len().min(MAX_PROBE_LINE + 1)];
    let Some(nl) = memchr::memchr(b'\n', probe) else {
        return false;
    };
    if nl > MAX_PROBE_LINE || !body[nl..].iter().any(|b| !b.is_ascii_whitespace()) {
        return false;
    }
    serde_json::from_slice::<IgnoredAny>(&body[..nl]).is_ok()
}

/// Error from a document, with where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocError {
    pub location: String,
    pub reason: String,
}

fn doc_error(e: serde_json::Error, line_offset: usize) -> DocError {
    let location = if e.line() > 0 {
        format!("line {} column {}", e.line() + line_offset, e.column())
    } else {
        "end of file".into()
    };
    let reason = match e.classify() {
        serde_json::error::Category::Eof => "truncated JSON (file ends inside a value)".to_string(),
        _ => {
            let msg = e.to_string();
            msg.split(" at line ").next().unwrap_or(&msg).to_string()
        }
    };
    DocError { location, reason }
}

/// Reads every record of an in-memory document. Errors in a JSON Lines file are per line and do
/// not stop the rest; a syntax error in a single document stops that document.
/// Line errors kept in full; the rest are counted.
const MAX_LINE_ERRORS: usize = 100;

pub fn read_slice(bytes: &[u8], sink: &mut Sink<'_>) -> (Option<DocInfo>, Vec<DocError>) {
    let base = Some(bytes.as_ptr() as usize);
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(bytes);
    let mut index = 0;
    let mut errors = Vec::new();
    if looks_like_json_lines(bytes) {
        let mut bad_lines = 0usize;
        for (n, line) in bytes.split(|b| *b == b'\n').enumerate() {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let mut de = serde_json::Deserializer::from_slice(line);
            let top = Top {
                sink: &mut *sink,
                index: &mut index,
                line: Some(n + 1),
                base,
            };
            match top.deserialize(&mut de).and_then(|r| de.end().map(|_| r)) {
                Ok(r) => {
                    finish(r, &mut index, Some(n + 1), sink);
                }
                // Kept up to a bound and counted beyond: a file of endless bad lines must not
                // grow an endless list.
                Err(e) if errors.len() < MAX_LINE_ERRORS => errors.push(doc_error(e, n)),
                Err(_) => bad_lines += 1,
            }
        }
        if bad_lines > 0 {
            errors.push(DocError {
                location: "…".into(),
                reason: format!("{bad_lines} more lines that are not JSON"),
            });
        }
        return (
            Some(DocInfo {
                shape: Shape::Lines,
                placebo: false,
            }),
            errors,
        );
    }
    // A CloudTrail log file is read in one pass; anything it does not expect (another shape,
    // bad JSON) is read again the general way, which reports errors where they are and hands on
    // only the records after those already handed on.
    let mut skip = 0;
    if let Some(base) = base.filter(|_| crate::normalize::fast_cloudtrail::usable()) {
        match super::log_file::read_records(bytes, base, sink) {
            Ok(_) => {
                let shape = Shape::Wrapped("Records");
                let placebo = false;
                return (Some(DocInfo { shape, placebo }), errors);
            }
            Err(handed_on) => skip = handed_on,
        }
    }
    let mut rest = |loc: Location, element: Element<'_>| match skip {
        0 => sink(loc, element),
        _ => skip -= 1,
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    read_values(&mut de, &mut index, base, &mut rest, &mut errors)
}

/// The same over a reader, for files too large to hold in memory.
pub fn read_stream<R: Read>(reader: R, sink: &mut Sink<'_>) -> (Option<DocInfo>, Vec<DocError>) {
    let mut de =
        serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(1 << 20, reader));
    let mut index = 0;
    let mut errors = Vec::new();
    read_values(&mut de, &mut index, None, sink, &mut errors)
}

fn read_values<'de, R: serde_json::de::Read<'de>>(
    de: &mut serde_json::Deserializer<R>,
    index: &mut usize,
    base: Option<usize>,
    sink: &mut Sink<'_>,
    errors: &mut Vec<DocError>,
) -> (Option<DocInfo>, Vec<DocError>) {
    let mut info: Option<DocInfo> = None;
    let mut values = 0;
    loop {
        match de.end() {
            Ok(()) => break,
            Err(e) if e.is_io() => {
                errors.push(DocError {
                    location: "read".into(),
                    reason: e.to_string(),
                });
                break;
            }
            Err(_) => {}
        }
        match (Top {
            sink: &mut *sink,
            index: &mut *index,
            line: None,
            base,
        })
        .deserialize(&mut *de)
        {
            Ok(r) => {
                let this = finish(r, index, None, sink);
                values += 1;
                info = Some(match info {
                    None => this,
                    Some(_) => DocInfo {
                        shape: Shape::Lines,
                        placebo: this.placebo,
                    },
                });
            }
            Err(e) => {
                errors.push(doc_error(e, 0));
                break;
            }
        }
    }
    if values == 0 && errors.is_empty() {
        errors.push(DocError {
            location: "file".into(),
            reason: "empty file: no JSON value".into(),
        });
    }
    (info, std::mem::take(errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(input: &str) -> (Option<DocInfo>, Vec<(String, Value)>, Vec<DocError>) {
        let mut got = Vec::new();
        let (info, errs) = read_slice(input.as_bytes(), &mut |loc, el| {
            got.push((loc.to_string(), el.into_value().unwrap_or_default()))
        });
        (info, got, errs)
    }

    #[test]
    fn wrapped_arrays_stream_each_record() {
        let (info, got, errs) = collect(r#"{"Records":[{"a":1},{"a":2}]}"#);
        assert_eq!(info.map(|i| i.shape), Some(Shape::Wrapped("Records")));
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].0, "Records[1]");
        assert!(errs.is_empty());
    }

    #[test]
    fn placebo_data_is_unwrapped() {
        let (info, got, _) =
            collect(r#"{"status_code":200,"data":{"events":[{"arn":"x"}],"ResponseMetadata":{}}}"#);
        assert_eq!(
            info,
            Some(DocInfo {
                shape: Shape::Wrapped("events"),
                placebo: true
            })
        );
        assert_eq!(got.len(), 1);
    }

    #[test]
    fn json_lines_keep_going_after_a_bad_line() {
        let (info, got, errs) = collect("{\"a\":1}\n{broken\n\n{\"a\":3}\n");
        assert_eq!(info.map(|i| i.shape), Some(Shape::Lines));
        assert_eq!(
            got.iter().map(|g| g.0.as_str()).collect::<Vec<_>>(),
            ["line 1", "line 4"]
        );
        assert_eq!(errs.len(), 1);
        assert!(errs[0].location.starts_with("line 2"), "{:?}", errs[0]);
    }

    #[test]
    fn single_objects_arrays_and_truncation() {
        let (info, got, _) = collect("  {\"x\": [1]}  ");
        assert_eq!(info.map(|i| i.shape), Some(Shape::Single));
        assert_eq!(got.len(), 1);
        let (info, got, _) = collect("[{\"a\":1}, 2]");
        assert_eq!(info.map(|i| i.shape), Some(Shape::Array));
        assert_eq!(got.len(), 2);
        let (_, got, errs) = collect("{\"Records\":[{\"a\":1},{\"a\":");
        assert_eq!(got.len(), 1);
        assert_eq!(errs[0].reason, "truncated JSON (file ends inside a value)");
        let (_, _, errs) = collect("");
        assert_eq!(errs.len(), 1);
        let (_, _, errs) = collect("\"just a string\"");
        assert_eq!(errs.len(), 1);
    }

    #[test]
    fn the_reader_path_matches_the_slice_path() {
        let input = r#"{"Records":[{"a":1},{"a":2}]}"#;
        let mut n = 0;
        let (info, errs) = read_stream(input.as_bytes(), &mut |_, _| n += 1);
        assert_eq!(
            (info.map(|i| i.shape), n, errs.len()),
            (Some(Shape::Wrapped("Records")), 2, 0)
        );
    }
}
