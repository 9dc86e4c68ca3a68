//! `airc watch`: the same sources and rules with no terminal. One JSON line per routed signal
//! and per automatic action on stdout; source problems on stderr. A dedup store in the data dir
//! (`watch-seen.jsonl`, signal id and update time) keeps a restart from notifying twice.

use crate::app::live::{LiveEvent, ScopeStatus};
use crate::app::Feed;
use crate::model::Signal;
use crate::notebook::{Book, Entry, Priority};
use crate::notify::{self, Message};
use crate::respond::plan::{plan, PlanCtx};
use crate::respond::{Action, Target};
use crate::rules::{Route, Rules};
use crate::store::{Insert, Store};
use serde_json::json;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;
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

/// Keys already handled: `signal id @ update time`.
pub struct Seen {
    path: PathBuf,
    keys: HashSet<String>,
}

impl Seen {
    pub fn load(data_dir: &Path) -> Seen {
        let path = data_dir.join("watch-seen.jsonl");
        let keys = std::fs::read_to_string(&path)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["key"].as_str().map(String::from))
            .collect();
        Seen { path, keys }
    }

    pub fn key(s: &Signal) -> String {
        format!("{}@{}", s.id, s.updated.unwrap_or(s.time).to_rfc3339())
    }

    pub fn contains(&self, k: &str) -> bool {
        self.keys.contains(k)
    }

    pub fn add(&mut self, k: String) -> Result<(), String> {
        if let Some(d) = self.path.parent() {
            std::fs::create_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))?;
        }
        crate::notebook::journal::append(&self.path, &json!({"key": k, "at": chrono::Utc::now()}))
            .map_err(|e| format!("{}: {e}", self.path.display()))?;
        self.keys.insert(k);
        Ok(())
    }
}

fn emit(v: serde_json::Value) {
    println!("{v}");
}

struct Watcher {
    o: WatchOptions,
    store: Store,
    seen: Seen,
    sns: Option<aws_sdk_sns::Client>,
    connection: Option<crate::respond::console::Connection>,
    principal: Option<String>,
    incidents: HashMap<String, String>,
    failures: usize,
}

/// Runs until the source ends (`--once`) or forever; returns the exit code.
pub async fn run(o: WatchOptions) -> Result<i32, String> {
    let (tx, mut rx) = unbounded_channel();
    let mut expected_scopes = 0usize;
    match &o.source {
        WatchSource::Demo => {
            tokio::spawn(crate::source::demo::run(tx, chrono::Utc::now()));
        }
        WatchSource::Files(paths) => {
            let paths = paths.clone();
            std::thread::spawn(move || crate::console::replay_feed(paths, tx));
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
    let mut w = Watcher {
        seen: Seen::load(&o.data_dir),
        sns: Some(clients.sns.clone()),
        connection: Some((profile, endpoint)),
        principal: None,
        store: Store::default(),
        incidents: HashMap::new(),
        failures: 0,
        o,
    };
    let mut pending: BTreeSet<String> = BTreeSet::new();
    let mut polled: HashSet<String> = HashSet::new();
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
                            crate::normalize::Normalized::Signal(s) => Some(s.id.clone()),
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
                        json!({"event": "file_failed", "path": path, "reason": reason})
                    );
                    w.failures += 1;
                }
                Feed::Warning(m) => eprintln!("{}", json!({"event": "warning", "message": m})),
                Feed::Live(LiveEvent::Identity(i)) => {
                    if w.principal.is_none() {
                        w.principal = i.principal.clone();
                    }
                    if let Some((why, fix)) = &i.problem {
                        eprintln!(
                            "{}",
                            json!({"event": "credentials", "profile": i.profile, "problem": why, "fix": fix})
                        );
                    }
                }
                Feed::Live(LiveEvent::Status {
                    source,
                    scope,
                    status,
                }) => {
                    if !matches!(status, ScopeStatus::Polling) {
                        polled.insert(format!("{source}/{scope}"));
                    }
                    if let ScopeStatus::Problem(p) = &status {
                        eprintln!(
                            "{}",
                            json!({"event": "source_problem", "source": source, "scope": scope, "problem": p.to_string()})
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
        if done {
            return Ok(if w.failures > 0 { 1 } else { 0 });
        }
    }
}

impl Watcher {
    async fn handle(&mut self, id: &str) {
        let Some(s) = self.store.get(id).cloned() else {
            return;
        };
        let key = Seen::key(&s);
        if self.seen.contains(&key) {
            return;
        }
        let Some(route) = self.o.rules.route(&s) else {
            return;
        };
        let msg = Message::of(&s, &route, self.principal.as_deref());
        let mut deliveries = Vec::new();
        let mut would = Vec::new();
        for t in &route.targets {
            let notifiers = self
                .o
                .rules
                .targets
                .get(t)
                .map(|x| x.notify.clone())
                .unwrap_or_default();
            for n in &notifiers {
                if self.o.dry_run {
                    would.push(json!({"target": t, "notifier": notify::describe(n), "subject": msg.subject}));
                } else {
                    let d = notify::deliver(
                        t,
                        n,
                        &msg,
                        self.sns.as_ref(),
                        self.o.attempts,
                        self.o.backoff,
                    )
                    .await;
                    if !d.ok {
                        self.failures += 1;
                        eprintln!(
                            "{}",
                            json!({"event": "delivery_failed", "signal": s.id, "delivery": d})
                        );
                    }
                    deliveries.push(d);
                }
            }
        }
        let mut line = json!({
            "event": "routed", "signal": s.id, "severity": s.severity.label(), "event_type": s.kind,
            "rules": route.rules, "targets": route.targets, "sensitive": route.sensitive,
            "details_shown": route.allows(self.principal.as_deref()), "suggested_actions": route.suggest,
        });
        if self.o.dry_run {
            line["would_send"] = json!(would);
        } else {
            line["deliveries"] = json!(deliveries);
        }
        emit(line);
        for (rule, action) in route.actions.clone() {
            self.action(&s, &route, &rule, &action).await;
        }
        // Marked only when every delivery went out: a failed one is tried again next run.
        if !self.o.dry_run && deliveries.iter().all(|d| d.ok) {
            if let Err(e) = self.seen.add(key) {
                eprintln!("{}", json!({"event": "dedup_store_failed", "reason": e}));
            }
        }
    }

    async fn action(&mut self, s: &Signal, route: &Route, rule: &str, action: &str) {
        let book = Book::at(&self.o.data_dir);
        let base = json!({"event": "action", "signal": s.id, "rule": rule, "action": action});
        let mut line = base.clone();
        if self.o.dry_run {
            line["would_run"] = json!(true);
            emit(line);
            return;
        }
        let result: Result<String, String> = match action {
            "open-incident" => {
                let title = format!("{rule}: {}", crate::safe_text::line(&s.title));
                book.create(&title, Priority::P2, "airc watch", route.targets.clone())
                    .map(|i| {
                        self.incidents.insert(s.id.clone(), i.id.clone());
                        format!("opened {}", i.id)
                    })
            }
            "pin" => match self.incidents.get(&s.id) {
                Some(id) => book
                    .append(id, Entry::pin(s))
                    .map(|_| format!("pinned in {id}")),
                None => {
                    Err("no incident opened for this signal (add open-incident before pin)".into())
                }
            },
            "notify" => Ok("sent through the rule's targets".into()),
            name => self.respond(s, name).await,
        };
        match result {
            Ok(d) => line["result"] = json!(d),
            Err(e) => {
                self.failures += 1;
                line["error"] = json!(e);
            }
        }
        emit(line);
    }

    /// A catalog action on the first of the signal's entities it applies to.
    async fn respond(&self, s: &Signal, name: &str) -> Result<String, String> {
        let action = Action::from_name(name).ok_or_else(|| format!("unknown action {name}"))?;
        let target = s
            .entities
            .iter()
            .filter_map(Target::from_entity)
            .find(|t| action.applies(t))
            .ok_or_else(|| format!("{name}: nothing in this signal it applies to"))?;
        let ctx = PlanCtx {
            region: s
                .region
                .clone()
                .filter(|r| r != "global")
                .unwrap_or_else(|| crate::aws::session::FALLBACK_REGION.into()),
            incident: self.incidents.get(&s.id).cloned(),
            sns_topic: None,
        };
        let p = plan(action, &target, &ctx)?;
        let r = crate::respond::console::run(
            p,
            self.connection.clone(),
            self.o.read_only,
            Some(self.o.data_dir.clone()),
        )
        .await;
        match r.outcome.status {
            crate::respond::execute::Status::Done => Ok(r.outcome.message),
            _ => Err(r.outcome.message),
        }
    }
}
