//! The dedup store's file: the lock that makes one watch its only writer, the thread that
//! appends and syncs, and compaction.
//!
//! One writer for the life of the process: a watch takes an exclusive advisory lock
//! (`flock`, through std's `File::try_lock`) on `watch-seen.lock` beside the store when it
//! starts and holds it until its last line is written. Locking around each append instead
//! would keep the lines whole but not the store right: each watch keeps the keys it read at
//! start in memory, so two watches on one data dir would each deliver and act on what the
//! other already did, and a compaction by one would rename a new file over the inode the
//! other still appends to (its later lines lost). A second watch waits a while for the first
//! to end (a restart's overlap), saying so on stderr, then refuses and says why. A dry run
//! writes nothing and takes no lock (it may run beside the real watch).

use serde_json::json;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

use super::seen::Kept;

/// How long a second watch waits for the data dir's watch to end before refusing.
pub const LOCK_WAIT: Duration = Duration::from_secs(30);

pub(super) enum Job {
    Line(
        serde_json::Value,
        Option<oneshot::Sender<Result<(), String>>>,
    ),
    /// Everything queued so far is synced: answer.
    Flush(oneshot::Sender<Result<(), String>>),
}

fn problem(event: &str, reason: &str) {
    tracing::warn!(event, reason);
    eprintln!(
        "{}",
        crate::safe_text::json(&json!({"event": event, "reason": reason}))
    );
}

/// The store's lock, held (the file open) until dropped. Waits up to `wait` for another
/// watch to let go, saying so once on stderr.
pub(super) fn lock(data_dir: &Path, wait: Duration) -> Result<std::fs::File, String> {
    let path = data_dir.join("watch-seen.lock");
    let f = crate::private_files::append(&path).map_err(|e| {
        format!(
            "the dedup store's lock {} cannot be opened ({e}): without it another watch could \
             write the same store",
            path.display()
        )
    })?;
    let start = Instant::now();
    let mut said = false;
    loop {
        match f.try_lock() {
            Ok(()) => break,
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(&path).unwrap_or_default();
                let holder = crate::safe_text::line(holder.trim()).into_owned();
                let who = if holder.is_empty() {
                    "another airc watch".to_string()
                } else {
                    format!("another airc watch (pid {holder})")
                };
                if start.elapsed() >= wait {
                    return Err(format!(
                        "{who} is using the data dir {} (its dedup store is locked): two \
                         watches on one data dir would each deliver and act on what the other \
                         already did. Stop the other watch, or give this one a data dir of its \
                         own (AIRC_DATA_DIR)",
                        data_dir.display()
                    ));
                }
                if !said {
                    said = true;
                    problem(
                        "dedup_store_busy",
                        &format!(
                            "{who} holds the dedup store in {}; waiting up to {} s for it to end",
                            data_dir.display(),
                            wait.as_secs()
                        ),
                    );
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(format!(
                    "the dedup store's lock {} cannot be taken ({e})",
                    path.display()
                ))
            }
        }
    }
    // Who holds it, for the message a second watch prints (the lock is what counts).
    let _ = f.set_len(0);
    let _ = (&f).write_all(std::process::id().to_string().as_bytes());
    Ok(f)
}

/// Rewrites the store with one line per key kept (forgotten and superseded lines gone), in
/// place of the old one only once it is whole on disk, the directory synced after the rename.
/// Only under the lock: no other process appends to the old file.
pub(super) fn compact(path: &Path, keys: &HashMap<String, Kept>) -> Result<(), String> {
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
        .and_then(|()| match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => crate::private_files::sync_dir(d),
            _ => Ok(()),
        })
        .map_err(|e| {
            format!(
                "the dedup store {} could not be compacted ({e}); it is used as it is",
                path.display()
            )
        })
}

/// A compaction that failed costs only disk: said on stderr and in the log, and the store is
/// used as it is.
pub(super) fn compact_or_say(path: &Path, keys: &HashMap<String, Kept>) {
    if let Err(e) = compact(path, keys) {
        problem("dedup_store_not_compacted", &e);
    }
}

/// Appends every queued line, syncs once, answers everyone waiting; until the store is
/// dropped. Holds the lock (`lock`) until the last line is written; without one (a dry run)
/// it writes nothing and answers Ok.
pub(super) fn write_loop(
    path: PathBuf,
    rx: std::sync::mpsc::Receiver<Job>,
    lock: Option<std::fs::File>,
) {
    let mut file: Option<std::fs::File> = None;
    while let Ok(first) = rx.recv() {
        let mut jobs = vec![first];
        while let Ok(more) = rx.try_recv() {
            jobs.push(more);
            if jobs.len() >= 4096 {
                break;
            }
        }
        let result = if lock.is_some() {
            write(&path, &mut file, &jobs)
        } else {
            Ok(())
        };
        if let Err(e) = &result {
            // Opened again next time (a full disk may clear).
            file = None;
            problem("dedup_store_failed", e);
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
    drop(file);
    drop(lock);
}

fn write(path: &Path, file: &mut Option<std::fs::File>, jobs: &[Job]) -> Result<(), String> {
    let mut buf = Vec::new();
    for j in jobs {
        if let Job::Line(v, _) = j {
            if let Ok(mut l) = serde_json::to_vec(v) {
                l.push(b'\n');
                buf.extend_from_slice(&l);
            }
        }
    }
    (|| -> std::io::Result<()> {
        if buf.is_empty() && file.is_none() {
            // Nothing written yet: nothing to sync.
            return Ok(());
        }
        if file.is_none() {
            let mut f = crate::private_files::append(path)?;
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
            *file = Some(f);
        }
        let Some(f) = file.as_mut() else {
            return Ok(());
        };
        if !buf.is_empty() {
            f.write_all(&buf)?;
        }
        f.sync_data()
    })()
    .map_err(|e| format!("{}: {e}", path.display()))
}
