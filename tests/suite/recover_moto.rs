//! `airc recover` on the demo attacker's story against moto (issue 37): the attacker's changes
//! are made for real first, the demo's CloudTrail records name them (moto's own ids put in for
//! the key, instances and group it generated), and after `airc recover STORY --yes` every
//! reversible change reads back undone, what needs a decision is listed, and what the attacker
//! did not touch is as it was.

use crate::common;
use common::moto::{clients_for, Moto};

const ACCOUNT: &str = "111122223333";
const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const READ_ONLY: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";

fn airc(data: &std::path::Path, url: &str, args: &[&str]) -> std::process::Output {
    common::airc_in(data)
        .args(args)
        .args(["--endpoint-url", url])
        .env("HOME", data)
        .env("AWS_ACCESS_KEY_ID", "AKIARECOVERTEST00001")
        .env("AWS_SECRET_ACCESS_KEY", "x")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .output()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recover_undoes_the_demo_attackers_changes_and_touches_nothing_else() {
    let Some(moto) = Moto::start_with(&[
        ("MOTO_ACCOUNT_ID", ACCOUNT),
        ("MOTO_IAM_LOAD_MANAGED_POLICIES", "true"),
    ]) else {
        return;
    };
    let c = clients_for(&moto.url, "us-east-1").await;
    let (iam, ec2, s3) = (&c.iam, &c.ec2, &c.s3);
    // What the attacker made.
    iam.create_user()
        .user_name("svc-backup2")
        .send()
        .await
        .unwrap();
    let key = iam
        .create_access_key()
        .user_name("svc-backup2")
        .send()
        .await
        .unwrap();
    let key = key.access_key().unwrap().access_key_id().to_string();
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
    let allow_all =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    iam.put_user_policy()
        .user_name("svc-backup2")
        .policy_name("sync")
        .policy_document(allow_all)
        .send()
        .await
        .unwrap();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    iam.create_role()
        .role_name("ops-admin")
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap();
    let sg = common::moto::group(&c, "default-ssh").await;
    ec2.authorize_security_group_ingress()
        .group_id(&sg)
        .ip_protocol("tcp")
        .from_port(22)
        .to_port(22)
        .cidr_ip("0.0.0.0/0")
        .send()
        .await
        .unwrap();
    let pair = ec2.create_key_pair().key_name("sync").send().await.unwrap();
    let pair_id = pair.key_pair_id().unwrap().to_string();
    let i1 = common::moto::instance_in(&c, &sg).await;
    let i2 = common::moto::instance_in(&c, &sg).await;
    s3.create_bucket()
        .bucket("acme-prod-backups")
        .send()
        .await
        .unwrap();
    // What was there before and the attacker did not touch.
    iam.create_user().user_name("alice").send().await.unwrap();
    iam.attach_user_policy()
        .user_name("alice")
        .policy_arn(READ_ONLY)
        .send()
        .await
        .unwrap();
    let alice_key = iam
        .create_access_key()
        .user_name("alice")
        .send()
        .await
        .unwrap();
    let alice_key = alice_key.access_key().unwrap().access_key_id().to_string();
    ec2.authorize_security_group_ingress()
        .group_id(&sg)
        .ip_protocol("tcp")
        .from_port(443)
        .to_port(443)
        .cidr_ip("10.0.0.0/8")
        .send()
        .await
        .unwrap();

    // The demo's records, naming what moto made.
    let dir = tempfile::tempdir().unwrap();
    let demo = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/demo/cloudtrail.json"
    ))
    .unwrap();
    let trail = demo
        .replace("AKIA4EXAMPLEBACKDR02", &key)
        .replace("i-0c0ffee0c0ffee001", &i1)
        .replace("i-0c0ffee0c0ffee002", &i2)
        .replace("sg-0badc0ffee0000001", &sg)
        .replace("key-0a1b2c3d4e5f67890", &pair_id);
    let file = dir.path().join("cloudtrail.json");
    std::fs::write(&file, trail).unwrap();
    let path = file.to_str().unwrap();
    let out = common::run_ok(dir.path(), &["stories", path, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let story = v["stories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s.to_string().contains("CreateLoginProfile"))
        .unwrap_or_else(|| panic!("{v}"));
    let id = story["id"].as_str().unwrap().to_string();

    let incident = common::new_incident(dir.path());
    assert!(incident.starts_with("IR-"), "{incident}");
    let run = airc(
        dir.path(),
        &moto.url,
        &[
            "recover",
            &id,
            path,
            "--yes",
            "--json",
            "--incident",
            &incident,
        ],
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let checklist: serde_json::Value =
        serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    let decisions: Vec<&str> = checklist["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["undo"]["kind"] == "decision")
        .map(|i| i["call"].as_str().unwrap())
        .collect();
    assert!(
        decisions.contains(&"s3:PutBucketPolicy")
            && decisions.contains(&"iam:UpdateAssumeRolePolicy"),
        "{decisions:?}"
    );

    // Undone, as moto reads it.
    let attached = iam
        .list_attached_user_policies()
        .user_name("svc-backup2")
        .send()
        .await
        .unwrap();
    assert!(attached.attached_policies().is_empty(), "{attached:?}");
    let keys = iam
        .list_access_keys()
        .user_name("svc-backup2")
        .send()
        .await
        .unwrap();
    assert_eq!(
        keys.access_key_metadata()[0].status().map(|s| s.as_str()),
        Some("Inactive")
    );
    assert!(
        iam.get_login_profile()
            .user_name("svc-backup2")
            .send()
            .await
            .is_err(),
        "password gone"
    );
    let inline = iam
        .list_user_policies()
        .user_name("svc-backup2")
        .send()
        .await
        .unwrap();
    assert_eq!(
        inline.policy_names(),
        [airc::respond::plan::QUARANTINE_POLICY.to_string()]
    );
    let role = iam
        .list_role_policies()
        .role_name("ops-admin")
        .send()
        .await
        .unwrap();
    assert_eq!(
        role.policy_names(),
        [airc::respond::plan::REVOKE_POLICY.to_string()]
    );
    let g = ec2
        .describe_security_groups()
        .group_ids(&sg)
        .send()
        .await
        .unwrap();
    let rules = g.security_groups()[0].ip_permissions();
    assert_eq!(rules.len(), 1, "{rules:?}");
    assert_eq!(
        (rules[0].from_port(), rules[0].ip_ranges()[0].cidr_ip()),
        (Some(443), Some("10.0.0.0/8"))
    );
    let pairs = ec2.describe_key_pairs().send().await.unwrap();
    assert!(pairs
        .key_pairs()
        .iter()
        .all(|k| k.key_name() != Some("sync")));
    for i in [&i1, &i2] {
        let d = ec2
            .describe_instances()
            .instance_ids(i)
            .send()
            .await
            .unwrap();
        let state = d.reservations()[0].instances()[0]
            .state()
            .and_then(|s| s.name())
            .map(|n| n.as_str().to_string());
        assert!(
            matches!(state.as_deref(), Some("stopped" | "stopping")),
            "{i}: {state:?}"
        );
    }
    let snaps = ec2
        .describe_snapshots()
        .owner_ids("self")
        .send()
        .await
        .unwrap();
    assert!(snaps.snapshots().len() >= 2, "{snaps:?}");
    let block = s3
        .get_public_access_block()
        .bucket("acme-prod-backups")
        .send()
        .await
        .unwrap();
    let b = block.public_access_block_configuration().unwrap();
    assert_eq!(
        (
            b.block_public_acls(),
            b.ignore_public_acls(),
            b.block_public_policy(),
            b.restrict_public_buckets()
        ),
        (Some(true), Some(true), Some(true), Some(true))
    );
    // Untouched.
    let alice = iam
        .list_attached_user_policies()
        .user_name("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(alice.attached_policies()[0].policy_arn(), Some(READ_ONLY));
    let alice_keys = iam
        .list_access_keys()
        .user_name("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(
        alice_keys.access_key_metadata()[0].access_key_id(),
        Some(alice_key.as_str())
    );
    assert_eq!(
        alice_keys.access_key_metadata()[0]
            .status()
            .map(|s| s.as_str()),
        Some("Active")
    );
    assert!(iam
        .list_user_policies()
        .user_name("alice")
        .send()
        .await
        .unwrap()
        .policy_names()
        .is_empty());

    // The incident holds the checklist: every change with plans done; what needs a decision
    // open until a responder says what was decided; then airc says every listed item is
    // resolved, and the postmortem ticks them all.
    let incident_cmd = |args: &[&str]| {
        let mut all = vec!["incident"];
        all.extend_from_slice(args);
        common::run_ok(dir.path(), &all)
    };
    let shown = incident_cmd(&["show", &incident]);
    assert!(
        shown.contains("recovery of story") && shown.contains("done ") && shown.contains("decide "),
        "{shown}"
    );
    assert!(!shown.contains("planned "), "every plan ran: {shown}");
    assert!(
        !shown.lines().next().unwrap().contains("recovered"),
        "{shown}"
    );
    let open_items: Vec<&serde_json::Value> = checklist["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["undo"]["kind"] == "decision")
        .collect();
    let mut said = String::new();
    for item in &open_items {
        said = incident_cmd(&[
            "skip",
            &incident,
            item["signal"].as_str().unwrap(),
            "decided",
            "with",
            "the",
            "owner",
        ]);
    }
    // The last one resolves the list: said, and the phase left to the responder (changes of
    // sensitive signals are never listed).
    assert!(
        said.contains("every listed recovery item is resolved"),
        "{said}"
    );
    let shown = incident_cmd(&["show", &incident]);
    assert!(
        !shown.lines().next().unwrap().contains("recovered"),
        "{shown}"
    );
    let md = incident_cmd(&["export", &incident]);
    assert!(
        md.contains("## Eradication and recovery") && md.contains("- [x]") && !md.contains("- [ ]"),
        "{md}"
    );

    // Again: every plan still verifies (the IAM, EC2 and S3 undos find nothing left to change;
    // snapshots are taken again: evidence only adds).
    let again = airc(
        dir.path(),
        &moto.url,
        &["recover", &id, path, "--yes", "--json"],
    );
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}
