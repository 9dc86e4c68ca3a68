//! The inverse of each change a CloudTrail record describes.

use super::Undo;
use crate::respond::{Action, Target};
use serde_json::Value;

/// The call (`iam:CreateAccessKey`) and how to undo it; `None` for what changes nothing (a
/// read, a sign-in, a caller check).
pub(super) fn undo_of(v: &Value) -> Option<(String, Undo)> {
    let service = v["eventSource"].as_str()?.split('.').next()?.to_string();
    let name = v["eventName"].as_str()?;
    if !changes(v, &service, name) {
        return None;
    }
    let call = super::short(&format!("{service}:{name}"));
    if let Some(code) = v["errorCode"].as_str().filter(|c| !c.is_empty()) {
        return Some((
            call,
            Undo::Attempted {
                error: super::short(code),
            },
        ));
    }
    let req = &v["requestParameters"];
    let resp = &v["responseElements"];
    let s = |x: &Value| x.as_str().unwrap_or("").to_string();
    let undo = match (service.as_str(), name) {
        ("iam", "CreateAccessKey") => match checked(&resp["accessKey"]["accessKeyId"], access_key_id) {
            Some(k) => plans(vec![(Action::DeactivateKey, k)], None),
            None => named_nothing("access key id"),
        },
        ("iam", "CreateLoginProfile") | ("iam", "UpdateLoginProfile") => match user(req) {
            Some(u) => plans(vec![(Action::DeleteLoginProfile, format!("user/{u}"))], None),
            None => named_nothing("IAM user name"),
        },
        ("iam", "AttachUserPolicy") => match user(req) {
            Some(u) => plans(vec![(Action::DetachUserPolicy, format!("user-policy/{u}/{}", s(&req["policyArn"])))], None),
            None => named_nothing("IAM user name"),
        },
        ("iam", "AttachRolePolicy") => match checked(&req["roleName"], iam_name) {
            Some(r) => plans(vec![(Action::DetachRolePolicy, format!("role-policy/{r}/{}", s(&req["policyArn"])))], None),
            None => named_nothing("IAM role name"),
        },
        ("iam", "PutUserPolicy") => match user(req) {
            Some(u) => plans(vec![(Action::DeleteUserPolicy, format!("user-policy/{u}/{}", s(&req["policyName"])))], None),
            None => named_nothing("IAM user name"),
        },
        ("iam", "CreateUser") => match user(req) {
            Some(u) => plans(
                vec![(Action::QuarantineUser, format!("user/{u}"))],
                Some("then delete the user once its keys, password and policies are undone: airc does not delete users"),
            ),
            None => named_nothing("IAM user name"),
        },
        ("sts", "AssumeRole") => assume_role(v, req),
        ("ec2", "AuthorizeSecurityGroupIngress") => ingress(req),
        ("ec2", "CreateKeyPair") | ("ec2", "ImportKeyPair") => {
            // By name, and only if that name is still the attacker's key pair (its id).
            let id = resp["keyPairId"].as_str().filter(|i| key_pair_id(i));
            match (checked(&req["keyName"], crate::respond::target_recovery::key_pair_name), id) {
                (Some(n), Some(id)) => plans(vec![(Action::DeleteKeyPair, format!("key-pair/{n}/{id}"))], None),
                (Some(_), None) => decision("the record names no key pair id: check that the key pair of that name is the one it made before deleting it"),
                (None, _) => named_nothing("key pair name"),
            }
        }
        ("ec2", "RunInstances") => {
            let launched = items(&resp["instancesSet"]);
            let ids: Vec<&str> = launched.iter().filter_map(|i| i["instanceId"].as_str()).collect();
            if ids.is_empty() || !ids.iter().all(|i| instance_id(i)) {
                decision("the record names no instance id it launched")
            } else if ids.len() > MAX_TARGETS {
                decision(&format!("it launched {} instances: more than {MAX_TARGETS} plans from one change; list them (aws ec2 describe-instances) and stop them by hand or in batches", ids.len()))
            } else {
                let mut steps = Vec::new();
                for id in &ids {
                    steps.push((Action::Snapshot, id.to_string()));
                    steps.push((Action::Stop, id.to_string()));
                }
                plans(steps, Some("evidence first; terminate by hand once the case allows"))
            }
        }
        ("cloudtrail", "StopLogging") => {
            let n = s(&req["name"]);
            plans(vec![(Action::StartLogging, format!("trail/{}", n.rsplit('/').next().unwrap_or("")))], None)
        }
        ("guardduty", "DeleteDetector") => plans(vec![(Action::EnableGuardDuty, "guardduty".into())], Some("a deleted detector comes back as a new one")),
        ("guardduty", "UpdateDetector") if req["enable"] == Value::Bool(false) => {
            plans(vec![(Action::EnableGuardDuty, format!("detector/{}", s(&req["detectorId"])))], None)
        }
        ("s3", "DeleteBucketPublicAccessBlock") | ("s3", "PutBucketPublicAccessBlock") => {
            match checked(&req["bucketName"], crate::model::entity::is_bucket_name) {
                Some(b) => plans(vec![(Action::BlockPublicAccess, format!("s3://{b}"))], None),
                None => named_nothing("bucket name"),
            }
        }
        ("s3", "PutBucketPolicy") => decision("no earlier policy of the bucket is on record: read the current one (aws s3api get-bucket-policy) and decide what it should be"),
        ("iam", "UpdateAssumeRolePolicy") => decision("the trust policy before it is not on record: compare the role's trust with your infrastructure code"),
        ("cloudtrail", "PutEventSelectors") | ("cloudtrail", "UpdateTrail") => decision("the trail's earlier settings are not on record: check what it logs"),
        ("ec2", "CreateSecurityGroup") => decision("a group the attacker made: delete it once nothing uses it"),
        _ => decision("no known inverse: review what it changed"),
    };
    // A regional change undone in a region the record does not name would act on a guess.
    let regional = !matches!(service.as_str(), "iam" | "sts");
    let undo = match undo {
        Undo::Plans { .. } if regional && v["awsRegion"].as_str().is_none_or(|r| r.is_empty()) => {
            decision("the record names no region: find where it was made before undoing it")
        }
        u => u,
    };
    Some((call, undo))
}

/// The role's sessions are revoked in the role's own account: a record of another account (a
/// cross-account AssumeRole is logged on both sides) is a decision.
fn assume_role(v: &Value, req: &Value) -> Undo {
    let arn = req["roleArn"].as_str().unwrap_or("");
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let (Some(account), Some(resource)) = (parts.get(4), parts.get(5)) else {
        return named_nothing("role ARN");
    };
    let Some(role) = resource
        .rsplit('/')
        .next()
        .filter(|r| iam_name(r) && resource.starts_with("role/"))
    else {
        return named_nothing("role ARN");
    };
    if v["recipientAccountId"].as_str() != Some(*account) {
        return decision(&format!(
            "the role is in account {}, not the one this record is from: revoke its sessions there (airc respond revoke-sessions {})",
            super::short(account),
            super::short(arn)
        ));
    }
    plans(
        vec![(Action::RevokeSessions, format!("role/{role}"))],
        Some("ends every session of the role issued before now"),
    )
}

/// A record's text that must be a name of this shape, or nothing.
fn checked(v: &Value, ok: fn(&str) -> bool) -> Option<String> {
    v.as_str().filter(|s| ok(s)).map(String::from)
}

fn named_nothing(what: &str) -> Undo {
    decision(&format!(
        "the record names no valid {what}: check what it changed"
    ))
}

fn iam_name(s: &str) -> bool {
    crate::respond::target_recovery::iam_name(s)
}

fn access_key_id(s: &str) -> bool {
    (16..=128).contains(&s.len())
        && s.starts_with("AKIA")
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

fn instance_id(s: &str) -> bool {
    s.strip_prefix("i-")
        .is_some_and(|h| (8..=17).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn key_pair_id(s: &str) -> bool {
    s.strip_prefix("key-")
        .is_some_and(|h| (8..=17).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// At most this many targets from one record (a RunInstances of thousands).
const MAX_TARGETS: usize = 64;

/// Whether the record is a change: CloudTrail's `readOnly` when it says, else the name.
fn changes(v: &Value, service: &str, name: &str) -> bool {
    if matches!(
        (service, name),
        ("signin", _) | ("sts", "GetCallerIdentity")
    ) {
        return false;
    }
    match v["readOnly"].as_bool() {
        Some(ro) => !ro,
        None => ![
            "Get",
            "List",
            "Describe",
            "Head",
            "Lookup",
            "Search",
            "Batch Get",
        ]
        .iter()
        .any(|p| name.starts_with(p)),
    }
}

fn user(req: &Value) -> Option<String> {
    checked(&req["userName"], iam_name)
}

fn items(v: &Value) -> Vec<Value> {
    v["items"].as_array().cloned().unwrap_or_default()
}

fn decision(why: &str) -> Undo {
    Undo::Decision { why: why.into() }
}

/// Each (action, target text) parsed as `airc respond` parses it: text from the record that
/// is no AWS name makes the item a decision instead.
fn plans(steps: Vec<(Action, String)>, note: Option<&str>) -> Undo {
    let mut out = Vec::new();
    for (a, t) in steps {
        match Target::parse(&t) {
            Ok(target) if a.applies(&target) => out.push((a, target)),
            _ => {
                return decision(&format!(
                    "the record's names are not ones {a} can take: {}",
                    super::short(&t)
                ))
            }
        }
    }
    Undo::Plans {
        steps: out,
        note: note.map(String::from),
    }
}

/// Every rule the request added: one revoke per source of each permission.
fn ingress(req: &Value) -> Undo {
    let group = req["groupId"].as_str().unwrap_or("");
    let mut steps = Vec::new();
    for p in items(&req["ipPermissions"]) {
        // EC2 keeps tcp/udp/icmp/icmpv6 by name whatever number the call gave.
        let proto = match p["ipProtocol"].as_str().unwrap_or("") {
            "6" | "tcp" => "tcp",
            "17" | "udp" => "udp",
            "1" | "icmp" => "icmp",
            "58" | "icmpv6" => "icmpv6",
            "-1" | "all" => "-1",
            _ => return decision(
                "a permission of a protocol airc does not revoke by rule: list the group's rules",
            ),
        };
        let ports = match (p["fromPort"].as_i64(), p["toPort"].as_i64()) {
            _ if proto == "-1" => "all".to_string(),
            (Some(f), Some(t)) => format!("{f}-{t}"),
            _ => return decision("a permission without its ports: list the group's rules"),
        };
        if !items(&p["prefixListIds"]).is_empty() {
            return decision("a permission from a prefix list: revoke it by hand (aws ec2 revoke-security-group-ingress)");
        }
        let mut sources: Vec<String> = items(&p["ipRanges"])
            .iter()
            .filter_map(|r| r["cidrIp"].as_str().map(String::from))
            .collect();
        sources.extend(
            items(&p["ipv6Ranges"])
                .iter()
                .filter_map(|r| r["cidrIpv6"].as_str().map(String::from)),
        );
        sources.extend(
            items(&p["groups"])
                .iter()
                .filter_map(|r| r["groupId"].as_str().map(String::from)),
        );
        for src in sources {
            steps.push((
                Action::RevokeIngress,
                format!("ingress/{group}/{proto}/{ports}/{src}"),
            ));
        }
    }
    if steps.len() > MAX_TARGETS {
        return decision(&format!(
            "it added {} rules: more than {MAX_TARGETS} plans from one change; list the group's rules",
            steps.len()
        ));
    }
    if steps.is_empty() {
        return decision(
            "the record names no rule (a group name, or rule ids only): list the group's rules",
        );
    }
    plans(steps, None)
}
