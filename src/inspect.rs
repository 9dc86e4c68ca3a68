//! `airc inspect PATH... [--json]`: what each file holds, what failed and why, and totals.

use crate::model::{EntityKind, Source};
use crate::normalize::Options;
use crate::safe_text::line;
use crate::source::replay::{self, FileStatus, Loaded, Progress};
use serde_json::json;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

pub struct Report {
    pub loaded: Loaded,
    pub seconds: f64,
}

impl Report {
    pub fn failed(&self) -> usize {
        self.loaded
            .files
            .iter()
            .filter(|f| f.status == FileStatus::Failed)
            .count()
    }

    pub fn totals(&self) -> BTreeMap<&'static str, usize> {
        let mut out: BTreeMap<&'static str, usize> = Source::ALL
            .iter()
            .map(|s| (s.label(), self.loaded.store.count(*s)))
            .collect();
        // Flow records are summed, not deduplicated: every record read, and the conversations.
        let flows = self.loaded.store.flows();
        out.insert("flow_records", flows.records as usize);
        out.insert("conversations", flows.len());
        out
    }

    /// Distinct entities per kind, those of the signals and of the flows together.
    pub fn entities(&self) -> BTreeMap<&'static str, usize> {
        let store = &self.loaded.store;
        let mut counts = store.entity_counts();
        for e in store.flows().entities() {
            if store.entity_id(&e).is_none() {
                *counts.entry(e.kind).or_default() += 1;
            }
        }
        EntityKind::ALL
            .iter()
            .map(|k| (k.label(), counts.get(k).copied().unwrap_or(0)))
            .collect()
    }

    /// Throughput over the JSON parsed (after decompression).
    fn mb_per_s(&self) -> f64 {
        self.loaded.json_bytes as f64 / 1e6 / self.seconds.max(1e-9)
    }

    pub fn to_json(&self) -> serde_json::Value {
        let by_status = |s: FileStatus| self.loaded.files.iter().filter(|f| f.status == s).count();
        json!({
            "files": self.loaded.files,
            "totals": self.totals(),
            "entities": self.entities(),
            "unjoined_health": self.loaded.store.unjoined().into_iter().map(|(arn, reason)| json!({"arn": arn, "reason": reason})).collect::<Vec<_>>(),
            "summary": {
                "files": self.loaded.files.len(),
                "loaded": by_status(FileStatus::Loaded),
                "no_event_data": by_status(FileStatus::NoEventData),
                "failed": by_status(FileStatus::Failed),
                "duplicates": self.loaded.store.duplicates(),
                "bytes": self.loaded.bytes,
                "json_bytes": self.loaded.json_bytes,
                "seconds": (self.seconds * 1000.0).round() / 1000.0,
                "mb_per_s": (self.mb_per_s() * 10.0).round() / 10.0,
            }
        })
    }

    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for f in &self.loaded.files {
            let status = match f.status {
                FileStatus::Loaded => "ok",
                FileStatus::NoEventData => "no event data",
                FileStatus::Failed => "FAILED",
            };
            let _ = writeln!(out, "{} [{status}]", line(&f.path));
            let _ = writeln!(out, "  format: {}", line(&f.format));
            let counts: Vec<String> = f
                .signals
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(s, n)| format!("{s} {n}"))
                .collect();
            if !counts.is_empty() {
                let _ = writeln!(out, "  signals: {}", counts.join(", "));
            }
            if f.flows > 0 {
                let _ = writeln!(out, "  flow records: {}", f.flows);
            }
            if let Some(note) = &f.note {
                let _ = writeln!(out, "  note: {}", line(note));
            }
            for e in &f.errors {
                let _ = writeln!(
                    out,
                    "  error: {}: {}: {}",
                    line(&f.path),
                    line(&e.location),
                    line(&e.reason)
                );
            }
        }
        // CloudTrail, GuardDuty and Health always; the other sources when a file held some.
        let always = [Source::CloudTrail, Source::GuardDuty, Source::Health].map(Source::label);
        let totals: Vec<String> = self
            .totals()
            .iter()
            .filter(|(s, n)| **n > 0 || always.contains(s))
            .map(|(s, n)| format!("{s} {n}"))
            .collect();
        let _ = writeln!(out, "\ntotals (distinct): {}", totals.join(", "));
        let ents: Vec<String> = self
            .entities()
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        let _ = writeln!(
            out,
            "entities: {}",
            if ents.is_empty() {
                "none".to_string()
            } else {
                ents.join(", ")
            }
        );
        let by_status = |s: FileStatus| self.loaded.files.iter().filter(|f| f.status == s).count();
        let _ = writeln!(
            out,
            "files: {} loaded, {} with no event data, {} failed; {} duplicate records; {:.1} MB on disk, {:.1} MB of JSON in {:.3} s ({:.1} MB/s)",
            by_status(FileStatus::Loaded),
            by_status(FileStatus::NoEventData),
            by_status(FileStatus::Failed),
            self.loaded.store.duplicates(),
            self.loaded.bytes as f64 / 1e6,
            self.loaded.json_bytes as f64 / 1e6,
            self.seconds,
            self.mb_per_s()
        );
        out
    }
}

pub fn run(paths: &[PathBuf]) -> Report {
    let start = Instant::now();
    let loaded = replay::load(paths, Options::without_raw(), &Progress::default());
    Report {
        loaded,
        seconds: start.elapsed().as_secs_f64(),
    }
}
