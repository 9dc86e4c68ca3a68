//! A CloudTrail log file (`{"Records":[…]}`) read in one pass: each record's fields are parsed
//! by the fast path where its end is found, where `serde_json` alone first finds each record
//! (a pass over every byte to learn where it sits in the file) and then parses it (a second).
//! Written by hand because `serde_json` does not tell a deserializer where it is in its input;
//! its stream deserializer does (`byte_offset`), so each record is one stream of one value and
//! only the array's brackets, commas and whitespace are read here.

use super::document::{Element, Location, Sink};
use crate::normalize::fast_cloudtrail;
use serde_json::value::RawValue;

fn skip_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\r' | b'\t') = bytes.get(at) {
        at += 1;
    }
    at
}

/// Reads `bytes` (`base` is where the file's content starts in memory, for the records'
/// spans) when it is exactly one object holding one `Records` array, handing each record to
/// `sink`: `Ok(records)` when it read the whole document, `Err(records handed on)` when it met
/// anything else (another shape, a key after the array, bad JSON, a file that is not UTF-8), for
/// the general reader to take over after them.
pub(super) fn read_records(bytes: &[u8], base: usize, sink: &mut Sink<'_>) -> Result<usize, usize> {
    let Ok(whole) = std::str::from_utf8(bytes) else {
        return Err(0);
    };
    let mut at = skip_whitespace(bytes, 0);
    for token in [b"{".as_slice(), b"\"Records\"", b":", b"["] {
        if !bytes[at..].starts_with(token) {
            return Err(0);
        }
        at = skip_whitespace(bytes, at + token.len());
    }
    let mut n = 0;
    if bytes.get(at) == Some(&b']') {
        at = skip_whitespace(bytes, at + 1);
    } else {
        loop {
            // Every structural byte is ASCII, so `at` is on a character's boundary.
            let rest = whole.get(at..).ok_or(n)?;
            let (element, len) = match fast_cloudtrail::parse_at(rest) {
                Some((parsed, len)) => (Element::Fast(rest.get(..len).ok_or(n)?, parsed), len),
                None => {
                    let mut one = serde_json::Deserializer::from_str(rest).into_iter::<&RawValue>();
                    match one.next() {
                        Some(Ok(raw)) => (Element::Raw(raw), one.byte_offset()),
                        _ => return Err(n),
                    }
                }
            };
            let span = (rest.as_ptr() as usize)
                .checked_sub(base)
                .and_then(|offset| Some((u64::try_from(offset).ok()?, u32::try_from(len).ok()?)));
            let location = Location {
                index: n,
                line: None,
                key: Some("Records"),
                span,
            };
            sink(location, element);
            n += 1;
            at = skip_whitespace(bytes, at + len);
            match bytes.get(at) {
                Some(b',') => at = skip_whitespace(bytes, at + 1),
                Some(b']') => {
                    at = skip_whitespace(bytes, at + 1);
                    break;
                }
                _ => return Err(n),
            }
        }
    }
    if bytes.get(at) != Some(&b'}') || skip_whitespace(bytes, at + 1) != bytes.len() {
        return Err(n);
    }
    Ok(n)
}

#[cfg(test)]
#[path = "log_file_tests.rs"]
mod tests;
