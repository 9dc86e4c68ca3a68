//! The incident notebook: append-only journals, the incident folded from them, and the markdown
//! postmortem.

pub mod book;
pub mod entry;
pub mod error;
pub mod export;
pub mod incident;
pub mod journal;
pub mod markdown;
pub mod ops;
pub mod recovery;
pub mod redact;
pub mod runner;
pub mod sensitive;

pub use book::Book;
pub use entry::{Entry, EntryKind, Phase, Priority, Section};
pub use error::Error;
pub use incident::Incident;
pub use ops::{IncidentSummary, NbMsg, NbOp};
