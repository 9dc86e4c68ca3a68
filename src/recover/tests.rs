use super::*;
use crate::normalize::{normalize_record, Normalized, Options};

/// The demo's CloudTrail records, as signals with their originals.
fn demo() -> Vec<Signal> {
    let v: serde_json::Value =
        serde_json::from_str(include_str!("../../assets/demo/cloudtrail.json")).unwrap();
    let recs = v["Records"].as_array().cloned().unwrap_or_default();
    recs.into_iter()
        .filter_map(|r| match normalize_record(r, &Options::default()) {
            Ok((_, Normalized::Signal(s))) => Some(s.signal),
            _ => None,
        })
        .collect()
}

fn find<'a>(items: &'a [Item], call: &str) -> Vec<&'a Item> {
    items.iter().filter(|i| i.call == call).collect()
}

fn steps(i: &Item) -> Vec<(Action, Target)> {
    match &i.undo {
        Undo::Plans { steps, .. } => steps.clone(),
        other => panic!("{} {other:?}", i.call),
    }
}

#[test]
fn the_demo_attackers_changes_each_get_their_inverse() {
    let items = checklist(&demo());
    let calls: Vec<&str> = items.iter().map(|i| i.call.as_str()).collect();
    // Reads, sign-ins and caller checks are no changes.
    assert!(
        !calls.iter().any(|c| c.contains(":List")
            || c.contains(":Describe")
            || c.starts_with("signin:")
            || *c == "sts:GetCallerIdentity"),
        "{calls:?}"
    );
    let one = |call: &str| {
        let v = find(&items, call);
        assert!(!v.is_empty(), "{call} missing from {calls:?}");
        steps(v[0])
    };
    assert_eq!(
        one("iam:CreateAccessKey"),
        vec![(
            Action::DeactivateKey,
            Target::AccessKey("AKIA4EXAMPLEBACKDR02".into())
        )]
    );
    assert_eq!(
        one("iam:CreateLoginProfile"),
        vec![(
            Action::DeleteLoginProfile,
            Target::User("svc-backup2".into())
        )]
    );
    assert_eq!(
        one("iam:AttachUserPolicy"),
        vec![(
            Action::DetachUserPolicy,
            Target::UserPolicy {
                user: "svc-backup2".into(),
                policy: "arn:aws:iam::aws:policy/AdministratorAccess".into()
            }
        )]
    );
    assert_eq!(
        one("iam:PutUserPolicy"),
        vec![(
            Action::DeleteUserPolicy,
            Target::UserPolicy {
                user: "svc-backup2".into(),
                policy: "sync".into()
            }
        )]
    );
    assert_eq!(
        one("iam:CreateUser"),
        vec![(Action::QuarantineUser, Target::User("svc-backup2".into()))]
    );
    assert_eq!(
        one("sts:AssumeRole"),
        vec![(Action::RevokeSessions, Target::Role("ops-admin".into()))]
    );
    assert_eq!(
        one("ec2:AuthorizeSecurityGroupIngress"),
        vec![(
            Action::RevokeIngress,
            Target::parse("ingress/sg-0badc0ffee0000001/tcp/22-22/0.0.0.0/0").unwrap()
        )]
    );
    assert_eq!(
        one("ec2:CreateKeyPair"),
        vec![(
            Action::DeleteKeyPair,
            Target::KeyPair {
                name: "sync".into(),
                id: Some("key-0a1b2c3d4e5f67890".into())
            }
        )]
    );
    assert_eq!(
        one("s3:DeleteBucketPublicAccessBlock"),
        vec![(
            Action::BlockPublicAccess,
            Target::Bucket("acme-prod-backups".into())
        )]
    );
    // Two launches succeeded (snapshot, then stop, each), one was refused.
    let runs = find(&items, "ec2:RunInstances");
    assert_eq!(runs.len(), 3);
    let launched: Vec<_> = runs
        .iter()
        .filter(|i| matches!(i.undo, Undo::Plans { .. }))
        .map(|i| steps(i))
        .collect();
    assert_eq!(launched.len(), 2);
    assert_eq!(
        launched[0].iter().map(|(a, _)| *a).collect::<Vec<_>>(),
        vec![Action::Snapshot, Action::Stop]
    );
    assert!(runs.iter().any(|i| i.undo
        == Undo::Attempted {
            error: "Client.InstanceLimitExceeded".into()
        }));
    // Refused calls: nothing to undo.
    for call in [
        "cloudtrail:StopLogging",
        "guardduty:DeleteDetector",
        "guardduty:UpdateDetector",
    ] {
        assert!(
            find(&items, call)
                .iter()
                .all(|i| matches!(i.undo, Undo::Attempted { .. })),
            "{call}"
        );
    }
    // No record of what was there before: a decision.
    for call in [
        "s3:PutBucketPolicy",
        "iam:UpdateAssumeRolePolicy",
        "cloudtrail:PutEventSelectors",
        "ec2:CreateSecurityGroup",
    ] {
        assert!(
            find(&items, call)
                .iter()
                .all(|i| matches!(i.undo, Undo::Decision { .. })),
            "{call}"
        );
    }
    // Bound to where each change was made.
    assert!(
        items
            .iter()
            .all(|i| i.account.as_deref() == Some("111122223333")),
        "{items:?}"
    );
    // Oldest first.
    assert!(items.windows(2).all(|w| w[0].time <= w[1].time));
}

#[test]
fn a_stopped_trail_is_started_and_a_disabled_detector_enabled() {
    let rec = |name: &str, source: &str, req: serde_json::Value| {
        let v = serde_json::json!({"eventVersion":"1.08","eventID":format!("id-{name}"),"eventTime":"2026-12-08T00:00:00Z",
            "eventSource":source,"eventName":name,"awsRegion":"eu-west-1","recipientAccountId":"111122223333",
            "readOnly":false,"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/x","userName":"x"},
            "requestParameters":req});
        match normalize_record(v, &Options::default()) {
            Ok((_, Normalized::Signal(s))) => s.signal,
            other => panic!("{other:?}"),
        }
    };
    let sigs = [
        rec(
            "StopLogging",
            "cloudtrail.amazonaws.com",
            serde_json::json!({"name":"arn:aws:cloudtrail:eu-west-1:111122223333:trail/main"}),
        ),
        rec(
            "UpdateDetector",
            "guardduty.amazonaws.com",
            serde_json::json!({"detectorId":"12abc34d567e8fa901bc2d34e56789f0","enable":false}),
        ),
        rec(
            "DeleteDetector",
            "guardduty.amazonaws.com",
            serde_json::json!({"detectorId":"12abc34d567e8fa901bc2d34e56789f0"}),
        ),
    ];
    let items = checklist(&sigs);
    let trail = find(&items, "cloudtrail:StopLogging")[0];
    assert_eq!(
        steps(trail)[0],
        (Action::StartLogging, Target::Trail("main".into()))
    );
    assert_eq!(trail.region.as_deref(), Some("eu-west-1"));
    let gd: Vec<_> = items
        .iter()
        .filter(|i| i.call.starts_with("guardduty:"))
        .map(|i| steps(i)[0].clone())
        .collect();
    assert!(gd.contains(&(
        Action::EnableGuardDuty,
        Target::Detector(Some("12abc34d567e8fa901bc2d34e56789f0".into()))
    )));
    assert!(gd.contains(&(Action::EnableGuardDuty, Target::Detector(None))));
}

#[test]
fn names_in_a_record_that_are_no_aws_names_become_decisions() {
    let v = serde_json::json!({"eventVersion":"1.08","eventID":"id-x","eventTime":"2026-12-08T00:00:00Z",
        "eventSource":"iam.amazonaws.com","eventName":"AttachUserPolicy","awsRegion":"us-east-1",
        "recipientAccountId":"111122223333","readOnly":false,
        "userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/x"},
        "requestParameters":{"userName":"a b\u{1b}[31m","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}});
    let Ok((_, Normalized::Signal(s))) = normalize_record(v, &Options::default()) else {
        panic!()
    };
    let items = checklist([&s.signal]);
    let Undo::Decision { why } = &items[0].undo else {
        panic!("{:?}", items[0])
    };
    assert!(!why.contains('\u{1b}'), "{why}");
}

/// One record, as a signal with its original.
fn one(
    name: &str,
    source: &str,
    req: serde_json::Value,
    resp: serde_json::Value,
    region: Option<&str>,
) -> Vec<Item> {
    let mut v = serde_json::json!({"eventVersion":"1.08","eventID":"id-x","eventTime":"2026-12-08T00:00:00Z",
        "eventSource":source,"eventName":name,"recipientAccountId":"111122223333","readOnly":false,
        "userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/x"},
        "requestParameters":req,"responseElements":resp});
    if let Some(r) = region {
        v["awsRegion"] = serde_json::json!(r);
    }
    let Ok((_, Normalized::Signal(s))) = normalize_record(v, &Options::default()) else {
        panic!()
    };
    checklist([&s.signal])
}

fn why(items: &[Item]) -> String {
    match &items[0].undo {
        Undo::Decision { why } => why.clone(),
        other => panic!("a decision expected: {other:?}"),
    }
}

/// Hostile review of issue 37 (session 20): each of these became a plan that acted on the
/// wrong thing, or left part of the change in place while saying it was done.
#[test]
fn records_that_cannot_be_undone_exactly_are_decisions() {
    let ec2 = "ec2.amazonaws.com";
    // A protocol given as its number: revoked by the name EC2 keeps.
    let items = one(
        "AuthorizeSecurityGroupIngress",
        ec2,
        serde_json::json!({"groupId":"sg-0badc0ffee0000001",
        "ipPermissions":{"items":[{"ipProtocol":"6","fromPort":3389,"toPort":3389,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}}),
        serde_json::Value::Null,
        Some("eu-west-1"),
    );
    assert_eq!(
        steps(&items[0]),
        vec![(
            Action::RevokeIngress,
            Target::parse("ingress/sg-0badc0ffee0000001/tcp/3389-3389/0.0.0.0/0").unwrap()
        )]
    );
    // tcp without ports, or from a prefix list: not revoked by a guess.
    let items = one(
        "AuthorizeSecurityGroupIngress",
        ec2,
        serde_json::json!({"groupId":"sg-0badc0ffee0000001",
        "ipPermissions":{"items":[{"ipProtocol":"tcp","ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}}),
        serde_json::Value::Null,
        Some("eu-west-1"),
    );
    assert!(why(&items).contains("without its ports"));
    // More targets than one change may plan: a decision, never a silent cut.
    let many: Vec<serde_json::Value> = (0..100)
        .map(|n| serde_json::json!({"instanceId": format!("i-{n:017x}")}))
        .collect();
    let items = one(
        "RunInstances",
        ec2,
        serde_json::json!({}),
        serde_json::json!({"instancesSet":{"items":many}}),
        Some("eu-west-1"),
    );
    assert!(why(&items).contains("100 instances"), "{items:?}");
    let ranges: Vec<serde_json::Value> = (0..100)
        .map(|n| serde_json::json!({"cidrIp": format!("10.0.{n}.0/24")}))
        .collect();
    let items = one(
        "AuthorizeSecurityGroupIngress",
        ec2,
        serde_json::json!({"groupId":"sg-0badc0ffee0000001",
        "ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{"items":ranges}}]}}),
        serde_json::Value::Null,
        Some("eu-west-1"),
    );
    assert!(why(&items).contains("100 rules"));
    // A role of another account: its sessions are not revoked here.
    let items = one(
        "AssumeRole",
        "sts.amazonaws.com",
        serde_json::json!({"roleArn":"arn:aws:iam::999988887777:role/OrgAdmin"}),
        serde_json::Value::Null,
        Some("us-east-1"),
    );
    assert!(why(&items).contains("999988887777"));
    // No region: a regional change is not undone in a guessed one.
    let items = one(
        "CreateKeyPair",
        ec2,
        serde_json::json!({"keyName":"noregion"}),
        serde_json::json!({"keyPairId":"key-0a1b2c3d4e5f67890"}),
        None,
    );
    assert!(why(&items).contains("no region"));
    // No key pair id: the name alone could be another key pair made since.
    let items = one(
        "CreateKeyPair",
        ec2,
        serde_json::json!({"keyName":"deploy"}),
        serde_json::json!({}),
        Some("eu-west-1"),
    );
    assert!(why(&items).contains("no key pair id"));
    // Names that are no AWS names: a decision, whatever the parser of a target would make of it.
    for user in ["x/alice", "bob\u{1b}[31mRED", ""] {
        let items = one(
            "CreateLoginProfile",
            "iam.amazonaws.com",
            serde_json::json!({"userName": user}),
            serde_json::Value::Null,
            Some("us-east-1"),
        );
        assert!(why(&items).contains("no valid IAM user name"), "{user:?}");
    }
    let items = one(
        "CreateAccessKey",
        "iam.amazonaws.com",
        serde_json::json!({"userName":"u"}),
        serde_json::json!({"accessKey":{"accessKeyId":"AKIA\u{1b}[2JZZZZZZZZZZZZ"}}),
        Some("us-east-1"),
    );
    assert!(why(&items).contains("no valid access key id"));
}
