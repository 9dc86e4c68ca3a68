//! What can go wrong with incidents and their journals, typed, so callers can tell a missing
//! incident from a damaged journal from a disk error. Shown to people through `Display`.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no data directory for this user (set AIRC_DATA_DIR)")]
    NoDataDir,
    #[error("'{0}' is not an incident id (IR-YYYYMMDD-N; see `airc incident list`)")]
    BadId(String),
    #[error("no incident {0} (see `airc incident list`)")]
    NoSuchIncident(String),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("incident {id}: {} does not start with an 'opened' entry", path.display())]
    NotAJournal { id: String, path: PathBuf },
    /// The id inside a journal is not its file's: a crafted or misplaced journal, refused
    /// (folders are named after incident ids: `../../x` there would write outside the data dir).
    #[error("{}: the journal says it is incident '{inner}', not {id} as its file name says; refused (rename or remove the file)", path.display())]
    WrongId {
        id: String,
        inner: String,
        path: PathBuf,
    },
    /// The user's postmortem template exists but cannot be used: the export stops rather than
    /// silently use another one.
    #[error("postmortem template {}: {reason}", path.display())]
    Template { path: PathBuf, reason: String },
    /// Masking ids failed: nothing unmasked is written instead.
    #[error("redaction failed ({0}); nothing was exported")]
    Redaction(String),
    /// What the responder typed does not say what it should (a title, a severity).
    #[error("{0}")]
    Input(String),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// The command line and the console show errors as text.
impl From<Error> for String {
    fn from(e: Error) -> String {
        e.to_string()
    }
}
