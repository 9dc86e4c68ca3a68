//! Why an action cannot be planned, bound or recorded, typed: callers tell a bad target from a
//! missing binding from a disk error. Shown to people through `Display`.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The target text names nothing an action takes (`airc respond ACTION TARGET`).
    #[error("{0}")]
    BadTarget(String),
    /// The action does not apply to the target, or lacks what it needs (a topic, an incident).
    #[error("{0}")]
    NotApplicable(String),
    /// No credentials answer for the target's account, or the row's account is ambiguous.
    #[error("{0}")]
    Unbound(String),
    /// The audit log or an evidence file could not be written: nothing may go on unrecorded.
    #[error("{}: {source}", path.display())]
    Record {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the write did not finish: {0}")]
    Interrupted(String),
}

impl Error {
    pub fn record(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Record {
            path: path.into(),
            source,
        }
    }
}

/// The command line, the console and `airc watch` show errors as text.
impl From<Error> for String {
    fn from(e: Error) -> String {
        e.to_string()
    }
}
