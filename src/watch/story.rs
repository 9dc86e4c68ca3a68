//! Story rules in `airc watch`: when a new signal makes its attack story meet a rule's
//! `story_score` or `story_tactics`, the story is sent to the rule's targets once (per story and
//! rule, remembered in the dedup store across restarts), as one `story` JSON line.

use super::{emit, Watcher};
use crate::notify::Message;
use serde_json::json;

impl Watcher {
    pub(super) async fn story(&mut self, s: &crate::model::Signal) {
        let Some(pos) = self.store.position_of(&s.id) else {
            return;
        };
        let Some(story) = self.store.story_of(pos) else {
            return;
        };
        let entities = self.store.entities_of(s);
        let Some(route) = self.o.rules.route_story(s, entities, &story) else {
            return;
        };
        let key = format!("story {} {}", story.id, route.rules.join(","));
        if self.seen.contains(&key) {
            return;
        }
        // The gate: what the principal may not see of the story's signals stays out of it.
        let principal = self.principal.clone();
        let rules = &self.o.rules;
        let store = &self.store;
        let (seen_story, _) = store.story_view(&story, |x| {
            rules
                .route(x, store.entities_of(x))
                .is_some_and(|r| !r.allows(principal.as_deref()))
        });
        let msg = Message::of_story(&seen_story, s, &route);
        let sent = self
            .deliver_all(&route.targets, &msg, &key, &seen_story.id)
            .await;
        emit(json!({
            "event": "story", "story": seen_story.id, "score": seen_story.score,
            "severity": seen_story.severity.label(), "tactics": seen_story.tactics,
            "signals": seen_story.signals, "first": seen_story.first, "last": seen_story.last,
            "principals": seen_story.principals, "ips": seen_story.ips,
            "resources": seen_story.resources, "signal": s.id, "rules": route.rules,
            "targets": route.targets, "deliveries": sent.deliveries, "would_send": sent.would,
        }));
        if !self.o.dry_run && sent.complete {
            self.seen.record(key, None);
        }
    }
}
