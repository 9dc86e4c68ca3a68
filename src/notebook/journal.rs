//! The append-only journal of one incident: one JSON object per line, locked, written and synced
//! before `append` returns. A crash can tear only the last line; loading reports and skips it.

use super::entry::Entry;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

/// Appends one entry. Two processes appending to the same journal take turns (an exclusive
/// lock on the file), so their lines never interleave. When a previous writer crashed mid-line,
/// the new entry starts on a fresh line and the torn one stays isolated.
/// Any serializable record works the same way (the audit log, evidence manifests).
pub fn append(path: &Path, entry: &impl serde::Serialize) -> io::Result<()> {
    let mut line = serde_json::to_vec(entry).map_err(io::Error::other)?;
    line.push(b'\n');
    // 0600 in a 0700 directory, the directory synced when the file is new.
    let mut f = crate::private_files::append(path)?;
    f.lock()?;
    let result = (|| {
        let len = f.metadata()?.len();
        if len > 0 {
            let mut last = [0u8; 1];
            f.seek(SeekFrom::Start(len - 1))?;
            f.read_exact(&mut last)?;
            if last[0] != b'\n' {
                f.write_all(b"\n")?;
            }
        }
        f.write_all(&line)?;
        f.sync_data()
    })();
    let _ = f.unlock();
    result
}

/// What loading found besides the entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub reason: String,
}

/// Reads every entry. Lines that are not entries are reported with their line number and
/// skipped (a torn last line after a crash is the expected case); nothing here is fatal.
pub fn load(path: &Path) -> io::Result<(Vec<Entry>, Vec<Problem>)> {
    let mut text = Vec::new();
    File::open(path)?.read_to_end(&mut text)?;
    Ok(parse(&text))
}

pub fn parse(bytes: &[u8]) -> (Vec<Entry>, Vec<Problem>) {
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let ends_clean = bytes.last().is_none_or(|b| *b == b'\n');
    let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    let count = lines.len();
    for (i, line) in lines.into_iter().enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let torn = i + 1 == count && !ends_clean;
        match serde_json::from_slice::<Entry>(line) {
            Ok(e) if !torn => entries.push(e),
            Ok(_) | Err(_) if torn => problems.push(Problem {
                line: i + 1,
                reason: format!(
                    "torn last line ({} bytes, no newline): an interrupted write, skipped",
                    line.len()
                ),
            }),
            Ok(_) => {}
            Err(e) => problems.push(Problem {
                line: i + 1,
                reason: format!("not a journal entry ({e}), skipped"),
            }),
        }
    }
    (entries, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notebook::entry::EntryKind;
    use std::fs::OpenOptions;

    fn note(t: &str) -> Entry {
        Entry::now(EntryKind::Note { text: t.into() })
    }

    #[test]
    fn appends_load_back_in_order() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let p = dir.path().join("i.jsonl");
        for t in ["a", "b\nwith newline", "c"] {
            append(&p, &note(t)).unwrap_or_else(|e| panic!("{e}"));
        }
        let (entries, problems) = load(&p).unwrap_or_else(|e| panic!("{e}"));
        assert!(problems.is_empty());
        let texts: Vec<String> = entries
            .iter()
            .filter_map(|e| match &e.kind {
                EntryKind::Note { text } => Some(text.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(texts, ["a", "b\nwith newline", "c"]);
    }

    #[test]
    fn a_torn_last_line_is_reported_skipped_and_isolated_by_the_next_append() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let p = dir.path().join("i.jsonl");
        append(&p, &note("kept")).unwrap_or_else(|e| panic!("{e}"));
        let mut f = OpenOptions::new()
            .append(true)
            .open(&p)
            .unwrap_or_else(|e| panic!("{e}"));
        f.write_all(br#"{"at":"2026-01-01T00:00:00Z","by":"x","type":"note","te"#)
            .unwrap_or_else(|e| panic!("{e}"));
        let (entries, problems) = load(&p).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(entries.len(), 1);
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].reason.starts_with("torn last line"),
            "{problems:?}"
        );
        append(&p, &note("after the crash")).unwrap_or_else(|e| panic!("{e}"));
        let (entries, problems) = load(&p).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(entries.len(), 2);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 2);
    }
}
