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
            .spawn(move || pool.install(|| work(rx, tx, seen)))?;
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

fn work(rx: mpsc::Receiver<ViewJob>, tx: UnboundedSender<ViewResult>, latest: Arc<AtomicU64>) {
    super::priority::lower_this_thread();
    let mut cache = EntityCache::default();
    while let Ok(mut job) = rx.recv() {
        // Only the newest queued job matters.
        while let Ok(newer) = rx.try_recv() {
            job = newer;
        }
        let gen = job.gen;
        let cancelled = || latest.load(Ordering::Acquire) != gen;
        let mut partial = |r: ViewResult| {
            let _ = tx.send(r);
        };
        if let Some(result) = compute(&job, &cancelled, &mut partial, &mut cache) {
            if tx.send(result).is_err() {
                return;
            }
        }
    }
}
