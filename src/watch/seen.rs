//! The watch's dedup store, `<data dir>/watch-seen.jsonl`: one line per handled key — a signal
//! version (`id@updated`), and each delivery and automatic action of it on its own line, with
//! what an action produced (the incident `open-incident` opened).

use crate::model::Signal;
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Keys already handled: `signal id @ update time`.
pub struct Seen {
    path: PathBuf,
    keys: HashSet<String>,
    /// What a recorded key produced (the incident an `open-incident` opened).
    values: HashMap<String, String>,
}

impl Seen {
    /// The store, or why it cannot be read. Only a missing file means "nothing handled yet":
    /// a store that exists but cannot be read would send every signal again.
    pub fn load(data_dir: &Path) -> Result<Seen, String> {
        let path = data_dir.join("watch-seen.jsonl");
        let mut keys = HashSet::new();
        let mut values = HashMap::new();
        let text = match std::fs::read(&path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(format!(
                    "the dedup store {} cannot be read ({e}); without it every signal would be \
                     delivered again: fix its permissions or move it away",
                    path.display()
                ))
            }
        };
        for v in text
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        {
            if let Some(k) = v["key"].as_str() {
                if let Some(val) = v["value"].as_str() {
                    values.insert(k.to_string(), val.to_string());
                }
                keys.insert(k.to_string());
            }
        }
        Ok(Seen { path, keys, values })
    }

    pub fn value(&self, k: &str) -> Option<&str> {
        self.values.get(k).map(String::as_str)
    }

    pub fn key(s: &Signal) -> String {
        format!("{}@{}", s.id, s.updated().unwrap_or(s.time).to_rfc3339())
    }

    pub fn contains(&self, k: &str) -> bool {
        self.keys.contains(k)
    }

    pub fn add_with(&mut self, k: String, value: Option<String>) -> Result<(), String> {
        if let Some(d) = self.path.parent() {
            crate::private_files::dir(d).map_err(|e| format!("{}: {e}", d.display()))?;
        }
        let line = json!({"key": k, "value": value, "at": chrono::Utc::now()});
        crate::notebook::journal::append(&self.path, &line)
            .map_err(|e| format!("{}: {e}", self.path.display()))?;
        if let Some(v) = value {
            self.values.insert(k.clone(), v);
        }
        self.keys.insert(k);
        Ok(())
    }

    pub(super) fn record(&mut self, k: String, value: Option<String>) {
        if let Err(e) = synced_write(|| self.add_with(k, value)) {
            eprintln!(
                "{}",
                crate::safe_text::json(&json!({"event": "dedup_store_failed", "reason": e}))
            );
        }
    }
}

/// A write that syncs to disk, kept off the watch's runtime workers (the pollers share them):
/// on a multi-threaded runtime the worker hands its other tasks on while it waits.
pub(super) fn synced_write<T>(write: impl FnOnce() -> T) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(write),
        _ => write(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_missing_store_means_nothing_handled() {
        let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut seen = Seen::load(d.path()).unwrap_or_else(|e| panic!("{e}"));
        seen.add_with("a@1".into(), Some("IR-1".into()))
            .unwrap_or_else(|e| panic!("{e}"));
        let again = Seen::load(d.path()).unwrap_or_else(|e| panic!("{e}"));
        assert!(again.contains("a@1") && again.value("a@1") == Some("IR-1"));
        // A store that exists and cannot be read stops the watch instead of resending all.
        let other = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::create_dir(other.path().join("watch-seen.jsonl"))
            .unwrap_or_else(|e| panic!("{e}"));
        let err = Seen::load(other.path()).err().unwrap_or_default();
        assert!(
            err.contains("cannot be read") && err.contains("delivered again"),
            "{err}"
        );
    }
}
