//! What each command does, given the mode it arrives in.

use super::detail;
use super::msg::Effect;
use super::state::{DetailState, Layout, Mode, PaneId, State};
use super::view;
use crate::keymap::Command;
use crate::model::Entity;

/// Rows a page moves: the focused pane's height less its border and header.
pub(super) fn page(state: &State) -> usize {
    let rect = super::layout::pane_rect(state, state.view.focus);
    (rect.height as usize).saturating_sub(3).max(1)
}

fn move_cursor(state: &mut State, delta: isize, to: Option<usize>) {
    let focus = state.view.focus;
    let view = state.pane_mut(focus);
    let len = view.len(focus);
    if len == 0 {
        return;
    }
    let target = match to {
        Some(t) => t.min(len - 1),
        None => (view.cursor as isize + delta).clamp(0, len as isize - 1) as usize,
    };
    view.cursor = target;
    sync_selected(state);
}

fn sync_selected(state: &mut State) {
    let focus = state.view.focus;
    let selected = if focus == PaneId::Entities {
        state.selected_entity().map(Entity::to_string)
    } else {
        state.selected_signal(focus).map(|s| s.id.to_string())
    };
    state.pane_mut(focus).selected = selected;
}

fn set_focus(state: &mut State, pane: PaneId) {
    if pane != state.view.focus {
        // Leaving a pane counts as having looked at everything in it.
        let len = state.view.store.len();
        let old = state.view.focus;
        state.pane_mut(old).seen_upto = len;
        state.view.focus = pane;
    }
}

fn open_detail(state: &mut State) -> Vec<Effect> {
    let signal = if state.view.focus == PaneId::Entities {
        None
    } else {
        state.selected_signal(state.view.focus).cloned()
    };
    match signal {
        Some(s) => {
            let (lines, mut effects) = detail_lines(state, &s);
            let wanted = super::records::unread(state, [&s]);
            effects.extend(super::records::wait_for(state, wanted, None));
            state.ui.mode = Mode::Detail(Box::new(DetailState {
                signal_id: s.id.to_string(),
                lines,
                scroll: 0,
                search: String::new(),
                matches: Vec::new(),
                current: 0,
            }));
            effects
        }
        None => {
            // On the entities pane, enter pivots on the entity.
            if let Some(e) = state.selected_entity().cloned() {
                pivot_on(state, e);
            }
            Vec::new()
        }
    }
}

/// The detail view's lines for `s` (withheld when sensitive), and the audit of a reveal.
fn detail_lines(state: &State, s: &crate::model::Signal) -> (Vec<String>, Vec<Effect>) {
    if let Some(r) = super::routing::hiding(state, s) {
        let principal = super::routing::principal(state);
        return (
            super::routing::hidden_lines(s, r, principal.as_deref()),
            Vec::new(),
        );
    }
    let mut lines = detail::lines(s, state.view.store.entities_of(s), state.now, &|l| {
        super::detail_findings::link(state, l)
    });
    if let Some(why) = s.id.with_str(|id| super::records::failure(state, id)) {
        if s.raw.file_span().is_some() {
            lines.pop();
            lines.push(format!(
                "(the original record cannot be read: {})",
                crate::safe_text::line(why)
            ));
        }
    }
    if let Some(r) = s.id.with_str(|id| state.session.routes.get(id)) {
        let at = lines
            .iter()
            .position(String::is_empty)
            .unwrap_or(lines.len());
        for (i, l) in super::routing::route_lines(r).into_iter().enumerate() {
            lines.insert(at + i, l);
        }
    }
    (lines, super::routing::reveal(state, s))
}

/// Rebuilds the open detail view's lines (its record arrived), keeping scroll and search.
pub(super) fn refresh_detail(state: &mut State) {
    let Mode::Detail(d) = &state.ui.mode else {
        return;
    };
    let Some(s) = state.view.store.get(&d.signal_id).cloned() else {
        return;
    };
    let (lines, _) = detail_lines(state, &s);
    if let Mode::Detail(d) = &mut state.ui.mode {
        d.scroll = d.scroll.min(lines.len().saturating_sub(1));
        d.lines = lines;
        if !d.search.is_empty() {
            d.matches = detail::search(&d.lines, &d.search);
            d.current = d.current.min(d.matches.len().saturating_sub(1));
        }
    }
}

pub(super) fn pivot_on(state: &mut State, e: Entity) {
    if !state.view.pivots.contains(&e) {
        state.toast(
            format!("pivot: {}", crate::safe_text::line(&e.to_string())),
            false,
        );
        state.view.pivots.push(e);
        for p in PaneId::ALL {
            state.pane_mut(p).cursor = 0;
        }
        state.view.dirty = true;
    }
    state.ui.mode = Mode::Normal;
}

/// The signal a row command acts on: the one the detail view shows, else the focused pane's
/// selection (none on the Entities pane, whose rows are entities).
pub(super) fn row_signal(state: &State) -> Option<&crate::model::Signal> {
    match &state.ui.mode {
        Mode::Detail(d) => state.view.store.get(&d.signal_id),
        _ if state.view.focus == PaneId::Entities => None,
        _ => state.selected_signal(state.view.focus),
    }
}

pub(super) fn current_entities(state: &State) -> Vec<Entity> {
    if state.view.focus == PaneId::Entities && !matches!(state.ui.mode, Mode::Detail(_)) {
        return state.selected_entity().cloned().into_iter().collect();
    }
    // The gate: a hidden signal's entities are its content.
    row_signal(state)
        .filter(|s| !super::routing::is_hidden(state, s))
        .map(|s| state.view.store.entities_of(s).to_vec())
        .unwrap_or_default()
}

/// The selected row's signal is hidden from this principal.
pub(super) fn row_hidden(state: &State) -> bool {
    row_signal(state).is_some_and(|s| super::routing::is_hidden(state, s))
}

pub(super) const HIDDEN_ROW: &str =
    "sensitive: its details are shown only to the principals its rule allows";

pub(super) fn close(state: &mut State) {
    state.ui.mode = match std::mem::replace(&mut state.ui.mode, Mode::Normal) {
        Mode::PivotPick { back, .. } => *back,
        Mode::DetailSearch(d, _) => Mode::Detail(d),
        Mode::Normal => {
            // Entity pivots sit on top of a story pivot: they go first.
            if state.view.pivots.pop().is_some() || state.view.story_pivot.take().is_some() {
                state.view.dirty = true;
            }
            Mode::Normal
        }
        _ => Mode::Normal,
    };
}

pub fn execute(state: &mut State, cmd: Command) -> Vec<Effect> {
    // Overlays first: they take navigation and accept/cancel for themselves.
    if let Some(effects) = super::overlay_commands::execute(state, cmd) {
        return effects;
    }
    global_command(state, cmd)
}

pub(super) fn open_pivot_pick(state: &mut State) {
    if row_hidden(state) {
        state.toast(HIDDEN_ROW, true);
        return;
    }
    let entities = current_entities(state);
    if entities.is_empty() {
        state.toast("no entities on this row to pivot on", false);
        return;
    }
    let back = Box::new(std::mem::replace(&mut state.ui.mode, Mode::Normal));
    state.ui.mode = Mode::PivotPick {
        entities,
        cursor: 0,
        back,
    };
}

/// A command as the normal mode understands it (what every mode falls through to).
pub(super) fn global_command(state: &mut State, cmd: Command) -> Vec<Effect> {
    if let Some(effects) = super::notebook::execute(state, cmd) {
        return effects;
    }
    match cmd {
        Command::Quit => state.ui.quit = true,
        Command::CloudTrailLookup => return super::lookup::lookup(state),
        Command::Hunt => {
            if row_hidden(state) {
                state.toast(HIDDEN_ROW, true);
            } else {
                let entities = current_entities(state);
                super::hunt::preview(state, &entities);
            }
        }
        Command::Respond => super::respond::open(state),
        Command::Help => {
            state.ui.mode = Mode::Help {
                query: Default::default(),
                cursor: 0,
            }
        }
        Command::Palette => {
            state.ui.mode = Mode::Palette {
                query: Default::default(),
                cursor: 0,
            }
        }
        Command::Filter | Command::FilterAll => {
            let all = cmd == Command::FilterAll;
            let current = if all {
                &state.view.global_filter
            } else {
                &state.pane(state.view.focus).filter
            };
            let text = current.as_ref().map(|q| q.text.clone()).unwrap_or_default();
            state.ui.mode = Mode::Filter {
                all,
                text: text.into(),
                error: None,
            };
        }
        Command::ClearFilter => {
            state.view.global_filter = None;
            for p in PaneId::ALL {
                state.pane_mut(p).filter = None;
            }
            state.view.dirty = true;
        }
        Command::FocusNext => set_focus(state, state.view.focus.next()),
        Command::FocusPrev => set_focus(state, state.view.focus.prev()),
        Command::FocusHealth => set_focus(state, PaneId::Health),
        Command::FocusGuardDuty => set_focus(state, PaneId::GuardDuty),
        Command::FocusCloudTrail => set_focus(state, PaneId::CloudTrail),
        Command::FocusEntities => set_focus(state, PaneId::Entities),
        Command::Zoom => {
            if state.view.layout == Layout::Zoomed {
                state.view.layout = state.view.unzoomed;
            } else {
                state.view.unzoomed = state.view.layout;
                state.view.layout = Layout::Zoomed;
            }
        }
        Command::CycleLayout => {
            state.view.layout = match state.view.layout {
                Layout::Grid => Layout::Stacked,
                Layout::Stacked => Layout::Zoomed,
                Layout::Zoomed => Layout::Grid,
            };
            if state.view.layout != Layout::Zoomed {
                state.view.unzoomed = state.view.layout;
            }
        }
        Command::Up => move_cursor(state, -1, None),
        Command::Down => move_cursor(state, 1, None),
        Command::PageUp => move_cursor(state, -(page(state) as isize), None),
        Command::PageDown => move_cursor(state, page(state) as isize, None),
        Command::Top => move_cursor(state, 0, Some(0)),
        Command::Bottom => move_cursor(state, 0, Some(usize::MAX)),
        Command::Open | Command::Accept => return open_detail(state),
        Command::Close | Command::Cancel if state.ui.mode == Mode::Normal => {
            // A running hunt is what esc stops first.
            match super::hunt::cancel(state) {
                Some(effects) => return effects,
                None => close(state),
            }
        }
        Command::Close | Command::Cancel | Command::PivotBack => close(state),
        Command::Pivot => {
            if state.view.focus == PaneId::Entities {
                if let Some(e) = state.selected_entity().cloned() {
                    pivot_on(state, e);
                }
            } else {
                open_pivot_pick(state);
            }
        }
        Command::SortNext | Command::SortReverse => {
            let f = state.view.focus;
            let v = state.pane_mut(f);
            if cmd == Command::SortNext {
                v.sort = v.sort.next();
            } else {
                v.descending = !v.descending;
            }
            let label = format!(
                "sort: {} {}",
                v.sort.label(),
                if v.descending { "↓" } else { "↑" }
            );
            state.toast(label, false);
            state.view.dirty = true;
        }
        Command::CopyId | Command::CopyArn | Command::CopyJson => {
            return super::copy::copy(state, cmd)
        }
        Command::MarkSeen => {
            let len = state.view.store.len();
            let new = PaneId::ALL
                .iter()
                .map(|p| len.saturating_sub(state.pane(*p).seen_upto))
                .max()
                .unwrap_or(0);
            for p in PaneId::ALL {
                state.pane_mut(p).seen_upto = len;
            }
            let text = match new {
                0 => "nothing new: every signal was already seen".to_string(),
                n => format!("{n} new signal(s) marked seen"),
            };
            state.toast(text, false);
        }
        Command::Stories => super::stories::open(state),
        Command::Recover => state.toast(
            "recovery is planned from a story: open the Stories view (5), choose one, then U",
            false,
        ),
        Command::Network => super::network::open(state),
        Command::ToggleBell => {
            state.session.bell = !state.session.bell;
            let on = if state.session.bell { "on" } else { "off" };
            state.toast(format!("bell on new High/Critical: {on}"), false);
        }
        // A prompt's editing (keys.rs), bound by a user's keymap outside one.
        Command::LineStart
        | Command::LineEnd
        | Command::CharLeft
        | Command::CharRight
        | Command::WordLeft
        | Command::WordRight
        | Command::KillToStart
        | Command::KillWord
        | Command::KillToEnd
        | Command::DeleteChar
        | Command::Yank => state.toast(format!("{cmd} edits a prompt's line: none is open"), false),
        // Handled by the detail view, the editor and the notebook before reaching here.
        Command::Search
        | Command::SearchNext
        | Command::SearchPrev
        | Command::SaveNote
        | Command::ExternalEditor
        | Command::IncidentNew
        | Command::IncidentOpen
        | Command::Notebook
        | Command::Pin
        | Command::Note
        | Command::PhaseNext
        | Command::PhasePrev
        | Command::Export => {}
    }
    if state.view.dirty {
        view::request(state);
    }
    Vec::new()
}
