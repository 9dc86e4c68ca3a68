//! The reads that check an action's end state, as plan lines: shown with the plan so the
//! responder sees how "verified" will be decided (the reads themselves are in `verify`).

use super::plan::{call, Call, QUARANTINE_POLICY, REVOKE_POLICY, TAG_KEY};
use super::{Action, Target};
use serde_json::json;

/// The reads that check the end state after an action's calls (see `verify`).
pub fn calls(action: Action, target: &Target, id: &str) -> Vec<Call> {
    let r = |svc, op, p| call(svc, op, p, false);
    match action {
        Action::Isolate => vec![
            r("ec2", "DescribeInstances", json!({"InstanceIds": [id]})),
            r(
                "ec2",
                "DescribeSecurityGroups",
                json!({"GroupIds": ["<isolation group>"]}),
            ),
        ],
        Action::RestoreGroups | Action::Stop => {
            vec![r("ec2", "DescribeInstances", json!({"InstanceIds": [id]}))]
        }
        Action::Protect => vec![r(
            "ec2",
            "DescribeInstanceAttribute",
            json!({"InstanceId": id, "Attribute": "disableApiTermination"}),
        )],
        Action::Snapshot => vec![r(
            "ec2",
            "DescribeSnapshots",
            json!({"SnapshotIds": "<the new snapshots>"}),
        )],
        Action::DetachProfile => vec![r(
            "ec2",
            "DescribeIamInstanceProfileAssociations",
            json!({"Filters": {"instance-id": id}}),
        )],
        Action::DeactivateKey | Action::ActivateKey => vec![r(
            "iam",
            "ListAccessKeys",
            json!({"UserName": "<the key's user>"}),
        )],
        Action::QuarantineUser => vec![r(
            "iam",
            "GetUserPolicy",
            json!({"UserName": id, "PolicyName": QUARANTINE_POLICY}),
        )],
        Action::RevokeSessions => vec![r(
            "iam",
            "GetRolePolicy",
            json!({"RoleName": id, "PolicyName": REVOKE_POLICY}),
        )],
        Action::BlockPublicAccess => vec![r("s3", "GetPublicAccessBlock", json!({"Bucket": id}))],
        Action::Archive
        | Action::Unarchive
        | Action::FeedbackUseful
        | Action::FeedbackNotUseful => {
            vec![r("guardduty", "GetFindings", json!({"FindingIds": [id]}))]
        }
        Action::Tag => match target {
            Target::User(_) => vec![r("iam", "ListUserTags", json!({"UserName": id}))],
            Target::Role(_) => vec![r("iam", "ListRoleTags", json!({"RoleName": id}))],
            Target::Bucket(_) => vec![r("s3", "GetBucketTagging", json!({"Bucket": id}))],
            _ => vec![r(
                "ec2",
                "DescribeTags",
                json!({"Filters": {"resource-id": id, "key": TAG_KEY}}),
            )],
        },
        Action::WorkflowNotified
        | Action::WorkflowResolved
        | Action::WorkflowSuppressed
        | Action::ArchiveAccess
        | Action::UnarchiveAccess => super::findings::readback_calls(target),
        Action::DetachUserPolicy
        | Action::DeleteUserPolicy
        | Action::DeleteLoginProfile
        | Action::DetachRolePolicy
        | Action::RevokeIngress
        | Action::DeleteKeyPair
        | Action::StartLogging
        | Action::EnableGuardDuty => super::recovery::readback_calls(action, target),
        Action::Capture | Action::Notify => Vec::new(),
    }
}
