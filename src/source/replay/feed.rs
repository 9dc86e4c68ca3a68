//! A replay as a feed: each file's signals as soon as it is read, in parts, with progress and
//! failures, then `Loaded`. The console and `airc watch` both read files this way.

use super::{load_streaming, FileOutput, FileStatus, Progress};
use crate::feed::Feed;
use crate::normalize::Options;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// Items per feed message from a replay.
const FEED_PART: usize = 256;

/// Feeds a replay: each file's signals as soon as it is read, progress, failures, then Loaded.
pub fn feed(paths: Vec<PathBuf>, opts: Options, tx: UnboundedSender<Feed>) {
    let progress = Progress::default();
    let finished = AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            while !finished.load(Ordering::Relaxed) {
                let done = progress.files_done.load(Ordering::Relaxed);
                let total = progress.files_total.load(Ordering::Relaxed);
                if tx.send(Feed::Progress { done, total }).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        });
        let expected = AtomicBool::new(false);
        load_streaming(&paths, opts, &progress, &|out: FileOutput| {
            if !expected.swap(true, Ordering::Relaxed) {
                let _ = tx.send(Feed::Expect(progress.expected_records()));
            }
            if out.report.status == FileStatus::Failed {
                let first = out
                    .report
                    .errors
                    .first()
                    .map(|e| format!("{}: {}", e.location, e.reason))
                    .unwrap_or_default();
                let _ = tx.send(Feed::FileFailed {
                    path: out.report.path.clone(),
                    reason: first,
                });
            }
            // In parts, so the console's task inserts a bounded amount between two keys.
            let mut items = out.items;
            while !items.is_empty() {
                let rest = items.split_off(items.len().min(FEED_PART));
                let _ = tx.send(Feed::Items(items));
                items = rest;
            }
        });
        finished.store(true, Ordering::Relaxed);
    });
    let total = progress.files_total.load(Ordering::Relaxed);
    let _ = tx.send(Feed::Progress { done: total, total });
    let _ = tx.send(Feed::Loaded);
}
