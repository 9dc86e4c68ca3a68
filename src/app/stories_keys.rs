//! Keys in the Stories view: choose a story, scroll its timeline, pivot on it, open an
//! incident from it (`N`), its recovery checklist (`U`).

use super::msg::Effect;
use super::overlay_commands::list_move;
use super::recovery::RecoveryView;
use super::state::{Mode, State};
use super::stories;
use crate::keymap::Command;

/// Commands in the Stories view; `None` for the ones it leaves to the global layer.
pub fn execute(state: &mut State, cmd: Command) -> Option<Vec<Effect>> {
    let Mode::Stories(v) = &state.ui.mode else {
        return None;
    };
    let (cursor, len) = (v.cursor, state.view.stories.len());
    match cmd {
        Command::Up | Command::Down | Command::Top | Command::Bottom => {
            let mut c = cursor;
            list_move(&mut c, len, cmd);
            let steps = stories::steps_of(state, state.view.stories.get(c));
            if let Mode::Stories(v) = &mut state.ui.mode {
                v.cursor = c;
                v.scroll = 0;
                v.steps = steps;
            }
        }
        Command::PageDown | Command::PageUp => {
            let page = usize::from(state.ui.size.1 / 3).max(5);
            if let Mode::Stories(v) = &mut state.ui.mode {
                let last = v.steps.len().saturating_sub(1);
                v.scroll = if cmd == Command::PageDown {
                    (v.scroll + page).min(last)
                } else {
                    v.scroll.saturating_sub(page)
                };
            }
        }
        Command::Open | Command::Accept => match state.view.stories.get(cursor).cloned() {
            Some(s) => stories::pivot(state, &s),
            None => state.toast("no story to pivot on", false),
        },
        Command::IncidentNew => {
            let Some(story) = state.view.stories.get(cursor).cloned() else {
                state.toast("no story selected", false);
                return Some(Vec::new());
            };
            let steps = v.steps.clone();
            // Its pins keep the original records: read those in files first.
            let wanted = {
                let store = &state.view.store;
                let pinned = stories::chosen(store, &steps)
                    .into_iter()
                    .filter_map(|r| store.signals().get(r.pos as usize));
                super::records::unread(state, pinned)
            };
            if !wanted.is_empty() {
                return Some(super::records::wait_for(state, wanted, Some(cmd)));
            }
            state.ui.mode = Mode::Normal;
            return Some(stories::incident(state, &story, &steps));
        }
        Command::Recover => return Some(recover(state, cmd)),
        Command::Close | Command::Cancel | Command::Stories => state.ui.mode = Mode::Normal,
        Command::Quit => state.ui.quit = true,
        _ => return None,
    }
    Some(Vec::new())
}

/// `U`: the checklist of the selected story's changes, from the steps its reader sees (a hidden
/// step is counted, never read). Records still in files are read first; the command runs again
/// when they are in.
fn recover(state: &mut State, cmd: Command) -> Vec<Effect> {
    let Mode::Stories(v) = &state.ui.mode else {
        return Vec::new();
    };
    let Some(story) = state.view.stories.get(v.cursor).cloned() else {
        state.toast("no story selected", false);
        return Vec::new();
    };
    let store = &state.view.store;
    let visible: Vec<&crate::model::Signal> = v
        .steps
        .iter()
        .filter(|r| !r.hidden)
        .filter_map(|r| store.signals().get(r.pos as usize))
        .collect();
    let withheld = v.steps.iter().filter(|r| r.hidden).count();
    let wanted = super::records::unread(state, visible.iter().copied());
    if !wanted.is_empty() {
        return super::records::wait_for(state, wanted, Some(cmd));
    }
    let items = crate::recover::checklist(visible);
    if items.is_empty() {
        state.toast(
            format!("story {}: no change to undo in its records", story.id),
            false,
        );
        return Vec::new();
    }
    // With an incident open, the checklist goes to its journal (once per story and list):
    // the changes of signals no rule makes sensitive only, as every reader reads a journal.
    let mut fx = Vec::new();
    if let Some(inc) = &state.notebook.incident {
        let open: Vec<crate::recover::Item> = items
            .iter()
            .filter(|i| {
                !state
                    .session
                    .routes
                    .get(&i.signal)
                    .is_some_and(|r| r.sensitive)
            })
            .cloned()
            .collect();
        let lines = crate::recover::journal_lines(&open);
        let known = inc
            .recovery
            .stories
            .iter()
            .any(|(s, l)| *s == story.id && *l == lines);
        if !known && !lines.is_empty() {
            fx.push(Effect::Notebook(super::msg::NbOp::Append {
                id: inc.id.clone(),
                entry: Box::new(crate::notebook::Entry::by(
                    state.now,
                    &state.session.operator,
                    crate::notebook::EntryKind::Recovery {
                        story: story.id.clone(),
                        items: lines,
                    },
                )),
            }));
            state.notebook.saving += 1;
        }
    }
    state.ui.mode = Mode::Recovery(Box::new(RecoveryView {
        story: story.id.clone(),
        items,
        cursor: 0,
        withheld,
    }));
    fx
}
