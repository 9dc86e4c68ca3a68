//! Response actions against moto server: every action moto implements, the resulting state
//! read back from moto (not just "the call returned"), plus the `airc respond` command with its
//! audit log and incident timeline.

mod common;

use airc::respond::clients::Clients;
use airc::respond::execute::{execute, Env, Outcome, Status};
use airc::respond::plan::{plan, PlanCtx, ISOLATION_GROUP, TAG_KEY};
use airc::respond::{Action, Target};
use common::moto::Moto;

const REGION: &str = "us-east-1";

struct Fixture {
    c: Clients,
    dir: tempfile::TempDir,
}

impl Fixture {
    async fn run(&self, action: Action, target: Target) -> Outcome {
        let ctx = PlanCtx {
            account: Some(common::moto::ACCOUNT.into()),
            region: REGION.into(),
            profile: Some("default".into()),
            incident: Some("IR-20261128-1".into()),
            sns_topic: self.topic().await,
        };
        let p = plan(action, &target, &ctx).unwrap_or_else(|e| panic!("{action}: {e}"));
        let env = Env {
            read_only: false,
            evidence_dir: self.dir.path().join("evidence"),
            data_dir: self.dir.path().to_path_buf(),
        };
        execute(&p, &self.c, &env).await
    }

    async fn topic(&self) -> Option<String> {
        let t = self.c.sns.list_topics().send().await.ok()?;
        t.topics()
            .first()
            .and_then(|t| t.topic_arn().map(String::from))
    }

    async fn instance(&self, sg: &str) -> String {
        common::moto::instance_in(&self.c, sg).await
    }

    async fn groups_of(&self, id: &str) -> Vec<String> {
        let d = self
            .c
            .ec2
            .describe_instances()
            .instance_ids(id)
            .send()
            .await
            .unwrap();
        d.reservations()[0].instances()[0]
            .security_groups()
            .iter()
            .filter_map(|g| g.group_id().map(String::from))
            .collect()
    }
}

fn done(o: &Outcome) {
    assert_eq!(o.status, Status::Done, "{o:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_action_moto_implements_changes_what_it_says() {
    let Some(moto) = Moto::start() else { return };
    common::moto::creds("AKIAMOTOTESTING00001");
    let c = Clients::load(None, Some(REGION), Some(&moto.url)).await;
    let f = Fixture {
        c,
        dir: tempfile::tempdir().unwrap(),
    };
    let ec2 = &f.c.ec2;
    let web = common::moto::group(&f.c, "web").await;
    ec2.authorize_security_group_ingress()
        .group_id(&web)
        .ip_protocol("tcp")
        .from_port(22)
        .to_port(22)
        .cidr_ip("0.0.0.0/0")
        .send()
        .await
        .unwrap();

    // isolate: the only group left is the isolation group, and it has no rules at all.
    let i1 = f.instance(&web).await;
    let o = f.run(Action::Isolate, Target::Instance(i1.clone())).await;
    done(&o);
    let groups = f.groups_of(&i1).await;
    assert_eq!(groups.len(), 1);
    let iso = ec2
        .describe_security_groups()
        .group_ids(&groups[0])
        .send()
        .await
        .unwrap();
    let g = &iso.security_groups()[0];
    assert_eq!(g.group_name(), Some(ISOLATION_GROUP));
    assert!(
        g.ip_permissions().is_empty() && g.ip_permissions_egress().is_empty(),
        "{g:?}"
    );
    assert_eq!(
        o.undo.as_deref(),
        Some(format!("airc respond restore-groups {i1}:{web}").as_str())
    );
    // A second isolation reuses the group.
    let i2 = f.instance(&web).await;
    done(&f.run(Action::Isolate, Target::Instance(i2.clone())).await);
    assert_eq!(f.groups_of(&i2).await, groups);
    // restore-groups undoes it.
    done(
        &f.run(
            Action::RestoreGroups,
            Target::InstanceGroups(i1.clone(), vec![web.clone()]),
        )
        .await,
    );
    assert_eq!(f.groups_of(&i1).await, vec![web.clone()]);

    // termination protection
    done(&f.run(Action::Protect, Target::Instance(i1.clone())).await);
    let attr = ec2
        .describe_instance_attribute()
        .instance_id(&i1)
        .attribute(aws_sdk_ec2::types::InstanceAttributeName::DisableApiTermination)
        .send()
        .await
        .unwrap();
    assert_eq!(
        attr.disable_api_termination().and_then(|b| b.value()),
        Some(true)
    );

    // snapshots of every attached volume, tagged with the incident
    done(&f.run(Action::Snapshot, Target::Instance(i1.clone())).await);
    let snaps = ec2
        .describe_snapshots()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name(format!("tag:{TAG_KEY}"))
                .values("IR-20261128-1")
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert!(!snaps.snapshots().is_empty(), "tagged snapshots exist");

    // console capture: the evidence file and its manifest line agree
    let o = f.run(Action::Capture, Target::Instance(i1.clone())).await;
    assert!(matches!(o.status, Status::Done | Status::Partial), "{o:#?}");
    let ev = o
        .evidence
        .iter()
        .find(|e| e.what.contains("console output"))
        .expect("console output saved");
    let bytes = std::fs::read(&ev.path).unwrap();
    assert_eq!(airc::respond::evidence::sha256_hex(&bytes), ev.sha256);
    let manifest = std::fs::read_to_string(f.dir.path().join("evidence/manifest.jsonl")).unwrap();
    assert!(manifest.contains(&ev.sha256));

    // tag an instance
    done(&f.run(Action::Tag, Target::Instance(i2.clone())).await);
    let tags = ec2
        .describe_tags()
        .filters(common::moto::filter("resource-id", &i2))
        .send()
        .await
        .unwrap();
    assert!(tags
        .tags()
        .iter()
        .any(|t| t.key() == Some(TAG_KEY) && t.value() == Some("IR-20261128-1")));

    // detach the instance profile
    let iam = &f.c.iam;
    iam.create_role()
        .role_name("app")
        .assume_role_policy_document("{}")
        .send()
        .await
        .unwrap();
    iam.create_instance_profile()
        .instance_profile_name("app")
        .send()
        .await
        .unwrap();
    iam.add_role_to_instance_profile()
        .instance_profile_name("app")
        .role_name("app")
        .send()
        .await
        .unwrap();
    ec2.associate_iam_instance_profile()
        .instance_id(&i2)
        .iam_instance_profile(
            aws_sdk_ec2::types::IamInstanceProfileSpecification::builder()
                .name("app")
                .build(),
        )
        .send()
        .await
        .unwrap();
    done(
        &f.run(Action::DetachProfile, Target::Instance(i2.clone()))
            .await,
    );
    let left = ec2
        .describe_iam_instance_profile_associations()
        .filters(common::moto::filter("instance-id", &i2))
        .send()
        .await
        .unwrap();
    assert!(
        left.iam_instance_profile_associations()
            .iter()
            .all(|a| a.state().map(|s| s.as_str()) != Some("associated")),
        "{left:?}"
    );

    // stop
    done(&f.run(Action::Stop, Target::Instance(i2.clone())).await);
    let d = ec2
        .describe_instances()
        .instance_ids(&i2)
        .send()
        .await
        .unwrap();
    let state = d.reservations()[0].instances()[0]
        .state()
        .and_then(|s| s.name())
        .map(|n| n.as_str().to_string());
    assert!(
        matches!(state.as_deref(), Some("stopping" | "stopped")),
        "{state:?}"
    );

    // IAM: deactivate a key (never delete), quarantine the user, revoke a role's sessions, tag
    iam.create_user()
        .user_name("ci-deploy")
        .send()
        .await
        .unwrap();
    let key = iam
        .create_access_key()
        .user_name("ci-deploy")
        .send()
        .await
        .unwrap();
    let key = key.access_key().unwrap().access_key_id().to_string();
    done(
        &f.run(Action::DeactivateKey, Target::AccessKey(key.clone()))
            .await,
    );
    let keys = iam
        .list_access_keys()
        .user_name("ci-deploy")
        .send()
        .await
        .unwrap();
    let k = keys
        .access_key_metadata()
        .iter()
        .find(|k| k.access_key_id() == Some(key.as_str()))
        .expect("the key still exists");
    assert_eq!(k.status().map(|s| s.as_str()), Some("Inactive"));
    done(
        &f.run(Action::QuarantineUser, Target::User("ci-deploy".into()))
            .await,
    );
    let pol = iam
        .get_user_policy()
        .user_name("ci-deploy")
        .policy_name("airc-quarantine-deny-all")
        .send()
        .await
        .unwrap();
    let doc = common::moto::policy_text(pol.policy_document());
    assert!(doc.contains("\"Deny\"") && doc.contains("\"*\""), "{doc}");
    done(
        &f.run(Action::RevokeSessions, Target::Role("app".into()))
            .await,
    );
    let pol = iam
        .get_role_policy()
        .role_name("app")
        .policy_name("airc-revoke-older-sessions")
        .send()
        .await
        .unwrap();
    assert!(common::moto::policy_text(pol.policy_document()).contains("aws:TokenIssueTime"));
    done(&f.run(Action::Tag, Target::User("ci-deploy".into())).await);
    let t = iam
        .list_user_tags()
        .user_name("ci-deploy")
        .send()
        .await
        .unwrap();
    assert!(t.tags().iter().any(|t| t.key() == TAG_KEY));

    // S3: block public access; tag keeps the bucket's other tags
    let s3 = &f.c.s3;
    s3.create_bucket()
        .bucket("acme-prod-backups")
        .send()
        .await
        .unwrap();
    done(
        &f.run(
            Action::BlockPublicAccess,
            Target::Bucket("acme-prod-backups".into()),
        )
        .await,
    );
    let pab = s3
        .get_public_access_block()
        .bucket("acme-prod-backups")
        .send()
        .await
        .unwrap();
    let cfg = pab.public_access_block_configuration().unwrap();
    assert_eq!(
        (
            cfg.block_public_acls(),
            cfg.ignore_public_acls(),
            cfg.block_public_policy(),
            cfg.restrict_public_buckets()
        ),
        (Some(true), Some(true), Some(true), Some(true))
    );
    let owner = aws_sdk_s3::types::Tag::builder()
        .key("owner")
        .value("backup-team")
        .build()
        .unwrap();
    s3.put_bucket_tagging()
        .bucket("acme-prod-backups")
        .tagging(
            aws_sdk_s3::types::Tagging::builder()
                .tag_set(owner)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    done(
        &f.run(Action::Tag, Target::Bucket("acme-prod-backups".into()))
            .await,
    );
    let t = s3
        .get_bucket_tagging()
        .bucket("acme-prod-backups")
        .send()
        .await
        .unwrap();
    let keys: Vec<&str> = t.tag_set().iter().map(|t| t.key()).collect();
    assert!(
        keys.contains(&"owner") && keys.contains(&TAG_KEY),
        "{keys:?}"
    );

    // SNS notify: a queue subscribed to the topic receives the summary
    let (_topic, q, sqs) = common::moto::subscribed_queue(&f.c, "incident-notify", "oncall").await;
    done(
        &f.run(
            Action::Notify,
            Target::Signal {
                id: "guardduty:f1".into(),
                summary: "Recon by 203.0.113.66".into(),
            },
        )
        .await,
    );
    let msgs = sqs
        .receive_message()
        .queue_url(&q)
        .max_number_of_messages(10)
        .send()
        .await
        .unwrap();
    let body = msgs
        .messages()
        .first()
        .and_then(|m| m.body())
        .unwrap_or_default()
        .to_string();
    assert!(body.contains("Recon by 203.0.113.66"), "{body}");
    drop(moto);
}
