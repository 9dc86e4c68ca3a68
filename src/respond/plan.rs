//! `plan(action, target)`: the exact API calls an action will make, the IAM permission each
//! needs, whether it changes anything, and how (or whether) it can be undone. Pure: nothing is
//! called until the responder confirms the plan.

use super::{Action, Target};
use serde::Serialize;
use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Call {
    pub service: &'static str,
    pub operation: &'static str,
    pub parameters: Value,
    pub permission: String,
    pub mutating: bool,
    /// When the call is made only in some cases ("if the isolation group is missing").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub action: &'static str,
    pub target: String,
    /// The one account the plan may touch: execution refuses credentials of any other.
    pub account: Option<String>,
    pub region: String,
    /// The profile whose credentials answer for `account` (its label; "default" for the
    /// default chain), or None where there is no AWS connection (demo, replay).
    pub profile: Option<String>,
    pub calls: Vec<Call>,
    /// How to undo it, or why it cannot be undone.
    pub undo: String,
    pub reversible: bool,
    /// The responder must type the target's id to confirm.
    pub destructive: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incident: Option<String>,
    #[serde(skip)]
    pub kind: Option<(Action, Target)>,
    /// Made for a sensitive signal: its journal entry is for the readers its rules allow.
    #[serde(skip)]
    pub sensitive: Option<crate::notebook::sensitive::Sensitive>,
}

impl Plan {
    pub fn mutating(&self) -> bool {
        self.calls.iter().any(|c| c.mutating)
    }

    /// The text the responder types to confirm, for destructive plans.
    pub fn confirm_word(&self) -> Option<&str> {
        self.destructive
            .then(|| self.kind.as_ref().map(|(_, t)| t.id()))
            .flatten()
    }

    /// `account 111122223333 (profile prod) · eu-west-1`: where the plan acts.
    pub fn scope_line(&self) -> String {
        format!(
            "account {} ({}) · {}",
            self.account.as_deref().unwrap_or("unknown"),
            match &self.profile {
                Some(p) => format!("profile {p}"),
                None => "no AWS connection: nothing will be called".into(),
            },
            self.region
        )
    }

    /// Human text: where it acts, then one line per call, with permission and parameters.
    pub fn describe(&self) -> Vec<String> {
        let mut out = vec![
            self.scope_line(),
            format!("{} on {}", self.action, self.target),
        ];
        for (i, c) in self.calls.iter().enumerate() {
            out.push(format!(
                "{}. {}:{}{} {}  [{}]{}",
                i + 1,
                c.service,
                c.operation,
                if c.mutating { " (changes)" } else { "" },
                c.parameters,
                c.permission,
                c.when.map(|w| format!(" — {w}")).unwrap_or_default()
            ));
        }
        out.push(format!("undo: {}", self.undo));
        if let Some(w) = &self.warning {
            out.push(format!("warning: {w}"));
        }
        out
    }
}

#[derive(Debug, Clone, Default)]
pub struct PlanCtx {
    /// The account the target lives in (from the signal, the ARN or the caller's identity).
    pub account: Option<String>,
    pub region: String,
    /// The profile label bound to `account`.
    pub profile: Option<String>,
    pub incident: Option<String>,
    pub sns_topic: Option<String>,
}

/// The isolation group's name (one per VPC).
pub const ISOLATION_GROUP: &str = "airc-isolation";
/// The tag key every airc tag uses.
pub const TAG_KEY: &str = "airc:incident";
pub const QUARANTINE_POLICY: &str = "airc-quarantine-deny-all";
pub const REVOKE_POLICY: &str = "airc-revoke-older-sessions";

pub(super) fn call(
    service: &'static str,
    op: &'static str,
    parameters: Value,
    mutating: bool,
) -> Call {
    Call {
        service,
        operation: op,
        parameters,
        permission: format!("{service}:{op}"),
        mutating,
        when: None,
    }
}

fn when(mut c: Call, w: &'static str) -> Call {
    c.when = Some(w);
    c
}

pub fn plan(action: Action, target: &Target, ctx: &PlanCtx) -> Result<Plan, super::Error> {
    if !action.applies(target) {
        return Err(super::Error::NotApplicable(format!(
            "{action} does not apply to {}",
            target.label()
        )));
    }
    let id = target.id().to_string();
    // The id as one shell word in the undo lines.
    let qid = super::sh(&id);
    let incident = ctx.incident.clone();
    let inc = incident.clone().unwrap_or_else(|| "none".into());
    let (calls, undo, reversible, destructive, warning): (Vec<Call>, String, bool, bool, Option<String>) = match action {
        Action::Isolate => (
            vec![
                call("ec2", "DescribeInstances", json!({"InstanceIds": [id]}), false),
                call("ec2", "DescribeSecurityGroups", json!({"Filters": {"group-name": ISOLATION_GROUP, "vpc-id": "<the instance's VPC>"}}), false),
                when(call("ec2", "CreateSecurityGroup", json!({"GroupName": ISOLATION_GROUP, "VpcId": "<VPC>", "Tags": {TAG_KEY: inc}}), true), "if the VPC has no isolation group yet"),
                when(call("ec2", "RevokeSecurityGroupEgress", json!({"GroupId": "<isolation group>", "IpPermissions": "<every egress rule it holds>"}), true), "the new group's default allow-all egress, or any egress rule found on a reused group"),
                when(call("ec2", "RevokeSecurityGroupIngress", json!({"GroupId": "<isolation group>", "IpPermissions": "<every ingress rule it holds>"}), true), "only if a reused group holds ingress rules"),
                when(call("ec2", "ModifyNetworkInterfaceAttribute", json!({"NetworkInterfaceId": "<each of the instance's interfaces>", "Groups": ["<isolation group>"]}), true), "once per network interface"),
                call("ec2", "ModifyInstanceAttribute", json!({"InstanceId": id, "Groups": ["<isolation group>"]}), true),
            ],
            format!("restore-groups {id}:<original groups> (every interface's original groups are recorded in the audit log)"),
            true,
            true,
            Some("existing connections tracked by the old groups may survive; stop or capture if needed".into()),
        ),
        Action::RestoreGroups => {
            let Target::InstanceGroups(_, groups) = target else { return Err(super::Error::NotApplicable("restore-groups needs i-…:sg-1,sg-2".into())) };
            if groups.is_empty() {
                return Err(super::Error::NotApplicable("restore-groups needs the groups to put back: i-…:sg-1,sg-2".into()));
            }
            (vec![
                call("ec2", "DescribeInstances", json!({"InstanceIds": [id]}), false),
                when(call("ec2", "ModifyNetworkInterfaceAttribute", json!({"NetworkInterfaceId": "<the primary interface>", "Groups": groups}), true), "the primary network interface"),
                call("ec2", "ModifyInstanceAttribute", json!({"InstanceId": id, "Groups": groups}), true),
            ],
             "isolate again".into(), true, true, None)
        }
        Action::Protect => (
            vec![call("ec2", "ModifyInstanceAttribute", json!({"InstanceId": id, "DisableApiTermination": true}), true)],
            format!("aws ec2 modify-instance-attribute --instance-id {qid} --no-disable-api-termination"),
            true, false, None,
        ),
        Action::Snapshot => (
            vec![call("ec2", "CreateSnapshots", json!({"InstanceSpecification": {"InstanceId": id}, "CopyTagsFromSource": "volume", "Tags": {TAG_KEY: inc}}), true)],
            "not needed: snapshots only add evidence (delete them when the case closes)".into(),
            false, false, None,
        ),
        Action::Capture => (
            vec![
                call("ec2", "GetConsoleOutput", json!({"InstanceId": id, "Latest": true}), false),
                call("ec2", "GetConsoleScreenshot", json!({"InstanceId": id}), false),
            ],
            "nothing to undo: read-only, saved as evidence files with SHA-256".into(),
            false, false, None,
        ),
        Action::DetachProfile => (
            vec![
                call("ec2", "DescribeIamInstanceProfileAssociations", json!({"Filters": {"instance-id": id}}), false),
                call("ec2", "DisassociateIamInstanceProfile", json!({"AssociationId": "<the association>"}), true),
            ],
            "aws ec2 associate-iam-instance-profile with the recorded profile ARN".into(),
            true, true, Some("the instance's applications lose their AWS credentials".into()),
        ),
        Action::Stop => (
            vec![call("ec2", "StopInstances", json!({"InstanceIds": [id]}), true)],
            format!("aws ec2 start-instances --instance-ids {qid} (memory contents are gone)"),
            false, true,
            Some("stopping loses memory evidence: run capture (and snapshot) first".into()),
        ),
        Action::DeactivateKey | Action::ActivateKey => {
            let status = if action == Action::DeactivateKey { "Inactive" } else { "Active" };
            (
                vec![
                    call("iam", "GetAccessKeyLastUsed", json!({"AccessKeyId": id}), false),
                    call("iam", "UpdateAccessKey", json!({"AccessKeyId": id, "UserName": "<the key's user>", "Status": status}), true),
                ],
                if action == Action::DeactivateKey { format!("activate-key {id}") } else { format!("deactivate-key {id}") },
                true, action == Action::DeactivateKey,
                (action == Action::DeactivateKey).then(|| "anything using this key stops working; the key is never deleted".into()),
            )
        }
        Action::QuarantineUser => (
            vec![call("iam", "PutUserPolicy", json!({"UserName": id, "PolicyName": QUARANTINE_POLICY, "PolicyDocument": deny_all(None)}), true)],
            format!("aws iam delete-user-policy --user-name {qid} --policy-name {QUARANTINE_POLICY}"),
            true, true, None,
        ),
        Action::RevokeSessions => {
            let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
            (
                vec![call("iam", "PutRolePolicy", json!({"RoleName": id, "PolicyName": REVOKE_POLICY, "PolicyDocument": deny_all(Some(&now))}), true)],
                format!("aws iam delete-role-policy --role-name {qid} --policy-name {REVOKE_POLICY} (sessions already refused stay ended)"),
                true, true,
                Some("every session of this role issued before now is refused, including legitimate ones".into()),
            )
        }
        Action::BlockPublicAccess => (
            vec![
                call("s3", "GetPublicAccessBlock", json!({"Bucket": id}), false),
                call("s3", "PutPublicAccessBlock", json!({"Bucket": id, "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}}), true),
            ],
            "put back the previous configuration recorded in the audit log".into(),
            true, true, Some("anything that reads this bucket publicly stops working".into()),
        ),
        Action::Archive | Action::Unarchive | Action::FeedbackUseful | Action::FeedbackNotUseful => {
            let mut calls = Vec::new();
            if matches!(target, Target::Finding { detector: None, .. }) {
                calls.push(call("guardduty", "ListDetectors", json!({}), false));
            }
            let (op, params, undo) = match action {
                Action::Archive => ("ArchiveFindings", json!({"FindingIds": [id]}), format!("unarchive finding/{id}")),
                Action::Unarchive => ("UnarchiveFindings", json!({"FindingIds": [id]}), format!("archive finding/{id}")),
                Action::FeedbackUseful => ("UpdateFindingsFeedback", json!({"FindingIds": [id], "Feedback": "USEFUL"}), "give the other feedback".into()),
                _ => ("UpdateFindingsFeedback", json!({"FindingIds": [id], "Feedback": "NOT_USEFUL"}), "give the other feedback".into()),
            };
            calls.push(call("guardduty", op, params, true));
            (calls, undo, true, false, None)
        }
        Action::WorkflowNotified | Action::WorkflowResolved | Action::WorkflowSuppressed | Action::ArchiveAccess | Action::UnarchiveAccess => {
            super::findings::plan_parts(action, target, incident.as_deref())?
        }
        Action::DetachUserPolicy
        | Action::DeleteUserPolicy
        | Action::DeleteLoginProfile
        | Action::DetachRolePolicy
        | Action::RevokeIngress
        | Action::DeleteKeyPair
        | Action::StartLogging
        | Action::EnableGuardDuty => super::recovery::plan_parts(action, target)?,
        Action::Tag => {
            let Some(incident) = &incident else {
                return Err(super::Error::NotApplicable("tag needs an incident: open one (N in the console) or pass --incident ID".into()));
            };
            let calls = match target {
                Target::Instance(_) | Target::Ec2Resource(_) => vec![call("ec2", "CreateTags", json!({"Resources": [id], "Tags": {TAG_KEY: incident}}), true)],
                Target::User(_) => vec![call("iam", "TagUser", json!({"UserName": id, "Tags": {TAG_KEY: incident}}), true)],
                Target::Role(_) => vec![call("iam", "TagRole", json!({"RoleName": id, "Tags": {TAG_KEY: incident}}), true)],
                Target::Bucket(_) => vec![
                    call("s3", "GetBucketTagging", json!({"Bucket": id}), false),
                    call("s3", "PutBucketTagging", json!({"Bucket": id, "Tagging": "<existing tags> + airc:incident"}), true),
                ],
                _ => return Err(super::Error::NotApplicable(format!("tag does not apply to {}", target.label()))),
            };
            (calls, format!("remove the tag {TAG_KEY}"), true, false, None)
        }
        Action::Notify => {
            let Some(topic) = &ctx.sns_topic else {
                return Err(super::Error::NotApplicable("notify needs an SNS topic: set sns_topic in <config>/config.toml or pass --topic ARN".into()));
            };
            (
                vec![call("sns", "Publish", json!({"TopicArn": topic, "Subject": format!("airc: {}", target.label())}), true)],
                "a message cannot be unsent".into(), false, false, None,
            )
        }
    };
    let mut all = vec![call("sts", "GetCallerIdentity", json!({}), false)];
    all[0].when = Some("first: the credentials must answer for the plan's account");
    all.extend(calls);
    all.extend(
        super::readback::calls(action, target, &id)
            .into_iter()
            .map(|c| when(c, "read back after the change")),
    );
    let calls = all;
    Ok(Plan {
        action: action.name(),
        target: target.label(),
        account: ctx.account.clone(),
        region: ctx.region.clone(),
        profile: ctx.profile.clone(),
        calls,
        undo,
        reversible,
        destructive,
        warning,
        incident,
        kind: Some((action, target.clone())),
        sensitive: None,
    })
}

/// An inline policy that denies everything (optionally only to sessions issued before `before`).
pub fn deny_all(before: Option<&str>) -> Value {
    let mut stmt = json!({"Effect": "Deny", "Action": "*", "Resource": "*"});
    if let Some(t) = before {
        stmt["Condition"] = json!({"DateLessThan": {"aws:TokenIssueTime": t}});
    }
    json!({"Version": "2012-10-17", "Statement": [stmt]})
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
