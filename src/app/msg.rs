//! What reaches the state: keys, feed messages from sources, ticks, resizes. And what
//! `update` asks the outside world to do.

use crate::normalize::Normalized;
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;

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
}

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Feed(Feed),
    Tick(DateTime<Utc>),
    Resize(u16, u16),
    /// SIGTERM, SIGHUP: leave cleanly.
    Terminate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Ring the terminal bell (a new High/Critical signal arrived).
    Bell,
    /// Put text on the clipboard with OSC 52.
    Copy(String),
}
