//! `airc recover`'s options.

use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct RecoverArgs {
    /// The story, as `airc stories` names it (`S-1a2b3c4d`).
    pub story: String,
    /// Files or directories the story is in (read recursively), as `airc stories` reads them.
    #[arg(required_unless_present = "demo")]
    pub paths: Vec<PathBuf>,
    /// The built-in demo scenario instead of files.
    #[arg(long, conflicts_with = "paths")]
    pub demo: bool,
    /// List the changes and their plans; call nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Run every plan without asking (destructive ones included).
    #[arg(long)]
    pub yes: bool,
    /// One JSON object per line: the checklist, then each plan's outcome.
    #[arg(long)]
    pub json: bool,
    /// Refuse every plan that changes something (see what would run).
    #[arg(long)]
    pub read_only: bool,
    /// Append each outcome to this incident's timeline.
    #[arg(long, value_name = "ID")]
    pub incident: Option<String>,
    /// The profile whose credentials act; a change in another account is refused.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
}
