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
        ("iam", "CreateAccessKey") => plans(vec![(Action::DeactivateKey, s(&resp["accessKey"]["accessKeyId"]))], None),
        ("iam", "CreateLoginProfile") | ("iam", "UpdateLoginProfile") => plans(vec![(Action::DeleteLoginProfile, format!("user/{}", user(req)?))], None),
        ("iam", "AttachUserPolicy") => plans(vec![(Action::DetachUserPolicy, format!("user-policy/{}/{}", user(req)?, s(&req["policyArn"])))], None),
        ("iam", "AttachRolePolicy") => plans(vec![(Action::DetachRolePolicy, format!("role-policy/{}/{}", s(&req["roleName"]), s(&req["policyArn"])))], None),
        ("iam", "PutUserPolicy") => plans(vec![(Action::DeleteUserPolicy, format!("user-policy/{}/{}", user(req)?, s(&req["policyName"])))], None),
        ("iam", "CreateUser") => plans(
            vec![(Action::QuarantineUser, format!("user/{}", user(req)?))],
            Some("then delete the user once its keys, password and policies are undone: airc does not delete users"),
        ),
        ("sts", "AssumeRole") => {
            let role = s(&req["roleArn"]);
            plans(vec![(Action::RevokeSessions, role.rsplit(':').next().unwrap_or("").to_string())], Some("ends every session of the role issued before now"))
        }
        ("ec2", "AuthorizeSecurityGroupIngress") => ingress(req),
        ("ec2", "CreateKeyPair") | ("ec2", "ImportKeyPair") => plans(vec![(Action::DeleteKeyPair, format!("key-pair/{}", s(&req["keyName"])))], None),
        ("ec2", "RunInstances") => {
            let ids: Vec<String> = items(&resp["instancesSet"]).iter().filter_map(|i| i["instanceId"].as_str().map(String::from)).collect();
            if ids.is_empty() {
                decision("the record names no instance it launched")
            } else {
                let mut steps = Vec::new();
                for id in ids.iter().take(MAX_TARGETS) {
                    steps.push((Action::Snapshot, id.clone()));
                    steps.push((Action::Stop, id.clone()));
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
            plans(vec![(Action::BlockPublicAccess, format!("s3://{}", s(&req["bucketName"])))], None)
        }
        ("s3", "PutBucketPolicy") => decision("no earlier policy of the bucket is on record: read the current one (aws s3api get-bucket-policy) and decide what it should be"),
        ("iam", "UpdateAssumeRolePolicy") => decision("the trust policy before it is not on record: compare the role's trust with your infrastructure code"),
        ("cloudtrail", "PutEventSelectors") | ("cloudtrail", "UpdateTrail") => decision("the trail's earlier settings are not on record: check what it logs"),
        ("ec2", "CreateSecurityGroup") => decision("a group the attacker made: delete it once nothing uses it"),
        _ => decision("no known inverse: review what it changed"),
    };
    Some((call, undo))
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
    Some(req["userName"].as_str()?.to_string())
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
        let proto = p["ipProtocol"].as_str().unwrap_or("-1");
        let ports = match (p["fromPort"].as_i64(), p["toPort"].as_i64()) {
            (Some(f), Some(t)) if proto != "-1" => format!("{f}-{t}"),
            _ => "all".into(),
        };
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
            if steps.len() >= MAX_TARGETS {
                break;
            }
            steps.push((
                Action::RevokeIngress,
                format!("ingress/{group}/{proto}/{ports}/{src}"),
            ));
        }
    }
    if steps.is_empty() {
        return decision(
            "the record names no rule (a group name, or rule ids only): list the group's rules",
        );
    }
    plans(steps, None)
}
