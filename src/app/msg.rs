//! What reaches the state: keys, feed messages from sources, ticks, resizes. And what
//! `update` asks the outside world to do.

use crate::normalize::Normalized;
use crate::notebook::{Entry, Incident};
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;
use std::path::PathBuf;

/// Sent by sources (replay, demo, later AWS pollers).
#[derive(Debug)]
pub enum Feed {
    Items(Vec<Normalized>),
    Progress {
        done: usize,
        total: usize,
    },
    FileFailed {
        path: String,
        reason: String,
    },
    /// Demo events still scheduled to arrive.
    Pending(usize),
    /// The initial load is complete.
    Loaded,
    Warning(String),
    /// Live AWS: identities, per-scope status, Health aggregates, notices.
    Live(crate::app::live::LiveEvent),
}

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Feed(Feed),
    Tick(DateTime<Utc>),
    Resize(u16, u16),
    /// SIGTERM, SIGHUP: leave cleanly.
    Terminate,
    /// A notebook operation finished (on a blocking task).
    Notebook(NbMsg),
    /// A response action finished.
    Action(Box<ActionResult>),
}

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
    Exported(PathBuf),
    /// Text back from $EDITOR (or why not).
    Edited(Result<String, String>),
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct IncidentSummary {
    pub id: String,
    pub title: String,
    pub severity: crate::notebook::Priority,
    pub phase: crate::notebook::Phase,
}

/// Notebook I/O requested by `update`.
#[derive(Debug, Clone, PartialEq)]
pub enum NbOp {
    Create {
        title: String,
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

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Ring the terminal bell (a new High/Critical signal arrived).
    Bell,
    /// Put text on the clipboard with OSC 52.
    Copy(String),
    Notebook(NbOp),
    /// A CloudTrail LookupEvents pivot query (live AWS only).
    Lookup(crate::aws::Lookup),
    /// Append a record to the audit log (a sensitive signal was viewed).
    Audit(serde_json::Value),
    /// Run a confirmed response plan (refused inside when read-only).
    Respond(Box<crate::respond::plan::Plan>),
}

/// A response plan's outcome, back from the effect that ran it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionResult {
    pub plan: Box<crate::respond::plan::Plan>,
    pub outcome: crate::respond::execute::Outcome,
    /// Where the audit record went, or why it could not be written.
    pub audit: Result<PathBuf, String>,
    /// False when there was nothing to run it against (demo, replay without AWS).
    pub executed: bool,
}
