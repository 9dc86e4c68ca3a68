//! Deliveries that cannot hold each other up. Each notifier (a target's webhook, command or
//! topic, by its exact settings) has its own queue: at most `PER_NOTIFIER` deliveries at once
//! and `BACKLOG` waiting, none waiting longer than the notifier's deadline; each delivery has
//! that deadline too (the whole of it: the HTTP answer, or the process with its pipes and
//! children). A stuck notifier fills its own queue, then what comes for it is reported and
//! left for the next run; every other notifier goes on.
//! Results come back to the watch's loop, which records them in the dedup store.

use crate::notify::{self, Delivery, Message};
use crate::rules::Notifier;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::Semaphore;

/// Deliveries to one notifier at once.
pub const PER_NOTIFIER: usize = 64;
/// Deliveries waiting for one notifier before more are turned away.
pub const BACKLOG: usize = 4096;

/// A delivery finished (or turned away).
pub struct Done {
    /// The dedup key it is recorded under when it succeeded.
    pub key: String,
    /// The signal or story it was for.
    pub item: String,
    pub delivery: Delivery,
}

struct Queue {
    permits: Arc<Semaphore>,
    waiting: AtomicUsize,
}

pub struct Deliveries {
    queues: HashMap<String, Arc<Queue>>,
    /// Each target's notifiers' keys, in order, hashed once a run (not once a delivery).
    keys: HashMap<String, Vec<Arc<str>>>,
    /// Keys scheduled and not yet done: the same delivery is never sent twice at once.
    in_flight: HashSet<String>,
    tx: UnboundedSender<Done>,
    sns: SnsClients,
    http: notify::webhook::Http,
    attempts: u32,
    backoff: Duration,
}

/// SNS clients by region: a topic is published to in its own region (its ARN says which),
/// whatever the watch's first region is.
#[derive(Clone)]
pub struct SnsClients {
    base: Option<aws_types::SdkConfig>,
    by_region: HashMap<String, aws_sdk_sns::Client>,
}

impl SnsClients {
    pub fn new(base: Option<aws_types::SdkConfig>) -> SnsClients {
        SnsClients {
            base,
            by_region: HashMap::new(),
        }
    }

    /// The client for a topic ARN's region (or the base region when the ARN names none).
    pub fn for_topic(&mut self, topic: &str) -> Option<aws_sdk_sns::Client> {
        let base = self.base.as_ref()?;
        let region = topic
            .split(':')
            .nth(3)
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .or_else(|| base.region().map(|r| r.to_string()))
            .unwrap_or_default();
        let client = self.by_region.entry(region.clone()).or_insert_with(|| {
            let conf = aws_sdk_sns::config::Builder::from(base)
                .region(aws_types::region::Region::new(region))
                .build();
            aws_sdk_sns::Client::from_conf(conf)
        });
        Some(client.clone())
    }
}

impl Deliveries {
    pub fn new(
        tx: UnboundedSender<Done>,
        sns: SnsClients,
        attempts: u32,
        backoff: Duration,
    ) -> Deliveries {
        Deliveries {
            queues: HashMap::new(),
            keys: HashMap::new(),
            in_flight: HashSet::new(),
            tx,
            sns,
            http: notify::webhook::Http::new(),
            attempts,
            backoff,
        }
    }

    /// Deliveries scheduled and not done yet.
    pub fn pending(&self) -> usize {
        self.in_flight.len()
    }

    pub fn is_scheduled(&self, key: &str) -> bool {
        self.in_flight.contains(key)
    }

    /// A result came back: the key is free again.
    pub fn finished(&mut self, key: &str) {
        self.in_flight.remove(key);
    }

    /// The key (`notify::key`) of `target`'s notifier number `i`, `n`.
    pub fn notifier_key(&mut self, target: &str, i: usize, n: &Notifier) -> Arc<str> {
        if let Some(k) = self.keys.get(target).and_then(|v| v.get(i)) {
            return k.clone();
        }
        let k: Arc<str> = notify::key(target, n).into();
        let v = self.keys.entry(target.to_string()).or_default();
        if v.len() == i {
            v.push(k.clone());
        }
        k
    }

    /// Starts one delivery to `n` (whose key is `nk`); `key` is the delivery's dedup key,
    /// `item` what it is for.
    pub fn schedule(
        &mut self,
        target: &str,
        n: &Notifier,
        nk: &str,
        msg: Arc<Message>,
        key: String,
        item: String,
    ) {
        if !self.in_flight.insert(key.clone()) {
            return;
        }
        let queue = match self.queues.get(nk) {
            Some(q) => q.clone(),
            None => self
                .queues
                .entry(nk.to_string())
                .or_insert_with(|| {
                    Arc::new(Queue {
                        permits: Arc::new(Semaphore::new(PER_NOTIFIER)),
                        waiting: AtomicUsize::new(0),
                    })
                })
                .clone(),
        };
        let waiting = queue.waiting.fetch_add(1, Ordering::SeqCst);
        if waiting >= BACKLOG {
            queue.waiting.fetch_sub(1, Ordering::SeqCst);
            let e = notify::DeliveryError::Backlogged {
                target: notify::describe(n),
                backlog: waiting,
            };
            let _ = self.tx.send(Done {
                key,
                item,
                delivery: Delivery {
                    target: target.to_string(),
                    notifier: notify::describe(n),
                    ok: false,
                    attempts: 0,
                    detail: e.to_string(),
                },
            });
            return;
        }
        let sns = n.sns.as_deref().and_then(|t| self.sns.for_topic(t));
        let (target, n, tx) = (target.to_string(), n.clone(), self.tx.clone());
        let (attempts, backoff) = (self.attempts, self.backoff);
        let http = self.http.clone();
        tokio::spawn(async move {
            // A delivery that cannot start within its notifier's deadline is turned away: the
            // notifier is stuck, and a queue that only grows would hold `--once` for as long.
            let deadline = n.deadline();
            let permit =
                tokio::time::timeout(deadline, queue.permits.clone().acquire_owned()).await;
            let delivery = match permit {
                Ok(Ok(permit)) => {
                    let with = notify::Senders {
                        sns: sns.as_ref(),
                        http: &http,
                    };
                    let d = notify::deliver(&target, &n, &msg, &with, attempts, backoff).await;
                    drop(permit);
                    d
                }
                _ => Delivery {
                    target: target.clone(),
                    notifier: notify::describe(&n),
                    ok: false,
                    attempts: 0,
                    detail: notify::DeliveryError::Backlogged {
                        target: notify::describe(&n),
                        backlog: queue.waiting.load(Ordering::SeqCst),
                    }
                    .to_string(),
                },
            };
            queue.waiting.fetch_sub(1, Ordering::SeqCst);
            let _ = tx.send(Done {
                key,
                item,
                delivery,
            });
        });
    }
}
