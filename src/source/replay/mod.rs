//! Offline replay: every file format a responder already holds, detected per file, read in
//! parallel across files, streamed within large ones.

mod accumulate;
pub mod containers;
mod content;
pub mod document;
pub mod feed;
pub mod file_report;
mod log_file;
#[cfg(test)]
mod order_tests;
mod ordered;
pub mod reread;
mod seeds;
mod text_log;
pub use content::read_bytes;
use content::{read_bytes_of, read_stream};

use crate::model::raw::RecordFile;
use crate::normalize::{Normalized, Options};
use crate::store::Store;
use containers::{extension, Content};
pub use file_report::{FileError, FileReport, FileStatus};
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

/// Shared counters a UI can read while files load.
#[derive(Debug, Default)]
pub struct Progress {
    pub files_total: AtomicUsize,
    pub files_done: AtomicUsize,
    pub bytes_done: AtomicU64,
    /// The files' sizes on disk, known before the first is read.
    pub bytes_total: AtomicU64,
}

impl Progress {
    /// About how many records the files hold (`containers::expected_records`), once
    /// `bytes_total` is known (from the first file handed on).
    pub fn expected_records(&self) -> usize {
        containers::expected_records(self.bytes_total.load(Ordering::Relaxed))
    }
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

/// Reads every file under `paths` in parallel and hands each file's output to `on_file` in the
/// order the files were found (`ordered`), one at a time, as soon as its turn comes. The console feeds its store this way while loading.
pub fn load_streaming(
    paths: &[PathBuf],
    opts: Options,
    progress: &Progress,
    on_file: &(dyn Fn(FileOutput) + Sync),
) {
    let found = containers::discover(paths);
    progress.files_total.store(found.len(), Ordering::Relaxed);
    let sizes = found
        .iter()
        .flatten()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    progress.bytes_total.store(sizes, Ordering::Relaxed);
    // Read ahead by a few files a thread: enough that a thread rarely waits for its turn, few
    // enough that the outputs waiting for theirs stay small.
    let ahead = 4 * rayon::current_num_threads().max(1);
    ordered::for_each_in_order(
        found,
        ahead,
        |entry| match entry {
            // A reader that panics on a hostile file fails that file, never the load.
            Ok(path) => std::panic::catch_unwind(|| read_path(&path, opts)).unwrap_or_else(|p| {
                vec![FileOutput {
                    report: FileReport::new(path.display().to_string())
                        .fail("internal error", crate::panics::panic_message(&*p)),
                    items: vec![],
                }]
            }),
            Err((name, reason)) => vec![FileOutput {
                report: FileReport::new(name).fail("open", reason),
                items: vec![],
            }],
        },
        |outs| {
            progress
                .bytes_done
                .fetch_add(outs.iter().map(|o| o.report.bytes).sum(), Ordering::Relaxed);
            for out in outs {
                on_file(out);
            }
            progress.files_done.fetch_add(1, Ordering::Relaxed);
        },
    );
    // The parsing threads go quiet now, holding the pages their trees and buffers emptied.
    crate::allocator::release_freed_pages_everywhere();
}

/// Loads every file under `paths` into a fresh store; reports in path order.
pub fn load(paths: &[PathBuf], opts: Options, progress: &Progress) -> Loaded {
    let acc = std::sync::Mutex::new((Store::default(), Vec::new()));
    load_streaming(paths, opts, progress, &|out: FileOutput| {
        // A poisoned lock means another file's merge panicked: keep going with what is there.
        let mut guard = acc.lock().unwrap_or_else(|p| p.into_inner());
        // Before the first file: the indexes' room, all of it at once (no keys to answer).
        if guard.1.is_empty() {
            guard.0.reserve(progress.expected_records());
            guard.0.prepare(usize::MAX);
        }
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
    let meta = std::fs::metadata(path).ok();
    let size = meta.as_ref().map(|m| m.len()).unwrap_or(0);
    let ext = extension(&name);
    let origin = RecordFile {
        path: std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
        entry: None,
        gzip: ext == "gz",
        size,
        modified: meta.and_then(|m| m.modified().ok()),
    };
    // A record without a time of its own is placed at its file's modification time.
    let mut opts = opts;
    if opts.received.is_none() {
        opts.received = origin.modified.map(|m| crate::model::time::Received {
            at: m.into(),
            how: crate::model::time::Undated::FileModified,
        });
    }
    if ext == "zip" {
        let outs = std::fs::File::open(path)
            .map_err(|e| e.to_string())
            .and_then(|f| read_zip_of(&name, std::io::BufReader::new(f), opts, Some(&origin)));
        return match outs {
            Ok(mut outs) => {
                let n = outs.len().max(1) as u64;
                for o in &mut outs {
                    o.report.bytes = size / n;
                }
                outs
            }
            Err(reason) => vec![FileOutput {
                report: FileReport::new(name).fail("zip", reason),
                items: vec![],
            }],
        };
    }
    let gz = ext == "gz";
    let container = if gz { "gzip" } else { "" };
    let mut out = match containers::open(path, gz) {
        Ok((Content::Bytes(b), hit)) => {
            let file = Some(Arc::new(origin));
            capped(read_bytes_of(&name, &b, container, opts, file), &hit, false)
        }
        Ok((Content::Stream(r), hit)) => capped(read_stream(&name, r, container, opts), &hit, true),
        Err(e) => FileOutput {
            report: FileReport::new(name.clone()).fail("read", e.to_string()),
            items: vec![],
        },
    };
    out.report.bytes = size;
    vec![out]
}

/// When the size cap stopped a file, its report says so first (records before it are kept).
/// A streamed file that failed for another reason (a gzip of zeros is not JSON at its first
/// byte) says how large it is and which cap would have stopped it.
fn capped(mut out: FileOutput, hit: &AtomicBool, streamed: bool) -> FileOutput {
    if streamed && !hit.load(Ordering::Relaxed) && out.report.status == FileStatus::Failed {
        let note = format!(
            "more than {} once decompressed: read as a stream, at most {} per file (--max-file-size)",
            containers::human_bytes(containers::IN_MEMORY),
            containers::human_bytes(containers::max_file_bytes())
        );
        out.report.note = Some(match out.report.note.take() {
            Some(n) => format!("{n}; {note}"),
            None => note,
        });
    }
    if hit.load(Ordering::Relaxed) {
        let limit = containers::limit_message(containers::max_file_bytes());
        out.report
            .errors
            .retain(|e| !e.reason.contains("--max-file-size"));
        out.report.errors.insert(
            0,
            FileError {
                location: "limit".into(),
                reason: limit,
            },
        );
        out.report.status = FileStatus::Failed;
    }
    out
}

/// Every file entry of a zip archive, one at a time and streamed: an entry (or a `.gz` inside
/// it) is held in memory only up to `IN_MEMORY` and capped at `max_file_bytes`.
pub fn read_zip<R: Read + Seek>(
    name: &str,
    r: R,
    opts: Options,
) -> Result<Vec<FileOutput>, String> {
    read_zip_of(name, r, opts, None)
}

/// `read_zip` of a zip file on disk (`origin`), whose entries' records can be read back.
fn read_zip_of<R: Read + Seek>(
    name: &str,
    r: R,
    opts: Options,
    origin: Option<&RecordFile>,
) -> Result<Vec<FileOutput>, String> {
    let mut archive =
        zip::ZipArchive::new(r).map_err(|e| format!("not a readable zip archive: {e}"))?;
    let mut outs = Vec::new();
    for i in 0..archive.len() {
        let entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                outs.push(FileOutput {
                    report: FileReport::new(format!("{name}!entry {i}"))
                        .fail("zip entry", e.to_string()),
                    items: vec![],
                });
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        let label = format!("{name}!{}", entry.name());
        let gzip = extension(&label) == "gz";
        let file = origin.map(|o| {
            Arc::new(RecordFile {
                entry: Some(entry.name().to_string()),
                gzip,
                ..o.clone()
            })
        });
        let out = if gzip {
            let r = flate2::read::MultiGzDecoder::new(entry);
            read_reader_of(&label, r, "zip › gzip", opts, file)
        } else {
            read_reader_of(&label, entry, "zip", opts, file)
        };
        outs.push(out);
    }
    Ok(outs)
}

/// Reads decompressed content from any reader, capped at `max_file_bytes`: in memory up to
/// `IN_MEMORY`, streamed beyond.
pub fn read_reader(label: &str, r: impl Read, container: &str, opts: Options) -> FileOutput {
    read_reader_of(label, r, container, opts, None)
}

fn read_reader_of(
    label: &str,
    r: impl Read,
    container: &str,
    opts: Options,
    file: Option<Arc<RecordFile>>,
) -> FileOutput {
    let mut capped_r = containers::Capped::new(r, containers::max_file_bytes());
    let hit = capped_r.hit.clone();
    let mut buf = Vec::new();
    let mut streamed = false;
    let out = match (&mut capped_r)
        .take(containers::IN_MEMORY)
        .read_to_end(&mut buf)
    {
        Err(e) => FileOutput {
            report: FileReport::new(label.into()).fail(container_or_file(container), e.to_string()),
            items: vec![],
        },
        Ok(_) if (buf.len() as u64) < containers::IN_MEMORY => {
            read_bytes_of(label, &buf, container, opts, file)
        }
        Ok(_) => {
            streamed = true;
            read_stream(
                label,
                std::io::Cursor::new(buf).chain(capped_r),
                container,
                opts,
            )
        }
    };
    capped(out, &hit, streamed)
}

fn container_or_file(container: &str) -> &str {
    if container.is_empty() {
        "read"
    } else {
        container
    }
}
