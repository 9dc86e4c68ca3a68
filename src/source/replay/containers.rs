//! Finds the files under the given paths and opens them: plain files, `.gz`, and `.zip`
//! archives (each entry read as a file of its own, nested `.gz` included).

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Files above this size are parsed from a stream instead of from memory.
pub const STREAM_THRESHOLD: u64 = 256 << 20;
/// A zip entry larger than this is refused (zip bombs).
const MAX_ZIP_ENTRY: u64 = 4 << 30;

/// Every file under `paths`, directories walked recursively in name order. Paths that do not
/// exist or cannot be read are returned as errors in the same order.
pub fn discover(paths: &[PathBuf]) -> Vec<Result<PathBuf, (String, String)>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            for entry in walkdir::WalkDir::new(p).sort_by_file_name() {
                match entry {
                    Ok(e) if e.file_type().is_file() => out.push(Ok(e.into_path())),
                    Ok(_) => {}
                    Err(e) => out.push(Err((
                        e.path().unwrap_or(p).display().to_string(),
                        e.io_error()
                            .map(|io| io.to_string())
                            .unwrap_or_else(|| e.to_string()),
                    ))),
                }
            }
        } else {
            match std::fs::metadata(p) {
                Ok(_) => out.push(Ok(p.clone())),
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

/// Opens a plain or gzip file. Small ones are read whole; large ones stream.
pub fn open(path: &Path, gz: bool) -> io::Result<Content> {
    let file = File::open(path)?;
    let size = file.metadata()?.len();
    let threshold = if gz {
        STREAM_THRESHOLD / 8
    } else {
        STREAM_THRESHOLD
    };
    if size > threshold {
        let r: Box<dyn Read + Send> = if gz {
            gunzip_reader(file)
        } else {
            Box::new(file)
        };
        return Ok(Content::Stream(r));
    }
    let mut buf = Vec::with_capacity(if gz { size as usize * 8 } else { size as usize });
    if gz {
        flate2::read::MultiGzDecoder::new(file).read_to_end(&mut buf)?;
    } else {
        io::BufReader::new(file).read_to_end(&mut buf)?;
    }
    Ok(Content::Bytes(buf))
}

/// One zip entry: its name and its bytes, or why they could not be read.
pub type ZipEntry = (String, io::Result<Vec<u8>>);

/// Every file entry of a zip archive as (name, bytes). A bad entry is an `Err` with its name.
pub fn zip_entries(path: &Path) -> Result<Vec<ZipEntry>, String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    zip_entries_from(file)
}

pub fn zip_entries_from<R: Read + io::Seek>(r: R) -> Result<Vec<ZipEntry>, String> {
    let mut archive =
        zip::ZipArchive::new(r).map_err(|e| format!("not a readable zip archive: {e}"))?;
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                out.push((format!("entry {i}"), Err(io::Error::other(e.to_string()))));
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().to_string();
        if entry.size() > MAX_ZIP_ENTRY {
            out.push((name, Err(io::Error::other("entry larger than 4 GiB"))));
            continue;
        }
        let mut buf = Vec::with_capacity(entry.size().min(1 << 30) as usize);
        let read = entry
            .by_ref()
            .take(MAX_ZIP_ENTRY)
            .read_to_end(&mut buf)
            .map(|_| buf);
        out.push((name, read));
    }
    Ok(out)
}

pub fn gunzip_bytes(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() * 8);
    flate2::read::MultiGzDecoder::new(bytes).read_to_end(&mut out)?;
    Ok(out)
}
