//! `airc watch`: the same sources and rules with no terminal. One JSON line per routed signal
//! and per automatic action on stdout; source problems on stderr. A dedup store in the data dir
//! (`watch-seen.jsonl`) keeps a restart from notifying twice: it records each delivery and each
//! automatic action of a signal version on its own, so a retried delivery never re-runs the
//! actions. Actions are bound to the account of their signal, through the profile whose
//! identity is that account. `--read-only` blocks every AWS write, SNS publishes included.

use crate::feed::Feed;
use crate::feed::{LiveEvent, ScopeStatus};
use crate::model::EntitiesOf;
use crate::notify::Message;
use crate::rules::Rules;
use crate::store::{Insert, Store};
use deliver::Delivered;
use serde_json::json;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::time::Duration;

mod actions;
mod deliver;
mod seen;
mod story;
pub use seen::Seen;
use tokio::sync::mpsc::unbounded_channel;

pub enum WatchSource {
    Live(Box<crate::aws::LiveOptions>),
    Files(Vec<PathBuf>),
    Demo,
}

pub struct WatchOptions {
    pub source: WatchSource,
    pub rules: Rules,
    pub once: bool,
    pub dry_run: bool,
    /// Where SNS and actions go: (profile, region, endpoint).
    pub aws: (Option<String>, Option<String>, Option<String>),
    pub read_only: bool,
    pub data_dir: PathBuf,
    /// Retries of a failed delivery, and the first wait.
    pub attempts: u32,
    pub backoff: Duration,
}

fn emit(v: serde_json::Value) {
    println!("{}", crate::safe_text::json(&v));
}

struct Watcher {
    o: WatchOptions,
    store: Store,
    seen: Seen,
    sns: Option<aws_sdk_sns::Client>,
    connection: Option<crate::respond::console::Connection>,
    /// Each profile and the account its credentials answer for (live: from the identity checks;
    /// files and demo: checked once, when an action first needs it).
    known: Option<Vec<crate::respond::bind::Known>>,
    principal: Option<String>,
    incidents: HashMap<String, String>,
    failures: usize,
}

/// Runs until the source ends (`--once`) or forever; returns the exit code.
pub async fn run(o: WatchOptions) -> Result<i32, String> {
    // Before any source starts: a dedup store that cannot be read stops the watch.
    let seen = Seen::load(&o.data_dir)?;
    let (tx, mut rx) = unbounded_channel();
    let mut expected_scopes = 0usize;
    match &o.source {
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
            expected_scopes =
                opts.profiles.len() * (1 + 2 * regions) + usize::from(opts.lake.is_some());
            let _lookups = crate::aws::start((**opts).clone(), tx);
        }
    }
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
    let mut w = Watcher {
        seen,
        sns: Some(clients.sns.clone()),
        connection: Some(crate::respond::console::Connection { profiles, endpoint }),
        known,
        principal: None,
        store: Store::default(),
        incidents: HashMap::new(),
        failures: 0,
        o,
    };
    let mut pending: BTreeSet<String> = BTreeSet::new();
    let mut polled: HashSet<String> = HashSet::new();
    let mut last_expiry = std::time::Instant::now();
    loop {
        let msg = tokio::time::timeout(Duration::from_millis(500), rx.recv()).await;
        let mut flush = false;
        let mut done = false;
        match msg {
            Err(_) => flush = true,
            Ok(None) => {
                flush = true;
                done = true;
            }
            Ok(Some(feed)) => match feed {
                Feed::Items(items) => {
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
                Feed::Loaded => {
                    w.store.finish();
                    flush = true;
                    done = w.o.once && !matches!(w.o.source, WatchSource::Live(_));
                }
                Feed::FileFailed { path, reason } => {
                    eprintln!(
                        "{}",
                        crate::safe_text::json(
                            &json!({"event": "file_failed", "path": path, "reason": reason})
                        )
                    );
                    w.failures += 1;
                }
                Feed::Warning(m) => eprintln!(
                    "{}",
                    crate::safe_text::json(&json!({"event": "warning", "message": m}))
                ),
                Feed::Live(LiveEvent::Identity(i)) => {
                    if w.principal.is_none() {
                        w.principal = i.principal.clone();
                    }
                    if let Some(me) = i
                        .principal
                        .as_deref()
                        .and_then(crate::model::Entity::from_arn)
                    {
                        w.store.exclude_from_stories(me);
                    }
                    let known = w.known.get_or_insert_with(Vec::new);
                    known.retain(|(p, _)| *p != i.profile);
                    known.push((i.profile.clone(), i.account.clone()));
                    if let Some((why, fix)) = &i.problem {
                        w.failures += 1;
                        // Nothing will be polled with these credentials: `--once` ends here.
                        if w.o.once {
                            flush = true;
                            done = true;
                        }
                        eprintln!(
                            "{}",
                            crate::safe_text::json(
                                &json!({"event": "credentials", "profile": i.profile, "problem": why, "fix": fix})
                            )
                        );
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
                        // `--once` reports a source that failed with a non-zero exit.
                        w.failures += 1;
                        eprintln!(
                            "{}",
                            crate::safe_text::json(
                                &json!({"event": "source_problem", "source": source, "scope": scope, "problem": p.to_string()})
                            )
                        );
                    }
                    if w.o.once && expected_scopes > 0 && polled.len() >= expected_scopes {
                        flush = true;
                        done = true;
                    }
                }
                _ => {}
            },
        }
        if flush {
            for id in std::mem::take(&mut pending) {
                w.handle(&id).await;
            }
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
        if done {
            return Ok(if w.failures > 0 { 1 } else { 0 });
        }
    }
}

impl Watcher {
    async fn handle(&mut self, id: &str) {
        // Detached: it carries its entities (for rules, messages, actions and pins).
        let Some(s) = self.store.get(id).map(|s| self.store.detached(s)) else {
            return;
        };
        let entities = EntitiesOf::Own(s.own_entities().unwrap_or_default());
        self.story(&s).await;
        let key = Seen::key(&s);
        if self.seen.contains(&key) {
            return;
        }
        let Some(route) = self.o.rules.route(&s, entities) else {
            return;
        };
        let msg = Message::of(&s, entities, &route, self.principal.as_deref());
        let Delivered {
            deliveries,
            would,
            mut complete,
        } = self
            .deliver_all(&route.targets, &msg, &key, &s.id.as_str())
            .await;
        let mut line = json!({
            "event": "routed", "signal": s.id, "severity": s.severity.label(), "event_type": s.kind(),
            "rules": route.rules, "targets": route.targets, "sensitive": route.sensitive,
            "details_shown": route.allows(self.principal.as_deref()), "suggested_actions": route.suggest,
        });
        // The detection rules, credited (Sigma's licence), only where details may be shown.
        if route.allows(self.principal.as_deref()) && !s.detections().is_empty() {
            line["detections"] = json!(s
                .detections()
                .iter()
                .map(|d| json!({"rule": d.rule.title, "id": d.rule.id, "level": d.rule.level.label(),
                    "author": d.rule.author, "tactics": d.rule.tactics, "techniques": d.rule.techniques,
                    "note": d.note}))
                .collect::<Vec<_>>());
        }
        if self.o.dry_run {
            line["would_send"] = json!(would);
        } else {
            line["deliveries"] = json!(deliveries);
        }
        emit(line);
        for (rule, action) in route.actions.clone() {
            if !self.action(&s, &key, &route, &rule, &action).await {
                complete = false;
            }
        }
        // The whole signal version is marked only when every delivery and action is done: what
        // failed is tried again next run, what succeeded is not repeated.
        if !self.o.dry_run && complete {
            self.seen.record(key, None);
        }
    }
}
