//! The audit log: one JSON line per executed (or refused) plan in `<data dir>/audit.jsonl` —
//! who (the caller's ARN from STS), when, the target, each call and its result — appended
//! locked and synced like the incident journals.

use super::execute::Outcome;
use super::plan::Plan;
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Serialize)]
pub struct Record<'a> {
    pub at: chrono::DateTime<chrono::Utc>,
    /// The AWS principal that made the calls.
    pub caller: Option<&'a str>,
    /// The person at the keyboard (`user@host`).
    pub operator: String,
    pub read_only: bool,
    pub plan: &'a Plan,
    pub outcome: &'a Outcome,
}

pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("audit.jsonl")
}

pub fn record(
    data_dir: &Path,
    caller: Option<&str>,
    read_only: bool,
    plan: &Plan,
    outcome: &Outcome,
) -> Result<PathBuf, String> {
    std::fs::create_dir_all(data_dir).map_err(|e| format!("{}: {e}", data_dir.display()))?;
    let p = path(data_dir);
    let rec = Record {
        at: chrono::Utc::now(),
        caller,
        operator: crate::notebook::entry::author(),
        read_only,
        plan,
        outcome,
    };
    crate::notebook::journal::append(&p, &rec).map_err(|e| format!("{}: {e}", p.display()))?;
    Ok(p)
}

/// The incident timeline entry for an executed plan.
pub fn entry(plan: &Plan, outcome: &Outcome) -> crate::notebook::EntryKind {
    crate::notebook::EntryKind::Action {
        action: plan.action.to_string(),
        target: plan.target.clone(),
        outcome: outcome.message.clone(),
        reversible: plan.reversible && outcome.undo.is_some(),
        calls: outcome
            .steps
            .iter()
            .map(|s| crate::notebook::entry::ActionCall {
                operation: s.operation.clone(),
                parameters: s.parameters.clone(),
                result: s.result.clone(),
            })
            .collect(),
    }
}
