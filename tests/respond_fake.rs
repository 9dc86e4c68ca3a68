//! Response actions moto lacks (GuardDuty archive, unarchive, feedback) against the fake AWS,
//! and read-only mode: every mutating plan of the catalog is refused with zero calls.

#[path = "support/fake_aws/mod.rs"]
mod fake_aws;

use airc::respond::clients::Clients;
use airc::respond::execute::{execute, Env, Status};
use airc::respond::plan::{plan, PlanCtx};
use airc::respond::{Action, Target};
use fake_aws::{FakeAws, World};
use std::path::Path;

fn creds() {
    std::env::set_var("AWS_ACCESS_KEY_ID", "AKIAFAKETESTING00001");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "x");
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    std::env::remove_var("AWS_PROFILE");
}

/// Evidence and the audit log in `dir`.
fn env_in(dir: &Path, read_only: bool) -> Env {
    Env {
        read_only,
        evidence_dir: dir.to_path_buf(),
        data_dir: dir.to_path_buf(),
    }
}

fn ctx() -> PlanCtx {
    PlanCtx {
        account: Some("111122223333".into()),
        region: "us-east-1".into(),
        profile: Some("default".into()),
        incident: Some("IR-20261128-1".into()),
        sns_topic: Some("arn:aws:sns:us-east-1:111122223333:notify".into()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guardduty_archive_unarchive_and_feedback() {
    creds();
    let server = FakeAws::start(World::demo(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo"),
    ));
    let c = Clients::load(None, Some("us-east-1"), Some(&server.url)).await;
    let dir = tempfile::tempdir().unwrap();
    let env = env_in(dir.path(), false);
    let id = server.with(|w| w.findings[0]["id"].as_str().unwrap().to_string());
    let finding = |w: &World| {
        w.findings
            .iter()
            .find(|f| f["id"] == id.as_str())
            .unwrap()
            .clone()
    };
    // Detector unknown: found with ListDetectors first.
    let t = Target::Finding {
        id: id.clone(),
        detector: None,
    };
    let o = execute(&plan(Action::Archive, &t, &ctx()).unwrap(), &c, &env).await;
    assert_eq!(o.status, Status::Done, "{o:#?}");
    assert!(
        o.message.contains("verified: the finding is archived"),
        "{}",
        o.message
    );
    assert_eq!(o.account.as_deref(), Some("111122223333"));
    let audit = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
    assert!(
        audit.contains("\"kind\":\"intent\"") && audit.contains("111122223333"),
        "the intent is recorded before the change: {audit}"
    );
    assert_eq!(
        finding(&server.world.lock().unwrap())["service"]["archived"],
        true
    );
    assert_eq!(
        server.requests("guardduty", "ArchiveFindings")[0].body["findingIds"][0],
        id.as_str()
    );
    let o = execute(&plan(Action::Unarchive, &t, &ctx()).unwrap(), &c, &env).await;
    assert_eq!(o.status, Status::Done);
    assert_eq!(
        finding(&server.world.lock().unwrap())["service"]["archived"],
        false
    );
    let o = execute(
        &plan(Action::FeedbackNotUseful, &t, &ctx()).unwrap(),
        &c,
        &env,
    )
    .await;
    assert_eq!(o.status, Status::Done);
    assert_eq!(
        finding(&server.world.lock().unwrap())["service"]["userFeedback"],
        "NOT_USEFUL"
    );
    // An access denial is a failed outcome naming the permission, not a crash.
    server.fault(
        fake_aws::Fault::new("guardduty", fake_aws::FaultKind::AccessDenied).op("ArchiveFindings"),
    );
    let o = execute(&plan(Action::Archive, &t, &ctx()).unwrap(), &c, &env).await;
    assert_eq!(
        o.status,
        Status::Failed,
        "ListDetectors worked, the archive did not: nothing changed"
    );
    assert!(o.message.contains("nothing was changed"), "{}", o.message);
    assert!(
        o.message.contains("guardduty:ArchiveFindings"),
        "{}",
        o.message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_refuses_every_mutating_plan_with_zero_calls() {
    creds();
    let server = FakeAws::start(World::empty());
    let c = Clients::load(None, Some("us-east-1"), Some(&server.url)).await;
    let dir = tempfile::tempdir().unwrap();
    let env = env_in(dir.path(), true);
    let targets = [
        Target::Instance("i-0c0ffee0c0ffee001".into()),
        Target::InstanceGroups("i-0c0ffee0c0ffee001".into(), vec!["sg-1".into()]),
        Target::AccessKey("AKIA4EXAMPLELEAKED01".into()),
        Target::User("ci-deploy".into()),
        Target::Role("ops-admin".into()),
        Target::Bucket("acme-prod-backups".into()),
        Target::Ec2Resource("vol-0c0ffee0c0ffee001".into()),
        Target::Finding {
            id: "f1".into(),
            detector: Some("d1".into()),
        },
        Target::HubFinding {
            id: "f1".into(),
            product_arn: "arn:aws:securityhub:us-east-1::product/aws/guardduty".into(),
        },
        Target::AccessFinding {
            id: "a1".into(),
            analyzer_arn: "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/a".into(),
        },
        Target::Signal {
            id: "guardduty:f1".into(),
            summary: "s".into(),
        },
        // The recovery actions' targets.
        Target::parse("user-policy/u/arn:aws:iam::aws:policy/AdministratorAccess").unwrap(),
        Target::parse("user-policy/u/sync").unwrap(),
        Target::parse("role-policy/r/arn:aws:iam::aws:policy/AdministratorAccess").unwrap(),
        Target::parse("ingress/sg-0badc0ffee0000001/tcp/22-22/0.0.0.0/0").unwrap(),
        Target::parse("key-pair/sync").unwrap(),
        Target::parse("trail/org-trail").unwrap(),
        Target::parse("guardduty").unwrap(),
    ];
    let mut refused = 0;
    let mut covered = std::collections::BTreeSet::new();
    for t in &targets {
        for a in Action::for_target(t) {
            let p = plan(a, t, &ctx()).unwrap();
            if !p.mutating() {
                continue;
            }
            covered.insert(a);
            let o = execute(&p, &c, &env).await;
            assert_eq!(o.status, Status::Refused, "{a} on {t:?}");
            assert!(o.steps.is_empty() && o.message.contains("read-only"));
            refused += 1;
        }
    }
    let mutating: Vec<Action> = Action::ALL
        .iter()
        .copied()
        .filter(|a| *a != Action::Capture)
        .collect();
    assert_eq!(
        covered.into_iter().collect::<Vec<_>>(),
        mutating,
        "every mutating action was tried"
    );
    assert!(refused >= mutating.len());
    assert!(
        server.with(|w| w.log.is_empty()),
        "not one request reached AWS"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_read_never_leads_to_a_write() {
    creds();
    let server = FakeAws::start(World::empty());
    let c = Clients::load(None, Some("us-east-1"), Some(&server.url)).await;
    let dir = tempfile::tempdir().unwrap();
    let env = env_in(dir.path(), false);
    let bucket = Target::Bucket("acme-prod-backups".into());
    // Nothing there (the documented errors) is an answer: the write goes ahead, and the
    // read-back catches that this fake S3 keeps nothing.
    let o = execute(&plan(Action::Tag, &bucket, &ctx()).unwrap(), &c, &env).await;
    assert_eq!(o.status, Status::NotVerified, "{o:#?}");
    assert!(o.message.contains("NOT verified"), "{}", o.message);
    assert_eq!(server.requests("s3", "PutBucketTagging").len(), 1);
    server.with(|w| w.log.clear());
    server.fault(
        fake_aws::Fault::new("s3", fake_aws::FaultKind::AccessDenied).op("GetBucketTagging"),
    );
    server.fault(
        fake_aws::Fault::new("s3", fake_aws::FaultKind::AccessDenied).op("GetPublicAccessBlock"),
    );
    for action in [Action::Tag, Action::BlockPublicAccess] {
        let o = execute(&plan(action, &bucket, &ctx()).unwrap(), &c, &env).await;
        assert_eq!(o.status, Status::Failed, "{action}: {o:#?}");
        let read = if action == Action::Tag {
            "s3:GetBucketTagging"
        } else {
            "s3:GetPublicAccessBlock"
        };
        assert!(
            o.message.contains(read) && o.message.contains("nothing was changed"),
            "{}",
            o.message
        );
        assert!(o.message.contains("access denied"), "{}", o.message);
    }
    assert!(server.requests("s3", "PutBucketTagging").is_empty());
    assert!(server.requests("s3", "PutPublicAccessBlock").is_empty());
    assert_eq!(server.requests("s3", "GetBucketTagging").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_account_or_no_audit_log_means_no_call_that_changes_anything() {
    creds();
    let server = FakeAws::start(World::demo(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo"),
    ));
    let c = Clients::load(None, Some("us-east-1"), Some(&server.url)).await;
    let dir = tempfile::tempdir().unwrap();
    let t = Target::Finding {
        id: "f1".into(),
        detector: Some("d1".into()),
    };
    // The plan is bound to account 999988887777; these credentials answer for 111122223333.
    let other = PlanCtx {
        account: Some("999988887777".into()),
        ..ctx()
    };
    let env = env_in(dir.path(), false);
    let o = execute(&plan(Action::Archive, &t, &other).unwrap(), &c, &env).await;
    assert_eq!(o.status, Status::Refused, "{o:#?}");
    assert!(
        o.message.contains("999988887777") && o.message.contains("111122223333"),
        "{}",
        o.message
    );
    // An audit log that cannot be written: the intent cannot be recorded, so nothing runs.
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, "x").unwrap();
    let env = Env {
        data_dir: blocker.join("data"),
        ..env
    };
    let o = execute(&plan(Action::Archive, &t, &ctx()).unwrap(), &c, &env).await;
    assert_eq!(o.status, Status::Refused, "{o:#?}");
    assert!(o.message.contains("intent"), "{}", o.message);
    let ops: Vec<String> = server.with(|w| w.log.iter().map(|r| r.op.clone()).collect());
    assert_eq!(
        ops,
        vec!["GetCallerIdentity", "GetCallerIdentity"],
        "only the identity checks reached AWS"
    );
}
