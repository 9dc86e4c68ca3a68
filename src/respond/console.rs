//! Running a confirmed plan for the console: clients for the plan's region, the caller's
//! identity, execution, and the audit record. The result goes back to the state as a message.

use super::audit;
use super::cli::evidence_dir;
use super::clients::Clients;
use super::execute::{execute, Env, Outcome, Status};
use super::plan::Plan;
use crate::app::msg::ActionResult;
use std::path::PathBuf;

/// How the console reaches AWS for actions: (profile, endpoint URL).
pub type Connection = (Option<String>, Option<String>);

pub async fn run(
    plan: Plan,
    aws: Option<Connection>,
    read_only: bool,
    data: Option<PathBuf>,
) -> ActionResult {
    let Some((profile, endpoint)) = aws else {
        let outcome = Outcome {
            status: Status::Failed,
            steps: Vec::new(),
            undo: None,
            evidence: Vec::new(),
            message:
                "no AWS connection here (demo or replay): the plan was shown, nothing was called"
                    .into(),
        };
        return ActionResult {
            plan: Box::new(plan),
            outcome,
            audit: Err("not executed".into()),
            executed: false,
        };
    };
    let clients = Clients::load(profile.as_deref(), Some(&plan.region), endpoint.as_deref()).await;
    let refused = read_only && plan.mutating();
    let Some(data) = data else {
        let outcome = Outcome {
            status: Status::Failed,
            steps: Vec::new(),
            undo: None,
            evidence: Vec::new(),
            message: "no data directory for the audit log (set AIRC_DATA_DIR): nothing was called"
                .into(),
        };
        return ActionResult {
            plan: Box::new(plan),
            outcome,
            audit: Err("no data directory".into()),
            executed: false,
        };
    };
    let env = Env {
        read_only,
        evidence_dir: evidence_dir(&data, plan.incident.as_deref()),
    };
    let caller = if refused {
        None
    } else {
        crate::aws::session::identity(&clients.config)
            .await
            .ok()
            .map(|(_, arn)| arn)
    };
    let outcome = execute(&plan, &clients, &env).await;
    let audit = audit::record(&data, caller.as_deref(), read_only, &plan, &outcome);
    ActionResult {
        plan: Box::new(plan),
        outcome,
        audit,
        executed: true,
    }
}
