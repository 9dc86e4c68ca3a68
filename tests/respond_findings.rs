//! Security Hub's workflow (BatchUpdateFindings, read back with GetFindings) and Access
//! Analyzer's archive (UpdateFindings, read back with GetFindingV2) against the fake AWS: intent
//! first, one call, the end state read back (`verified`, or what differs), read-only refused.

#[path = "support/fake_aws/mod.rs"]
mod fake_aws;

use airc::respond::clients::Clients;
use airc::respond::execute::{execute, Env, Status};
use airc::respond::plan::{plan, PlanCtx};
use airc::respond::{Action, Target};
use fake_aws::{FakeAws, World};
use serde_json::{json, Value};
use std::path::Path;

const ANALYZER: &str = "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/ConsoleAnalyzer";

fn creds() {
    std::env::set_var("AWS_ACCESS_KEY_ID", "AKIAFAKETESTING00001");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "x");
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    std::env::remove_var("AWS_PROFILE");
}

fn fixture(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/findings")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(p).unwrap_or_default()).unwrap_or(Value::Null)
}

fn world() -> World {
    let mut w = World::empty();
    w.hub = fixture("securityhub-get-findings.json")["Findings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    w.analyzer_findings.insert(
        ANALYZER.into(),
        vec![fixture("accessanalyzer-eventbridge.json")["detail"].clone()],
    );
    w
}

fn ctx() -> PlanCtx {
    PlanCtx {
        account: Some("111122223333".into()),
        region: "us-east-1".into(),
        profile: Some("default".into()),
        incident: Some("IR-20260115-1".into()),
        sns_topic: None,
    }
}

fn env(dir: &Path, read_only: bool) -> Env {
    Env {
        read_only,
        evidence_dir: dir.to_path_buf(),
        data_dir: dir.to_path_buf(),
    }
}

fn guardduty_in_hub(w: &World) -> (String, String, Value) {
    let f = w.hub[0].clone();
    (
        f["Id"].as_str().unwrap_or("").into(),
        f["ProductArn"].as_str().unwrap_or("").into(),
        f,
    )
}

/// Runs `f` on a runtime whose worker threads have the console's stack (`console::run`).
fn on_console_runtime<F: std::future::Future<Output = ()> + Send + 'static>(f: F) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_stack_size(8 << 20)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    rt.block_on(async move { tokio::spawn(f).await.unwrap_or_else(|e| panic!("{e}")) });
}

#[test]
fn a_workflow_change_reaches_batch_update_findings_once_and_reads_back_verified() {
    on_console_runtime(workflow_change());
}

async fn workflow_change() {
    creds();
    let server = FakeAws::start(world());
    let c = Clients::load(None, Some("us-east-1"), Some(&server.url)).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (id, product_arn, before) = server.with(|w| guardduty_in_hub(w));
    assert_eq!(before["Workflow"]["Status"], "NOTIFIED");
    let t = Target::HubFinding {
        id: id.clone(),
        product_arn: product_arn.clone(),
    };
    let p = plan(Action::WorkflowResolved, &t, &ctx()).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        p.describe()
            .iter()
            .any(|l| l.contains("securityhub:BatchUpdateFindings (changes)")),
        "{:?}",
        p.describe()
    );
    let o = execute(&p, &c, &env(dir.path(), false)).await;
    assert_eq!(o.status, Status::Done, "{o:#?}");
    assert!(
        o.message
            .contains("verified: the finding's workflow is RESOLVED"),
        "{}",
        o.message
    );
    let calls = server.requests("securityhub", "BatchUpdateFindings");
    assert_eq!(calls.len(), 1, "one call");
    assert_eq!(
        calls[0].body["FindingIdentifiers"],
        json!([{"Id": id, "ProductArn": product_arn}])
    );
    assert_eq!(
        calls[0].body["Note"]["Text"],
        "Workflow set to RESOLVED from airc (incident IR-20260115-1)"
    );
    let after = server.with(|w| guardduty_in_hub(w).2);
    assert_eq!(
        (
            after["Workflow"]["Status"].as_str(),
            after["Note"]["UpdatedBy"].as_str()
        ),
        (Some("RESOLVED"), Some("airc"))
    );
    let audit = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap_or_default();
    assert!(
        audit.contains("\"kind\":\"intent\"") && audit.contains("BatchUpdateFindings"),
        "the intent is recorded before the change: {audit}"
    );
    // Accepted but not applied: the read-back says so.
    server.with(|w| w.hub_frozen = true);
    let o = execute(
        &plan(Action::WorkflowSuppressed, &t, &ctx()).unwrap_or_else(|e| panic!("{e}")),
        &c,
        &env(dir.path(), false),
    )
    .await;
    assert!(
        o.message.contains("NOT verified") && o.message.contains("RESOLVED"),
        "{}",
        o.message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_access_analyzer_finding_is_archived_and_read_back() {
    creds();
    let server = FakeAws::start(world());
    let c = Clients::load(None, Some("us-east-1"), Some(&server.url)).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let t = Target::AccessFinding {
        id: "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9".into(),
        analyzer_arn: ANALYZER.into(),
    };
    let o = execute(
        &plan(Action::ArchiveAccess, &t, &ctx()).unwrap_or_else(|e| panic!("{e}")),
        &c,
        &env(dir.path(), false),
    )
    .await;
    assert_eq!(o.status, Status::Done, "{o:#?}");
    assert!(
        o.message.contains("verified: the finding is ARCHIVED"),
        "{}",
        o.message
    );
    assert_eq!(
        server.requests("access-analyzer", "UpdateFindings")[0].body["status"],
        "ARCHIVED"
    );
    assert_eq!(
        server.with(|w| w.analyzer_findings[ANALYZER][0]["status"].clone()),
        "ARCHIVED"
    );
    let o = execute(
        &plan(Action::UnarchiveAccess, &t, &ctx()).unwrap_or_else(|e| panic!("{e}")),
        &c,
        &env(dir.path(), false),
    )
    .await;
    assert!(
        o.message.contains("verified: the finding is ACTIVE"),
        "{}",
        o.message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_refuses_before_any_call() {
    creds();
    let server = FakeAws::start(world());
    let c = Clients::load(None, Some("us-east-1"), Some(&server.url)).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (id, product_arn, _) = server.with(|w| guardduty_in_hub(w));
    let t = Target::HubFinding { id, product_arn };
    let o = execute(
        &plan(Action::WorkflowNotified, &t, &ctx()).unwrap_or_else(|e| panic!("{e}")),
        &c,
        &env(dir.path(), true),
    )
    .await;
    assert_ne!(o.status, Status::Done);
    assert!(server.with(|w| w.log.is_empty()), "no call at all");
}

#[test]
fn bound_to_the_findings_account_other_credentials_are_refused_before_any_change() {
    on_console_runtime(bound_to_the_findings_account());
}

async fn bound_to_the_findings_account() {
    creds();
    let server = FakeAws::start(world());
    let c = Clients::load(None, Some("us-east-1"), Some(&server.url)).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (id, product_arn, _) = server.with(|w| guardduty_in_hub(w));
    // The target names its account and region (the finding id's ARN, the product's region).
    let scoped = Target::parse_scoped(&format!("securityhub:{product_arn}|{id}"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (scoped.account.as_deref(), scoped.region.as_deref()),
        (Some("111122223333"), Some("us-east-1"))
    );
    let p =
        plan(Action::WorkflowResolved, &scoped.target, &ctx()).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        p.describe()
            .iter()
            .any(|l| l.contains("account 111122223333") && l.contains("us-east-1")),
        "the plan says where it acts: {:?}",
        p.describe()
    );
    // Bound to another account than the credentials answer for: refused, nothing written.
    let other = PlanCtx {
        account: Some("999988887777".into()),
        ..ctx()
    };
    for (action, target) in [
        (Action::WorkflowResolved, scoped.target.clone()),
        (
            Action::ArchiveAccess,
            Target::AccessFinding {
                id: "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9".into(),
                analyzer_arn: ANALYZER.into(),
            },
        ),
    ] {
        let p = plan(action, &target, &other).unwrap_or_else(|e| panic!("{e}"));
        let o = execute(&p, &c, &env(dir.path(), false)).await;
        assert_eq!(o.status, Status::Refused, "{o:#?}");
        assert!(o.message.contains("999988887777"), "{}", o.message);
    }
    assert!(server
        .requests("securityhub", "BatchUpdateFindings")
        .is_empty());
    assert!(server
        .requests("access-analyzer", "UpdateFindings")
        .is_empty());
    assert!(
        !dir.path().join("audit.jsonl").exists() || {
            let a = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap_or_default();
            !a.contains("\"kind\":\"intent\"")
        }
    );
}
