//! The CloudTrail risk table: which API calls matter to a responder, and why.
//!
//! Each row is an event name, the least severity it gets and the reason shown in the detail
//! view. Context rules (`assess`) raise it further: root activity, failed console logins,
//! access-denied errors, ingress opened to the world, buckets made public.

use super::json_path::{get, str_at};
use crate::model::Severity;
use serde_json::Value;

pub struct Risk {
    pub event: &'static str,
    pub severity: Severity,
    pub reason: &'static str,
}

const fn r(event: &'static str, severity: Severity, reason: &'static str) -> Risk {
    Risk {
        event,
        severity,
        reason,
    }
}

use Severity::{Critical, High, Low, Medium};

/// Defence evasion first, then persistence and privilege escalation, then exposure.
pub const RISK_TABLE: &[Risk] = &[
    r("StopLogging", Critical, "CloudTrail logging stopped"),
    r("DeleteTrail", Critical, "CloudTrail trail deleted"),
    r("DeleteDetector", Critical, "GuardDuty detector deleted"),
    r(
        "LeaveOrganization",
        Critical,
        "account left the organization",
    ),
    r(
        "PutEventSelectors",
        High,
        "trail event selectors changed: events may be dropped",
    ),
    r("UpdateTrail", Medium, "trail configuration changed"),
    r(
        "UpdateDetector",
        High,
        "GuardDuty detector changed (may be disabled)",
    ),
    r("DeleteFlowLogs", High, "VPC flow logs deleted"),
    r("DisableSecurityHub", High, "Security Hub disabled"),
    r(
        "DeleteConfigurationRecorder",
        High,
        "AWS Config recorder deleted",
    ),
    r(
        "StopConfigurationRecorder",
        High,
        "AWS Config recorder stopped",
    ),
    r(
        "CreateAccessKey",
        High,
        "new long-term access key (persistence)",
    ),
    r(
        "CreateLoginProfile",
        High,
        "console password created for an IAM user",
    ),
    r(
        "UpdateLoginProfile",
        High,
        "console password changed for an IAM user",
    ),
    r(
        "AttachUserPolicy",
        High,
        "managed policy attached to a user",
    ),
    r(
        "AttachRolePolicy",
        High,
        "managed policy attached to a role",
    ),
    r(
        "AttachGroupPolicy",
        High,
        "managed policy attached to a group",
    ),
    r("PutUserPolicy", High, "inline policy written on a user"),
    r("PutRolePolicy", High, "inline policy written on a role"),
    r("PutGroupPolicy", High, "inline policy written on a group"),
    r("UpdateAssumeRolePolicy", High, "role trust policy changed"),
    r(
        "CreatePolicyVersion",
        High,
        "new policy version (possible privilege escalation)",
    ),
    r(
        "SetDefaultPolicyVersion",
        High,
        "default policy version switched",
    ),
    r("DeactivateMFADevice", High, "MFA device deactivated"),
    r(
        "DeleteBucketPublicAccessBlock",
        High,
        "bucket public access block removed",
    ),
    r(
        "DeletePublicAccessBlock",
        High,
        "account public access block removed",
    ),
    r(
        "ScheduleKeyDeletion",
        High,
        "KMS key scheduled for deletion",
    ),
    r("DisableKey", High, "KMS key disabled"),
    r("CreateUser", Medium, "IAM user created"),
    r("AddUserToGroup", Medium, "user added to a group"),
    r(
        "DeleteVirtualMFADevice",
        Medium,
        "virtual MFA device deleted",
    ),
    r(
        "AuthorizeSecurityGroupIngress",
        Medium,
        "security group ingress opened",
    ),
    r(
        "AuthorizeSecurityGroupEgress",
        Low,
        "security group egress opened",
    ),
    r("PutBucketPolicy", Medium, "bucket policy changed"),
    r("PutBucketAcl", Medium, "bucket ACL changed"),
    r("PutObjectAcl", Low, "object ACL changed"),
    r(
        "ModifySnapshotAttribute",
        Medium,
        "snapshot sharing changed",
    ),
    r("ModifyImageAttribute", Medium, "AMI sharing changed"),
    r("GetSecretValue", Medium, "secret value read"),
    r("GetFederationToken", Medium, "federation token issued"),
    r("CreateKeyPair", Low, "EC2 key pair created"),
    r("ImportKeyPair", Low, "EC2 key pair imported"),
    r("RunInstances", Low, "instances launched"),
    r("GetPasswordData", Medium, "Windows password data read"),
    r("DeleteLogGroup", Medium, "CloudWatch log group deleted"),
    r("ConsoleLogin", Low, "console sign-in"),
];

pub fn lookup(event_name: &str) -> Option<&'static Risk> {
    RISK_TABLE.iter().find(|r| r.event == event_name)
}

fn any_string(v: &Value, pred: &dyn Fn(&str) -> bool) -> bool {
    match v {
        Value::String(s) => pred(s),
        Value::Array(a) => a.iter().any(|x| any_string(x, pred)),
        Value::Object(m) => m.values().any(|x| any_string(x, pred)),
        _ => false,
    }
}

fn opens_to_world(params: &Value) -> bool {
    any_string(params, &|s| s == "0.0.0.0/0" || s == "::/0")
}

fn policy_is_public(params: &Value) -> bool {
    let Some(policy) = get(params, "bucketPolicy") else {
        return false;
    };
    let policy = match policy {
        Value::String(s) => serde_json::from_str(s).unwrap_or(Value::Null),
        other => other.clone(),
    };
    let statements = match get(&policy, "Statement") {
        Some(Value::Array(a)) => a.clone(),
        Some(one) => vec![one.clone()],
        None => vec![],
    };
    statements.iter().any(|st| {
        str_at(st, &["Effect"]) == Some("Allow")
            && get(st, "Principal").is_some_and(|p| any_string(p, &|s| s == "*"))
            && get(st, "Condition").is_none()
    })
}

fn acl_is_public(params: &Value) -> bool {
    any_string(params, &|s| {
        s.ends_with("/global/AllUsers")
            || s.ends_with("/global/AuthenticatedUsers")
            || s.starts_with("public-read")
    })
}

fn shares_with_everyone(params: &Value) -> bool {
    any_string(params, &|s| s == "all")
}

/// The severity of one CloudTrail record and the reason for it.
pub fn assess(record: &Value, event_name: &str) -> (Severity, String) {
    let mut best: (Severity, String) = match lookup(event_name) {
        Some(risk) => (risk.severity, risk.reason.to_string()),
        None => {
            let read_only = match get(record, "readOnly") {
                Some(Value::Bool(b)) => *b,
                Some(Value::String(s)) => s == "true",
                _ => ["Get", "List", "Describe", "Head", "Lookup"]
                    .iter()
                    .any(|p| event_name.starts_with(p)),
            };
            if read_only {
                (Severity::Info, "read-only call".to_string())
            } else {
                (Severity::Low, "write call".to_string())
            }
        }
    };
    let mut raise = |sev: Severity, why: &str| {
        if sev > best.0 {
            best = (sev, why.to_string());
        } else if sev == best.0 && !best.1.contains(why) {
            best.1 = format!("{}; {why}", best.1);
        }
    };
    let params = get(record, "requestParameters")
        .cloned()
        .unwrap_or(Value::Null);
    let error = str_at(record, &["errorCode"]).unwrap_or("");
    let is_root = str_at(record, &["userIdentity", "type"]) == Some("Root");
    if event_name == "ConsoleLogin" {
        let failed = str_at(record, &["responseElements", "ConsoleLogin"]) == Some("Failure")
            || !error.is_empty();
        if failed {
            raise(
                if is_root { High } else { Medium },
                "failed console sign-in",
            );
        }
    }
    if is_root && str_at(record, &["eventType"]) != Some("AwsServiceEvent") {
        raise(High, "root user activity");
    }
    if error.contains("AccessDenied") || error.contains("Unauthorized") {
        raise(Medium, "access denied (possible reconnaissance)");
    }
    match event_name {
        "AuthorizeSecurityGroupIngress" if opens_to_world(&params) => {
            raise(High, "ingress opened to 0.0.0.0/0")
        }
        "PutBucketPolicy" if policy_is_public(&params) => {
            raise(High, "bucket policy allows public access")
        }
        "PutBucketAcl" | "PutObjectAcl" if acl_is_public(&params) => {
            raise(High, "ACL grants public access")
        }
        "ModifySnapshotAttribute" | "ModifyImageAttribute" if shares_with_everyone(&params) => {
            raise(High, "shared with every AWS account")
        }
        _ => {}
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn table_and_context_rules() {
        let plain = |name: &str| assess(&json!({"eventName": name}), name).0;
        assert_eq!(plain("StopLogging"), Critical);
        assert_eq!(plain("CreateAccessKey"), High);
        assert_eq!(plain("DescribeInstances"), Severity::Info);
        assert_eq!(plain("TagResource"), Low);

        let root = json!({"userIdentity": {"type": "Root"}, "eventType": "AwsApiCall"});
        assert_eq!(
            assess(&root, "ListBuckets"),
            (High, "root user activity".into())
        );

        let denied = json!({"errorCode": "Client.UnauthorizedOperation"});
        assert_eq!(assess(&denied, "DescribeInstances").0, Medium);

        let failed = json!({"responseElements": {"ConsoleLogin": "Failure"}});
        assert_eq!(assess(&failed, "ConsoleLogin").0, Medium);

        let world = json!({"requestParameters": {"ipPermissions": {"items": [{"ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}}]}}});
        assert_eq!(assess(&world, "AuthorizeSecurityGroupIngress").0, High);
        let office = json!({"requestParameters": {"ipPermissions": {"items": [{"ipRanges": {"items": [{"cidrIp": "10.0.0.0/8"}]}}]}}});
        assert_eq!(assess(&office, "AuthorizeSecurityGroupIngress").0, Medium);

        let public_policy = json!({"requestParameters": {"bucketPolicy": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}]}}});
        assert_eq!(assess(&public_policy, "PutBucketPolicy").0, High);
        let public_acl = json!({"requestParameters": {"x-amz-acl": ["public-read"]}});
        assert_eq!(assess(&public_acl, "PutBucketAcl").0, High);
    }
}
