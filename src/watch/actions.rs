//! The automatic actions of routed signals, on a task of their own (a snapshot's calls and
//! read-backs never hold up routing or deliveries), one after another in arrival order.
//!
//! At most once per finding, rule and action: `open-incident`, `snapshot`, `tag` and the other
//! catalog actions are keyed by the signal's id, not its version, so an update of the finding
//! appends to the incident its first version opened; `pin` is keyed by the version (an update
//! is pinned again: a line in the timeline). Each action writes its intent to the dedup store
//! (synced) before it runs and its outcome after; `done`, `not_verified` and `partial` are
//! final and shown, never retried; an action refused or failed before any change may run again
//! next time. Pins and incident titles pass the gate (`rules::gate`) with the watch's principal.

use super::out::Out;
use super::seen::Seen;
use crate::model::Signal;
use crate::notebook::{Book, Priority};
use crate::respond::plan::{plan, PlanCtx};
use crate::respond::{Action, Target};
use crate::rules::gate::Gate;
use crate::rules::Route;
use serde_json::json;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// One routed signal's actions.
pub struct Job {
    /// Detached: it carries its entities.
    pub signal: Signal,
    pub route: Route,
    /// `id@updated`.
    pub version: String,
    pub principal: Option<String>,
}

/// What the actor needs besides the jobs.
pub struct Actor {
    pub data_dir: PathBuf,
    pub seen: Arc<Mutex<Seen>>,
    pub out: Out,
    pub dry_run: bool,
    pub read_only: bool,
    /// (profile, region, endpoint) for actions.
    pub aws: (Option<String>, Option<String>, Option<String>),
    pub connection: Option<crate::respond::console::Connection>,
    /// Each profile and its account: live from the identity checks (the loop keeps it).
    pub known: Arc<Mutex<Option<Vec<crate::respond::bind::Known>>>>,
    incidents: HashMap<String, String>,
}

/// How an action ended, as recorded.
enum End {
    /// Final: recorded with this state and never run again.
    Final(&'static str, String, Option<String>),
    /// Nothing changed: may run again next time.
    Again(String),
}

/// The dedup key of one automatic action: per finding, rule and action; `pin` per version.
pub fn key(s: &Signal, version: &str, rule: &str, action: &str) -> String {
    if action == "pin" {
        format!("action {rule} pin {version}")
    } else {
        format!("action {rule} {action} {}", s.id)
    }
}

fn lock(seen: &Mutex<Seen>) -> std::sync::MutexGuard<'_, Seen> {
    // A panic while holding it cannot leave it half-written: its maps are updated in one step.
    seen.lock().unwrap_or_else(|p| p.into_inner())
}

impl Actor {
    pub fn new(
        data_dir: PathBuf,
        seen: Arc<Mutex<Seen>>,
        out: Out,
        flags: (bool, bool),
        aws: (Option<String>, Option<String>, Option<String>),
        connection: Option<crate::respond::console::Connection>,
        known: Arc<Mutex<Option<Vec<crate::respond::bind::Known>>>>,
    ) -> Actor {
        Actor {
            data_dir,
            seen,
            out,
            dry_run: flags.0,
            read_only: flags.1,
            aws,
            connection,
            known,
            incidents: HashMap::new(),
        }
    }

    /// Runs jobs until the channel closes; each job's end (and whether an action failed) goes
    /// back to the loop.
    pub async fn run(
        mut self,
        mut jobs: tokio::sync::mpsc::Receiver<Job>,
        done: tokio::sync::mpsc::UnboundedSender<bool>,
    ) {
        while let Some(job) = jobs.recv().await {
            let mut failed = false;
            for (rule, action) in job.route.actions.clone() {
                failed |= !self.action(&job, &rule, &action).await;
            }
            let _ = done.send(failed);
        }
    }

    /// One action, at most once; false when it failed.
    async fn action(&mut self, job: &Job, rule: &str, action: &str) -> bool {
        let s = &job.signal;
        let mut line = json!({"event": "action", "signal": s.id, "rule": rule, "action": action});
        if action == "notify" {
            // Sent through the rule's targets with the routed signal.
            return true;
        }
        if self.dry_run {
            line["would_run"] = json!(true);
            self.out.line(line);
            return true;
        }
        let key = key(&job.signal, &job.version, rule, action);
        let open_key = format!("action {rule} open-incident {}", s.id);
        {
            let seen = lock(&self.seen);
            if let Some(id) = seen.value(&open_key) {
                self.incidents.insert(s.id.to_string(), id.to_string());
            }
            if seen.contains(&key) {
                return true;
            }
        }
        let intent = { lock(&self.seen).intent(key.clone()) };
        if let Err(e) = intent.done().await {
            line["error"] = json!(format!("not run: its intent could not be recorded ({e})"));
            self.out.line(line);
            return false;
        }
        let end = self.execute(job, rule, action).await;
        let (state, text, value, ok) = match end {
            End::Final(state, text, value) => (state, text, value, state == "done"),
            End::Again(text) => ("retry", text, None, false),
        };
        let recorded = { lock(&self.seen).outcome(key, value, state) };
        let recorded = recorded.done().await;
        // The gate: what a catalog action did to a hidden signal's entities (the key, the
        // user, the account) is not printed; the audit log records the exact calls. (What
        // open-incident and pin say names the incident only.)
        let safe = matches!(action, "open-incident" | "pin");
        let text = if safe || Gate::new(job.principal.as_deref()).shows(Some(&job.route)) {
            text
        } else {
            format!(
                "{action}: {state} (a sensitive signal: details withheld; the audit log has the calls)"
            )
        };
        line[if ok { "result" } else { "error" }] = json!(text);
        line["outcome"] = json!(state);
        if let Err(e) = recorded {
            line["recorded"] = json!(format!("NOT recorded: {e}"));
        }
        self.out.line(line);
        ok
    }

    async fn execute(&mut self, job: &Job, rule: &str, action: &str) -> End {
        let s = &job.signal;
        let book = Book::at(&self.data_dir);
        let gate = Gate::new(job.principal.as_deref());
        match action {
            "open-incident" => {
                // The gate: a hidden signal's incident is titled by its kind.
                let title = format!("{rule}: {}", gate.title(s, Some(&job.route)));
                let targets = job.route.targets.clone();
                match super::seen::synced_write(|| {
                    book.create(&title, Priority::P2, "airc watch", targets)
                }) {
                    Ok(i) => {
                        self.incidents.insert(s.id.to_string(), i.id.clone());
                        End::Final("done", format!("opened {}", i.id), Some(i.id))
                    }
                    Err(e) => End::Again(e.to_string()),
                }
            }
            "pin" => {
                let Some(id) = s.id.with_str(|id| self.incidents.get(id)).cloned() else {
                    return End::Again(
                        "no incident opened for this signal (add open-incident before pin)".into(),
                    );
                };
                let entities = crate::model::EntitiesOf::Own(s.own_entities().unwrap_or_default());
                let entry = gate.pin(s, entities, Some(&job.route));
                match super::seen::synced_write(|| book.append(&id, entry)) {
                    Ok(_) => End::Final("done", format!("pinned in {id}"), None),
                    Err(e) => End::Again(e.to_string()),
                }
            }
            name => self.respond(job, name).await,
        }
    }

    /// Each profile's account: live from the identity checks; otherwise the one profile's,
    /// checked once.
    async fn known(&mut self) -> Vec<crate::respond::bind::Known> {
        if let Some(k) = lock_known(&self.known).clone() {
            return k;
        }
        let (profile, region, endpoint) = self.aws.clone();
        let opts = crate::aws::LiveOptions {
            endpoint_url: endpoint,
            ..Default::default()
        };
        let cfg = crate::aws::session::load(profile.as_deref(), region.as_deref(), &opts).await;
        let account = crate::aws::session::identity(&cfg)
            .await
            .ok()
            .map(|(a, _)| a);
        let k = vec![(crate::aws::session::label(profile.as_deref()), account)];
        if k[0].1.is_some() {
            *lock_known(&self.known) = Some(k.clone());
        }
        k
    }

    /// A catalog action on the first of the signal's entities it applies to, bound to that
    /// entity's own account.
    async fn respond(&mut self, job: &Job, name: &str) -> End {
        let s = &job.signal;
        let Some(action) = Action::from_name(name) else {
            return End::Again(format!("unknown action {name}"));
        };
        let Some((target, entity)) = s
            .own_entities()
            .unwrap_or_default()
            .iter()
            .filter_map(|e| Target::from_entity(e).map(|t| (t, e.clone())))
            .find(|(t, _)| action.applies(t))
        else {
            return End::Again(format!("{name}: nothing in this signal it applies to"));
        };
        // The entity's own account, never the account that logged the signal: a user of B
        // seen in C's trail is B's. Unknown or several: refused, saying why.
        let Some(account) = entity.account.get() else {
            let why = if entity.account.is_several() {
                "is named with more than one account in the records"
            } else {
                "has no account its records name"
            };
            return End::Again(format!("{name}: refused: {entity} {why}"));
        };
        let known = self.known().await;
        let (account, profile) = match crate::respond::bind::profile_for(Some(&account), &known) {
            Ok(b) => b,
            Err(e) => return End::Again(e.to_string()),
        };
        let ctx = PlanCtx {
            account: Some(account),
            region: s
                .region()
                .map(str::to_string)
                .filter(|r| r != "global")
                .or_else(|| self.aws.1.clone())
                .unwrap_or_else(|| crate::aws::session::FALLBACK_REGION.into()),
            profile: Some(profile),
            incident: s.id.with_str(|id| self.incidents.get(id)).cloned(),
            sns_topic: None,
        };
        let p = match plan(action, &target, &ctx) {
            Ok(p) => p,
            Err(e) => return End::Again(e.to_string()),
        };
        let r = crate::respond::console::run(
            p,
            self.connection.clone(),
            self.read_only,
            Some(self.data_dir.clone()),
        )
        .await;
        use crate::respond::execute::Status;
        let mut text = r.outcome.message.clone();
        if let Err(e) = &r.audit {
            text.push_str(&format!(" · NOT in the audit log: {e}"));
        }
        match r.outcome.status {
            Status::Done if r.audit.is_ok() => End::Final("done", text, None),
            // Done but unaudited, not verified, or partly done: what happened is recorded
            // and shown, and never done again blindly.
            Status::Done => End::Final("unaudited", text, None),
            Status::NotVerified => End::Final("not_verified", text, None),
            Status::Partial => End::Final("partial", text, None),
            Status::Failed | Status::Refused => End::Again(text),
        }
    }
}

fn lock_known(
    k: &Mutex<Option<Vec<crate::respond::bind::Known>>>,
) -> std::sync::MutexGuard<'_, Option<Vec<crate::respond::bind::Known>>> {
    k.lock().unwrap_or_else(|p| p.into_inner())
}
