//! What running a response plan came to, sent back to the console that asked for it.

use std::path::PathBuf;

/// A response plan's outcome, back from the effect that ran it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionResult {
    pub plan: Box<super::plan::Plan>,
    pub outcome: super::execute::Outcome,
    /// Where the audit record went, or why it could not be written.
    pub audit: Result<PathBuf, String>,
    /// False when there was nothing to run it against (demo, replay without AWS).
    pub executed: bool,
}
