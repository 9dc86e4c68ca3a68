//! Running a confirmed plan: read-only refusal before any call, each call recorded as a step,
//! the caller's identity, evidence files, and the outcome that goes to the audit log and the
//! incident's timeline.

use super::clients::Clients;
use super::evidence::Evidence;
use super::plan::Plan;
use super::{ec2, iam_s3, Action};
use crate::aws::errors::classify;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde::Serialize;
use serde_json::Value;
use std::future::Future;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub operation: String,
    pub parameters: Value,
    pub ok: bool,
    pub result: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Every call succeeded.
    Done,
    /// Some calls succeeded, then one failed.
    Partial,
    Failed,
    /// Refused before any call (read-only).
    Refused,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub status: Status,
    pub steps: Vec<Step>,
    /// How to undo what was done (with the recorded values), when possible.
    pub undo: Option<String>,
    pub evidence: Vec<Evidence>,
    pub message: String,
}

/// Where an execution writes and what it may do.
#[derive(Debug, Clone)]
pub struct Env {
    pub read_only: bool,
    /// The incident's evidence folder.
    pub evidence_dir: PathBuf,
}

/// What an action's runner reports besides its steps.
#[derive(Debug, Default)]
pub struct Done {
    pub undo: Option<String>,
    pub evidence: Vec<Evidence>,
    pub note: Option<String>,
}

/// Runs one SDK call and records it. `op` is `service:Operation` (the IAM permission).
pub async fn step<T, E>(
    steps: &mut Vec<Step>,
    op: &str,
    parameters: Value,
    call: impl Future<Output = Result<T, SdkError<E, Response>>>,
) -> Result<T, ()>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match call.await {
        Ok(out) => {
            steps.push(Step {
                operation: op.into(),
                parameters,
                ok: true,
                result: "ok".into(),
            });
            Ok(out)
        }
        Err(e) => {
            let why = classify(&e, op).to_string();
            steps.push(Step {
                operation: op.into(),
                parameters,
                ok: false,
                result: why,
            });
            Err(())
        }
    }
}

/// Records a failure that is not an SDK error (nothing found, bad input).
pub fn fail(steps: &mut Vec<Step>, op: &str, why: impl Into<String>) {
    steps.push(Step {
        operation: op.into(),
        parameters: Value::Null,
        ok: false,
        result: why.into(),
    });
}

pub async fn execute(plan: &Plan, c: &Clients, env: &Env) -> Outcome {
    let Some((action, target)) = plan.kind.clone() else {
        return Outcome {
            status: Status::Failed,
            steps: vec![],
            undo: None,
            evidence: vec![],
            message: "the plan names no action".into(),
        };
    };
    if env.read_only && plan.mutating() {
        return Outcome {
            status: Status::Refused,
            steps: vec![],
            undo: None,
            evidence: vec![],
            message: format!(
                "read-only: {action} on {} refused before any call",
                target.label()
            ),
        };
    }
    let mut steps = Vec::new();
    let result = match action {
        Action::Isolate
        | Action::RestoreGroups
        | Action::Protect
        | Action::Snapshot
        | Action::Capture
        | Action::DetachProfile
        | Action::Stop => ec2::run(action, &target, plan, c, env, &mut steps).await,
        Action::Tag
            if matches!(
                target,
                super::Target::Instance(_) | super::Target::Ec2Resource(_)
            ) =>
        {
            ec2::run(action, &target, plan, c, env, &mut steps).await
        }
        _ => iam_s3::run(action, &target, plan, c, &mut steps).await,
    };
    let any_ok = steps.iter().any(|s| s.ok);
    let (status, done) = match result {
        Ok(d) if steps.iter().all(|s| s.ok) => (Status::Done, d),
        Ok(d) => (Status::Partial, d),
        Err(()) if any_ok => (Status::Partial, Done::default()),
        Err(()) => (Status::Failed, Done::default()),
    };
    let failed = steps
        .iter()
        .find(|s| !s.ok)
        .map(|s| format!(": {} failed — {}", s.operation, s.result));
    let message = match status {
        Status::Done => format!(
            "{action} on {}: done{}",
            target.label(),
            done.note
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default()
        ),
        _ => format!(
            "{action} on {}: {}{}",
            target.label(),
            if status == Status::Partial {
                "partly done"
            } else {
                "failed"
            },
            failed.unwrap_or_default()
        ),
    };
    Outcome {
        status,
        steps,
        undo: done.undo,
        evidence: done.evidence,
        message,
    }
}
