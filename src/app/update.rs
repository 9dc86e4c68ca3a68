//! The pure update: a message in, the state changed, effects out. No I/O here.

use super::commands::execute;
use super::keys::resolve;
use super::msg::{Effect, Feed, Msg, NbOp};
use super::state::{PaneId, State};
use crate::model::Severity;
use crate::store::Insert;

pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => {
            super::records::on_key(state);
            super::keys::tagging_messages(state, |state| match resolve(state, key) {
                Some(cmd) => execute(state, cmd),
                None => Vec::new(),
            })
        }
        Msg::Feed(feed) => on_feed(state, feed),
        Msg::Tick(now) => {
            state.now = now;
            state.ui.toasts.retain(|t| t.until > now);
            super::live::expire(state);
            // Another console may have written to the incident: re-read it when it grew.
            match &state.notebook.incident {
                Some(i) => vec![Effect::Notebook(NbOp::Poll {
                    id: i.id.clone(),
                    known_bytes: i.journal_bytes,
                })],
                None => Vec::new(),
            }
        }
        Msg::Notebook(m) => super::notebook::on_result(state, m),
        Msg::Action(r) => super::respond::on_result(state, *r),
        Msg::View(r) => {
            super::view::apply(state, *r);
            Vec::new()
        }
        Msg::Records(read) => super::records::on_read(state, read),
        Msg::Hunt { generation, event } => {
            super::hunt::on_event(state, generation, event);
            Vec::new()
        }
        Msg::Resize(w, h) => {
            state.ui.size = (w, h);
            Vec::new()
        }
        Msg::Terminate => {
            state.ui.quit = true;
            Vec::new()
        }
    }
}

fn on_feed(state: &mut State, feed: Feed) -> Vec<Effect> {
    let mut effects = Vec::new();
    match feed {
        Feed::Items(items) => {
            let mut alarming = false;
            let mut changed = Vec::new();
            let routing = state.session.rules.is_some();
            for item in items {
                let id = match (&item, routing) {
                    (crate::normalize::Normalized::Signal(s), true) => Some(s.id.to_string()),
                    (crate::normalize::Normalized::HealthPart { arn, .. }, true) => {
                        Some(format!("health:{arn}"))
                    }
                    _ => None,
                };
                let inserted = state.view.store.insert(item);
                if matches!(inserted, Insert::New | Insert::Updated) {
                    changed.extend(id);
                }
                // A new signal is appended: the last one is what just arrived.
                if inserted == Insert::New && state.session.feed.initial_done {
                    // History a hunt brought is not news: no bell for it.
                    alarming |= state.view.store.signals().last().is_some_and(|s| {
                        s.severity >= Severity::High && !state.hunts.history.contains(&s.id)
                    });
                }
            }
            // The room a replay's `Expect` asked for, one table of each index at a time (four
            // took up to 17 ms in one batch early in a 10M load).
            state.view.store.prepare(1);
            super::routing::refresh(state, &changed);
            super::stories::sync(state);
            super::network::sync(state);
            state.session.feed.last_update = Some(state.now);
            state.view.dirty = true;
            if alarming && state.session.bell {
                effects.push(Effect::Bell);
            }
        }
        Feed::Progress { done, total } => {
            state.session.feed.loading = if done < total {
                Some((done, total))
            } else {
                None
            };
        }
        Feed::FileFailed { path, reason } => {
            let text = format!(
                "{}: {}",
                crate::safe_text::line(&path),
                crate::safe_text::line(&reason)
            );
            state.toast(text.clone(), true);
            state.session.feed.failed.push(text);
        }
        Feed::Pending(n) => state.session.feed.pending = n,
        Feed::Expect(n) => state.view.store.reserve(n),
        Feed::Loaded => {
            state.view.store.finish();
            effects.push(Effect::ReleaseMemory);
            state.session.feed.loading = None;
            state.session.feed.initial_done = true;
            super::stories::sync(state);
            super::network::sync(state);
            state.session.feed.last_update = Some(state.now);
            let len = state.view.store.len();
            for p in PaneId::ALL {
                state.pane_mut(p).seen_upto = len;
            }
            state.view.dirty = true;
        }
        Feed::Warning(w) => state.toast(crate::safe_text::line(&w).into_owned(), true),
        Feed::Live(ev) => effects.extend(super::live::on_live(state, ev)),
    }
    effects
}
