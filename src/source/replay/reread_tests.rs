use super::read;
use crate::model::raw::FileSpan;
use crate::normalize::{Normalized, Options};
use crate::source::replay::read_path;
use serde_json::Value;
use std::io::Write;
use std::path::Path;

/// A real CloudTrail log file (Invictus), pretty-printed with a byte-order mark, so the records'
/// places are not those of the compact text.
fn log_file() -> Vec<u8> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/datasets/invictus-aws-dataset/CloudTrail");
    let first = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .min()
        .unwrap_or_default();
    let v: Value =
        serde_json::from_slice(&std::fs::read(first).unwrap_or_default()).unwrap_or_default();
    let mut out = b"\xEF\xBB\xBF\n  ".to_vec();
    out.extend(serde_json::to_vec_pretty(&v).unwrap_or_default());
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = gz.write_all(bytes);
    gz.finish().unwrap_or_default()
}

fn spans(path: &Path) -> Vec<FileSpan> {
    read_path(path, Options::console())
        .into_iter()
        .flat_map(|o| o.items)
        .filter_map(|i| match i {
            Normalized::Signal(s) => s.raw.file_span().cloned(),
            _ => None,
        })
        .collect()
}

/// Every record read back is the file's own bytes for it, and the record the file holds there.
fn check_all(path: &Path, content: &[u8]) -> usize {
    let records = serde_json::from_slice::<Value>(content.get(3..).unwrap_or_default())
        .ok()
        .and_then(|v| v["Records"].as_array().cloned())
        .unwrap_or_default();
    let spans = spans(path);
    assert_eq!(spans.len(), records.len(), "{}", path.display());
    for (span, record) in spans.iter().zip(&records) {
        let text = read(span).unwrap_or_else(|e| panic!("{e}"));
        let (at, len) = (span.offset() as usize, span.len() as usize);
        assert_eq!(text.as_bytes(), &content[at..at + len], "byte-for-byte");
        assert_eq!(
            &serde_json::from_str::<Value>(&text).unwrap_or_default(),
            record
        );
    }
    spans.len()
}

#[test]
fn records_are_read_back_byte_for_byte_from_plain_gzip_and_zip_files() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let content = log_file();
    let plain = dir.path().join("trail.json");
    std::fs::write(&plain, &content).unwrap_or_default();
    assert!(check_all(&plain, &content) > 10);
    let gz = dir.path().join("trail.json.gz");
    std::fs::write(&gz, gzip(&content)).unwrap_or_default();
    check_all(&gz, &content);

    let zipped = dir.path().join("export.zip");
    let mut zw =
        zip::ZipWriter::new(std::fs::File::create(&zipped).unwrap_or_else(|e| panic!("{e}")));
    let opts = zip::write::SimpleFileOptions::default();
    let _ = zw.start_file("a/trail.json.gz", opts);
    let _ = zw.write_all(&gzip(&content));
    let _ = zw.start_file("b/trail.json", opts);
    let _ = zw.write_all(&content);
    let _ = zw.finish();
    let spans = spans(&zipped);
    assert_eq!(spans.len(), 2 * check_all(&plain, &content));
    for span in [&spans[0], &spans[spans.len() - 1]] {
        let text = read(span).unwrap_or_else(|e| panic!("{e}"));
        let (at, len) = (span.offset() as usize, span.len() as usize);
        assert_eq!(text.as_bytes(), &content[at..at + len]);
    }
}

#[test]
fn a_changed_file_is_refused_not_misread() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let content = log_file();
    let path = dir.path().join("trail.json");
    std::fs::write(&path, &content).unwrap_or_default();
    let spans = spans(&path);
    let Some(span) = spans.get(1) else {
        panic!("no records")
    };
    // Same size, same modification time, other bytes where the record was.
    let when = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
    let mut changed = content.clone();
    let at = span.offset() as usize + 20;
    changed[at] = if changed[at] == b'x' { b'y' } else { b'x' };
    std::fs::write(&path, &changed).unwrap_or_default();
    if let (Some(t), Ok(f)) = (when, std::fs::File::options().write(true).open(&path)) {
        let _ = f.set_modified(t);
    }
    let err = read(span).err().unwrap_or_default();
    assert!(err.contains("not the one loaded"), "{err}");
    // Grown: refused before reading.
    std::fs::write(&path, [content.as_slice(), b" "].concat()).unwrap_or_default();
    let err = read(span).err().unwrap_or_default();
    assert!(err.contains("changed since it was loaded"), "{err}");
    std::fs::remove_file(&path).unwrap_or_default();
    assert!(read(span).is_err_and(|e| e.contains("cannot read")));
}

#[test]
fn only_the_console_keeps_places_in_files() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("trail.json");
    std::fs::write(&path, log_file()).unwrap_or_default();
    let kept: Vec<bool> = read_path(&path, Options::default())
        .into_iter()
        .flat_map(|o| o.items)
        .filter_map(|i| match i {
            Normalized::Signal(s) => Some(s.raw.file_span().is_some() || s.raw.is_none()),
            _ => None,
        })
        .collect();
    assert!(
        !kept.is_empty() && kept.iter().all(|k| !k),
        "kept in memory"
    );
}

#[test]
fn a_record_past_what_a_span_holds_is_kept_in_memory_and_shows_as_written() {
    // 17 MiB of request parameters: past a span's 16 MiB, so the record is held, not placed.
    let big = "x".repeat(17 << 20);
    let records = serde_json::json!({"Records": [
        {"eventID": "00000000-0000-4000-8000-000000000001", "eventName": "PutObject",
         "eventTime": "2024-01-01T00:00:00Z", "eventSource": "s3.amazonaws.com",
         "requestParameters": {"key": big}},
        {"eventID": "00000000-0000-4000-8000-000000000002", "eventName": "GetObject",
         "eventTime": "2024-01-01T00:00:01Z", "eventSource": "s3.amazonaws.com"},
    ]});
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("trail.json");
    std::fs::write(&path, records.to_string()).unwrap_or_default();
    let signals: Vec<_> = read_path(&path, Options::console())
        .into_iter()
        .flat_map(|o| o.items)
        .filter_map(|i| match i {
            Normalized::Signal(s) => Some(s),
            _ => None,
        })
        .collect();
    assert_eq!(signals.len(), 2);
    let (held, placed) = (&signals[0], &signals[1]);
    assert!(held.raw.file_span().is_none());
    let text = held.raw.text().unwrap_or_default();
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap_or_default(),
        records["Records"][0]
    );
    let span = placed.raw.file_span().unwrap_or_else(|| panic!("placed"));
    assert_eq!(
        serde_json::from_str::<Value>(&read(span).unwrap_or_default()).unwrap_or_default(),
        records["Records"][1]
    );
}
