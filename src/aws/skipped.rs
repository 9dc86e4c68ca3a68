//! Live records the normalizer refused. They are dropped where they are read (a page goes on
//! without them) and counted here; the poller that finishes next says how many and why, on
//! screen, so a record that never shows is never only in the log.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

static COUNT: AtomicUsize = AtomicUsize::new(0);
static LAST: Mutex<String> = Mutex::new(String::new());

/// One record of `what` (e.g. "CloudTrail event") skipped because of `why`.
pub fn record(what: &str, why: impl std::fmt::Display) {
    let reason = format!("{what}: {}", crate::safe_text::line(&why.to_string()));
    tracing::warn!("live record skipped: {reason}");
    if let Ok(mut last) = LAST.lock() {
        *last = reason;
    }
    COUNT.fetch_add(1, Ordering::Relaxed);
}

/// How many were skipped since the last call, and the last reason.
pub fn take() -> Option<(usize, String)> {
    let n = COUNT.swap(0, Ordering::Relaxed);
    (n > 0).then(|| {
        let last = LAST.lock().map(|l| l.clone()).unwrap_or_default();
        (n, last)
    })
}

/// The notice for what `take` returned.
pub fn notice(n: usize, last: &str) -> String {
    format!("{n} live record(s) could not be read and were skipped (last: {last})")
}

#[cfg(test)]
mod tests {
    #[test]
    fn skipped_records_are_counted_then_said_once() {
        super::record("CloudTrail event", "CloudTrail record has no eventID");
        super::record("GuardDuty finding", "GuardDuty finding has no id");
        let (n, last) = super::take().unwrap_or_default();
        // Other tests of this binary may skip records too: at least these two.
        assert!(n >= 2, "{n}");
        assert!(!last.is_empty());
        assert!(super::notice(n, &last).contains("skipped"));
    }
}
