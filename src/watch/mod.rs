//! `airc watch`: the same sources and rules with no terminal. One JSON line per routed signal,
//! per delivery and per automatic action on stdout; problems on stderr. A dedup store in the
//! data dir (`watch-seen.jsonl`) keeps a restart from notifying or acting twice.
//!
//! The loop routes what arrived at least every `ROUTE_EVERY`, however busy the source: a
//! backfill never delays routing. Deliveries run on their own tasks, a bounded number per
//! notifier, each with a deadline (`deliver`); automatic actions run on a task of their own
//! (`actions`). Actions are bound to the account of the entity they act on, through the
//! profile whose identity is that account. `--read-only` blocks every AWS write, SNS publishes
//! included. Everything passes the sensitive-signal gate (`rules::gate`) with the watch's
//! principal (none for files and the demo: nothing sensitive is shown or written in full).

use crate::feed::Feed;
use crate::feed::{LiveEvent, ScopeStatus};
use crate::store::{Insert, Store};
use serde_json::json;
use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

mod actions;
mod deliver;
mod out;
mod route;
mod seen;
mod story;
pub use out::Out;
pub use seen::Seen;

/// How often what arrived is routed.
pub const ROUTE_EVERY: Duration = Duration::from_millis(200);
/// Routed signals whose actions wait for the actor before more are turned away.
const ACTION_QUEUE: usize = 10_000;

pub enum WatchSource {
    Live(Box<crate::aws::LiveOptions>),
    Files(Vec<PathBuf>),
    Demo,
    /// Feed messages from the caller (a test, another program).
    Feed(UnboundedReceiver<Feed>),
}

pub struct WatchOptions {
    pub source: WatchSource,
    pub rules: crate::rules::Rules,
    pub once: bool,
    pub dry_run: bool,
    /// Where SNS and actions go: (profile, region, endpoint).
    pub aws: (Option<String>, Option<String>, Option<String>),
    pub read_only: bool,
    pub data_dir: PathBuf,
    /// Retries of a failed delivery, and the first wait.
    pub attempts: u32,
    pub backoff: Duration,
    /// Where the JSON lines go (stdout by default).
    pub out: Out,
}

struct Watcher {
    o: WatchOptions,
    store: Store,
    seen: Arc<Mutex<Seen>>,
    out: Out,
    deliveries: deliver::Deliveries,
    /// Each profile and the account its credentials answer for (live: from the identity
    /// checks; files and demo: checked once, when an action first needs it).
    known: Arc<Mutex<Option<Vec<crate::respond::bind::Known>>>>,
    principal: Option<String>,
    /// Routes (version and rules) and stories already handled in this run.
    routed: HashSet<String>,
    actions: tokio::sync::mpsc::Sender<actions::Job>,
    /// Jobs handed to the actor and not finished.
    acting: usize,
    failures: usize,
}

impl Watcher {
    fn seen(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn act(&mut self, job: actions::Job) {
        let id = job.signal.id.to_string();
        match self.actions.try_send(job) {
            Ok(()) => self.acting += 1,
            Err(_) => {
                self.failures += 1;
                self.out.problem(json!({"event": "action_dropped", "signal": id,
                    "reason": format!("{ACTION_QUEUE} signals' actions are waiting; not run (tried again on the next run)")}));
            }
        }
    }

    fn on_delivered(&mut self, d: deliver::Done) {
        self.deliveries.finished(&d.key);
        if d.delivery.ok {
            self.seen().record(d.key, None);
        } else {
            self.failures += 1;
            self.out.problem(
                json!({"event": "delivery_failed", "signal": d.item, "delivery": d.delivery}),
            );
        }
        let mut line = json!({"event": "delivery", "signal": d.item});
        if let serde_json::Value::Object(m) = json!(d.delivery) {
            for (k, v) in m {
                line[k] = v;
            }
        }
        self.out.line(line);
    }

    /// Source messages other than items: problems and identities.
    fn on_feed(&mut self, feed: Feed, polled: &mut HashSet<String>) -> bool {
        let mut stop = false;
        match feed {
            Feed::FileFailed { path, reason } => {
                self.out
                    .problem(json!({"event": "file_failed", "path": path, "reason": reason}));
                self.failures += 1;
            }
            Feed::Warning(m) => self.out.problem(json!({"event": "warning", "message": m})),
            Feed::Live(LiveEvent::Identity(i)) => {
                // The gate's principal is the first profile's (the one actions and SNS use),
                // whichever identity check answers first; until it answers, none (nothing
                // sensitive is shown).
                if self.principal.is_none()
                    && i.profile == crate::aws::session::label(self.o.aws.0.as_deref())
                {
                    self.principal = i.principal.clone();
                }
                if let Some(me) = i
                    .principal
                    .as_deref()
                    .and_then(crate::model::Entity::from_arn)
                {
                    self.store.exclude_from_stories(me);
                }
                {
                    let mut k = self.known.lock().unwrap_or_else(|p| p.into_inner());
                    let known = k.get_or_insert_with(Vec::new);
                    known.retain(|(p, _)| *p != i.profile);
                    known.push((i.profile.clone(), i.account.clone()));
                }
                if let Some((why, fix)) = &i.problem {
                    self.failures += 1;
                    // Nothing will be polled with these credentials: `--once` ends here.
                    stop = self.o.once;
                    self.out
                        .problem(json!({"event": "credentials", "profile": i.profile,
                        "problem": why, "fix": fix}));
                }
            }
            Feed::Live(LiveEvent::Status {
                source,
                scope,
                status,
            }) => {
                // Paused (credentials not checked yet) and Polling are not an answer: `--once`
                // waits for every scope's first poll to succeed or fail.
                if matches!(status, ScopeStatus::Ok { .. } | ScopeStatus::Problem(_)) {
                    polled.insert(format!("{source}/{scope}"));
                }
                if let ScopeStatus::Problem(p) = &status {
                    self.failures += 1;
                    self.out
                        .problem(json!({"event": "source_problem", "source": source,
                        "scope": scope, "problem": p.to_string()}));
                }
            }
            _ => {}
        }
        stop
    }
}

/// Starts the source; the number of live scopes `--once` waits for.
fn start(source: &mut WatchSource) -> (UnboundedReceiver<Feed>, usize) {
    let (tx, rx) = unbounded_channel();
    let mut expected = 0usize;
    match source {
        WatchSource::Demo => {
            tokio::spawn(crate::source::demo::run(tx, chrono::Utc::now()));
        }
        WatchSource::Files(paths) => {
            let paths = paths.clone();
            std::thread::spawn(move || {
                crate::source::replay::feed::feed(paths, Default::default(), tx)
            });
        }
        WatchSource::Live(opts) => {
            let regions = opts.regions.len().max(1);
            expected = opts.profiles.len() * (1 + 2 * regions) + usize::from(opts.lake.is_some());
            // Security Hub, Macie, Inspector, Access Analyzer and alarms per region; Cost Explorer.
            expected += usize::from(opts.findings) * opts.profiles.len() * (5 * regions + 1);
            // The pollers run for as long as the sender lives in them.
            let _lookups = crate::aws::start((**opts).clone(), tx);
        }
        WatchSource::Feed(rx) => {
            let (_, empty) = unbounded_channel();
            return (std::mem::replace(rx, empty), 0);
        }
    }
    (rx, expected)
}

/// Runs until the source ends (`--once`) or forever; returns the exit code.
pub async fn run(mut o: WatchOptions) -> Result<i32, String> {
    // Before any source starts: a dedup store that cannot be read stops the watch.
    let seen = Arc::new(Mutex::new(Seen::load(&o.data_dir)?));
    let out = o.out.clone();
    for key in seen
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .unknown_outcomes()
    {
        out.line(json!({"event": "action", "key": key, "outcome": "unknown",
            "detail": "an earlier run recorded this action's intent but not its outcome: it may \
                       or may not have run; it is not run again (check the audit log and the account)"}));
    }
    let (mut rx, expected_scopes) = start(&mut o.source);
    let (profile, region, endpoint) = o.aws.clone();
    let clients = crate::respond::clients::Clients::load(
        profile.as_deref(),
        region.as_deref(),
        endpoint.as_deref(),
    )
    .await;
    let (profiles, known) = match &o.source {
        WatchSource::Live(opts) => (opts.profiles.clone(), Some(Vec::new())),
        _ => (vec![profile], None),
    };
    let known = Arc::new(Mutex::new(known));
    let (done_tx, mut done_rx) = unbounded_channel();
    let (act_tx, act_rx) = tokio::sync::mpsc::channel(ACTION_QUEUE);
    let (acted_tx, mut acted_rx) = unbounded_channel();
    let actor = actions::Actor::new(
        o.data_dir.clone(),
        seen.clone(),
        out.clone(),
        (o.dry_run, o.read_only),
        o.aws.clone(),
        Some(crate::respond::console::Connection { profiles, endpoint }),
        known.clone(),
    );
    tokio::spawn(actor.run(act_rx, acted_tx));
    let mut w = Watcher {
        seen,
        out,
        deliveries: deliver::Deliveries::new(
            done_tx,
            deliver::SnsClients::new(Some(clients.config.clone())),
            o.attempts,
            o.backoff,
        ),
        known,
        principal: None,
        store: Store::default(),
        routed: HashSet::new(),
        actions: act_tx,
        acting: 0,
        failures: 0,
        o,
    };
    let mut pending: BTreeSet<String> = BTreeSet::new();
    let mut polled: HashSet<String> = HashSet::new();
    let mut tick = tokio::time::interval(ROUTE_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_expiry = std::time::Instant::now();
    let mut source_done = false;
    loop {
        tokio::select! {
            msg = rx.recv(), if !source_done => match msg {
                None => source_done = true,
                Some(Feed::Items(items)) => {
                    for item in items {
                        let id = match &item {
                            crate::normalize::Normalized::Signal(s) => Some(s.id.to_string()),
                            crate::normalize::Normalized::HealthPart { arn, .. } => {
                                Some(format!("health:{arn}"))
                            }
                            _ => None,
                        };
                        if matches!(w.store.insert(item), Insert::New | Insert::Updated) {
                            pending.extend(id);
                        }
                    }
                }
                Some(Feed::Loaded) => {
                    w.store.finish();
                    source_done |= w.o.once && !matches!(w.o.source, WatchSource::Live(_));
                }
                Some(other) => {
                    source_done |= w.on_feed(other, &mut polled);
                    if w.o.once && expected_scopes > 0 && polled.len() >= expected_scopes {
                        source_done = true;
                    }
                }
            },
            _ = tick.tick() => {}
            Some(d) = done_rx.recv() => w.on_delivered(d),
            Some(failed) = acted_rx.recv() => {
                w.acting = w.acting.saturating_sub(1);
                w.failures += usize::from(failed);
            }
        }
        // Routed on every turn: at most `ROUTE_EVERY` after arrival, whatever keeps coming.
        for id in std::mem::take(&mut pending) {
            w.handle(&id).await;
        }
        // A watch runs for weeks: what is older than --retain leaves memory (the dedup store
        // on disk still knows it was handled).
        if let WatchSource::Live(opts) = &w.o.source {
            if last_expiry.elapsed() >= Duration::from_secs(60) {
                last_expiry = std::time::Instant::now();
                let cutoff = crate::model::time::minus(chrono::Utc::now(), opts.retain);
                w.store.expire(cutoff);
            }
        }
        // The source has ended (or `--once` has its answer): done once every delivery and
        // action has finished.
        if source_done && w.deliveries.pending() == 0 && w.acting == 0 {
            break;
        }
    }
    let flushed = w.seen().flush();
    if let Err(e) = flushed.done().await {
        w.failures += 1;
        w.out
            .problem(json!({"event": "dedup_store_failed", "reason": e}));
    }
    Ok(if w.failures > 0 { 1 } else { 0 })
}
