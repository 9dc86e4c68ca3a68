//! Running a confirmed plan for the console and `airc watch`: clients for the plan's profile and
//! region, execution (which checks the account, writes the intent, reads the end state back),
//! and the closing audit record. The result goes back to the state as a message.

use super::audit;
use super::clients::Clients;
use super::evidence::evidence_dir;
use super::execute::{execute, Env, Outcome, Status};
use super::plan::Plan;
use super::result::ActionResult;
use std::path::PathBuf;

/// How the console reaches AWS for actions: the profiles it was started with (None: the
/// default chain) and the endpoint URL.
#[derive(Debug, Clone, Default)]
pub struct Connection {
    pub profiles: Vec<Option<String>>,
    pub endpoint: Option<String>,
}

impl Connection {
    /// The profile whose label (`crate::aws::session::label`) is `label`.
    pub fn profile(&self, label: &str) -> Option<Option<String>> {
        self.profiles
            .iter()
            .find(|p| crate::aws::session::label(p.as_deref()) == label)
            .cloned()
    }
}

fn not_run(plan: Plan, message: &str, audit: &str) -> ActionResult {
    ActionResult {
        plan: Box::new(plan),
        outcome: Outcome::nothing(Status::Failed, message),
        audit: Err(audit.into()),
        executed: false,
    }
}

pub async fn run(
    plan: Plan,
    aws: Option<Connection>,
    read_only: bool,
    data: Option<PathBuf>,
) -> ActionResult {
    let Some(conn) = aws else {
        return not_run(
            plan,
            "no AWS connection here (demo or replay): the plan was shown, nothing was called",
            "not executed",
        );
    };
    let profile = match plan.profile.as_deref().map(|l| conn.profile(l)) {
        Some(Some(p)) => p,
        _ => {
            let msg = format!(
                "refused: the plan's profile {} is not one this console was started with; nothing was called",
                plan.profile.as_deref().unwrap_or("(none)")
            );
            return not_run(plan, &msg, "not executed");
        }
    };
    let Some(data) = data else {
        return not_run(
            plan,
            "no data directory for the audit log (set AIRC_DATA_DIR): nothing was called",
            "no data directory",
        );
    };
    let evidence_dir = match evidence_dir(&data, plan.incident.as_deref()) {
        Ok(d) => d,
        Err(e) => {
            let msg = format!("refused: {e}; nothing was called");
            return not_run(plan, &msg, "not executed");
        }
    };
    let clients = Clients::load(
        profile.as_deref(),
        Some(&plan.region),
        conn.endpoint.as_deref(),
    )
    .await;
    let env = Env {
        read_only,
        evidence_dir,
        data_dir: data.clone(),
    };
    let outcome = execute(&plan, &clients, &env).await;
    let (p, o) = (plan.clone(), outcome.clone());
    let audit =
        audit::off_runtime(move || audit::record(&data, o.caller.as_deref(), read_only, &p, &o))
            .await;
    ActionResult {
        plan: Box::new(plan),
        outcome,
        audit: audit.map_err(String::from),
        executed: true,
    }
}
