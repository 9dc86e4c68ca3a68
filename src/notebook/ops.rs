//! Notebook I/O the console asks for (`NbOp`, returned by `update` as an effect) and what comes
//! back (`NbMsg`). The runner (`runner.rs`) performs them on a blocking thread.

use super::{Entry, Incident};
use std::path::PathBuf;

/// Results of notebook I/O, sent back to the state.
#[derive(Debug)]
pub enum NbMsg {
    /// An incident was created, opened, or re-read after another console wrote to it.
    Opened(Box<Incident>),
    /// The entry is on disk (written and synced): only now does the UI show it as saved.
    Saved {
        id: String,
        entry: Box<Entry>,
    },
    /// Not saved: the entry comes back so nothing the responder wrote is lost.
    SaveFailed {
        reason: String,
        entry: Box<Entry>,
    },
    Listed(Vec<IncidentSummary>),
    /// Something the responder should know that did not stop the operation (damaged journal
    /// lines skipped, incidents that do not load).
    Warning(String),
    Exported(PathBuf),
    /// Text back from $EDITOR (or why not).
    Edited(Result<String, String>),
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct IncidentSummary {
    pub id: String,
    pub title: String,
    pub severity: super::Priority,
    pub phase: super::Phase,
}

/// Notebook I/O requested by `update`.
#[derive(Debug, Clone, PartialEq)]
pub enum NbOp {
    Create {
        title: String,
    },
    /// A new incident with its first entries (evidence, affected entities, a note), written
    /// in order after the `opened` entry: an incident opened from an attack story.
    CreateWith {
        title: String,
        severity: super::Priority,
        entries: Vec<super::Entry>,
    },
    Open {
        id: String,
    },
    List,
    Append {
        id: String,
        entry: Box<Entry>,
    },
    Export {
        id: String,
        /// Who reads it: sensitive evidence they may not see is written as its kind only.
        reader: Option<String>,
    },
    /// Re-read the journal when it is larger than `known_bytes` (another console wrote).
    Poll {
        id: String,
        known_bytes: u64,
    },
    /// Suspend the console and edit `text` in $EDITOR.
    EditExternal {
        text: String,
    },
}
