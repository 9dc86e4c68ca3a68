//! The notebook from the console: open or switch incidents, pin evidence, write notes, change
//! phase, export. Every write is an effect; the state changes only when the disk says saved.

use super::msg::{Effect, NbMsg, NbOp};
use super::state::{Mode, PaneId, State};
use crate::keymap::Command;
use crate::notebook::{Entry, EntryKind, Phase};

fn attached_id(state: &mut State) -> Option<String> {
    match &state.notebook.incident {
        Some(i) => Some(i.id.clone()),
        None => {
            state.toast("no incident open: N opens a new one, O picks one", true);
            None
        }
    }
}

fn append(state: &mut State, kind: EntryKind) -> Vec<Effect> {
    let Some(id) = attached_id(state) else {
        return Vec::new();
    };
    state.notebook.saving += 1;
    vec![Effect::Notebook(NbOp::Append {
        id,
        entry: Box::new(Entry::by(state.now, &state.session.operator, kind)),
    })]
}

/// The gate for pins (`rules::gate`): a hidden signal is pinned as its id, kind and severity
/// only; a sensitive one carries who may read it; pinning a sensitive signal one may see writes
/// a reveal record to the audit log. The entry, and the effects.
pub(super) fn pin_entry(state: &State, s: &crate::model::Signal) -> (EntryKind, Vec<Effect>) {
    let principal = super::routing::principal(state);
    let gate = crate::rules::gate::Gate::new(principal.as_deref());
    let route = s.id.with_str(|id| state.session.routes.get(id));
    let kind = gate.pin(s, state.view.store.entities_of(s), route);
    let fx = if gate.shows(route) {
        super::routing::reveal(state, s)
    } else {
        Vec::new()
    };
    (kind, fx)
}

fn pin_signal(state: &mut State, s: &crate::model::Signal) -> Vec<Effect> {
    // The pin keeps the original record: read it first when it is in a file.
    let wanted = super::records::unread(state, [s]);
    let attached = state.notebook.incident.is_some();
    if attached && !wanted.is_empty() {
        return super::records::wait_for(state, wanted, Some(Command::Pin));
    }
    let (kind, mut fx) = pin_entry(state, s);
    fx.extend(append(state, kind));
    fx
}

fn pin(state: &mut State) -> Vec<Effect> {
    if let Mode::Detail(d) = &state.ui.mode {
        if let Some(s) = state.view.store.get(&d.signal_id).cloned() {
            return pin_signal(state, &s);
        }
    }
    if state.view.focus == PaneId::Entities {
        return match state.selected_entity().cloned() {
            Some(entity) => {
                let sensitive = super::routing::entity_sensitivity(state, &entity);
                append(state, EntryKind::Affected { entity, sensitive })
            }
            None => Vec::new(),
        };
    }
    match state.selected_signal(state.view.focus).cloned() {
        Some(s) => pin_signal(state, &s),
        None => Vec::new(),
    }
}

fn move_phase(state: &mut State, forward: bool) -> Vec<Effect> {
    let Some(saved) = state.notebook.incident.as_ref().map(|i| i.phase) else {
        state.toast("no incident open: N opens a new one, O picks one", true);
        return Vec::new();
    };
    // A change still being written counts: pressing ] twice moves two phases.
    let current = state.notebook.pending_phase.unwrap_or(saved);
    let i = Phase::ALL.iter().position(|p| *p == current).unwrap_or(0);
    let next = if forward {
        (i + 1).min(Phase::ALL.len() - 1)
    } else {
        i.saturating_sub(1)
    };
    if next == i {
        let end = if forward { "last" } else { "first" };
        state.toast(
            format!("the incident is in its {end} phase ({})", current.label()),
            false,
        );
        return Vec::new();
    }
    state.notebook.pending_phase = Some(Phase::ALL[next]);
    append(
        state,
        EntryKind::Phase {
            phase: Phase::ALL[next],
        },
    )
}

/// Notebook commands; `None` when the command is not one of them.
pub fn execute(state: &mut State, cmd: Command) -> Option<Vec<Effect>> {
    Some(match cmd {
        Command::IncidentNew => {
            state.ui.mode = Mode::NewIncident {
                title: Default::default(),
            };
            Vec::new()
        }
        Command::IncidentOpen => vec![Effect::Notebook(NbOp::List)],
        Command::Notebook => {
            state.ui.mode = Mode::Notebook { scroll: 0 };
            Vec::new()
        }
        Command::Pin => pin(state),
        Command::Note => {
            if attached_id(state).is_some() {
                let from_notebook = matches!(state.ui.mode, Mode::Notebook { .. });
                state.ui.mode = Mode::Note { from_notebook };
            }
            Vec::new()
        }
        Command::PhaseNext => move_phase(state, true),
        Command::PhasePrev => move_phase(state, false),
        Command::Export => match attached_id(state) {
            Some(id) => vec![Effect::Notebook(NbOp::Export {
                id,
                reader: super::routing::principal(state),
            })],
            None => Vec::new(),
        },
        _ => return None,
    })
}

/// Commands inside the note editor.
pub fn in_editor(state: &mut State, cmd: Command, back_to_notebook: bool) -> Vec<Effect> {
    let back = if back_to_notebook {
        Mode::Notebook { scroll: 0 }
    } else {
        Mode::Normal
    };
    match cmd {
        Command::SaveNote | Command::Accept => {
            let text = state.notebook.draft.trim_end().to_string();
            state.ui.mode = back;
            if text.trim().is_empty() {
                return Vec::new();
            }
            // The draft stays until the disk confirms the note (NbMsg::Saved).
            append(state, EntryKind::Note { text })
        }
        Command::ExternalEditor => vec![Effect::Notebook(NbOp::EditExternal {
            text: state.notebook.draft.clone(),
        })],
        Command::Cancel | Command::Close => {
            if !state.notebook.draft.is_empty() {
                state.toast("note draft kept: a to continue it", false);
            }
            state.ui.mode = back;
            Vec::new()
        }
        _ => {
            // Only commands bound in the editor context reach here (it has no global layer):
            // a user keymap that binds another one there gets it, not silence.
            super::commands::global_command(state, cmd)
        }
    }
}

/// Said when the last listed recovery item is resolved.
pub const RESOLVED: &str = "every listed recovery item is resolved; changes of sensitive signals are never listed: move the incident to recovered (]) once they are undone too";

pub fn on_result(state: &mut State, msg: NbMsg) -> Vec<Effect> {
    match msg {
        NbMsg::Opened(inc) => {
            let switched = state
                .notebook
                .incident
                .as_ref()
                .is_none_or(|i| i.id != inc.id);
            if switched {
                state.toast(
                    format!(
                        "incident {} · {}",
                        inc.id,
                        crate::safe_text::line(
                            inc.title_for(super::routing::principal(state).as_deref())
                        )
                    ),
                    false,
                );
            }
            if state.notebook.pending_phase == Some(inc.phase) || switched {
                state.notebook.pending_phase = None;
            }
            let check = std::mem::take(&mut state.notebook.check_recovery) && !switched;
            if check && inc.recovery_complete() && inc.phase < Phase::Recovered {
                // Not moved by itself: a change of a sensitive signal is never on the list.
                state.toast(RESOLVED, false);
            }
            state.notebook.incident = Some(*inc);
        }
        NbMsg::Saved { id, entry } => {
            state.notebook.saving = state.notebook.saving.saturating_sub(1);
            state.notebook.check_recovery |= matches!(
                entry.kind,
                EntryKind::Action { .. }
                    | EntryKind::Recovery { .. }
                    | EntryKind::RecoverySkip { .. }
            );
            if let EntryKind::Note { text } = &entry.kind {
                if state.notebook.draft.trim_end() == text {
                    state.notebook.draft.clear();
                }
            }
            let what = match &entry.kind {
                EntryKind::Note { .. } => "note saved".to_string(),
                EntryKind::Pinned { title, .. } => {
                    format!("pinned: {}", crate::safe_text::line(title))
                }
                EntryKind::Affected { entity, .. } => format!("affected: {entity}"),
                EntryKind::Phase { phase } => format!("phase: {}", phase.label()),
                _ => "saved".to_string(),
            };
            state.toast(what, false);
            // Re-read the journal: the fold includes this entry and any other console's.
            return vec![Effect::Notebook(NbOp::Open { id })];
        }
        NbMsg::SaveFailed { reason, entry } => {
            state.notebook.saving = state.notebook.saving.saturating_sub(1);
            if let EntryKind::Note { text } = entry.kind {
                if state.notebook.draft.is_empty() {
                    state.notebook.draft = text;
                }
            }
            state.toast(
                format!("NOT saved: {reason} (the text is kept as a draft)"),
                true,
            );
        }
        NbMsg::Listed(items) => {
            if items.is_empty() {
                state.toast("no incidents yet: N opens one", false);
            } else {
                state.ui.mode = Mode::IncidentPick { items, cursor: 0 };
            }
        }
        NbMsg::Exported(path) => {
            let reader = super::routing::principal(state);
            let sensitive = state
                .notebook
                .incident
                .as_ref()
                .is_some_and(|i| !i.sensitive_shown_to(reader.as_deref()).is_empty());
            let mut text = format!("postmortem written: {}", path.display());
            if sensitive {
                text.push_str(
                    " — it holds sensitive signals' details in full: share it only with the principals their rules allow",
                );
            }
            state.toast(text, sensitive)
        }
        NbMsg::Edited(result) => {
            state.ui.clear_screen = true;
            match result {
                Ok(text) => {
                    state.notebook.draft = text;
                    if !matches!(state.ui.mode, Mode::Note { .. }) {
                        state.ui.mode = Mode::Note {
                            from_notebook: false,
                        };
                    }
                }
                Err(e) => state.toast(e, true),
            }
        }
        NbMsg::Failed(reason) | NbMsg::Warning(reason) => {
            state.toast(crate::safe_text::line(&reason).into_owned(), true)
        }
    }
    Vec::new()
}

#[cfg(test)]
#[path = "notebook_title_tests.rs"]
mod title_tests;
