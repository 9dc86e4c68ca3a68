use super::*;

fn ctx() -> PlanCtx {
    PlanCtx {
        account: Some("111122223333".into()),
        region: "us-east-1".into(),
        profile: Some("prod".into()),
        incident: Some("IR-1".into()),
        sns_topic: Some("arn:aws:sns:us-east-1:1:t".into()),
    }
}

#[test]
fn every_applicable_action_has_a_plan_with_permissions() {
    let targets = [
        Target::Instance("i-1".into()),
        Target::InstanceGroups("i-1".into(), vec!["sg-1".into()]),
        Target::AccessKey("AKIAAAAAAAAAAAAAAAAA".into()),
        Target::User("u".into()),
        Target::Role("r".into()),
        Target::Bucket("b".into()),
        Target::Ec2Resource("vol-1".into()),
        Target::Finding {
            id: "f".into(),
            detector: None,
        },
        Target::HubFinding {
            id: "arn:aws:guardduty:us-east-1:1:detector/d/finding/f".into(),
            product_arn: "arn:aws:securityhub:us-east-1::product/aws/guardduty".into(),
        },
        Target::AccessFinding {
            id: "5e6f".into(),
            analyzer_arn: "arn:aws:access-analyzer:us-east-1:1:analyzer/a".into(),
        },
        Target::UserPolicy {
            user: "u".into(),
            policy: "arn:aws:iam::aws:policy/AdministratorAccess".into(),
        },
        Target::RolePolicy {
            role: "r".into(),
            policy: "arn:aws:iam::aws:policy/AdministratorAccess".into(),
        },
        Target::parse("ingress/sg-0badc0ffee0000001/tcp/22-22/0.0.0.0/0").unwrap(),
        Target::KeyPair {
            name: "k".into(),
            id: None,
        },
        Target::Trail("t".into()),
        Target::Detector(None),
    ];
    let mut planned = 0;
    for t in &targets {
        for a in Action::for_target(t) {
            let p = plan(a, t, &ctx()).unwrap_or_else(|e| panic!("{a} {t:?}: {e}"));
            assert!(!p.calls.is_empty());
            assert!(p.calls.iter().all(|c| c.permission.contains(':')));
            if p.destructive {
                assert_eq!(p.confirm_word(), Some(t.id()));
            }
            planned += 1;
        }
    }
    assert!(planned >= Action::ALL.len());
    let iso = plan(Action::Isolate, &targets[0], &ctx()).unwrap();
    assert!(iso.destructive && iso.reversible && iso.mutating());
    assert_eq!(
        iso.describe()[0],
        "account 111122223333 (profile prod) · us-east-1"
    );
    assert!(iso
        .describe()
        .iter()
        .any(|l| l.contains("ec2:ModifyNetworkInterfaceAttribute (changes)")));
    assert_eq!(iso.calls[0].operation, "GetCallerIdentity");
    assert!(iso
        .calls
        .iter()
        .any(|c| c.operation == "DescribeSecurityGroups"
            && c.when == Some("read back after the change")));
    let cap = plan(Action::Capture, &targets[0], &ctx()).unwrap();
    assert!(!cap.mutating());
    assert!(plan(Action::Stop, &targets[0], &ctx())
        .unwrap()
        .warning
        .unwrap()
        .contains("memory"));
    let no_inc = PlanCtx {
        incident: None,
        ..ctx()
    };
    assert!(plan(Action::Tag, &targets[0], &no_inc)
        .unwrap_err()
        .to_string()
        .contains("incident"));
    assert!(plan(Action::DeactivateKey, &targets[0], &ctx()).is_err());
    let revoke = deny_all(Some("2026-11-28T00:00:00Z"));
    assert_eq!(
        revoke["Statement"][0]["Condition"]["DateLessThan"]["aws:TokenIssueTime"],
        "2026-11-28T00:00:00Z"
    );
}
