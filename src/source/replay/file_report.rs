//! What loading one file found: its format, its counts, and every problem with where it was.

use crate::model::Source;
use crate::normalize::RecordKind;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    Loaded,
    /// Read fine but holds no events (a README, a catalog, a digest, an empty response).
    NoEventData,
    /// At least one problem; records that were fine are still loaded.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileError {
    /// `line 12 column 4`, `Records[31]`, `read`…
    pub location: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub path: String,
    pub format: String,
    pub status: FileStatus,
    /// Signals per source in this file (Health: distinct event ARNs).
    pub signals: BTreeMap<&'static str, usize>,
    pub records: usize,
    /// Flow log records read (summed into conversations, not signals).
    #[serde(skip_serializing_if = "is_zero")]
    pub flows: u64,
    /// Size on disk (a zip entry: its share of the archive).
    pub bytes: u64,
    /// JSON bytes parsed, after decompression.
    pub json_bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FileError>,
    #[serde(skip)]
    pub kinds: BTreeMap<RecordKind, usize>,
}

impl FileReport {
    pub fn new(path: String) -> FileReport {
        let signals = Source::ALL.iter().map(|s| (s.label(), 0)).collect();
        FileReport {
            path,
            format: String::new(),
            status: FileStatus::Loaded,
            signals,
            records: 0,
            flows: 0,
            bytes: 0,
            json_bytes: 0,
            note: None,
            errors: Vec::new(),
            kinds: BTreeMap::new(),
        }
    }

    pub fn fail(mut self, location: &str, reason: impl Into<String>) -> FileReport {
        self.errors.push(FileError {
            location: location.into(),
            reason: reason.into(),
        });
        self.status = FileStatus::Failed;
        self
    }

    pub fn total_signals(&self) -> usize {
        self.signals.values().sum()
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}
