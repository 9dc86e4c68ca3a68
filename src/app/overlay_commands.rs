//! Commands while an overlay or input has the keys: help, palette, pivot picker, filter input,
//! detail view and its search.

use super::command::Command;
use super::commands::{
    close, copy, execute as run_command, list_move, open_pivot_pick, page, pivot_on,
};
use super::keys::run_search;
use super::msg::Effect;
use super::state::{Mode, State};
use super::{help, palette};

/// `None` when no overlay is open (the command is a global one).
pub fn execute(state: &mut State, cmd: Command) -> Option<Vec<Effect>> {
    match &mut state.mode {
        Mode::Help { query, cursor } => {
            let len = help::rows(&state.keymap, query).len();
            match cmd {
                Command::Cancel | Command::Close | Command::Accept | Command::Help => {
                    state.mode = Mode::Normal
                }
                other => list_move(cursor, len, other),
            }
            Some(Vec::new())
        }
        Mode::Palette { query, cursor } => {
            let matches = palette::matches(query);
            match cmd {
                Command::Cancel | Command::Close => state.mode = Mode::Normal,
                Command::Accept => {
                    let chosen = matches.get(*cursor).copied();
                    state.mode = Mode::Normal;
                    if let Some(c) = chosen.filter(|c| *c != Command::Palette) {
                        return Some(run_command(state, c));
                    }
                }
                other => list_move(cursor, matches.len(), other),
            }
            Some(Vec::new())
        }
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
                Command::Quit => state.quit = true,
                other => list_move(cursor, entities.len(), other),
            }
            Some(Vec::new())
        }
        Mode::Filter { .. } => {
            match cmd {
                Command::Accept => state.mode = Mode::Normal,
                Command::Cancel => {
                    if let Mode::Filter { all, .. } = state.mode {
                        if all {
                            state.global_filter = None;
                        } else {
                            let f = state.focus;
                            state.pane_mut(f).filter = None;
                        }
                    }
                    state.mode = Mode::Normal;
                    state.dirty = true;
                }
                _ => {}
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
                    state.mode = Mode::Detail(d);
                }
                _ => close(state),
            }
            Some(Vec::new())
        }
        Mode::Detail(d) => {
            let last = d.lines.len().saturating_sub(1);
            let page = page(state).max(5);
            let Mode::Detail(d) = &mut state.mode else {
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
                    state.mode = Mode::DetailSearch(d, String::new());
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
                Command::Close | Command::Cancel => state.mode = Mode::Normal,
                Command::Pivot => open_pivot_pick(state),
                Command::CopyId | Command::CopyArn | Command::CopyJson => {
                    return Some(copy(state, cmd))
                }
                Command::Quit => state.quit = true,
                Command::Help => {
                    state.mode = Mode::Help {
                        query: String::new(),
                        cursor: 0,
                    }
                }
                _ => {}
            }
            Some(Vec::new())
        }
        Mode::Normal => None,
    }
}
