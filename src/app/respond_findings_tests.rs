//! The findings actions' plans from the console: bound where the finding lives.

use super::tests::{live, trail_event};
use super::*;
use crate::keymap::Keymap;
use crate::normalize::{normalize_record, Options};

/// The findings actions bind like the others: a Security Hub finding's workflow update is
/// planned in the finding's own account and region, whatever row has focus at `enter`.
#[test]
fn a_security_hub_workflow_update_binds_to_the_finding_s_account_and_region() {
    let mut s = State::new("live", Keymap::default(), chrono::Utc::now());
    let f = serde_json::json!({"SchemaVersion": "2018-10-08",
        "Id": "arn:aws:securityhub:eu-west-1:444455556666:security-control/S3.8/finding/4f2c",
        "ProductArn": "arn:aws:securityhub:eu-west-1::product/aws/securityhub",
        "ProductName": "Security Hub", "GeneratorId": "security-control/S3.8",
        "AwsAccountId": "444455556666", "Region": "eu-west-1",
        "Types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
        "CreatedAt": "2026-11-28T00:00:00Z", "UpdatedAt": "2026-11-28T00:00:00.000Z",
        "Severity": {"Label": "HIGH", "Normalized": 70},
        "Title": "S3 general purpose buckets should block public access", "Description": "d",
        "Resources": [{"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::acme-prod-backups", "Region": "eu-west-1"}],
        "Compliance": {"Status": "FAILED", "SecurityControlId": "S3.8"},
        "Workflow": {"Status": "NEW"}, "RecordState": "ACTIVE"});
    s.view
        .store
        .insert(normalize_record(f, &Options::default()).unwrap().1);
    s.view
        .store
        .insert(trail_event("bob", "222222222222", "222222222222"));
    s.view.focus = PaneId::GuardDuty;
    s.pane_mut(PaneId::GuardDuty).rows = vec![0];
    s.pane_mut(PaneId::CloudTrail).rows = vec![1];
    live(&mut s, &[("b", "222222222222"), ("sec", "444455556666")]);
    crate::app::commands::execute(&mut s, crate::keymap::Command::Respond);
    let Mode::ActionPick { items, .. } = &s.ui.mode else {
        panic!("{:?} {:?}", s.ui.mode, s.ui.toasts)
    };
    let resolved = items
        .iter()
        .position(|i| i.action == Action::WorkflowResolved)
        .unwrap_or_else(|| panic!("{items:?}"));
    s.view.focus = PaneId::CloudTrail;
    if let Mode::ActionPick { cursor, .. } = &mut s.ui.mode {
        *cursor = resolved;
    }
    crate::app::overlay_commands::execute(&mut s, crate::keymap::Command::Accept);
    let Mode::ActionPlan { plan, .. } = &s.ui.mode else {
        panic!("{:?} {:?}", s.ui.mode, s.ui.toasts)
    };
    assert_eq!(
        plan.describe()[0],
        "account 444455556666 (profile sec) · eu-west-1"
    );
    assert!(
        plan.describe()
            .iter()
            .any(|l| l.contains("BatchUpdateFindings")),
        "{:?}",
        plan.describe()
    );
}

/// Fails on 4ff62b5 (hostile review of issue 34): an organization analyzer's finding was
/// archived in the resource owner's account and the console's default region, and a Security
/// Hub finding without a top-level Region was changed in its resource's region.
#[test]
fn findings_actions_bind_where_the_finding_lives() {
    let mut s = State::new("live", Keymap::default(), chrono::Utc::now());
    let aa = serde_json::json!({"analyzerArn": "arn:aws:access-analyzer:eu-west-1:999999999999:analyzer/org-analyzer",
        "id": "0910eedb-381e-4e95-adda-0d25c19e6e90", "resource": "arn:aws:s3:::bucket-b",
        "resourceType": "AWS::S3::Bucket", "resourceOwnerAccount": "111122223333", "status": "ACTIVE",
        "findingType": "ExternalAccess", "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z",
        "findingDetails": [{"externalAccessDetails": {"action": ["s3:GetObject"], "isPublic": true, "principal": {"AWS": "*"}}}]});
    let hub = serde_json::json!({"SchemaVersion": "2018-10-08",
        "Id": "arn:aws:securityhub:eu-west-1:111122223333:subscription/aws-foundational-security-best-practices/v/1.0.0/IAM.1/finding/abc",
        "ProductArn": "arn:aws:securityhub:eu-west-1::product/aws/securityhub",
        "GeneratorId": "aws-foundational-security-best-practices/v/1.0.0/IAM.1", "AwsAccountId": "111122223333",
        "Types": ["Software and Configuration Checks"], "CreatedAt": "2026-01-01T00:00:00Z",
        "UpdatedAt": "2026-01-02T00:00:00Z", "Severity": {"Label": "HIGH"}, "Title": "t", "Description": "x",
        "Workflow": {"Status": "NEW"}, "RecordState": "ACTIVE",
        "Resources": [{"Type": "AwsIamPolicy", "Id": "arn:aws:iam::111122223333:policy/admin", "Region": "us-east-1"}]});
    for v in [aa, hub] {
        s.view
            .store
            .insert(normalize_record(v, &Options::default()).unwrap().1);
    }
    live(
        &mut s,
        &[("owner", "111122223333"), ("admin", "999999999999")],
    );
    s.view.focus = PaneId::GuardDuty;
    let plan_first = |s: &mut State, row: u32, action: Action| {
        s.ui.mode = Mode::Normal;
        s.pane_mut(PaneId::GuardDuty).rows = vec![row];
        open(s);
        let Mode::ActionPick { items, origin, .. } = s.ui.mode.clone() else {
            panic!("{:?} {:?}", s.ui.mode, s.ui.toasts)
        };
        let item = items
            .into_iter()
            .find(|i| i.action == action)
            .unwrap_or_else(|| panic!("{action:?}"));
        pick(s, &origin, item);
        let Mode::ActionPlan { plan, .. } = &s.ui.mode else {
            panic!("{:?} {:?}", s.ui.mode, s.ui.toasts)
        };
        plan.describe()[0].clone()
    };
    assert_eq!(
        plan_first(&mut s, 0, Action::ArchiveAccess),
        "account 999999999999 (profile admin) · eu-west-1"
    );
    assert_eq!(
        plan_first(&mut s, 1, Action::WorkflowResolved),
        "account 111122223333 (profile owner) · eu-west-1"
    );
}
