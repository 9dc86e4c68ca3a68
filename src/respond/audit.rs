//! The audit log, `<data dir>/audit.jsonl`: for every plan that changes something, an `intent`
//! line (who, account, region, profile, target, the planned calls) synced *before* the first
//! change; then, for every executed or refused plan, an `outcome` line — the caller's ARN from
//! STS, each call and its result, the end state read back. Appended locked and synced like the
//! incident journals.

use super::execute::Outcome;
use super::plan::Plan;
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Serialize)]
pub struct Record<'a> {
    pub kind: &'static str,
    pub at: chrono::DateTime<chrono::Utc>,
    pub account: Option<&'a str>,
    pub region: &'a str,
    pub profile: Option<&'a str>,
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
) -> Result<PathBuf, super::Error> {
    crate::private_files::dir(data_dir).map_err(|e| super::Error::record(data_dir, e))?;
    let p = path(data_dir);
    let rec = Record {
        kind: "outcome",
        at: chrono::Utc::now(),
        account: plan.account.as_deref(),
        region: &plan.region,
        profile: plan.profile.as_deref(),
        caller,
        operator: crate::notebook::entry::author(),
        read_only,
        plan,
        outcome,
    };
    crate::notebook::journal::append(&p, &rec).map_err(|e| super::Error::record(&p, e))?;
    Ok(p)
}

/// Writes (and syncs) the intent to run `plan`; its id comes back and goes into the outcome.
/// An error here means nothing may be changed.
pub fn intent(data_dir: &Path, caller: Option<&str>, plan: &Plan) -> Result<String, super::Error> {
    crate::private_files::dir(data_dir).map_err(|e| super::Error::record(data_dir, e))?;
    let p = path(data_dir);
    let now = chrono::Utc::now();
    let id = format!(
        "{}-{:08x}",
        now.format("%Y%m%dT%H%M%S%.3fZ"),
        fastrand::u32(..)
    );
    let rec = serde_json::json!({
        "kind": "intent",
        "intent": id,
        "at": now,
        "caller": caller,
        "operator": crate::notebook::entry::author(),
        "account": plan.account,
        "region": plan.region,
        "profile": plan.profile,
        "action": plan.action,
        "target": plan.target,
        "calls": plan.calls,
    });
    crate::notebook::journal::append(&p, &rec).map_err(|e| super::Error::record(&p, e))?;
    Ok(id)
}

/// The incident timeline entry for an executed plan.
pub fn entry(plan: &Plan, outcome: &Outcome) -> crate::notebook::EntryKind {
    crate::notebook::EntryKind::Action {
        action: plan.action.to_string(),
        target: plan.target.clone(),
        scope: Some(plan.scope_line()),
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
        sensitive: plan.sensitive.clone(),
        status: serde_json::to_value(outcome.status)
            .ok()
            .and_then(|v| v.as_str().map(String::from)),
        account: plan.account.clone(),
        region: Some(plan.region.clone()),
    }
}

/// Runs a synced write (audit records, evidence) on tokio's blocking pool, so an fsync never
/// holds one of the runtime's worker threads, which the pollers share.
pub async fn off_runtime<T: Send + 'static>(
    write: impl FnOnce() -> Result<T, super::Error> + Send + 'static,
) -> Result<T, super::Error> {
    tokio::task::spawn_blocking(write)
        .await
        .map_err(|e| super::Error::Interrupted(e.to_string()))?
}
