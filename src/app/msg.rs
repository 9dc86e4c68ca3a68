//! What reaches the state: keys, feed messages from sources, ticks, resizes. And what
//! `update` asks the outside world to do.

pub use crate::notebook::ops::{IncidentSummary, NbMsg, NbOp};
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;

pub use crate::feed::Feed;
pub use crate::respond::ActionResult;

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
    /// Rows from the background view pass.
    View(Box<super::view::ViewResult>),
    /// Original records read back from their files (`Effect::ReadRecords`): each signal id with
    /// the record's text or why it could not be read.
    Records(Vec<(String, Result<String, String>)>),
    /// What a hunt on Athena reported (its signals come as `Feed::Items`).
    Hunt {
        generation: u64,
        event: HuntEvent,
    },
}

/// A running hunt's news.
#[derive(Debug)]
pub enum HuntEvent {
    Status(crate::athena::Status),
    Note(String),
    /// These signals (sent to the store right after) came from the hunt.
    Arrived(Vec<crate::model::SignalId>),
    Done(crate::athena::Outcome),
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
    /// Read these signals' original records back from their files (`Msg::Records`).
    ReadRecords(Vec<(String, crate::model::raw::FileSpan)>),
    /// A load ended: hand the pages the store's tables outgrew while it grew back to the OS.
    ReleaseMemory,
    /// Run a hunt on Athena (`Msg::Hunt` reports it).
    Hunt(Box<super::hunt::HuntRequest>),
    /// Stop the hunt of this generation (StopQueryExecution).
    CancelHunt(u64),
}
