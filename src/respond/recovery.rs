//! Recovery actions: undoing one change an attacker made (a policy attached or written, a console
//! password, an ingress rule, a key pair, a trail stopped, GuardDuty turned off). Plans and their
//! read-backs here; the calls and the end-state checks in `recovery_run`. Each reads the state
//! first, changes only what is still there, and is verified by reading it back.

use super::plan::{call, Call};
use super::target::IngressRule;
use super::{sh, Action, Error, Target};
use serde_json::{json, Value};

type Parts = (Vec<Call>, String, bool, bool, Option<String>);

/// The calls, undo text, reversible, destructive and warning of a recovery action's plan.
pub(super) fn plan_parts(action: Action, target: &Target) -> Result<Parts, Error> {
    let na = || {
        Err(Error::NotApplicable(format!(
            "{action} does not apply to {}",
            target.label()
        )))
    };
    Ok(match (action, target) {
        (Action::DetachUserPolicy, Target::UserPolicy { user, policy }) => {
            if !super::target_recovery::policy_arn(policy) {
                return Err(Error::NotApplicable(format!(
                    "detach-user-policy needs a managed policy's ARN, not '{policy}' (an inline policy: delete-user-policy)"
                )));
            }
            (
                vec![
                    call("iam", "ListAttachedUserPolicies", json!({"UserName": user}), false),
                    when(call("iam", "DetachUserPolicy", json!({"UserName": user, "PolicyArn": policy}), true), "if it is attached"),
                ],
                format!("aws iam attach-user-policy --user-name {} --policy-arn {}", sh(user), sh(policy)),
                true, false, None,
            )
        }
        (Action::DeleteUserPolicy, Target::UserPolicy { policy, .. })
            if super::target_recovery::policy_arn(policy) =>
        {
            return Err(Error::NotApplicable(format!(
                "'{policy}' is a managed policy: detach-user-policy detaches it"
            )));
        }
        (Action::DeleteUserPolicy, Target::UserPolicy { user, policy }) => (
            vec![
                call("iam", "GetUserPolicy", json!({"UserName": user, "PolicyName": policy}), false),
                when(call("iam", "DeleteUserPolicy", json!({"UserName": user, "PolicyName": policy}), true), "if it exists; its document is saved as evidence first"),
            ],
            format!("aws iam put-user-policy --user-name {} --policy-name {} --policy-document file://<the saved evidence>", sh(user), sh(policy)),
            true, false, None,
        ),
        (Action::DeleteLoginProfile, Target::User(user)) => (
            vec![
                call("iam", "GetLoginProfile", json!({"UserName": user}), false),
                when(call("iam", "DeleteLoginProfile", json!({"UserName": user}), true), "if the user has a console password"),
            ],
            "cannot be undone: the password is gone (aws iam create-login-profile sets a new one)".into(),
            false, true,
            Some("the user can no longer sign in to the console".into()),
        ),
        (Action::DetachRolePolicy, Target::RolePolicy { role, policy }) => (
            vec![
                call("iam", "ListAttachedRolePolicies", json!({"RoleName": role}), false),
                when(call("iam", "DetachRolePolicy", json!({"RoleName": role, "PolicyArn": policy}), true), "if it is attached"),
            ],
            format!("aws iam attach-role-policy --role-name {} --policy-arn {}", sh(role), sh(policy)),
            true, false,
            Some("whatever uses this role loses the policy's permissions".into()),
        ),
        (Action::RevokeIngress, Target::Ingress { group, rule }) => (
            vec![
                call("ec2", "DescribeSecurityGroups", json!({"GroupIds": [group]}), false),
                when(call("ec2", "RevokeSecurityGroupIngress", json!({"GroupId": group, "IpPermissions": [permission_json(rule)]}), true), "if the group still holds the rule"),
            ],
            format!("aws ec2 authorize-security-group-ingress --group-id {} --ip-permissions {}", sh(group), sh(&permission_json(rule).to_string())),
            true, false,
            Some("connections this rule allowed are refused from now on (tracked connections may survive)".into()),
        ),
        (Action::DeleteKeyPair, Target::KeyPair { name, .. }) => (
            vec![
                call("ec2", "DescribeKeyPairs", json!({"KeyNames": [name]}), false),
                when(call("ec2", "DeleteKeyPair", json!({"KeyName": name}), true), "if it exists"),
            ],
            "cannot be undone: the key pair is gone".into(),
            false, true,
            Some("instances launched with it keep its public key in authorized_keys: isolate or stop them too".into()),
        ),
        (Action::StartLogging, Target::Trail(name)) => (
            vec![
                call("cloudtrail", "GetTrailStatus", json!({"Name": name}), false),
                when(call("cloudtrail", "StartLogging", json!({"Name": name}), true), "if the trail is not logging"),
            ],
            format!("aws cloudtrail stop-logging --name {} (never wanted)", sh(name)),
            true, false, None,
        ),
        (Action::EnableGuardDuty, Target::Detector(id)) => (
            vec![
                call("guardduty", "ListDetectors", json!({}), false),
                when(call("guardduty", "GetDetector", json!({"DetectorId": id.as_deref().unwrap_or("<the region's detector>")}), false), "if the region has a detector"),
                when(call("guardduty", "UpdateDetector", json!({"DetectorId": "<the region's detector>", "Enable": true}), true), "if it is disabled"),
                when(call("guardduty", "CreateDetector", json!({"Enable": true}), true), "if the region has none (it was deleted)"),
            ],
            "aws guardduty update-detector --no-enable (never wanted)".into(),
            true, false,
            id.is_some().then(|| "a deleted detector cannot come back: a new one gets a new id, and the old one's findings are gone".into()),
        ),
        _ => return na(),
    })
}

fn when(mut c: Call, w: &'static str) -> Call {
    c.when = Some(w);
    c
}

/// The read-backs of a recovery action (see `recovery_run::read`).
pub(super) fn readback_calls(action: Action, target: &Target) -> Vec<Call> {
    let r = |svc, op, p| call(svc, op, p, false);
    match (action, target) {
        (Action::DetachUserPolicy, Target::UserPolicy { user, .. }) => {
            vec![r(
                "iam",
                "ListAttachedUserPolicies",
                json!({"UserName": user}),
            )]
        }
        (Action::DeleteUserPolicy, Target::UserPolicy { user, .. }) => {
            vec![r("iam", "ListUserPolicies", json!({"UserName": user}))]
        }
        (Action::DeleteLoginProfile, Target::User(user)) => {
            vec![r("iam", "GetLoginProfile", json!({"UserName": user}))]
        }
        (Action::DetachRolePolicy, Target::RolePolicy { role, .. }) => {
            vec![r(
                "iam",
                "ListAttachedRolePolicies",
                json!({"RoleName": role}),
            )]
        }
        (Action::RevokeIngress, Target::Ingress { group, .. }) => {
            vec![r(
                "ec2",
                "DescribeSecurityGroups",
                json!({"GroupIds": [group]}),
            )]
        }
        (Action::DeleteKeyPair, Target::KeyPair { name, .. }) => {
            vec![r("ec2", "DescribeKeyPairs", json!({"KeyNames": [name]}))]
        }
        (Action::StartLogging, Target::Trail(name)) => {
            vec![r("cloudtrail", "GetTrailStatus", json!({"Name": name}))]
        }
        (Action::EnableGuardDuty, _) => {
            vec![r(
                "guardduty",
                "GetDetector",
                json!({"DetectorId": "<the region's detector>"}),
            )]
        }
        _ => Vec::new(),
    }
}

/// The rule as EC2's `IpPermissions` entry (what the plan shows and the call sends).
pub fn permission_json(rule: &IngressRule) -> Value {
    let mut p = json!({"IpProtocol": rule.protocol});
    if let (Some(f), Some(t)) = (rule.from, rule.to) {
        p["FromPort"] = json!(f);
        p["ToPort"] = json!(t);
    }
    if rule.source.starts_with("sg-") {
        p["UserIdGroupPairs"] = json!([{"GroupId": rule.source}]);
    } else if rule.source.contains(':') {
        p["Ipv6Ranges"] = json!([{"CidrIpv6": rule.source}]);
    } else {
        p["IpRanges"] = json!([{"CidrIp": rule.source}]);
    }
    p
}

/// The recovery actions (execution goes to `recovery_run`).
pub fn is_recovery(action: Action) -> bool {
    matches!(
        action,
        Action::DetachUserPolicy
            | Action::DeleteUserPolicy
            | Action::DeleteLoginProfile
            | Action::DetachRolePolicy
            | Action::RevokeIngress
            | Action::DeleteKeyPair
            | Action::StartLogging
            | Action::EnableGuardDuty
    )
}
