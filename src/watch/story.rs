//! Story rules in `airc watch`: when a new signal makes its attack story meet a rule's
//! `story_score` or `story_tactics`, the story is sent to the rule's targets once (per story,
//! rule and notifier, remembered in the dedup store across restarts), as one `story` line.
//!
//! Judging a story costs a pass over its members (the gate asks the rules about each, and the
//! story is summed up as seen): done for every signal, a story of thousands of members fed one
//! signal at a time was quadratic. The cheap checks come first (the signal is in a story, it
//! is not hidden), and a story is judged at most once per `STORY_EVERY`: a signal arriving
//! sooner marks its story due, judged on the first turn after that (and at once when the
//! source has ended), with the newest signal that marked it.

use super::Watcher;
use crate::notify::Message;
use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often one story is judged at most.
pub const STORY_EVERY: Duration = Duration::from_secs(1);
/// Stories remembered (when each was judged, which are due) before starting again empty.
const STORIES_MAX: usize = 100_000;

/// Stories judged (each one pass over its members) in this process: what bounds the cost.
static STORY_VIEWS: AtomicUsize = AtomicUsize::new(0);

/// How many times a story was judged so far (tests measure the cost with it).
#[doc(hidden)]
pub fn story_views_so_far() -> usize {
    STORY_VIEWS.load(Ordering::Relaxed)
}

/// When each story was last judged, and the stories due (their newest signal's id).
#[derive(Default)]
pub(super) struct Judged {
    at: HashMap<String, Instant>,
    due: HashMap<String, String>,
}

impl Watcher {
    /// Judges the due stories whose `STORY_EVERY` has passed, or all of them (`all`: the
    /// source has ended).
    pub(super) fn due_stories(&mut self, all: bool) {
        if self.stories.due.is_empty() {
            return;
        }
        let now = Instant::now();
        let ready: Vec<String> = self
            .stories
            .due
            .iter()
            .filter(|(story, _)| {
                all || self
                    .stories
                    .at
                    .get(*story)
                    .is_none_or(|t| now.duration_since(*t) >= STORY_EVERY)
            })
            .map(|(_, signal)| signal.clone())
            .collect();
        for id in ready {
            if let Some(s) = self.store.get(&id).map(|s| self.store.detached(s)) {
                self.story_now(&s, true);
            }
        }
        if all {
            self.stories.due.clear();
        }
    }

    pub(super) fn story(&mut self, s: &crate::model::Signal) {
        self.story_now(s, false);
    }

    /// `due`: judged now whatever the time (the turn that found it due).
    fn story_now(&mut self, s: &crate::model::Signal, due: bool) {
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
        // At most once per STORY_EVERY: sooner, the story is due (with this, its newest
        // signal) and judged on a later turn.
        let now = Instant::now();
        let judged = &mut self.stories;
        let recent = judged
            .at
            .get(&story.id)
            .is_some_and(|t| now.duration_since(*t) < STORY_EVERY);
        if recent && !due {
            if judged.due.len() >= STORIES_MAX {
                judged.due.clear();
            }
            judged.due.insert(story.id.clone(), s.id.to_string());
            return;
        }
        if judged.at.len() >= STORIES_MAX {
            judged.at.clear();
        }
        judged.at.insert(story.id.clone(), now);
        judged.due.remove(&story.id);
        STORY_VIEWS.fetch_add(1, Ordering::Relaxed);
        let rules = &self.o.rules;
        let store = &self.store;
        let is_hidden = |x: &crate::model::Signal| {
            rules
                .route(x, store.entities_of(x))
                .is_some_and(|r| !r.allows(principal.as_deref()))
        };
        let (seen_story, steps) = store.story_view_at(&story, pos as u32, is_hidden);
        // As in the console and `airc stories`: a part that is no story on its own (one low
        // signal, the critical one that joined it hidden) is not one here either — sending it
        // would tell that a hidden signal names what it names.
        if steps.is_empty() || !seen_story.qualifies() {
            return;
        }
        let entities = store.entities_of(s);
        let Some(route) = rules.route_story(s, entities, &seen_story) else {
            return;
        };
        let item = format!("story {} {}", seen_story.id, route.rules.join(","));
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
