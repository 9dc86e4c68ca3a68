//! The watch's dedup store, `<data dir>/watch-seen.jsonl`: one line per delivery made and per
//! automatic action, so a restart neither notifies twice nor acts twice.
//!
//! Deliveries are recorded in batches: a thread of its own appends what is queued and syncs
//! once (a watch under load records hundreds a second; a crash loses at most the last batch,
//! and those are delivered again — a notification twice, never an action). Actions are
//! recorded twice, synced each time before going on: an `intent` before the action runs, and
//! its outcome after. An intent found with no outcome on start is an action that may or may not
//! have run: it is reported as "outcome unknown" and never run again by the watch. The file (its
//! lock, writer and compaction) is `seen_file`.

use super::seen_file::{self, Job};
use serde_json::json;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tokio::sync::oneshot;

#[derive(Debug, Clone)]
pub(super) struct Kept {
    pub(super) value: Option<String>,
    /// Only an intent: the outcome was never recorded.
    pub(super) intent_only: bool,
    /// When it was last recorded.
    pub(super) at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Deliveries and routed lines older than this are forgotten when the store is read (AWS
/// Health keeps events 90 days; GuardDuty findings 90): the store does not grow for ever.
/// Automatic actions are never forgotten.
pub const FORGET_AFTER_DAYS: i64 = 120;

/// In one run, memory is bounded the same way: every `PRUNE_EVERY` keys recorded, deliveries
/// and routed lines older than `FORGET_AFTER_DAYS` are forgotten, and beyond `MAX_KEYS` of them
/// the oldest go first, down to three quarters of it. What is forgotten is a delivery made
/// that long ago: the same signal version routed again would be notified again (a
/// notification twice, never an action: action keys are never forgotten).
pub const MAX_KEYS: usize = 500_000;
const PRUNE_EVERY: usize = 65_536;

pub struct Seen {
    path: PathBuf,
    keys: HashMap<String, Kept>,
    /// Intents without an outcome when the store was read.
    unknown: Vec<String>,
    writer: std::sync::mpsc::Sender<Job>,
    /// Keys recorded since memory was last pruned, and the bound (`MAX_KEYS`; tests lower it).
    since_prune: usize,
    max_keys: usize,
}

impl Seen {
    /// The store, or why it cannot be read, for this process only (`seen_file::lock`: a
    /// second watch on the data dir waits, then refuses). Only a missing file means "nothing
    /// handled yet": a store that exists but cannot be read would send every signal again.
    pub fn load(data_dir: &Path) -> Result<Seen, String> {
        Seen::open(data_dir, Some(seen_file::LOCK_WAIT))
    }

    /// The store as it is, for a dry run: no lock taken (the real watch may be running),
    /// nothing compacted or written.
    pub fn read_only(data_dir: &Path) -> Result<Seen, String> {
        Seen::open(data_dir, None)
    }

    /// `lock_wait`: how long to wait for another watch's lock; `None`: read only.
    fn open(data_dir: &Path, lock_wait: Option<std::time::Duration>) -> Result<Seen, String> {
        let path = data_dir.join("watch-seen.jsonl");
        // Taken before the store is read: what is read is what no one else is writing.
        let lock = match lock_wait {
            Some(wait) => Some(seen_file::lock(data_dir, wait)?),
            None => None,
        };
        let mut keys: HashMap<String, Kept> = HashMap::new();
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
        let mut lines = 0usize;
        for v in text
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        {
            lines += 1;
            let Some(k) = v["key"].as_str() else { continue };
            if v["state"].as_str() == Some("retry") {
                // Refused or failed before any change: free to run again.
                keys.remove(k);
                continue;
            }
            let intent = v["state"].as_str() == Some("intent");
            let entry = keys.entry(k.to_string()).or_insert(Kept {
                value: None,
                intent_only: intent,
                at: None,
            });
            if !intent {
                entry.intent_only = false;
            }
            if let Some(val) = v["value"].as_str() {
                entry.value = Some(val.to_string());
            }
            let at = v["at"]
                .as_str()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&chrono::Utc));
            entry.at = entry.at.max(at);
        }
        drop(text);
        let horizon = chrono::Utc::now() - chrono::Duration::days(FORGET_AFTER_DAYS);
        keys.retain(|k, v| k.starts_with("action ") || v.at.is_none_or(|at| at >= horizon));
        if lock.is_some() && lines > 10_000 && lines > 2 * keys.len() {
            seen_file::compact_or_say(&path, &keys);
        }
        let mut unknown: Vec<String> = keys
            .iter()
            .filter(|(_, k)| k.intent_only)
            .map(|(k, _)| k.clone())
            .collect();
        unknown.sort();
        let (writer, rx) = std::sync::mpsc::channel();
        let p = path.clone();
        std::thread::Builder::new()
            .name("watch-seen".into())
            .spawn(move || seen_file::write_loop(p, rx, lock))
            .map_err(|e| format!("cannot start the dedup store's writer: {e}"))?;
        Ok(Seen {
            path,
            keys,
            unknown,
            writer,
            since_prune: 0,
            max_keys: MAX_KEYS,
        })
    }

    /// Forgets, in memory, old deliveries and routed lines, and the oldest of them beyond
    /// `max_keys` (`MAX_KEYS`); actions never.
    fn prune(&mut self) {
        self.since_prune = 0;
        let horizon = chrono::Utc::now() - chrono::Duration::days(FORGET_AFTER_DAYS);
        self.keys
            .retain(|k, v| k.starts_with("action ") || v.at.is_none_or(|at| at >= horizon));
        let mut others: Vec<(Option<chrono::DateTime<chrono::Utc>>, &String)> = self
            .keys
            .iter()
            .filter(|(k, _)| !k.starts_with("action "))
            .map(|(k, v)| (v.at, k))
            .collect();
        if others.len() <= self.max_keys {
            return;
        }
        others.sort();
        let drop: Vec<String> = others[..others.len() - self.max_keys * 3 / 4]
            .iter()
            .map(|(_, k)| (*k).clone())
            .collect();
        for k in drop {
            self.keys.remove(&k);
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Recorded: done, or an intent whose outcome is unknown (never run again).
    pub fn contains(&self, k: &str) -> bool {
        self.keys.contains_key(k)
    }

    pub fn value(&self, k: &str) -> Option<&str> {
        self.keys.get(k).and_then(|x| x.value.as_deref())
    }

    /// Actions an earlier run started and never recorded the end of.
    pub fn unknown_outcomes(&self) -> &[String] {
        &self.unknown
    }

    fn send(&mut self, k: String, value: Option<String>, state: Option<&str>, ack: bool) -> Wait {
        self.since_prune += 1;
        if self.since_prune >= PRUNE_EVERY.min(self.max_keys / 4).max(1) {
            self.prune();
        }
        let mut line = json!({"key": k, "value": value, "at": chrono::Utc::now()});
        if let Some(s) = state {
            line["state"] = json!(s);
        }
        if state == Some("retry") {
            self.keys.remove(&k);
            let (tx, rx) = oneshot::channel();
            return match self.writer.send(Job::Line(line, ack.then_some(tx))) {
                Ok(()) => Wait(ack.then_some(rx)),
                Err(_) => Wait(None),
            };
        }
        let entry = self.keys.entry(k).or_insert(Kept {
            value: None,
            intent_only: state == Some("intent"),
            at: None,
        });
        entry.at = Some(chrono::Utc::now());
        if state != Some("intent") {
            entry.intent_only = false;
        }
        if value.is_some() {
            entry.value = value;
        }
        let (tx, rx) = oneshot::channel();
        let job = Job::Line(line, ack.then_some(tx));
        if self.writer.send(job).is_err() {
            return Wait(None);
        }
        Wait(ack.then_some(rx))
    }

    /// A delivery done: remembered at once, on disk with the next batch.
    pub fn record(&mut self, k: String, value: Option<String>) {
        self.send(k, value, None, false);
    }

    /// An action about to run: wait for it to be on disk before running it.
    pub fn intent(&mut self, k: String) -> Wait {
        self.send(k, None, Some("intent"), true)
    }

    /// An action's outcome (whatever it was): wait for it to be on disk.
    pub fn outcome(&mut self, k: String, value: Option<String>, outcome: &str) -> Wait {
        self.send(k, value, Some(outcome), true)
    }

    /// Everything recorded so far, on disk.
    pub fn flush(&mut self) -> Wait {
        let (tx, rx) = oneshot::channel();
        match self.writer.send(Job::Flush(tx)) {
            Ok(()) => Wait(Some(rx)),
            Err(_) => Wait(None),
        }
    }
}

/// A write that syncs to disk (a journal's), kept off the watch's runtime workers (the pollers
/// share them): on a multi-threaded runtime the worker hands its other tasks on while it waits.
pub(super) fn synced_write<T>(write: impl FnOnce() -> T) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(write),
        _ => write(),
    }
}

/// A write to wait for (outside the store's lock).
pub struct Wait(Option<oneshot::Receiver<Result<(), String>>>);

impl Wait {
    pub async fn done(self) -> Result<(), String> {
        match self.0 {
            None => Err("the dedup store's writer has stopped".into()),
            Some(rx) => rx
                .await
                .unwrap_or_else(|_| Err("the dedup store's writer has stopped".into())),
        }
    }
}

#[cfg(test)]
#[path = "seen_tests.rs"]
mod tests;
