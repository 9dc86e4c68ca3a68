//! Reads a log file's record back from the file it was loaded from (`Raw::File`): the console
//! keeps where each CloudTrail record sits instead of its text, and reads it again when a
//! responder opens, copies or pins it. A file that changed since it was loaded is refused, and
//! so are bytes that no longer hash as they did: a responder is never shown the wrong record.

use crate::model::raw::{span_hash, FileSpan};
use std::io::{Read, Seek, SeekFrom};

/// The record's original bytes, as text, or why they cannot be read.
pub fn read(span: &FileSpan) -> Result<String, String> {
    let file = &span.file;
    let shown = file.path.display();
    let meta = std::fs::metadata(&file.path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if meta.len() != file.size || meta.modified().ok() != file.modified {
        return Err(format!(
            "{shown} changed since it was loaded ({} bytes then, {} now): reload it to see its records",
            file.size,
            meta.len()
        ));
    }
    let f = std::fs::File::open(&file.path).map_err(|e| format!("cannot open {shown}: {e}"))?;
    let mut bytes = Vec::new();
    let read = match &file.entry {
        None if !file.gzip => span_of(seek(f, span.offset())?, 0, span.len(), &mut bytes),
        None => span_of(
            gunzip(std::io::BufReader::new(f)),
            span.offset(),
            span.len(),
            &mut bytes,
        ),
        Some(entry) => {
            let mut zip = zip::ZipArchive::new(std::io::BufReader::new(f))
                .map_err(|e| format!("{shown} is no longer a readable zip: {e}"))?;
            let r = zip
                .by_name(entry)
                .map_err(|e| format!("{shown}: entry {entry}: {e}"))?;
            if file.gzip {
                span_of(gunzip(r), span.offset(), span.len(), &mut bytes)
            } else {
                span_of(r, span.offset(), span.len(), &mut bytes)
            }
        }
    };
    read.map_err(|e| format!("cannot read the record from {shown}: {e}"))?;
    if bytes.len() != span.len() as usize {
        return Err(format!(
            "{shown} ends before the record (byte {} of the content)",
            span.offset()
        ));
    }
    if span_hash(&bytes) != span.hash {
        return Err(format!(
            "the record at byte {} of {shown} is not the one loaded: the file was rewritten",
            span.offset()
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("the record in {shown} is not UTF-8"))
}

fn seek(mut f: std::fs::File, offset: u64) -> Result<std::fs::File, String> {
    f.seek(SeekFrom::Start(offset))
        .map_err(|e| format!("cannot seek: {e}"))?;
    Ok(f)
}

fn gunzip<R: Read>(r: R) -> flate2::read::MultiGzDecoder<R> {
    flate2::read::MultiGzDecoder::new(r)
}

/// Skips `skip` bytes of `r` and reads the `len` after them into `out`.
fn span_of(mut r: impl Read, skip: u64, len: u32, out: &mut Vec<u8>) -> std::io::Result<()> {
    std::io::copy(&mut (&mut r).take(skip), &mut std::io::sink())?;
    r.take(u64::from(len)).read_to_end(out)?;
    Ok(())
}

#[cfg(test)]
#[path = "reread_tests.rs"]
mod tests;
