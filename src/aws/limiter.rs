//! A per-key request pacer: at most `per_second` requests per key in any one-second window.
//! CloudTrail allows LookupEvents 2 requests per second per account and region; the tail,
//! pivot lookups and user queries all take their turn here.
//!
//! Written here rather than taken from `governor`: a burst-capable token bucket would let two
//! requests start together and a third half a second later — three inside one second. Spacing
//! requests evenly (a bucket of size one) is what keeps every window at the limit, and it is a
//! few lines over tokio's clock, which also lets tests run it on paused time.

use std::collections::HashMap;
use std::sync::Mutex;
use tokio::time::{Duration, Instant};

#[derive(Debug)]
pub struct Pacer {
    spacing: Duration,
    next: Mutex<HashMap<String, Instant>>,
}

impl Pacer {
    pub fn new(per_second: u32) -> Pacer {
        Pacer {
            // 5% over the even spacing: requests leave on time but arrive with the network's
            // jitter, and AWS counts arrivals. Two requests 500 ms apart at the client can land
            // 490 ms apart; at 525 ms a third never lands inside the same second.
            spacing: Duration::from_secs(1) / per_second.max(1) * 21 / 20,
            next: Mutex::new(HashMap::new()),
        }
    }

    /// Waits until this key's last request is `spacing` in the past, then claims the turn.
    /// The gap counts from when the previous caller actually went, not from a slot booked in
    /// advance: a caller woken late cannot bunch up with the next one.
    pub async fn acquire(&self, key: &str) {
        loop {
            let wait = {
                let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                match next.get(key) {
                    Some(t) if *t > now => *t,
                    _ => {
                        next.insert(key.to_string(), now + self.spacing);
                        return;
                    }
                }
            };
            tokio::time::sleep_until(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn never_more_than_two_per_second_per_key() {
        let pacer = std::sync::Arc::new(Pacer::new(2));
        let start = Instant::now();
        let mut handles = Vec::new();
        for i in 0..10 {
            let p = pacer.clone();
            let key = if i % 2 == 0 {
                "a/us-east-1"
            } else {
                "b/us-east-1"
            };
            handles.push(tokio::spawn(async move {
                p.acquire(key).await;
                (key, Instant::now() - start)
            }));
        }
        let mut times: HashMap<&str, Vec<Duration>> = HashMap::new();
        for h in handles {
            let (k, t) = h.await.unwrap();
            times.entry(k).or_default().push(t);
        }
        for (_, mut ts) in times {
            ts.sort();
            assert_eq!(ts.len(), 5);
            for w in ts.windows(3) {
                assert!(w[2] - w[0] >= Duration::from_secs(1), "{ts:?}");
            }
            // Keys do not wait for each other: the first of each key goes at once.
            assert_eq!(ts[0], Duration::ZERO);
        }
    }
}
