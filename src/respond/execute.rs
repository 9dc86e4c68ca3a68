//! Running a confirmed plan, in this order: read-only refusal before any call; the caller's
//! identity, which must be the plan's account (else refused before anything else); a synced
//! `intent` audit record before the first change (no record, no change); the calls, each
//! recorded as a step; the end state read back (`verify`). The outcome goes to the audit log
//! and the incident's timeline.

use super::clients::Clients;
use super::evidence::Evidence;
use super::plan::Plan;
use super::verify::{self, Check, Expect};
use super::{audit, ec2, guardduty, iam, s3, sns, Action, Target};
use serde::Serialize;
use serde_json::json;
use std::path::PathBuf;

pub use super::step::{fail, read_or_empty, step, Step};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every call succeeded and the end state was read back as intended (or the action
    /// changes nothing that can be read back: capture, notify).
    Done,
    /// Every call succeeded but the end state read back differs from what was intended.
    NotVerified,
    /// Some changes were made, then a call failed.
    Partial,
    /// Nothing was changed.
    Failed,
    /// Refused before any change: read-only, wrong account, no intent record.
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
    /// The account the calls were made in (from STS), and the principal that made them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caller: Option<String>,
    /// The end state read back after the calls.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<Check>,
    /// The id of the intent record written before the first change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
}

impl Outcome {
    /// An outcome where nothing was called.
    pub fn nothing(status: Status, message: impl Into<String>) -> Outcome {
        Outcome {
            status,
            steps: Vec::new(),
            undo: None,
            evidence: Vec::new(),
            message: message.into(),
            account: None,
            caller: None,
            verification: None,
            intent: None,
        }
    }
}

/// Where an execution writes and what it may do.
#[derive(Debug, Clone)]
pub struct Env {
    pub read_only: bool,
    /// The incident's evidence folder.
    pub evidence_dir: PathBuf,
    /// Where the audit log is (its intent records are written before any change).
    pub data_dir: PathBuf,
}

/// What an action's runner reports besides its steps.
#[derive(Debug, Default)]
pub struct Done {
    pub undo: Option<String>,
    pub evidence: Vec<Evidence>,
    pub note: Option<String>,
    /// What the end state should be, read back after the calls.
    pub expect: Option<Expect>,
}

pub async fn execute(plan: &Plan, c: &Clients, env: &Env) -> Outcome {
    let Some((action, target)) = plan.kind.clone() else {
        return Outcome::nothing(Status::Failed, "the plan names no action");
    };
    let label = target.label();
    if env.read_only && plan.mutating() {
        return Outcome::nothing(
            Status::Refused,
            format!("read-only: {action} on {label} refused before any call"),
        );
    }
    let Some(account) = plan.account.clone() else {
        return Outcome::nothing(
            Status::Refused,
            format!("{action} on {label}: refused: the plan is bound to no account"),
        );
    };
    let mut steps = Vec::new();
    let who = step(
        &mut steps,
        "sts:GetCallerIdentity",
        json!({}),
        c.sts.get_caller_identity().send(),
    )
    .await;
    let Ok(who) = who else {
        let why = steps.last().map(|s| s.result.clone()).unwrap_or_default();
        let mut o = Outcome::nothing(
            Status::Failed,
            format!("{action} on {label}: the credentials could not be checked ({why}); nothing was changed"),
        );
        o.steps = steps;
        return o;
    };
    let caller_account = who.account().unwrap_or("unknown").to_string();
    let caller = who.arn().map(String::from);
    if caller_account != account {
        let mut o = Outcome::nothing(
            Status::Refused,
            format!(
                "{action} on {label}: refused: the credentials{} answer for account \
                 {caller_account}, the plan is bound to account {account}; nothing was changed",
                plan.profile
                    .as_deref()
                    .map(|p| format!(" of profile {p}"))
                    .unwrap_or_default()
            ),
        );
        o.steps = steps;
        o.caller = caller;
        o.account = Some(caller_account);
        return o;
    }
    let mut intent = None;
    if plan.mutating() {
        let (dir, who, p) = (env.data_dir.clone(), caller.clone(), plan.clone());
        match audit::off_runtime(move || audit::intent(&dir, who.as_deref(), &p)).await {
            Ok(id) => intent = Some(id),
            Err(e) => {
                let mut o = Outcome::nothing(
                    Status::Refused,
                    format!("{action} on {label}: refused: the intent could not be written to the audit log ({e}); nothing was changed"),
                );
                o.steps = steps;
                o.caller = caller;
                o.account = Some(caller_account);
                return o;
            }
        }
    }
    // Boxed: the runners' futures hold the SDK's (large) futures; on the stack they overflow
    // a 2 MiB thread.
    let result = Box::pin(run(action, &target, plan, c, env, &mut steps)).await;
    let changed = steps.iter().any(|s| {
        (s.ok || s.maybe)
            && plan
                .calls
                .iter()
                .any(|c| c.mutating && format!("{}:{}", c.service, c.operation) == s.operation)
    });
    let (mut status, done) = match result {
        Ok(d) if steps.iter().all(|s| s.ok) => (Status::Done, d),
        Ok(d) => (Status::Partial, d),
        Err(()) if changed => (Status::Partial, Done::default()),
        Err(()) => (Status::Failed, Done::default()),
    };
    let mut verification = None;
    if status == Status::Done {
        if let Some(expect) = &done.expect {
            let check = Box::pin(verify::check(expect, c, &mut steps)).await;
            if !check.verified {
                status = Status::NotVerified;
            }
            verification = Some(check);
        }
    }
    let failed = steps
        .iter()
        .find(|s| !s.ok)
        .map(|s| format!(": {} failed — {}", s.operation, s.result));
    let note = done
        .note
        .as_deref()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    let message = match (status, &verification) {
        (Status::Done, Some(v)) => {
            format!("{action} on {label}: done · verified: {}{note}", v.detail)
        }
        (Status::Done, None) => format!("{action} on {label}: done{note}"),
        (Status::NotVerified, Some(v)) => {
            format!(
                "{action} on {label}: the calls succeeded but NOT verified: {}{note}",
                v.detail
            )
        }
        (Status::Partial, _) => format!(
            "{action} on {label}: partly done{}",
            failed.unwrap_or_default()
        ),
        _ => format!(
            "{action} on {label}: failed, nothing was changed{}",
            failed.unwrap_or_default()
        ),
    };
    Outcome {
        status,
        steps,
        undo: done.undo,
        evidence: done.evidence,
        message,
        account: Some(caller_account),
        caller,
        verification,
        intent,
    }
}

async fn run(
    action: Action,
    target: &Target,
    plan: &Plan,
    c: &Clients,
    env: &Env,
    steps: &mut Vec<Step>,
) -> Result<Done, ()> {
    // One runner per service.
    match (action, target) {
        (
            Action::Isolate
            | Action::RestoreGroups
            | Action::Protect
            | Action::Snapshot
            | Action::Capture
            | Action::DetachProfile
            | Action::Stop,
            _,
        )
        | (Action::Tag, Target::Instance(_) | Target::Ec2Resource(_)) => {
            ec2::run(action, target, plan, c, env, steps).await
        }
        (Action::BlockPublicAccess, _) => s3::block_public_access(target.id(), c, steps).await,
        (Action::Tag, Target::Bucket(id)) => {
            let incident = plan.incident.as_deref().unwrap_or("none");
            s3::tag_bucket(id, incident, c, steps).await
        }
        (
            Action::Archive
            | Action::Unarchive
            | Action::FeedbackUseful
            | Action::FeedbackNotUseful,
            _,
        ) => guardduty::run(action, target, plan, c, steps).await,
        (Action::Notify, _) => sns::run(target, plan, c, steps).await,
        (
            Action::WorkflowNotified
            | Action::WorkflowResolved
            | Action::WorkflowSuppressed
            | Action::ArchiveAccess
            | Action::UnarchiveAccess,
            _,
        ) => Box::pin(super::findings::run(action, target, plan, c, steps)).await,
        (a, _) if super::recovery::is_recovery(a) => {
            Box::pin(super::recovery_run::run(action, target, c, env, steps)).await
        }
        _ => iam::run(action, target, plan, c, steps).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The console and `airc watch` run actions on 2 MiB runtime threads: the future must stay
    /// small (the runners and read-backs are boxed), or a deep action overflows the stack.
    #[test]
    fn the_execution_future_is_small() {
        let cfg = aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .build();
        let c = Clients::new(&cfg, false);
        let ctx = super::super::plan::PlanCtx {
            account: Some("111122223333".into()),
            region: "us-east-1".into(),
            ..Default::default()
        };
        let p = super::super::plan::plan(
            Action::Isolate,
            &super::super::Target::Instance("i-1".into()),
            &ctx,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let env = Env {
            read_only: true,
            evidence_dir: PathBuf::new(),
            data_dir: PathBuf::new(),
        };
        let size = std::mem::size_of_val(&execute(&p, &c, &env));
        assert!(size < 8 * 1024, "{size} bytes");
    }
}
