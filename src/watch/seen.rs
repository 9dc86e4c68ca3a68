//! The watch's dedup store, `<data dir>/watch-seen.jsonl`: one line per delivery made and per
//! automatic action, so a restart neither notifies twice nor acts twice.
//!
//! Deliveries are recorded in batches: a thread of its own appends what is queued and syncs
//! once (a watch under load records hundreds a second; a crash loses at most the last batch,
//! and those are delivered again — a notification twice, never an action). Actions are
//! recorded twice, synced each time before going on: an `intent` before the action runs, and
//! its outcome after. An intent found with no outcome on start is an action that may or may not
//! have run: it is reported as "outcome unknown" and never run again by the watch.

use serde_json::json;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tokio::sync::oneshot;

#[derive(Debug, Clone)]
struct Kept {
    value: Option<String>,
    /// Only an intent: the outcome was never recorded.
    intent_only: bool,
    /// When it was last recorded.
    at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Deliveries and routed lines older than this are forgotten when the store is read (AWS
/// Health keeps events 90 days; GuardDuty findings 90): the store does not grow for ever.
/// Automatic actions are never forgotten.
pub const FORGET_AFTER_DAYS: i64 = 120;

enum Job {
    Line(
        serde_json::Value,
        Option<oneshot::Sender<Result<(), String>>>,
    ),
    /// Everything queued so far is synced: answer.
    Flush(oneshot::Sender<Result<(), String>>),
}

pub struct Seen {
    path: PathBuf,
    keys: HashMap<String, Kept>,
    /// Intents without an outcome when the store was read.
    unknown: Vec<String>,
    writer: std::sync::mpsc::Sender<Job>,
}

/// Appends every queued line, syncs once, answers everyone waiting; until the store is dropped.
fn write_loop(path: PathBuf, rx: std::sync::mpsc::Receiver<Job>) {
    use std::io::Write;
    let mut file: Option<std::fs::File> = None;
    while let Ok(first) = rx.recv() {
        let mut jobs = vec![first];
        while let Ok(more) = rx.try_recv() {
            jobs.push(more);
            if jobs.len() >= 4096 {
                break;
            }
        }
        let mut buf = Vec::new();
        for j in &jobs {
            if let Job::Line(v, _) = j {
                if let Ok(mut l) = serde_json::to_vec(v) {
                    l.push(b'\n');
                    buf.extend_from_slice(&l);
                }
            }
        }
        let result = (|| -> std::io::Result<()> {
            if buf.is_empty() && file.is_none() {
                // Nothing written yet: nothing to sync (a dry run leaves no store behind).
                return Ok(());
            }
            if file.is_none() {
                let mut f = crate::private_files::append(&path)?;
                // A crash mid-line left a torn last line: start on a fresh one.
                let len = f.metadata()?.len();
                if len > 0 {
                    use std::io::{Read, Seek, SeekFrom};
                    let mut last = [0u8; 1];
                    f.seek(SeekFrom::Start(len - 1))?;
                    f.read_exact(&mut last)?;
                    if last[0] != b'\n' {
                        f.write_all(b"\n")?;
                    }
                }
                file = Some(f);
            }
            let Some(f) = file.as_mut() else {
                return Ok(());
            };
            if !buf.is_empty() {
                f.write_all(&buf)?;
            }
            f.sync_data()
        })()
        .map_err(|e| format!("{}: {e}", path.display()));
        if let Err(e) = &result {
            // Opened again next time (a full disk may clear).
            file = None;
            eprintln!(
                "{}",
                crate::safe_text::json(&json!({"event": "dedup_store_failed", "reason": e}))
            );
        }
        for j in jobs {
            match j {
                Job::Line(_, Some(ack)) | Job::Flush(ack) => {
                    let _ = ack.send(result.clone());
                }
                Job::Line(_, None) => {}
            }
        }
    }
}

/// Rewrites the store with one line per key kept (forgotten and superseded lines gone), in
/// place of the old one only once it is whole on disk.
fn compact(path: &Path, keys: &HashMap<String, Kept>) -> Result<(), String> {
    let mut buf = Vec::new();
    let mut sorted: Vec<(&String, &Kept)> = keys.iter().collect();
    sorted.sort_by(|a, b| a.1.at.cmp(&b.1.at).then(a.0.cmp(b.0)));
    for (k, v) in sorted {
        let mut line = json!({"key": k, "value": v.value, "at": v.at});
        if v.intent_only {
            line["state"] = json!("intent");
        }
        if let Ok(mut l) = serde_json::to_vec(&line) {
            l.push(b'\n');
            buf.extend_from_slice(&l);
        }
    }
    let tmp = path.with_extension("jsonl.compacting");
    crate::private_files::write(&tmp, &buf)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            format!(
                "the dedup store {} could not be compacted: {e}",
                path.display()
            )
        })
}

impl Seen {
    /// The store, or why it cannot be read. Only a missing file means "nothing handled yet":
    /// a store that exists but cannot be read would send every signal again.
    pub fn load(data_dir: &Path) -> Result<Seen, String> {
        let path = data_dir.join("watch-seen.jsonl");
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
        if lines > 10_000 && lines > 2 * keys.len() {
            compact(&path, &keys)?;
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
            .spawn(move || write_loop(p, rx))
            .map_err(|e| format!("cannot start the dedup store's writer: {e}"))?;
        Ok(Seen {
            path,
            keys,
            unknown,
            writer,
        })
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
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_a_missing_store_means_nothing_handled_and_intents_without_outcome_are_known() {
        let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut seen = Seen::load(d.path()).unwrap_or_else(|e| panic!("{e}"));
        seen.record("deliver x a@1".into(), None);
        seen.intent("action r open-incident a".into())
            .done()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        seen.outcome(
            "action r open-incident a".into(),
            Some("IR-1".into()),
            "done",
        )
        .done()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        seen.intent("action r snapshot a".into())
            .done()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        seen.flush().done().await.unwrap_or_else(|e| panic!("{e}"));
        let again = Seen::load(d.path()).unwrap_or_else(|e| panic!("{e}"));
        assert!(again.contains("deliver x a@1"));
        assert_eq!(again.value("action r open-incident a"), Some("IR-1"));
        assert_eq!(again.unknown_outcomes(), ["action r snapshot a"]);
        assert!(again.contains("action r snapshot a"), "never run again");
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

    /// Fails on the session-17 main (a review): every key stayed for ever, and the file grew
    /// by every line; old deliveries are forgotten now, actions never, and a store mostly of
    /// forgotten or superseded lines is rewritten.
    #[tokio::test]
    async fn old_deliveries_are_forgotten_actions_never_and_the_file_is_compacted() {
        let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let old = chrono::Utc::now() - chrono::Duration::days(FORGET_AFTER_DAYS + 1);
        let mut text = String::new();
        for i in 0..12_000 {
            text.push_str(&format!(
                "{}\n",
                json!({"key": format!("deliver n s{i}@1"), "value": null, "at": old})
            ));
        }
        text.push_str(&format!(
            "{}\n",
            json!({"key": "action r snapshot old", "value": null, "at": old})
        ));
        text.push_str(&format!(
            "{}\n",
            json!({"key": "deliver n new@1", "value": null, "at": chrono::Utc::now()})
        ));
        let path = d.path().join("watch-seen.jsonl");
        std::fs::write(&path, &text).unwrap_or_else(|e| panic!("{e}"));
        let seen = Seen::load(d.path()).unwrap_or_else(|e| panic!("{e}"));
        assert!(!seen.contains("deliver n s1@1"));
        assert!(seen.contains("action r snapshot old") && seen.contains("deliver n new@1"));
        let after = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(after.lines().count(), 2, "{after}");
        let again = Seen::load(d.path()).unwrap_or_else(|e| panic!("{e}"));
        assert!(again.contains("action r snapshot old") && again.contains("deliver n new@1"));
    }
}
