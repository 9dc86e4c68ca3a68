//! Offline replay: every file format a responder already holds, detected per file, read in
//! parallel across files, streamed within large ones.

mod accumulate;
pub mod containers;
pub mod document;
pub mod file_report;
mod seeds;

use crate::normalize::{Normalized, Options};
use crate::store::Store;
use accumulate::Accumulator;
use containers::{extension, Content};
pub use file_report::{FileError, FileReport, FileStatus};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

/// Shared counters a UI can read while files load.
#[derive(Debug, Default)]
pub struct Progress {
    pub files_total: AtomicUsize,
    pub files_done: AtomicUsize,
    pub bytes_done: AtomicU64,
}

pub struct Loaded {
    pub files: Vec<FileReport>,
    pub store: Store,
    /// Bytes read from disk (compressed size for `.gz` and `.zip`).
    pub bytes: u64,
    /// JSON bytes parsed, after decompression.
    pub json_bytes: u64,
}

/// What reading one file (or zip entry) produced, before it is merged into the store.
pub struct FileOutput {
    pub report: FileReport,
    pub items: Vec<Normalized>,
}

/// Reads every file under `paths` in parallel and hands each file's output to `on_file` as soon
/// as it is read (in completion order). The console feeds its store this way while loading.
pub fn load_streaming(
    paths: &[PathBuf],
    opts: Options,
    progress: &Progress,
    on_file: &(dyn Fn(FileOutput) + Sync),
) {
    let found = containers::discover(paths);
    progress.files_total.store(found.len(), Ordering::Relaxed);
    found.into_par_iter().for_each(|entry| {
        let outs = match entry {
            Ok(path) => read_path(&path, opts),
            Err((name, reason)) => vec![FileOutput {
                report: FileReport::new(name).fail("open", reason),
                items: vec![],
            }],
        };
        progress
            .bytes_done
            .fetch_add(outs.iter().map(|o| o.report.bytes).sum(), Ordering::Relaxed);
        for out in outs {
            on_file(out);
        }
        progress.files_done.fetch_add(1, Ordering::Relaxed);
    });
}

/// Loads every file under `paths` into a fresh store; reports in path order.
pub fn load(paths: &[PathBuf], opts: Options, progress: &Progress) -> Loaded {
    let acc = std::sync::Mutex::new((Store::default(), Vec::new()));
    load_streaming(paths, opts, progress, &|out: FileOutput| {
        // A poisoned lock means another file's merge panicked: keep going with what is there.
        let mut guard = acc.lock().unwrap_or_else(|p| p.into_inner());
        for item in out.items {
            guard.0.insert(item);
        }
        guard.1.push(out.report);
    });
    let (mut store, mut files) = acc.into_inner().unwrap_or_else(|p| p.into_inner());
    store.finish();
    files.sort_by(|a: &FileReport, b: &FileReport| a.path.cmp(&b.path));
    let bytes = files.iter().map(|f| f.bytes).sum();
    let json_bytes = files.iter().map(|f| f.json_bytes).sum();
    Loaded {
        files,
        store,
        bytes,
        json_bytes,
    }
}

/// Reads one path from disk: a plain file, a `.gz`, or every entry of a `.zip`.
pub fn read_path(path: &Path, opts: Options) -> Vec<FileOutput> {
    let name = path.display().to_string();
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let ext = extension(&name);
    if ext == "zip" {
        return match containers::zip_entries(path) {
            Ok(entries) => {
                let n = entries.len().max(1) as u64;
                entries
                    .into_iter()
                    .map(|(entry, bytes)| {
                        let label = format!("{name}!{entry}");
                        let mut out = match bytes {
                            Ok(b) => read_entry(&label, b, "zip", opts),
                            Err(e) => FileOutput {
                                report: FileReport::new(label).fail("zip entry", e.to_string()),
                                items: vec![],
                            },
                        };
                        out.report.bytes = size / n;
                        out
                    })
                    .collect()
            }
            Err(reason) => vec![FileOutput {
                report: FileReport::new(name).fail("zip", reason),
                items: vec![],
            }],
        };
    }
    let gz = ext == "gz";
    let mut out = match containers::open(path, gz) {
        Ok(Content::Bytes(b)) => read_bytes(&name, &b, if gz { "gzip" } else { "" }, opts),
        Ok(Content::Stream(r)) => read_stream(&name, r, if gz { "gzip" } else { "" }, opts),
        Err(e) => FileOutput {
            report: FileReport::new(name.clone()).fail("read", e.to_string()),
            items: vec![],
        },
    };
    out.report.bytes = size;
    vec![out]
}

/// A zip entry: gunzips a nested `.gz`, then reads it like a file.
fn read_entry(label: &str, bytes: Vec<u8>, container: &str, opts: Options) -> FileOutput {
    if extension(label) == "gz" {
        return match containers::gunzip_bytes(&bytes) {
            Ok(inner) => read_bytes(label, &inner, &format!("{container} › gzip"), opts),
            Err(e) => FileOutput {
                report: FileReport::new(label.into()).fail("gzip", e.to_string()),
                items: vec![],
            },
        };
    }
    read_bytes(label, &bytes, container, opts)
}

const JSON_EXTENSIONS: &[&str] = &["json", "jsonl", "ndjson", "gz", "zip"];

/// Reads an in-memory file. Public for the fuzz target and tests.
pub fn read_bytes(name: &str, bytes: &[u8], container: &str, opts: Options) -> FileOutput {
    let first = bytes
        .iter()
        .take(4096)
        .find(|b| !b.is_ascii_whitespace() && **b != 0xEF && **b != 0xBB && **b != 0xBF);
    let looks_json = matches!(first, Some(b'{') | Some(b'['));
    if !looks_json {
        let report = FileReport::new(name.into());
        let ext = extension(name.trim_end_matches(".gz"));
        if JSON_EXTENSIONS.contains(&ext.as_str()) || !container.is_empty() {
            let why = if bytes.is_empty() {
                "empty file"
            } else {
                "does not start with a JSON object or array"
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
        return FileOutput {
            report,
            items: vec![],
        };
    }
    let mut acc = Accumulator::new(name, opts);
    acc.report.json_bytes = bytes.len() as u64;
    let (info, errors) = document::read_slice(bytes, &mut |loc, v| acc.record(loc, v));
    acc.finish(info, errors, container)
}

fn read_stream(
    name: &str,
    r: Box<dyn std::io::Read + Send>,
    container: &str,
    opts: Options,
) -> FileOutput {
    let mut acc = Accumulator::new(name, opts);
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
struct CountingReader {
    inner: Box<dyn std::io::Read + Send>,
    count: Arc<AtomicU64>,
}

impl std::io::Read for CountingReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}
