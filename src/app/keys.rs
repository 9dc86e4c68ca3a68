//! From a key press to a command, by mode: in a prompt, typed characters and the `[input]`
//! table's editing commands edit its line (`line.rs`); the rest goes through the keymap (with
//! pending sequences such as `g g`).

use super::line::{Edited, LineInput};
use super::msg::Effect;
use super::state::{Mode, State};
use super::view;
use crate::keymap::keys::{Chord, Code};
use crate::keymap::Command;
use crate::keymap::{Context, Lookup};
use crate::query;
use ratatui::crossterm::event::{KeyEvent, KeyEventKind};

pub(super) fn context(mode: &Mode) -> Context {
    match mode {
        Mode::Normal => Context::Table,
        Mode::Detail(_) => Context::Detail,
        Mode::PivotPick { .. }
        | Mode::IncidentPick { .. }
        | Mode::ActionPick { .. }
        | Mode::Recovery(_) => Context::List,
        Mode::Notebook { .. } => Context::Notebook,
        Mode::Stories(_) => Context::Stories,
        Mode::Network(v) if v.typing => Context::Input,
        Mode::Network(_) => Context::Network,
        Mode::Note { .. } => Context::Editor,
        Mode::Filter { .. }
        | Mode::DetailSearch(..)
        | Mode::Help { .. }
        | Mode::Palette { .. }
        | Mode::NewIncident { .. }
        | Mode::ActionPlan { .. }
        | Mode::HuntPreview => Context::Input,
    }
}

/// The note editor (multi-line, its text the draft): a typed character or backspace at the end.
fn edit(text: &mut String, chord: &Chord) -> bool {
    if chord.ctrl || chord.alt {
        return false;
    }
    match chord.code {
        Code::Char(c) => {
            text.push(c);
            true
        }
        Code::Backspace => {
            text.pop();
            true
        }
        _ => false,
    }
}

/// A typed character or backspace, as an edit of a line.
fn typed(line: &mut LineInput, chord: &Chord) -> Option<Edited> {
    if chord.ctrl || chord.alt {
        return None;
    }
    match chord.code {
        Code::Char(c) => Some(line.insert(c)),
        Code::Backspace => Some(line.backspace()),
        _ => None,
    }
}

/// What an edit of the prompt's line changes besides the line: the live filter, the list it
/// searches, a refusal or a message about the text it replaced.
fn edited(state: &mut State, e: Edited) {
    if !e.text {
        return;
    }
    let label = state.ui.mode.label();
    state.ui.toasts.retain(|t| t.about != Some(label));
    match &mut state.ui.mode {
        Mode::ActionPlan { error, .. } => *error = None,
        Mode::Help { cursor, .. } | Mode::Palette { cursor, .. } => *cursor = 0,
        Mode::Filter { .. } => {
            apply_live_filter(state);
            view::request(state);
        }
        Mode::Network(_) => super::network::edited(state),
        _ => {}
    }
}

/// Runs a key; a message it raises in a prompt (a filter that does not parse, a title missing,
/// nothing found) is tagged with the prompt, and goes when the prompt's text changes (`edited`).
pub(super) fn tagging_messages(
    state: &mut State,
    key: impl FnOnce(&mut State) -> Vec<Effect>,
) -> Vec<Effect> {
    if state.ui.mode.line_mut().is_none() {
        return key(state);
    }
    let label = state.ui.mode.label();
    let before: Vec<_> = state
        .ui
        .toasts
        .iter()
        .map(|t| (t.text.clone(), t.until))
        .collect();
    let effects = key(state);
    for t in state.ui.toasts.iter_mut() {
        if !before
            .iter()
            .any(|(x, until)| *x == t.text && *until == t.until)
        {
            t.about = Some(label);
        }
    }
    effects
}

/// Applies the filter being typed, live, when it parses.
fn apply_live_filter(state: &mut State) {
    let Mode::Filter { all, text, error } = &mut state.ui.mode else {
        return;
    };
    match query::parse(text.value()) {
        Ok(q) => {
            *error = None;
            let q = if q.is_empty() { None } else { Some(q) };
            if *all {
                state.view.global_filter = q;
            } else {
                let focus = state.view.focus;
                state.pane_mut(focus).filter = q;
            }
            state.view.dirty = true;
        }
        Err(e) => *error = Some(e.to_string()),
    }
}

pub fn resolve(state: &mut State, key: KeyEvent) -> Option<Command> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let chord = Chord::from_event(&key)?;
    let ctx = context(&state.ui.mode);
    if ctx == Context::Editor {
        if let Lookup::Command(cmd) = state.ui.keymap.lookup(Context::Editor, &[chord]) {
            return Some(cmd);
        }
        if chord.code == Code::Enter && !chord.ctrl && !chord.alt {
            state.notebook.draft.push('\n');
        } else {
            edit(&mut state.notebook.draft, &chord);
        }
        return None;
    }
    if ctx == Context::Input {
        let bound = match state.ui.keymap.lookup(Context::Input, &[chord]) {
            Lookup::Command(cmd) if !cmd.is_line_edit() => return Some(cmd),
            Lookup::Command(cmd) => Some(cmd),
            _ => None,
        };
        let edit = state.ui.mode.line_mut().and_then(|line| match bound {
            Some(cmd) => line.command(cmd),
            None => typed(line, &chord),
        });
        if let Some(e) = edit {
            edited(state, e);
            return None;
        }
        // Lists typed into (help, palette) still move with arrows and page keys.
        return match state.ui.keymap.lookup(Context::List, &[chord]) {
            Lookup::Command(c) if !matches!(chord.code, Code::Char(_)) => Some(c),
            _ => None,
        };
    }
    state.ui.pending_keys.push(chord);
    let keys = state.ui.pending_keys.clone();
    match state.ui.keymap.lookup(ctx, &keys) {
        Lookup::Command(cmd) => {
            state.ui.pending_keys.clear();
            Some(cmd)
        }
        Lookup::Pending => None,
        Lookup::None => {
            state.ui.pending_keys.clear();
            // A stale prefix followed by a key that means something alone.
            if keys.len() > 1 {
                if let Lookup::Command(cmd) = state.ui.keymap.lookup(ctx, &[chord]) {
                    return Some(cmd);
                }
            }
            None
        }
    }
}
