//! Story rules in `airc watch`: when a new signal makes its attack story meet a rule's
//! `story_score` or `story_tactics`, the story is sent to the rule's targets once (per story,
//! rule and notifier, remembered in the dedup store across restarts), as one `story` line.

use super::Watcher;
use crate::notify::Message;
use serde_json::json;
use std::sync::Arc;

impl Watcher {
    pub(super) fn story(&mut self, s: &crate::model::Signal) {
        let Some(pos) = self.store.position_of(&s.id) else {
            return;
        };
        let Some(story) = self.store.story_of(pos) else {
            return;
        };
        // The gate first: what the principal may not see of the story's signals stays out of
        // it, its score and tactics included, and the story rules judge the story so seen (a
        // story of hidden signals only is not sent, nor does a hidden signal make one cross a
        // threshold).
        let principal = self.principal.clone();
        let rules = &self.o.rules;
        let store = &self.store;
        let is_hidden = |x: &crate::model::Signal| {
            rules
                .route(x, store.entities_of(x))
                .is_some_and(|r| !r.allows(principal.as_deref()))
        };
        if is_hidden(s) {
            return;
        }
        let (seen_story, steps) = store.story_view(&story, is_hidden);
        if steps.is_empty() {
            return;
        }
        let entities = store.entities_of(s);
        let Some(route) = rules.route_story(s, entities, &seen_story) else {
            return;
        };
        let item = format!("story {} {}", story.id, route.rules.join(","));
        self.forget_routes_if_full();
        if !self.routed.insert(item.clone()) {
            return;
        }
        let rules = &self.o.rules;
        let msg = Arc::new(Message::of_story(&seen_story, s, &route));
        let mut would = Vec::new();
        let mut scheduled = 0usize;
        for t in &route.targets {
            let notifiers = rules
                .targets
                .get(t)
                .map(|x| x.notify.clone())
                .unwrap_or_default();
            for (i, n) in notifiers.iter().enumerate() {
                if self.o.dry_run {
                    would.push(json!({"target": t, "notifier": crate::notify::describe(n),
                        "subject": msg.subject}));
                    continue;
                }
                let nk = self.deliveries.notifier_key(t, i, n);
                let key = Watcher::delivery_key(&nk, &item);
                if self.seen().contains(&key) || self.deliveries.is_scheduled(&key) {
                    continue;
                }
                if self.o.read_only && n.sns.is_some() {
                    continue;
                }
                self.deliveries
                    .schedule(t, n, &nk, msg.clone(), key, seen_story.id.clone());
                scheduled += 1;
            }
        }
        if scheduled == 0 && !self.o.dry_run && self.seen().contains(&item) {
            return;
        }
        if !self.o.dry_run {
            self.seen().record(item.clone(), None);
        }
        self.out.line(json!({
            "event": "story", "story": seen_story.id, "score": seen_story.score,
            "severity": seen_story.severity.label(), "tactics": seen_story.tactics,
            "signals": seen_story.signals, "first": seen_story.first, "last": seen_story.last,
            "principals": seen_story.principals, "ips": seen_story.ips,
            "resources": seen_story.resources, "signal": s.id, "rules": route.rules,
            "targets": route.targets, "deliveries_started": scheduled, "would_send": would,
        }));
    }
}
