//! Finds the files under the given paths and opens them: plain files, `.gz`, and `.zip`
//! archives (each entry read as a file of its own, nested `.gz` included).
//!
//! Every byte here may come from an attacker (a bucket they could write to): only regular files
//! are opened (a FIFO would hang, a device never ends), and what one file may decompress to is
//! capped (`--max-file-size`), so a 13 MB gzip of zeros cannot ask for 13 GB. Decompressed
//! content is held in memory only up to `IN_MEMORY`; past that it is parsed as a stream.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// Plain files above this size are parsed from a stream instead of from memory.
pub const STREAM_THRESHOLD: u64 = 256 << 20;
/// Decompressed content (gzip, zip entries) up to this size is parsed from memory; beyond it,
/// from a stream.
pub const IN_MEMORY: u64 = 64 << 20;
/// The default cap on what one file (or zip entry) may decompress to: a real CloudTrail log
/// file is a few MB, a big GuardDuty or Health export tens of MB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 1 << 30;

static MAX_FILE_BYTES: AtomicU64 = AtomicU64::new(DEFAULT_MAX_FILE_BYTES);

/// Sets the per-file cap for this process (`--max-file-size`).
pub fn set_max_file_bytes(n: u64) {
    MAX_FILE_BYTES.store(n.max(1), Ordering::Relaxed);
}

pub fn max_file_bytes() -> u64 {
    MAX_FILE_BYTES.load(Ordering::Relaxed)
}

/// `2.0 GiB`, for messages.
pub fn human_bytes(n: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < units.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", units[u])
    }
}

/// Why a file cannot be read as one: not a regular file.
fn not_regular(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

/// A reader that stops with an error once more than `limit` bytes have come through, and
/// remembers that it did (the report then names the limit).
pub struct Capped<R> {
    inner: R,
    left: u64,
    limit: u64,
    pub hit: Arc<AtomicBool>,
}

impl<R: Read> Capped<R> {
    pub fn new(inner: R, limit: u64) -> Capped<R> {
        Capped {
            inner,
            left: limit,
            limit,
            hit: Arc::new(AtomicBool::new(false)),
        }
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            // One byte more tells a file of exactly `limit` bytes from a larger one.
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? == 0 {
                return Ok(0);
            }
            self.hit.store(true, Ordering::Relaxed);
            return Err(io::Error::other(limit_message(self.limit)));
        }
        let want = buf.len().min(self.left.min(usize::MAX as u64) as usize);
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

pub fn limit_message(limit: u64) -> String {
    format!(
        "stopped at the {} limit on what one file may decompress to (--max-file-size)",
        human_bytes(limit)
    )
}

/// Every file under `paths`, directories walked recursively in name order. Paths that do not
/// exist or cannot be read are returned as errors in the same order.
pub fn discover(paths: &[PathBuf]) -> Vec<Result<PathBuf, (String, String)>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            for entry in walkdir::WalkDir::new(p).sort_by_file_name() {
                match entry {
                    Ok(e) if e.file_type().is_file() => out.push(Ok(e.into_path())),
                    Ok(e) if e.file_type().is_dir() || e.file_type().is_symlink() => {}
                    // A FIFO, device or socket in the folder: said, never opened.
                    Ok(e) => out.push(Err((
                        e.path().display().to_string(),
                        format!(
                            "{}, not a regular file: skipped",
                            e.metadata()
                                .ok()
                                .and_then(|m| not_regular(&m))
                                .unwrap_or("not a regular file")
                        ),
                    ))),
                    Err(e) => out.push(Err((
                        e.path().unwrap_or(p).display().to_string(),
                        e.io_error()
                            .map(|io| io.to_string())
                            .unwrap_or_else(|| e.to_string()),
                    ))),
                }
            }
        } else {
            // stat, never open: opening a FIFO blocks until a writer comes.
            match std::fs::metadata(p) {
                Ok(m) => match not_regular(&m) {
                    None => out.push(Ok(p.clone())),
                    Some(what) => out.push(Err((
                        p.display().to_string(),
                        format!("{what}, not a regular file: skipped"),
                    ))),
                },
                Err(e) => out.push(Err((p.display().to_string(), e.to_string()))),
            }
        }
    }
    out
}

pub fn extension(name: &str) -> String {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The content of one (possibly compressed) file, either in memory or as a stream.
pub enum Content {
    Bytes(Vec<u8>),
    Stream(Box<dyn Read + Send>),
}

pub fn gunzip_reader<R: Read + Send + 'static>(r: R) -> Box<dyn Read + Send> {
    Box::new(flate2::read::MultiGzDecoder::new(r))
}

/// Opens a plain or gzip file, capped at `max_file_bytes`. Small ones are read whole; large
/// ones (or gzip that inflates past `IN_MEMORY`) stream. The flag says whether the cap was hit.
pub fn open(path: &Path, gz: bool) -> io::Result<(Content, Arc<AtomicBool>)> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if let Some(what) = not_regular(&meta) {
        return Err(io::Error::other(format!(
            "{what}, not a regular file: skipped"
        )));
    }
    let size = meta.len();
    let limit = max_file_bytes();
    if !gz {
        if size > limit {
            return Err(io::Error::other(format!(
                "{} on disk: {}",
                human_bytes(size),
                limit_message(limit)
            )));
        }
        let capped = Capped::new(file, limit);
        let hit = capped.hit.clone();
        if size > STREAM_THRESHOLD {
            return Ok((Content::Stream(Box::new(capped)), hit));
        }
        let mut buf = Vec::with_capacity(size as usize);
        io::BufReader::new(capped).read_to_end(&mut buf)?;
        return Ok((Content::Bytes(buf), hit));
    }
    let capped = Capped::new(
        flate2::read::MultiGzDecoder::new(io::BufReader::new(file)),
        limit,
    );
    let hit = capped.hit.clone();
    Ok((bounded(Box::new(capped), size.saturating_mul(4))?, hit))
}

/// Reads up to `IN_MEMORY` bytes; if the content ends there it is returned whole, else the
/// part read and the rest are chained into a stream (memory stays bounded by `IN_MEMORY`).
pub fn bounded(mut r: Box<dyn Read + Send>, hint: u64) -> io::Result<Content> {
    let mut buf = Vec::with_capacity(hint.min(IN_MEMORY) as usize);
    (&mut r).take(IN_MEMORY).read_to_end(&mut buf)?;
    if (buf.len() as u64) < IN_MEMORY {
        return Ok(Content::Bytes(buf));
    }
    Ok(Content::Stream(Box::new(io::Cursor::new(buf).chain(r))))
}

/// About how many records files of this many bytes hold, for reserving the store's indexes: a
/// CloudTrail record is about a kilobyte of JSON (1,268 B in the bench corpus; compressed files
/// hold more a byte, so they get less room than they need and the indexes grow the rest).
/// A guess wrong by far (large Health or GuardDuty documents) costs at most ~10 bytes of empty
/// index slots (two indexes, 5 bytes a slot) per kilobyte on disk: 1 % of the files' size.
pub fn expected_records(bytes: u64) -> usize {
    const RECORD: u64 = 1_000;
    // Store positions are 4 bytes.
    const MOST: u64 = u32::MAX as u64 / 2;
    (bytes / RECORD).min(MOST) as usize
}

#[cfg(test)]
mod expected_tests {
    #[test]
    fn the_guess_is_a_record_a_kilobyte_and_capped() {
        assert_eq!(super::expected_records(0), 0);
        assert_eq!(super::expected_records(1_268_000_000), 1_268_000);
        assert_eq!(super::expected_records(u64::MAX), u32::MAX as usize / 2);
    }
}
