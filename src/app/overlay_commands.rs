//! Commands while an overlay or input has the keys: help, palette, pivot picker, filter input,
//! detail view and its search. Each mode handles what it knows and answers `None` for the rest,
//! which then falls through to the global commands (helix's compositor is the model): a command
//! bound in a mode is never swallowed.

use super::commands::{close, execute as run_command, open_pivot_pick, page, pivot_on};
use super::copy::copy;
use super::detail::run_search;
use super::msg::{Effect, NbOp};
use super::notebook;
use super::state::{Mode, State};
use super::{help, palette};
use crate::keymap::Command;

/// A list's cursor after a move command.
pub(super) fn list_move(cursor: &mut usize, len: usize, cmd: Command) {
    let last = len.saturating_sub(1);
    *cursor = match cmd {
        Command::Up => cursor.saturating_sub(1),
        Command::Down => (*cursor + 1).min(last),
        Command::PageUp => cursor.saturating_sub(10),
        Command::PageDown => (*cursor + 10).min(last),
        Command::Top => 0,
        Command::Bottom => last,
        _ => *cursor,
    };
}

/// The list moves every picker understands.
fn is_move(cmd: Command) -> bool {
    matches!(
        cmd,
        Command::Up
            | Command::Down
            | Command::PageUp
            | Command::PageDown
            | Command::Top
            | Command::Bottom
    )
}

/// `None` when the mode does not handle `cmd` (or no overlay is open): a global command.
pub fn execute(state: &mut State, cmd: Command) -> Option<Vec<Effect>> {
    match &mut state.ui.mode {
        Mode::Note { from_notebook } => {
            let back = *from_notebook;
            Some(notebook::in_editor(state, cmd, back))
        }
        Mode::NewIncident { title } => {
            let title = title.trim().to_string();
            let effects = match cmd {
                Command::Accept if !title.is_empty() => {
                    vec![Effect::Notebook(NbOp::Create { title })]
                }
                Command::Accept => {
                    state.toast("an incident needs a title", true);
                    return Some(Vec::new());
                }
                Command::Cancel | Command::Close => Vec::new(),
                _ => return None,
            };
            state.ui.mode = Mode::Normal;
            Some(effects)
        }
        Mode::IncidentPick { items, cursor } => {
            match cmd {
                Command::Open | Command::Accept => {
                    let chosen = items.get(*cursor).map(|i| i.id.clone());
                    state.ui.mode = Mode::Notebook { scroll: 0 };
                    if let Some(id) = chosen {
                        return Some(vec![Effect::Notebook(NbOp::Open { id })]);
                    }
                }
                Command::Close | Command::Cancel => state.ui.mode = Mode::Normal,
                Command::Quit => state.ui.quit = true,
                c if is_move(c) => list_move(cursor, items.len(), c),
                _ => return None,
            }
            Some(Vec::new())
        }
        Mode::Notebook { scroll } => {
            let len = state
                .notebook
                .incident
                .as_ref()
                .map(|i| i.timeline.len() + 12)
                .unwrap_or(1);
            match cmd {
                Command::Close | Command::Cancel | Command::Notebook => {
                    state.ui.mode = Mode::Normal
                }
                Command::Quit => state.ui.quit = true,
                Command::Help => {
                    state.ui.mode = Mode::Help {
                        query: Default::default(),
                        cursor: 0,
                    }
                }
                Command::Up
                | Command::Down
                | Command::PageUp
                | Command::PageDown
                | Command::Top
                | Command::Bottom => list_move(scroll, len, cmd),
                other => return notebook::execute(state, other),
            }
            Some(Vec::new())
        }
        Mode::Help { query, cursor } => {
            let len = help::rows(&state.ui.keymap, query).len();
            match cmd {
                Command::Cancel | Command::Close | Command::Accept | Command::Help => {
                    state.ui.mode = Mode::Normal
                }
                c if is_move(c) => list_move(cursor, len, c),
                _ => return None,
            }
            Some(Vec::new())
        }
        Mode::Palette { query, cursor } => {
            let matches = palette::matches(query);
            match cmd {
                Command::Cancel | Command::Close => state.ui.mode = Mode::Normal,
                Command::Accept => {
                    let chosen = matches.get(*cursor).copied();
                    state.ui.mode = Mode::Normal;
                    if let Some(c) = chosen.filter(|c| *c != Command::Palette) {
                        return Some(run_command(state, c));
                    }
                }
                c if is_move(c) => list_move(cursor, matches.len(), c),
                _ => return None,
            }
            Some(Vec::new())
        }
        Mode::ActionPick {
            items,
            cursor,
            origin,
        } => {
            match cmd {
                Command::Open | Command::Accept => {
                    // Bound to what the picker was opened on, whatever has focus now.
                    let origin = origin.clone();
                    if let Some(item) = items.get(*cursor).cloned() {
                        super::respond::pick(state, &origin, item);
                    }
                }
                Command::Close | Command::Cancel => state.ui.mode = Mode::Normal,
                Command::Quit => state.ui.quit = true,
                c if is_move(c) => list_move(cursor, items.len(), c),
                _ => return None,
            }
            Some(Vec::new())
        }
        Mode::ActionPlan { .. } => match cmd {
            Command::Accept => Some(super::respond::accept(state)),
            Command::Cancel | Command::Close => {
                state.ui.mode = Mode::Normal;
                state.toast("action cancelled: nothing was called", false);
                Some(Vec::new())
            }
            _ => None,
        },
        Mode::PivotPick {
            entities, cursor, ..
        } => {
            match cmd {
                Command::Open | Command::Accept | Command::Pivot => {
                    if let Some(e) = entities.get(*cursor).cloned() {
                        pivot_on(state, e);
                    }
                }
                Command::Close | Command::Cancel => close(state),
                Command::Quit => state.ui.quit = true,
                c if is_move(c) => list_move(cursor, entities.len(), c),
                _ => return None,
            }
            Some(Vec::new())
        }
        Mode::Filter { error, .. } => {
            match cmd {
                // A filter that does not parse is not applied silently: the line stays open
                // with the reason (esc drops it).
                Command::Accept if error.is_some() => {
                    let why = error.clone().unwrap_or_default();
                    state.toast(format!("filter not applied: {why}"), true);
                }
                Command::Accept => state.ui.mode = Mode::Normal,
                Command::Cancel => {
                    if let Mode::Filter { all, .. } = state.ui.mode {
                        if all {
                            state.view.global_filter = None;
                        } else {
                            let f = state.view.focus;
                            state.pane_mut(f).filter = None;
                        }
                    }
                    state.ui.mode = Mode::Normal;
                    state.view.dirty = true;
                }
                _ => return None,
            }
            Some(Vec::new())
        }
        Mode::DetailSearch(d, text) => {
            match cmd {
                Command::Accept => {
                    let mut d = d.clone();
                    run_search(&mut d, text.clone());
                    if d.matches.is_empty() {
                        let t = text.clone();
                        state.toast(format!("not found: {}", crate::safe_text::line(&t)), false);
                    }
                    state.ui.mode = Mode::Detail(d);
                }
                Command::Cancel | Command::Close => close(state),
                _ => return None,
            }
            Some(Vec::new())
        }
        Mode::Detail(d) => {
            let last = d.lines.len().saturating_sub(1);
            let page = page(state).max(5);
            let Mode::Detail(d) = &mut state.ui.mode else {
                return Some(Vec::new());
            };
            match cmd {
                Command::Up => d.scroll = d.scroll.saturating_sub(1),
                Command::Down => d.scroll = (d.scroll + 1).min(last),
                Command::PageUp => d.scroll = d.scroll.saturating_sub(page),
                Command::PageDown => d.scroll = (d.scroll + page).min(last),
                Command::Top => d.scroll = 0,
                Command::Bottom => d.scroll = last,
                Command::Search => {
                    let d = d.clone();
                    state.ui.mode = Mode::DetailSearch(d, Default::default());
                }
                Command::SearchNext | Command::SearchPrev if !d.matches.is_empty() => {
                    let n = d.matches.len();
                    d.current = if cmd == Command::SearchNext {
                        (d.current + 1) % n
                    } else {
                        (d.current + n - 1) % n
                    };
                    d.scroll = d.matches[d.current];
                }
                Command::SearchNext | Command::SearchPrev => {
                    state.toast("no search matches: / searches the detail", false)
                }
                Command::Close | Command::Cancel => state.ui.mode = Mode::Normal,
                Command::Pivot => open_pivot_pick(state),
                Command::CopyId | Command::CopyArn | Command::CopyJson => {
                    return Some(copy(state, cmd))
                }
                Command::Quit => state.ui.quit = true,
                Command::Help => {
                    state.ui.mode = Mode::Help {
                        query: Default::default(),
                        cursor: 0,
                    }
                }
                // Everything else (R, P, T, the notebook, focus, layout…) is a global command;
                // R, P and T act on the signal the detail shows.
                _ => return None,
            }
            Some(Vec::new())
        }
        Mode::Stories(_) => super::stories_keys::execute(state, cmd),
        Mode::Recovery(_) => super::recovery::execute(state, cmd),
        Mode::Network(_) => super::network::execute(state, cmd),
        Mode::HuntPreview => Some(super::hunt::execute(state, cmd)),
        Mode::Normal => None,
    }
}
