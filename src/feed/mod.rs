//! The messages sources send: batches of normalized signals, load progress, failures, and what
//! the live AWS sources say about identities and their own health. Below both the sources and
//! the app, so neither imports the other.

pub mod live;
pub mod problem;

pub use live::{Identity, LiveEvent, ScopeStatus};
pub use problem::Problem;

use crate::normalize::Normalized;

/// Sent by sources: replay, the demo and the live AWS pollers.
#[derive(Debug)]
pub enum Feed {
    Items(Vec<Normalized>),
    Progress {
        done: usize,
        total: usize,
    },
    /// About this many records are coming (a replay's files' sizes): the store makes room for
    /// them before they arrive, so its indexes do not grow between two keys.
    Expect(usize),
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
    Live(LiveEvent),
}
