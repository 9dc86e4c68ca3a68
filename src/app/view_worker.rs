//! The background thread that filters and sorts for the console, so typing and scrolling never
//! wait for a pass over a million signals. The UI task sends a `ViewJob` (a snapshot and the
//! query) and gets `ViewResult`s back as messages: partial ones while a long pass runs, then the
//! final one. A newer job cancels the one running.

use super::view::{compute, EntityCache, ViewJob, ViewResult};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

pub struct ViewWorker {
    jobs: mpsc::Sender<ViewJob>,
    /// The generation of the newest job sent; a running pass stops when it is not its own.
    latest: Arc<AtomicU64>,
    pub results: UnboundedReceiver<ViewResult>,
}

impl ViewWorker {
    /// Starts the thread; it ends when the worker is dropped.
    pub fn spawn() -> std::io::Result<ViewWorker> {
        let (jobs, rx) = mpsc::channel::<ViewJob>();
        let (tx, results) = unbounded_channel();
        let latest = Arc::new(AtomicU64::new(0));
        let seen = Arc::clone(&latest);
        // Its own threads: in rayon's global pool a pass would queue behind the file parsing of
        // a long load and show no rows until the load ends.
        let pool = rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("airc-view-{i}"))
            .start_handler(|_| super::priority::lower_this_thread())
            .build()
            .map_err(std::io::Error::other)?;
        std::thread::Builder::new()
            .name("airc-view".into())
            .spawn(move || pool.install(|| work(rx, tx, seen, compute)))?;
        Ok(ViewWorker {
            jobs,
            latest,
            results,
        })
    }

    pub fn submit(&self, job: ViewJob) {
        self.latest.store(job.gen, Ordering::Release);
        // The thread only stops when this worker is dropped, so a send cannot fail while the
        // console runs; if it ever did, the rows would just stay as they are.
        let _ = self.jobs.send(job);
    }
}

/// How long the worker waits without a job before it gives back what its passes freed.
///
/// A pass over millions of signals allocates and frees tens of megabytes a time (the rows per
/// pane, the signals in view, the sort keys) on this thread and the pool's; mimalloc keeps the
/// emptied pages until their thread allocates again, so a console left to rest after a 10M-event
/// load held ~200 MB of them. Giving them back after every pass made keys wait for it (44–46 ms
/// while a replay loaded: returning pages takes the process's memory-map lock, which the console's
/// own allocations need too). So it is done only once no file is loading, after half a second
/// with nothing to do.
const IDLE: std::time::Duration = std::time::Duration::from_millis(500);

/// Passes over fewer signals free too little to be worth giving back.
const LARGE: usize = 100_000;

/// One pass: `compute`, or a stand-in in tests.
type Pass = fn(
    &ViewJob,
    &dyn Fn() -> bool,
    &mut dyn FnMut(ViewResult),
    &mut EntityCache,
) -> Option<ViewResult>;

fn work(
    rx: mpsc::Receiver<ViewJob>,
    tx: UnboundedSender<ViewResult>,
    latest: Arc<AtomicU64>,
    pass: Pass,
) {
    super::priority::lower_this_thread();
    let mut cache = EntityCache::default();
    // Whether a large pass ran since the memory was last given back.
    let mut used = false;
    loop {
        let mut job = match rx.recv_timeout(IDLE) {
            Ok(job) => job,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if std::mem::take(&mut used) {
                    crate::allocator::release_freed_pages_everywhere();
                }
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        // Only the newest queued job matters.
        while let Ok(newer) = rx.try_recv() {
            job = newer;
        }
        let gen = job.gen;
        let cancelled = || latest.load(Ordering::Acquire) != gen;
        let mut partial = |r: ViewResult| {
            let _ = tx.send(r);
        };
        // A pass that panics (hostile data, a bug) must not end filtering for the session: the
        // panic is caught, logged, said in the UI, and the next job runs on a fresh cache.
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pass(&job, &cancelled, &mut partial, &mut cache)
        }));
        let result = match ran {
            Ok(r) => r,
            Err(p) => {
                let why = crate::panics::panic_message(&*p);
                tracing::error!("view pass panicked: {why}");
                cache = EntityCache::default();
                Some(ViewResult::failure(&job, why))
            }
        };
        used = job.settled && (used || job.snapshot.signals.len() >= LARGE);
        if let Some(result) = result {
            if tx.send(result).is_err() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panics_on_first(
        job: &ViewJob,
        c: &dyn Fn() -> bool,
        p: &mut dyn FnMut(ViewResult),
        cache: &mut EntityCache,
    ) -> Option<ViewResult> {
        if job.gen == 1 {
            panic!("a hostile row");
        }
        compute(job, c, p, cache)
    }

    #[test]
    fn a_pass_that_panics_is_reported_and_the_next_one_runs() {
        let state =
            crate::app::State::new("t", crate::keymap::Keymap::default(), chrono::Utc::now());
        let (jobs, rx) = mpsc::channel();
        let (tx, mut results) = unbounded_channel();
        let latest = Arc::new(AtomicU64::new(1));
        let seen = latest.clone();
        let t = std::thread::spawn(move || work(rx, tx, seen, panics_on_first));
        jobs.send(ViewJob::from_state(&state, 1)).unwrap();
        let r = results.blocking_recv().unwrap();
        assert_eq!(r.failed.as_deref(), Some("a hostile row"));
        assert!(r.is_final());
        latest.store(2, Ordering::Release);
        jobs.send(ViewJob::from_state(&state, 2)).unwrap();
        let r = results.blocking_recv().unwrap();
        assert!(
            r.failed.is_none() && r.is_final() && r.gen == 2,
            "the worker lives on"
        );
        drop(jobs);
        t.join().unwrap();
    }
}
