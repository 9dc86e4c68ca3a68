//! Attack stories in the console: the Stories view (ranked list and the selected story's
//! timeline), pivoting every pane on a story, and opening an incident from one. Stories are
//! shown through the gate: a hidden signal is a step of its kind only, and its entities are
//! not among the story's principals and resources.

use super::msg::{Effect, NbOp};
use super::state::{Mode, PaneId, State};
use crate::model::{Entity, Severity};
use crate::notebook::{Entry, EntryKind, Priority};
use crate::stories::Story;
use std::sync::Arc;

/// Every pane narrowed to one story's signals.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryPivot {
    pub id: String,
    /// Store positions, ascending.
    pub positions: Arc<Vec<u32>>,
    /// A position in the story: finds it again after it grew or joined another.
    anchor: u32,
    /// The store's stories version the positions were taken at.
    version: u64,
}

/// One step of the selected story's timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct StepRow {
    pub pos: u32,
    pub via: Option<Entity>,
    pub hidden: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoriesView {
    pub cursor: usize,
    /// First timeline row shown.
    pub scroll: usize,
    /// The selected story's steps, in time order.
    pub steps: Vec<StepRow>,
}

/// At most this many of a story's signals are pinned when an incident is opened from it (the
/// most severe, then the earliest); the note says how many more the story holds.
pub const MAX_PINS: usize = 200;

fn ranked(state: &State) -> Vec<Story> {
    let store = &state.view.store;
    // Nothing hidden from this principal: the stories as the store ranks them (no pass over
    // their signals, which takes tens of milliseconds at a million events).
    if super::routing::hidden_positions(state).is_empty() {
        return store.stories();
    }
    store
        .story_views(&store.stories(), |x| super::routing::is_hidden(state, x))
        .into_iter()
        .map(|(s, _)| s)
        .collect()
}

pub(super) fn steps_of(state: &State, story: Option<&Story>) -> Vec<StepRow> {
    let Some(story) = story else {
        return Vec::new();
    };
    let store = &state.view.store;
    store
        .story_steps(story, |x| super::routing::is_hidden(state, x))
        .iter()
        .filter_map(|s| {
            Some(StepRow {
                pos: store.position_of(&s.signal.id)? as u32,
                via: s.via.cloned(),
                hidden: s.hidden,
            })
        })
        .collect()
}

pub fn open(state: &mut State) {
    state.view.stories = ranked(state);
    state.view.stories_version = Some(state.view.store.stories_version());
    let steps = steps_of(state, state.view.stories.first());
    state.ui.mode = Mode::Stories(Box::new(StoriesView {
        cursor: 0,
        scroll: 0,
        steps,
    }));
}

/// After new data: re-ranks the open Stories view and re-reads the story pivot's signals, only
/// when the stories changed.
pub fn sync(state: &mut State) {
    let version = state.view.store.stories_version();
    let recent = state
        .view
        .stories_synced
        .is_some_and(|t| state.now - t < chrono::Duration::seconds(1));
    let loading = state.session.feed.is_loading();
    if recent && loading {
        return;
    }
    state.view.stories_synced = Some(state.now);
    if let Some(p) = &state.view.story_pivot {
        if p.version != version {
            let (anchor, id) = (p.anchor, p.id.clone());
            let positions = state
                .view
                .store
                .story_of(anchor as usize)
                .map(|s| seen_positions(state, &s, anchor))
                .unwrap_or_default();
            state.view.story_pivot = Some(StoryPivot {
                id,
                positions: Arc::new(positions),
                anchor,
                version,
            });
            state.view.dirty = true;
        }
    }
    if matches!(state.ui.mode, Mode::Stories(_)) && state.view.stories_version != Some(version) {
        let selected = selected(state).map(|s| s.id.clone());
        state.view.stories = ranked(state);
        state.view.stories_version = Some(version);
        let cursor = selected
            .and_then(|id| state.view.stories.iter().position(|s| s.id == id))
            .unwrap_or(0);
        let steps = steps_of(state, state.view.stories.get(cursor));
        if let Mode::Stories(v) = &mut state.ui.mode {
            v.steps = steps;
            v.cursor = cursor;
        }
    }
}

fn selected(state: &State) -> Option<&Story> {
    match &state.ui.mode {
        Mode::Stories(v) => state.view.stories.get(v.cursor),
        _ => None,
    }
}

/// Store positions of the part of `story` its reader sees that holds `anchor`: all of the
/// story's when nothing is hidden from them.
fn seen_positions(state: &State, story: &Story, anchor: u32) -> Vec<u32> {
    let store = &state.view.store;
    if super::routing::hidden_positions(state).is_empty() {
        return store.story_positions(story);
    }
    let steps = store.story_steps_at(story, anchor, |x| super::routing::is_hidden(state, x));
    let mut out: Vec<u32> = steps
        .iter()
        .filter_map(|s| store.position_of(&s.signal.id).map(|p| p as u32))
        .collect();
    out.sort_unstable();
    out
}

/// Every pane shows the story's signals only (those its reader sees); backspace steps out.
pub(super) fn pivot(state: &mut State, story: &Story) {
    let positions = match &state.ui.mode {
        Mode::Stories(v) if !super::routing::hidden_positions(state).is_empty() => {
            let mut p: Vec<u32> = v.steps.iter().map(|s| s.pos).collect();
            p.sort_unstable();
            p
        }
        _ => state.view.store.story_positions(story),
    };
    let Some(anchor) = positions.first().copied() else {
        return;
    };
    state.toast(format!("pivot: story {}", story.id), false);
    state.view.story_pivot = Some(StoryPivot {
        id: story.id.clone(),
        positions: Arc::new(positions),
        anchor,
        version: state.view.store.stories_version(),
    });
    for p in PaneId::ALL {
        state.pane_mut(p).cursor = 0;
    }
    state.view.dirty = true;
    state.ui.mode = Mode::Normal;
}

fn priority(s: Severity) -> Priority {
    match s {
        Severity::Critical => Priority::P1,
        Severity::High => Priority::P2,
        Severity::Medium => Priority::P3,
        _ => Priority::P4,
    }
}

/// A story-opened incident's title, from the signals every reader may see (`public`), and its
/// priority, from the severity of all of them: a severity is shown of a sensitive signal too
/// (its pin keeps it), so a story of sensitive signals only is still as urgent as they are,
/// and its title says how many are withheld rather than "unknown principal (0 signals)".
fn title_and_priority(full: &Story, public: &Story) -> (String, Priority) {
    let withheld = full.signals.saturating_sub(public.signals);
    let who = public
        .principals
        .iter()
        .find(|e| e.kind != crate::model::EntityKind::AccessKey)
        .or(public.principals.first())
        .map(|e| e.id.clone());
    let title = match (who, public.signals) {
        (_, 0) => format!(
            "Attack story {}: {withheld} sensitive signals (details withheld)",
            full.id
        ),
        (who, n) => {
            let who = who.unwrap_or_else(|| "unknown principal".into());
            let more = if withheld > 0 {
                format!(" and {withheld} sensitive")
            } else {
                String::new()
            };
            format!(
                "Attack story {}: {who} ({n} signals{more}, {} tactics)",
                full.id,
                public.tactics.len()
            )
        }
    };
    (title, priority(full.severity))
}

/// A new incident holding the story: its signals pinned (through the gate), its entities
/// affected, a note saying where it came from. The first signal is the detection time.
/// The steps an incident opened from a story pins: all, or the `MAX_PINS` most severe.
pub(super) fn chosen<'a>(store: &crate::store::Store, steps: &'a [StepRow]) -> Vec<&'a StepRow> {
    let mut chosen: Vec<&StepRow> = steps.iter().collect();
    if chosen.len() > MAX_PINS {
        let sev = |r: &StepRow| store.signals().get(r.pos as usize).map(|s| s.severity);
        // Stable: equal severities keep time order, so the earliest win.
        chosen.sort_by_key(|r| std::cmp::Reverse(sev(r)));
        chosen.truncate(MAX_PINS);
        chosen.sort_by_key(|r| r.pos_time(store));
    }
    chosen
}

pub(super) fn incident(state: &State, story: &Story, steps: &[StepRow]) -> Vec<Effect> {
    let store = &state.view.store;
    let chosen = chosen(store, steps);
    let mut fx = Vec::new();
    let mut entries = Vec::new();
    let by = |kind| Entry::by(state.now, &state.session.operator, kind);
    // The title and the affected entities are for every reader of the journal: they come
    // from the story's signals that are not sensitive (the sensitive ones are pinned with
    // their rules' `allow`, which the journal's readers are checked against).
    // Its priority and size are the story's as opened (a sensitive signal's severity is
    // shown to every reader, like its kind); its principal, tactics and score only from what
    // is not sensitive.
    let public: Vec<u32> = steps
        .iter()
        .filter(|r| {
            store.signals().get(r.pos as usize).is_some_and(|x| {
                !x.id
                    .with_str(|id| state.session.routes.get(id))
                    .is_some_and(|r| r.sensitive)
            })
        })
        .map(|r| r.pos)
        .collect();
    let opened = story;
    let public = store.story_part(story, &public);
    let story = &public;
    let (title, severity) = title_and_priority(opened, story);
    let tactics = if story.tactics.is_empty() {
        String::new()
    } else {
        format!(", {}", story.tactics.join(" → "))
    };
    entries.push(by(EntryKind::Note {
        text: format!(
            "Opened from attack story {} (score {}, {} signals from {} to {}{tactics}). {}",
            opened.id,
            story.score,
            // Counted and timed with the sensitive ones: their pins keep time and severity.
            opened.signals,
            opened.first.format("%Y-%m-%d %H:%M:%S UTC"),
            opened.last.format("%Y-%m-%d %H:%M:%S UTC"),
            if steps.len() > chosen.len() {
                format!(
                    "{} of its signals are pinned (the most severe); `airc stories` lists all.",
                    chosen.len()
                )
            } else {
                "Every signal of it is pinned.".to_string()
            }
        ),
    }));
    for r in chosen {
        if let Some(s) = store.signals().get(r.pos as usize) {
            let (kind, reveal) = super::notebook::pin_entry(state, s);
            fx.extend(reveal);
            entries.push(by(kind));
        }
    }
    for e in story
        .principals
        .iter()
        .chain(&story.resources)
        .chain(&story.ips)
    {
        entries.push(by(EntryKind::Affected {
            entity: e.clone(),
            sensitive: None,
        }));
    }
    fx.push(Effect::Notebook(NbOp::CreateWith {
        title: crate::safe_text::line(&title).into_owned(),
        severity,
        entries,
    }));
    fx
}

impl StepRow {
    fn pos_time(&self, store: &crate::store::Store) -> (chrono::DateTime<chrono::Utc>, u32) {
        let t = store
            .signals()
            .get(self.pos as usize)
            .map(|s| s.time)
            .unwrap_or_default();
        (t, self.pos)
    }
}

#[cfg(test)]
#[path = "stories_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "stories_title_tests.rs"]
mod title_tests;
