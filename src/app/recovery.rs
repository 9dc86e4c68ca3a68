//! The recovery checklist of a story (`U` in the Stories view): each change the attacker made
//! (`crate::recover`), with how it is undone. `enter` on a change opens the action picker on its
//! undo plans, bound to the change's own record (its account and region), like `R`.

use super::msg::Effect;
use super::state::{Mode, PickItem, PickOrigin, State};
use crate::keymap::Command;
use crate::recover::{Item, Undo};

#[derive(Debug, Clone, PartialEq)]
pub struct RecoveryView {
    pub story: String,
    pub items: Vec<Item>,
    pub cursor: usize,
    /// Sensitive steps of the story left out (their changes are for readers the rules allow).
    pub withheld: usize,
}

/// Commands in the checklist; `None` for the ones it leaves to the global layer.
pub fn execute(state: &mut State, cmd: Command) -> Option<Vec<Effect>> {
    let Mode::Recovery(v) = &mut state.ui.mode else {
        return None;
    };
    let last = v.items.len().saturating_sub(1);
    match cmd {
        Command::Up => v.cursor = v.cursor.saturating_sub(1),
        Command::Down => v.cursor = (v.cursor + 1).min(last),
        Command::PageUp => v.cursor = v.cursor.saturating_sub(10),
        Command::PageDown => v.cursor = (v.cursor + 10).min(last),
        Command::Top => v.cursor = 0,
        Command::Bottom => v.cursor = last,
        Command::Open | Command::Accept => {
            let Some(item) = v.items.get(v.cursor).cloned() else {
                return Some(Vec::new());
            };
            match &item.undo {
                Undo::Plans { steps, .. } => {
                    // Bound to the change's record: its account and region, whatever has
                    // focus later (`action_scope`).
                    let items = steps
                        .iter()
                        .map(|(action, target)| PickItem {
                            action: *action,
                            target: target.clone(),
                            entity: None,
                        })
                        .collect();
                    state.ui.mode = Mode::ActionPick {
                        items,
                        cursor: 0,
                        origin: Box::new(PickOrigin {
                            signal: Some(item.signal.clone()),
                            entity: None,
                        }),
                    };
                }
                other => state.toast(format!("{}: {}", item.call, other.describe()), false),
            }
        }
        Command::Close | Command::Cancel => state.ui.mode = Mode::Normal,
        Command::Quit => state.ui.quit = true,
        _ => return None,
    }
    Some(Vec::new())
}
