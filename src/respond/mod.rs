//! Response actions: a catalog of what a responder can do to a target, a plan of the exact
//! API calls (shown before anything runs), execution through the AWS SDK, and an audit record
//! of every executed plan. The console (`R`) and `airc respond` share all of it. One runner per
//! service: `ec2/` (with isolation and its read-backs), `iam`, `s3`, `guardduty`, `sns`.

pub mod audit;
pub mod bind;
pub mod clients;
pub mod console;
pub mod ec2;
pub mod error;
pub mod evidence;
pub mod execute;
pub mod findings;
pub mod guardduty;
pub mod iam;
pub mod plan;
pub mod readback;
pub mod recovery;
mod recovery_read;
mod recovery_run;
pub mod result;
pub mod s3;
pub mod sns;
pub mod step;
pub mod target;
pub(crate) mod target_recovery;
pub mod verify;

pub use error::Error;
pub use result::ActionResult;
use std::fmt;
pub use target::{Scoped, Target};

/// A value as one shell word, for the `aws …` and `airc respond …` undo lines a responder may
/// paste into a shell: as it is when it holds only characters no shell treats specially, else
/// single-quoted. Names come from records: `x; curl …|sh` must stay one argument.
pub fn sh(s: &str) -> String {
    let plain = |b: u8| b.is_ascii_alphanumeric() || b"_-./:=@+,%".contains(&b);
    if !s.is_empty() && s.bytes().all(plain) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

macro_rules! actions {
    ($($v:ident => $name:literal, $desc:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action { $($v),* }
        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$v),*];
            pub fn name(self) -> &'static str { match self { $(Action::$v => $name),* } }
            pub fn description(self) -> &'static str { match self { $(Action::$v => $desc),* } }
            pub fn from_name(s: &str) -> Option<Action> {
                match s { $($name => Some(Action::$v),)* _ => None }
            }
        }
    };
}

actions! {
    Isolate => "isolate", "EC2: swap every security group for an isolation group with no rules";
    Protect => "protect", "EC2: enable termination protection";
    Snapshot => "snapshot", "EC2: snapshot every attached volume, tagged with the incident";
    Capture => "capture", "EC2: save console output and screenshot as evidence";
    DetachProfile => "detach-profile", "EC2: detach the instance profile (its role's credentials)";
    Stop => "stop", "EC2: stop the instance (memory evidence is lost)";
    RestoreGroups => "restore-groups", "EC2: put back recorded security groups (undo isolate)";
    DeactivateKey => "deactivate-key", "IAM: set the access key Inactive (never deleted)";
    ActivateKey => "activate-key", "IAM: set the access key Active again (undo deactivate)";
    QuarantineUser => "quarantine-user", "IAM: attach an inline deny-all policy to the user";
    RevokeSessions => "revoke-sessions", "IAM: deny the role's sessions issued before now";
    BlockPublicAccess => "block-public-access", "S3: block all public access to the bucket";
    Archive => "archive", "GuardDuty: archive the finding";
    Unarchive => "unarchive", "GuardDuty: unarchive the finding";
    FeedbackUseful => "feedback-useful", "GuardDuty: mark the finding useful";
    FeedbackNotUseful => "feedback-not-useful", "GuardDuty: mark the finding not useful";
    WorkflowNotified => "workflow-notified", "Security Hub: set the finding's workflow to NOTIFIED, with a note";
    WorkflowResolved => "workflow-resolved", "Security Hub: set the finding's workflow to RESOLVED, with a note";
    WorkflowSuppressed => "workflow-suppressed", "Security Hub: set the finding's workflow to SUPPRESSED, with a note";
    ArchiveAccess => "archive-access", "Access Analyzer: archive the finding";
    UnarchiveAccess => "unarchive-access", "Access Analyzer: make the finding active again";
    DetachUserPolicy => "detach-user-policy", "IAM: detach a managed policy from the user (recovery)";
    DeleteUserPolicy => "delete-user-policy", "IAM: delete an inline policy of the user, its document saved as evidence (recovery)";
    DeleteLoginProfile => "delete-login-profile", "IAM: delete the user's console password (recovery)";
    DetachRolePolicy => "detach-role-policy", "IAM: detach a managed policy from the role (recovery)";
    RevokeIngress => "revoke-ingress", "EC2: revoke one ingress rule of a security group (recovery)";
    DeleteKeyPair => "delete-key-pair", "EC2: delete the key pair (recovery)";
    StartLogging => "start-logging", "CloudTrail: start the trail logging again (recovery)";
    EnableGuardDuty => "enable-guardduty", "GuardDuty: enable the region's detector, or create one if it was deleted (recovery)";
    Tag => "tag", "Tag the resource with the incident id";
    Notify => "notify", "SNS: publish a summary of the signal to the configured topic";
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Action {
    /// Whether this action can act on this target.
    pub fn applies(self, t: &Target) -> bool {
        use Action as A;
        match t {
            Target::Instance(_) => matches!(
                self,
                A::Isolate
                    | A::Protect
                    | A::Snapshot
                    | A::Capture
                    | A::DetachProfile
                    | A::Stop
                    | A::Tag
            ),
            Target::InstanceGroups(..) => self == A::RestoreGroups,
            Target::AccessKey(_) => matches!(self, A::DeactivateKey | A::ActivateKey),
            Target::User(_) => matches!(self, A::QuarantineUser | A::DeleteLoginProfile | A::Tag),
            Target::Role(_) => matches!(self, A::RevokeSessions | A::Tag),
            Target::Bucket(_) => matches!(self, A::BlockPublicAccess | A::Tag),
            Target::Ec2Resource(_) => self == A::Tag,
            Target::Finding { .. } => matches!(
                self,
                A::Archive | A::Unarchive | A::FeedbackUseful | A::FeedbackNotUseful | A::Notify
            ),
            Target::HubFinding { .. } => matches!(
                self,
                A::WorkflowNotified | A::WorkflowResolved | A::WorkflowSuppressed | A::Notify
            ),
            Target::AccessFinding { .. } => {
                matches!(self, A::ArchiveAccess | A::UnarchiveAccess | A::Notify)
            }
            Target::Signal { .. } => self == A::Notify,
            // A managed policy (an ARN) is detached; an inline one (a name) is deleted.
            Target::UserPolicy { policy, .. } => match target_recovery::policy_arn(policy) {
                true => self == A::DetachUserPolicy,
                false => self == A::DeleteUserPolicy,
            },
            Target::RolePolicy { .. } => self == A::DetachRolePolicy,
            Target::Ingress { .. } => self == A::RevokeIngress,
            Target::KeyPair { .. } => self == A::DeleteKeyPair,
            Target::Trail(_) => self == A::StartLogging,
            Target::Detector(_) => self == A::EnableGuardDuty,
        }
    }

    /// Every action that applies to a target, in catalog order.
    pub fn for_target(t: &Target) -> Vec<Action> {
        Action::ALL
            .iter()
            .copied()
            .filter(|a| a.applies(t))
            .collect()
    }
}

/// The account and region a Security Hub or Access Analyzer finding lives in, from its ARNs:
/// the finding id's account (an AWS service's finding id is an ARN) and the product's region;
/// the analyzer's account and region. Nothing for other targets or ids that are not ARNs.
pub(crate) fn finding_scope(t: &Target) -> (Option<String>, Option<String>) {
    let part = |arn: &str, n: usize| {
        arn.strip_prefix("arn:")
            .and_then(|r| r.split(':').nth(n))
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let account = |arn: &str| part(arn, 3).filter(|a| crate::model::entity::is_account_id(a));
    match t {
        Target::HubFinding { id, product_arn } => {
            (account(id), part(product_arn, 2).or_else(|| part(id, 2)))
        }
        Target::AccessFinding { analyzer_arn, .. } => {
            (account(analyzer_arn), part(analyzer_arn, 2))
        }
        _ => (None, None),
    }
}

#[cfg(test)]
mod tests;
