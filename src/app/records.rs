//! Original records read back from their files. A replayed log file's records are kept as their
//! place in the file (`Raw::File`), not their text; opening one in the detail view, copying its
//! JSON or ARN, pinning it or opening an incident from its story reads it first, off the input
//! task (`Effect::ReadRecords`). The command waits for it and runs when it arrives, unless a key
//! was pressed in between (the responder moved on: it is dropped, and said so).

use super::msg::Effect;
use super::state::{Mode, State};
use crate::keymap::Command;
use crate::model::raw::FileSpan;
use crate::model::{Raw, Signal};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reads {
    /// A command waiting for these records.
    pending: Option<(Command, Vec<String>)>,
    /// Asked for, not yet arrived.
    asked: HashSet<String>,
    /// Records that could not be read back, and why: not asked again, shown instead.
    failed: HashMap<String, String>,
}

/// The records among `signals` still to be read from their files. A sensitive signal the
/// responder may not see is never read: its record is not shown, copied or pinned anyway.
pub fn unread<'a>(
    state: &State,
    signals: impl IntoIterator<Item = &'a Signal>,
) -> Vec<(String, FileSpan)> {
    signals
        .into_iter()
        .filter(|s| !s.id.with_str(|id| state.records.failed.contains_key(id)))
        .filter(|s| !super::routing::is_hidden(state, s))
        .filter_map(|s| Some((s.id.to_string(), s.raw.file_span()?.clone())))
        .collect()
}

/// Asks for `wanted` (those not already asked for) and parks `cmd` until they are read.
pub fn wait_for(
    state: &mut State,
    wanted: Vec<(String, FileSpan)>,
    cmd: Option<Command>,
) -> Vec<Effect> {
    let ids: Vec<String> = wanted.iter().map(|(id, _)| id.clone()).collect();
    let ask: Vec<_> = wanted
        .into_iter()
        .filter(|(id, _)| state.records.asked.insert(id.clone()))
        .collect();
    if let Some(cmd) = cmd {
        let what = match ids.len() {
            1 => "the original record".to_string(),
            n => format!("{n} original records"),
        };
        state.toast(format!("reading {what} from the replayed files…"), false);
        state.records.pending = Some((cmd, ids));
    }
    if ask.is_empty() {
        Vec::new()
    } else {
        vec![Effect::ReadRecords(ask)]
    }
}

/// A key was pressed: a command still waiting for records is dropped.
pub fn on_key(state: &mut State) {
    if let Some((cmd, _)) = state.records.pending.take() {
        state.toast(
            format!(
                "{} not done: another key was pressed before the record was read; press it again",
                cmd.name()
            ),
            true,
        );
    }
}

/// Records arrived: kept on their signals (or their failure noted), the detail view showing
/// one refreshed, and the waiting command run once all it needs are here.
pub fn on_read(state: &mut State, read: Vec<(String, Result<String, String>)>) -> Vec<Effect> {
    let mut refresh = false;
    for (id, result) in read {
        state.records.asked.remove(&id);
        match result {
            Ok(text) => {
                state
                    .view
                    .store
                    .set_raw(&id, Raw::Text(text.into_boxed_str()));
            }
            Err(why) => {
                state.toast(crate::safe_text::line(&why).into_owned(), true);
                state.records.failed.insert(id.clone(), why);
            }
        }
        refresh |= matches!(&state.ui.mode, Mode::Detail(d) if d.signal_id == id);
    }
    if refresh {
        super::commands::refresh_detail(state);
    }
    let ready = state
        .records
        .pending
        .as_ref()
        .is_some_and(|(_, ids)| ids.iter().all(|id| !state.records.asked.contains(id)));
    match state.records.pending.take() {
        Some((cmd, _)) if ready => super::commands::execute(state, cmd),
        other => {
            state.records.pending = other;
            Vec::new()
        }
    }
}

/// Why a signal's record could not be read back, when it could not.
pub fn failure<'a>(state: &'a State, id: &str) -> Option<&'a str> {
    state.records.failed.get(id).map(String::as_str)
}

#[cfg(test)]
#[path = "records_tests.rs"]
mod tests;
