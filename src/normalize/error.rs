//! Why a record could not be normalized, typed: a shape airc does not read, a field its kind
//! always has that is missing, or a field that is there and cannot be read. The replay's file
//! report and `airc inspect` show it through `Display`.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// Not a CloudTrail, GuardDuty or Health record in any shape airc reads.
    #[error("{0}")]
    Unrecognised(String),
    /// A field every record of its kind has is missing (`CloudTrail record has no eventID`).
    #[error("{0}")]
    Missing(&'static str),
    /// The field is there and cannot be read (a time, JSON nested in a string).
    #[error("{0}")]
    Unreadable(String),
}

impl From<&'static str> for RecordError {
    fn from(what: &'static str) -> RecordError {
        RecordError::Missing(what)
    }
}

impl From<String> for RecordError {
    fn from(why: String) -> RecordError {
        RecordError::Unreadable(why)
    }
}
