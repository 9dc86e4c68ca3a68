//! From a key press to a command, by mode: text input goes into the text being typed, the rest
//! through the keymap (with pending sequences such as `g g`).

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
        Mode::PivotPick { .. } | Mode::IncidentPick { .. } | Mode::ActionPick { .. } => {
            Context::List
        }
        Mode::Notebook { .. } => Context::Notebook,
        Mode::Stories(_) => Context::Stories,
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

/// Edits `text` with a typed character or backspace; true when the key was consumed.
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

/// Applies the filter being typed, live, when it parses.
fn apply_live_filter(state: &mut State) {
    let Mode::Filter { all, text, error } = &mut state.ui.mode else {
        return;
    };
    match query::parse(text) {
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
        if let Lookup::Command(cmd) = state.ui.keymap.lookup(Context::Input, &[chord]) {
            return Some(cmd);
        }
        let consumed = match &mut state.ui.mode {
            Mode::Filter { text, .. } => edit(text, &chord),
            Mode::DetailSearch(_, text) => edit(text, &chord),
            Mode::NewIncident { title } => edit(title, &chord),
            Mode::ActionPlan { typed, error, .. } => {
                *error = None;
                edit(typed, &chord)
            }
            Mode::Help { query, cursor } | Mode::Palette { query, cursor } => {
                let hit = edit(query, &chord);
                if hit {
                    *cursor = 0;
                }
                hit
            }
            _ => false,
        };
        if consumed {
            if matches!(state.ui.mode, Mode::Filter { .. }) {
                apply_live_filter(state);
                view::request(state);
            }
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
