//! One signal through the rules: the `routed` line, its deliveries (one per notifier, each
//! remembered on its own: a retried delivery never repeats the others) and its automatic
//! actions (handed to the actor). A signal routed again when more of it arrives (a Health
//! event's details and entities after the event) sends only what is new: the targets and
//! actions of rules that match now and did not before.

use super::Watcher;
use crate::model::EntitiesOf;
use crate::notify::{self, Message};
use crate::rules::gate::Gate;
use serde_json::json;
use std::sync::Arc;

/// Routes remembered in one run before they are forgotten (`forget_routes_if_full`).
const ROUTED_MAX: usize = 200_000;

impl Watcher {
    /// The dedup key of one delivery of `item` to a notifier (by its key, `notify::key`).
    pub(super) fn delivery_key(notifier: &str, item: &str) -> String {
        format!("deliver {notifier} {item}")
    }

    /// `routed` only saves work within a run (the dedup store decides what is sent and done):
    /// past `ROUTED_MAX` it starts again empty rather than grow with a weeks-long watch.
    pub(super) fn forget_routes_if_full(&mut self) {
        if self.routed.len() >= ROUTED_MAX {
            self.routed.clear();
        }
    }

    pub(super) async fn handle(&mut self, id: &str) {
        // Detached: it carries its entities (for rules, messages, actions and pins).
        let Some(s) = self.store.get(id).map(|s| self.store.detached(s)) else {
            return;
        };
        let entities = EntitiesOf::Own(s.own_entities().unwrap_or_default());
        if self.o.rules.has_story_rules() {
            self.story(&s);
        }
        let Some(route) = self.o.rules.route(&s, entities) else {
            return;
        };
        let version = format!("{}@{}", s.id, s.updated().unwrap_or(s.time).to_rfc3339());
        // What of this route was handled already in this run (a signal routed again sends
        // only what is new).
        let signature = format!("{version} {}", route.rules.join(","));
        self.forget_routes_if_full();
        if !self.routed.insert(signature) {
            return;
        }
        let principal = self.principal.clone();
        let gate = Gate::new(principal.as_deref());
        let shown = gate.shows(Some(&route));
        let msg = Arc::new(Message::of(&s, entities, &route, principal.as_deref()));
        let mut would = Vec::new();
        let mut scheduled = 0usize;
        for t in &route.targets {
            let notifiers = self
                .o
                .rules
                .targets
                .get(t)
                .map(|x| x.notify.clone())
                .unwrap_or_default();
            for (i, n) in notifiers.iter().enumerate() {
                let what = notify::describe(n);
                if self.o.dry_run {
                    would.push(json!({"target": t, "notifier": what, "subject": msg.subject}));
                    continue;
                }
                let nk = self.deliveries.notifier_key(t, i, n);
                let key = Watcher::delivery_key(&nk, &version);
                if self.seen().contains(&key) || self.deliveries.is_scheduled(&key) {
                    continue;
                }
                if self.o.read_only && n.sns.is_some() {
                    // An SNS publish is an AWS write: read-only blocks it, and it stays owed
                    // (not recorded) for a run that may write.
                    self.out
                        .line(json!({"event": "delivery", "signal": s.id, "target": t,
                        "notifier": what, "ok": false, "skipped": true,
                        "detail": "read-only: an SNS publish is an AWS write; not sent"}));
                    continue;
                }
                self.deliveries
                    .schedule(t, n, &nk, msg.clone(), key, s.id.to_string());
                scheduled += 1;
            }
        }
        // A hidden signal's line names its sensitive rules only (the others tell what it says).
        let told = if shown {
            route.clone()
        } else {
            route.withheld()
        };
        let mut line = json!({
            "event": "routed", "signal": s.id, "severity": s.severity.label(), "event_type": s.kind(),
            "rules": told.rules, "targets": told.targets, "sensitive": route.sensitive,
            "details_shown": shown, "suggested_actions": told.suggest, "deliveries_started": scheduled,
        });
        // The detection rules, credited (Sigma's licence), only where details may be shown.
        if shown && !s.detections().is_empty() {
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
        }
        // Said once per signal version and rules (across runs: the dedup store remembers),
        // and again only when something new goes out.
        let said = format!("routed {version} {}", route.rules.join(","));
        let acts_left = route.actions.iter().any(|(rule, action)| {
            action != "notify"
                && !self
                    .seen()
                    .contains(&super::actions::key(&s, &version, rule, action))
        });
        if self.o.dry_run || scheduled > 0 || acts_left || !self.seen().contains(&said) {
            self.out.line(line);
            if !self.o.dry_run {
                self.seen().record(said, None);
            }
        }
        if acts_left || self.o.dry_run {
            self.act(super::actions::Job {
                signal: s,
                route,
                version,
                principal,
            });
        }
    }
}
