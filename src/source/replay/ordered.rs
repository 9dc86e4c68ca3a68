//! Files read on every core of the pool, handed on one at a time in the order they were found.
//!
//! The order matters beyond looks: the store keeps a signal's position by arrival, correlation
//! rules count signals in arrival order, and stories grow from it, so two loads of the same
//! files must hand the store the same records in the same order or `airc stories` (and the
//! console) can tell a different story each run.
//!
//! Hand-written because rayon hands results on either as they finish (`for_each`) or all at
//! once (`collect`, every file's signals held until the last is read), and the crates that
//! stream in order (`pariter`, `parseq`) run threads of their own, outside the low-priority pool
//! the console sets up for background work (`app::priority`).

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex, MutexGuard};

struct Turns<R> {
    /// Index of the next output to hand on.
    next: usize,
    /// Outputs read ahead of their turn.
    ready: BTreeMap<usize, R>,
    /// A thread is handing outputs on; the others leave theirs in `ready`.
    handing: bool,
    /// A panic from `deliver`, raised again once every thread has stopped.
    panic: Option<Box<dyn std::any::Any + Send>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Runs `work` on each item on the threads of the current rayon pool and `deliver` on each
/// result in the items' order, one at a time. At most `ahead` items are read past the one whose
/// turn it is (a slow file holds the others back rather than letting their outputs pile up).
pub fn for_each_in_order<T, R, W, D>(items: Vec<T>, ahead: usize, work: W, deliver: D)
where
    T: Send,
    R: Send,
    W: Fn(T) -> R + Sync,
    D: Fn(R) + Sync,
{
    let ahead = ahead.max(1);
    let queue = Mutex::new(items.into_iter().enumerate());
    let turns = Mutex::new(Turns {
        next: 0,
        ready: BTreeMap::new(),
        handing: false,
        panic: None,
    });
    let moved = Condvar::new();
    rayon::scope(|s| {
        for _ in 0..rayon::current_num_threads().max(1) {
            s.spawn(|_| loop {
                let Some((i, item)) = lock(&queue).next() else {
                    return;
                };
                let mut t = lock(&turns);
                while i >= t.next + ahead {
                    t = moved.wait(t).unwrap_or_else(|p| p.into_inner());
                }
                drop(t);
                let out = work(item);
                let mut t = lock(&turns);
                t.ready.insert(i, out);
                if t.handing {
                    continue;
                }
                t.handing = true;
                loop {
                    let next = t.next;
                    let Some(out) = t.ready.remove(&next) else {
                        break;
                    };
                    drop(t);
                    // Caught so the other threads are not left waiting for a turn that never
                    // comes; raised again below.
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| deliver(out)));
                    t = lock(&turns);
                    if let Err(p) = r {
                        t.panic.get_or_insert(p);
                    }
                    t.next += 1;
                    moved.notify_all();
                }
                t.handing = false;
            });
        }
    });
    let panic = lock(&turns).panic.take();
    if let Some(p) = panic {
        std::panic::resume_unwind(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn results_come_in_item_order_however_long_each_takes() {
        let seen = Mutex::new(Vec::new());
        pool(4).install(|| {
            for_each_in_order(
                (0..200u64).collect(),
                3,
                |i| {
                    // Early items take longest, so later ones finish first.
                    std::thread::sleep(std::time::Duration::from_micros((200 - i) * 20 % 1500));
                    i
                },
                |i| lock(&seen).push(i),
            )
        });
        assert_eq!(*lock(&seen), (0..200).collect::<Vec<_>>());
    }

    #[test]
    fn a_panic_while_handing_on_reaches_the_caller_after_the_rest_is_done() {
        let seen = Mutex::new(Vec::new());
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pool(3).install(|| {
                for_each_in_order(
                    (0..50).collect(),
                    2,
                    |i: i32| i,
                    |i| {
                        if i == 7 {
                            panic!("seven");
                        }
                        lock(&seen).push(i);
                    },
                )
            })
        }));
        assert!(r.is_err());
        assert_eq!(lock(&seen).len(), 49);
    }

    #[test]
    fn reads_run_at_most_ahead_items_past_the_turn() {
        let turn = std::sync::atomic::AtomicUsize::new(0);
        let worst = std::sync::atomic::AtomicUsize::new(0);
        pool(4).install(|| {
            for_each_in_order(
                (0..100usize).collect(),
                2,
                |i| {
                    let t = turn.load(std::sync::atomic::Ordering::SeqCst);
                    worst.fetch_max(i - t.min(i), std::sync::atomic::Ordering::SeqCst);
                    if i % 10 == 0 {
                        std::thread::sleep(std::time::Duration::from_millis(3));
                    }
                    i
                },
                |i| turn.store(i + 1, std::sync::atomic::Ordering::SeqCst),
            )
        });
        assert!(worst.load(std::sync::atomic::Ordering::SeqCst) < 2);
        assert_eq!(turn.load(std::sync::atomic::Ordering::SeqCst), 100);
    }
}
