//! The recovery actions against moto server (issue 37): each undoes one change an attacker
//! makes — made here for real first — and the state read back from moto (not the calls'
//! answers) shows it undone; run again, each finds nothing to do and still verifies. CloudTrail
//! and GuardDuty, which moto does not answer as the SDK calls them, are the fake AWS's.

mod common;
#[path = "support/fake_aws/mod.rs"]
mod fake_aws;

use airc::respond::clients::Clients;
use airc::respond::execute::{execute, Env, Outcome, Status};
use airc::respond::plan::{plan, PlanCtx};
use airc::respond::{Action, Target};
use common::moto::Moto;

const REGION: &str = "us-east-1";
/// An administrator policy of the account (moto loads no AWS managed policies).
const ADMIN: &str = "arn:aws:iam::123456789012:policy/AdminAll";

async fn run(c: &Clients, dir: &std::path::Path, action: Action, target: &str) -> Outcome {
    let target = Target::parse(target).unwrap_or_else(|e| panic!("{target}: {e}"));
    let ctx = PlanCtx {
        account: Some(common::moto::ACCOUNT.into()),
        region: REGION.into(),
        profile: Some("default".into()),
        incident: Some("IR-20261208-1".into()),
        sns_topic: None,
    };
    let p = plan(action, &target, &ctx).unwrap_or_else(|e| panic!("{action}: {e}"));
    let env = Env {
        read_only: false,
        evidence_dir: dir.join("evidence"),
        data_dir: dir.to_path_buf(),
    };
    execute(&p, c, &env).await
}

fn verified(o: &Outcome) {
    assert_eq!(o.status, Status::Done, "{o:#?}");
    assert!(
        o.verification.as_ref().is_some_and(|v| v.verified),
        "{o:#?}"
    );
}

fn changed(o: &Outcome) -> Vec<String> {
    o.steps
        .iter()
        .filter(|s| {
            ["Detach", "Delete", "Revoke", "Start", "Update", "Create"]
                .iter()
                .any(|w| s.operation.contains(&format!(":{w}")))
        })
        .map(|s| s.operation.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_recovery_action_undoes_its_change_and_a_second_run_finds_nothing_to_do() {
    let Some(moto) = Moto::start() else { return };
    common::moto::creds("AKIAMOTOTESTING00011");
    let c = Clients::load(None, Some(REGION), Some(&moto.url)).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    // The attacker's changes, for real.
    let iam = &c.iam;
    let doc =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    iam.create_policy()
        .policy_name("AdminAll")
        .policy_document(doc)
        .send()
        .await
        .unwrap();
    iam.create_user()
        .user_name("svc-backup2")
        .send()
        .await
        .unwrap();
    iam.create_login_profile()
        .user_name("svc-backup2")
        .password("Backdoor-Passw0rd!")
        .send()
        .await
        .unwrap();
    iam.attach_user_policy()
        .user_name("svc-backup2")
        .policy_arn(ADMIN)
        .send()
        .await
        .unwrap();
    let doc =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    iam.put_user_policy()
        .user_name("svc-backup2")
        .policy_name("sync")
        .policy_document(doc)
        .send()
        .await
        .unwrap();
    iam.create_role()
        .role_name("ops-admin")
        .assume_role_policy_document(doc)
        .send()
        .await
        .unwrap();
    iam.attach_role_policy()
        .role_name("ops-admin")
        .policy_arn(ADMIN)
        .send()
        .await
        .unwrap();
    let sg = common::moto::group(&c, "default-ssh").await;
    c.ec2
        .authorize_security_group_ingress()
        .group_id(&sg)
        .ip_protocol("tcp")
        .from_port(22)
        .to_port(22)
        .cidr_ip("0.0.0.0/0")
        .send()
        .await
        .unwrap();
    c.ec2
        .create_key_pair()
        .key_name("sync")
        .send()
        .await
        .unwrap();
    // The trail stopped and GuardDuty disabled, in the fake AWS.
    let det = "12abc34d567e8fa901bc2d34e56789f0".to_string();
    let mut world = fake_aws::World::empty();
    world.trails_logging.insert("org-trail".into(), false);
    world.detectors.insert(REGION.into(), vec![det.clone()]);
    world.detector_enabled.insert(det.clone(), false);
    let fake = fake_aws::FakeAws::start(world);
    let mut c = c.clone();
    c.cloudtrail = aws_sdk_cloudtrail::Client::from_conf(
        aws_sdk_cloudtrail::config::Builder::from(&c.config)
            .endpoint_url(&fake.url)
            .build(),
    );
    c.guardduty = aws_sdk_guardduty::Client::from_conf(
        aws_sdk_guardduty::config::Builder::from(&c.config)
            .endpoint_url(&fake.url)
            .build(),
    );

    let cases = [
        (
            Action::DetachUserPolicy,
            format!("user-policy/svc-backup2/{ADMIN}"),
        ),
        (
            Action::DeleteUserPolicy,
            "user-policy/svc-backup2/sync".to_string(),
        ),
        (Action::DeleteLoginProfile, "user/svc-backup2".to_string()),
        (
            Action::DetachRolePolicy,
            format!("role-policy/ops-admin/{ADMIN}"),
        ),
        (
            Action::RevokeIngress,
            format!("ingress/{sg}/tcp/22-22/0.0.0.0/0"),
        ),
        (Action::DeleteKeyPair, "key-pair/sync".to_string()),
        (Action::StartLogging, "trail/org-trail".to_string()),
        (Action::EnableGuardDuty, format!("detector/{det}")),
    ];
    for (action, target) in &cases {
        let o = run(&c, d, *action, target).await;
        verified(&o);
        assert_eq!(changed(&o).len(), 1, "{action}: one change: {:?}", o.steps);
    }

    // Read from moto, not from the answers.
    let iam = &c.iam;
    let u = iam
        .list_attached_user_policies()
        .user_name("svc-backup2")
        .send()
        .await
        .unwrap();
    assert!(u.attached_policies().is_empty(), "{u:?}");
    let inline = iam
        .list_user_policies()
        .user_name("svc-backup2")
        .send()
        .await
        .unwrap();
    assert!(inline.policy_names().is_empty());
    assert!(
        iam.get_login_profile()
            .user_name("svc-backup2")
            .send()
            .await
            .is_err(),
        "password gone"
    );
    let r = iam
        .list_attached_role_policies()
        .role_name("ops-admin")
        .send()
        .await
        .unwrap();
    assert!(r.attached_policies().is_empty());
    let g = c
        .ec2
        .describe_security_groups()
        .group_ids(&sg)
        .send()
        .await
        .unwrap();
    assert!(g.security_groups()[0].ip_permissions().is_empty(), "{g:?}");
    let k = c.ec2.describe_key_pairs().send().await.unwrap();
    assert!(k.key_pairs().iter().all(|k| k.key_name() != Some("sync")));
    let t = c
        .cloudtrail
        .get_trail_status()
        .name("org-trail")
        .send()
        .await
        .unwrap();
    assert_eq!(t.is_logging(), Some(true));
    let g = c
        .guardduty
        .get_detector()
        .detector_id(&det)
        .send()
        .await
        .unwrap();
    assert_eq!(
        g.status(),
        Some(&aws_sdk_guardduty::types::DetectorStatus::Enabled)
    );
    // The inline policy's document was kept before it was deleted.
    let saved: Vec<_> = std::fs::read_dir(d.join("evidence"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.to_string_lossy()
                .contains("inline-policy-svc-backup2-sync")
        })
        .collect();
    assert_eq!(saved.len(), 1, "{saved:?}");
    let text = std::fs::read_to_string(&saved[0]).unwrap();
    assert!(text.contains("\"Action\":\"*\""), "{text}");
    let manifest = std::fs::read_to_string(d.join("evidence/manifest.jsonl")).unwrap();
    assert!(
        manifest.contains("inline-policy-svc-backup2-sync") && manifest.contains("sha256"),
        "{manifest}"
    );

    // Again: nothing is left to undo, no change is made, and each still verifies.
    for (action, target) in &cases {
        let o = run(&c, d, *action, target).await;
        verified(&o);
        assert!(changed(&o).is_empty(), "{action}: {:?}", o.steps);
    }

    // A key pair of the attacker's name made since by someone else: not deleted.
    c.ec2
        .create_key_pair()
        .key_name("deploy")
        .send()
        .await
        .unwrap();
    let o = run(
        &c,
        d,
        Action::DeleteKeyPair,
        "key-pair/deploy/key-00000000000000000",
    )
    .await;
    assert_eq!(o.status, Status::Failed, "{o:#?}");
    assert!(
        o.message.contains("nothing deleted")
            || o.steps.iter().any(|s| s.result.contains("nothing deleted")),
        "{o:#?}"
    );
    let k = c
        .ec2
        .describe_key_pairs()
        .key_names("deploy")
        .send()
        .await
        .unwrap();
    assert_eq!(k.key_pairs().len(), 1, "the legitimate key pair stays");

    // A region whose detector was deleted: a new detector is created, enabled.
    let mut eu = Clients::load(None, Some("eu-west-1"), Some(&moto.url)).await;
    eu.guardduty = aws_sdk_guardduty::Client::from_conf(
        aws_sdk_guardduty::config::Builder::from(&eu.config)
            .endpoint_url(&fake.url)
            .build(),
    );
    let o = run(&eu, d, Action::EnableGuardDuty, &format!("detector/{det}")).await;
    verified(&o);
    assert_eq!(changed(&o), vec!["guardduty:CreateDetector"]);
    assert_eq!(fake.with(|w| w.detectors["eu-west-1"].len()), 1);
}
