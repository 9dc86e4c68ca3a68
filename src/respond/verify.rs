//! The end state read back after an action's calls: each runner says what it expects
//! (`Expect`), and `check` reads it from AWS and reports `verified` or what differs. A call that
//! returned 200 is not proof: a reused group may hold rules, a policy may be another's.

use super::clients::Clients;
use super::execute::{step, Step};
use super::plan::{ISOLATION_GROUP, TAG_KEY};
use serde::Serialize;
use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub verified: bool,
    /// What was found (verified) or what differs (not verified).
    pub detail: String,
}

/// What the end state should be.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// Every interface of the instance holds only `group`, and `group` has no rules.
    Isolated {
        instance: String,
        group: String,
    },
    /// The primary interface holds exactly these groups.
    Groups {
        instance: String,
        groups: Vec<String>,
    },
    Protected {
        instance: String,
    },
    Snapshots {
        ids: Vec<String>,
    },
    NoProfile {
        instance: String,
    },
    Stopped {
        instance: String,
    },
    Ec2Tag {
        resource: String,
        value: String,
    },
    KeyStatus {
        user: String,
        key: String,
        status: String,
    },
    UserPolicy {
        user: String,
        name: String,
        doc: Value,
    },
    RolePolicy {
        role: String,
        name: String,
        doc: Value,
    },
    PublicBlock {
        bucket: String,
    },
    IamTag {
        user: bool,
        name: String,
        value: String,
    },
    /// Every earlier tag and the incident tag.
    BucketTags {
        bucket: String,
        tags: Vec<(String, String)>,
    },
    Finding {
        detector: String,
        id: String,
        archived: Option<bool>,
        feedback: Option<String>,
    },
}

fn ok(detail: impl Into<String>) -> Check {
    Check {
        verified: true,
        detail: detail.into(),
    }
}

fn differs(detail: impl Into<String>) -> Check {
    Check {
        verified: false,
        detail: detail.into(),
    }
}

/// IAM returns policy documents URL-encoded (RFC 3986).
fn policy_json(encoded: &str) -> Option<Value> {
    let text = percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .ok()?;
    serde_json::from_str(&text).ok()
}

/// Reads the end state; a read that fails is "NOT verified: could not read …".
pub async fn check(e: &Expect, c: &Clients, steps: &mut Vec<Step>) -> Check {
    match read(e, c, steps).await {
        Ok(check) => check,
        Err(()) => differs(format!(
            "could not read the end state back ({})",
            steps
                .last()
                .map(|s| s.result.as_str())
                .unwrap_or("no answer")
        )),
    }
}

async fn read(e: &Expect, c: &Clients, steps: &mut Vec<Step>) -> Result<Check, ()> {
    Ok(match e {
        Expect::Isolated { instance, group } => isolated(instance, group, c, steps).await?,
        Expect::Groups { instance, groups } => {
            let inst = describe(instance, c, steps).await?;
            let mut found: Vec<String> = inst
                .network_interfaces()
                .iter()
                .filter(|n| n.attachment().and_then(|a| a.device_index()) == Some(0))
                .flat_map(|n| n.groups())
                .chain(if inst.network_interfaces().is_empty() {
                    inst.security_groups()
                } else {
                    &[]
                })
                .filter_map(|g| g.group_id().map(String::from))
                .collect();
            let mut want = groups.clone();
            found.sort();
            want.sort();
            if found == want {
                ok(format!("{instance} is in {}", want.join(", ")))
            } else {
                differs(format!(
                    "{instance} is in {}, not {}",
                    found.join(", "),
                    want.join(", ")
                ))
            }
        }
        Expect::Protected { instance } => {
            let a = step(
                steps,
                "ec2:DescribeInstanceAttribute",
                json!({"InstanceId": instance, "Attribute": "disableApiTermination"}),
                c.ec2
                    .describe_instance_attribute()
                    .instance_id(instance)
                    .attribute(aws_sdk_ec2::types::InstanceAttributeName::DisableApiTermination)
                    .send(),
            )
            .await?;
            match a.disable_api_termination().and_then(|b| b.value()) {
                Some(true) => ok("termination protection is on"),
                other => differs(format!("termination protection reads {other:?}")),
            }
        }
        Expect::Snapshots { ids } => {
            if ids.is_empty() {
                return Ok(differs("AWS returned no snapshot ids"));
            }
            let out = step(
                steps,
                "ec2:DescribeSnapshots",
                json!({"SnapshotIds": ids}),
                c.ec2
                    .describe_snapshots()
                    .set_snapshot_ids(Some(ids.clone()))
                    .send(),
            )
            .await?;
            let found: Vec<&str> = out
                .snapshots()
                .iter()
                .filter_map(|s| s.snapshot_id())
                .collect();
            let missing: Vec<&String> = ids
                .iter()
                .filter(|i| !found.contains(&i.as_str()))
                .collect();
            if missing.is_empty() {
                ok(format!("{} snapshots exist", ids.len()))
            } else {
                differs(format!("snapshots not found: {missing:?}"))
            }
        }
        Expect::NoProfile { instance } => {
            let out = step(
                steps,
                "ec2:DescribeIamInstanceProfileAssociations",
                json!({"instance-id": instance}),
                c.ec2
                    .describe_iam_instance_profile_associations()
                    .filters(
                        aws_sdk_ec2::types::Filter::builder()
                            .name("instance-id")
                            .values(instance)
                            .build(),
                    )
                    .send(),
            )
            .await?;
            let live: Vec<&str> = out
                .iam_instance_profile_associations()
                .iter()
                .filter(|a| {
                    matches!(
                        a.state().map(|s| s.as_str()),
                        Some("associated" | "associating")
                    )
                })
                .filter_map(|a| a.association_id())
                .collect();
            if live.is_empty() {
                ok("no instance profile is associated")
            } else {
                differs(format!("still associated: {}", live.join(", ")))
            }
        }
        Expect::Stopped { instance } => {
            let inst = describe(instance, c, steps).await?;
            let state = inst
                .state()
                .and_then(|s| s.name())
                .map(|n| n.as_str().to_string());
            match state.as_deref() {
                Some(s @ ("stopping" | "stopped")) => ok(format!("the instance is {s}")),
                other => differs(format!(
                    "the instance is {}",
                    other.unwrap_or("in no known state")
                )),
            }
        }
        Expect::Ec2Tag { resource, value } => {
            let f = |n: &str, v: &str| {
                aws_sdk_ec2::types::Filter::builder()
                    .name(n)
                    .values(v)
                    .build()
            };
            let out = step(
                steps,
                "ec2:DescribeTags",
                json!({"resource-id": resource, "key": TAG_KEY}),
                c.ec2
                    .describe_tags()
                    .filters(f("resource-id", resource))
                    .filters(f("key", TAG_KEY))
                    .send(),
            )
            .await?;
            tag_check(
                out.tags()
                    .iter()
                    .find(|t| t.key() == Some(TAG_KEY))
                    .and_then(|t| t.value()),
                value,
            )
        }
        Expect::KeyStatus { user, key, status } => {
            let out = step(
                steps,
                "iam:ListAccessKeys",
                json!({"UserName": user}),
                c.iam.list_access_keys().user_name(user).send(),
            )
            .await?;
            match out
                .access_key_metadata()
                .iter()
                .find(|k| k.access_key_id() == Some(key.as_str()))
            {
                Some(k) if k.status().map(|s| s.as_str()) == Some(status.as_str()) => {
                    ok(format!("the key is {status}"))
                }
                Some(k) => differs(format!(
                    "the key is {:?}, not {status}",
                    k.status().map(|s| s.as_str())
                )),
                None => differs(format!("{user} has no key {key}")),
            }
        }
        Expect::UserPolicy { user, name, doc } => {
            let out = step(
                steps,
                "iam:GetUserPolicy",
                json!({"UserName": user, "PolicyName": name}),
                c.iam
                    .get_user_policy()
                    .user_name(user)
                    .policy_name(name)
                    .send(),
            )
            .await?;
            policy_check(out.policy_document(), doc, name)
        }
        Expect::RolePolicy { role, name, doc } => {
            let out = step(
                steps,
                "iam:GetRolePolicy",
                json!({"RoleName": role, "PolicyName": name}),
                c.iam
                    .get_role_policy()
                    .role_name(role)
                    .policy_name(name)
                    .send(),
            )
            .await?;
            policy_check(out.policy_document(), doc, name)
        }
        Expect::PublicBlock { bucket } => {
            let out = step(
                steps,
                "s3:GetPublicAccessBlock",
                json!({"Bucket": bucket}),
                c.s3.get_public_access_block().bucket(bucket).send(),
            )
            .await?;
            let cfg = out.public_access_block_configuration();
            let all = cfg.map(|p| {
                [
                    p.block_public_acls(),
                    p.ignore_public_acls(),
                    p.block_public_policy(),
                    p.restrict_public_buckets(),
                ]
            });
            match all {
                Some(v) if v.iter().all(|b| *b == Some(true)) => {
                    ok("all four public access settings are on")
                }
                other => differs(format!("public access block reads {other:?}")),
            }
        }
        Expect::IamTag { user, name, value } => {
            let tags: Vec<(String, String)> = if *user {
                let out = step(
                    steps,
                    "iam:ListUserTags",
                    json!({"UserName": name}),
                    c.iam.list_user_tags().user_name(name).send(),
                )
                .await?;
                out.tags()
                    .iter()
                    .map(|t| (t.key().to_string(), t.value().to_string()))
                    .collect()
            } else {
                let out = step(
                    steps,
                    "iam:ListRoleTags",
                    json!({"RoleName": name}),
                    c.iam.list_role_tags().role_name(name).send(),
                )
                .await?;
                out.tags()
                    .iter()
                    .map(|t| (t.key().to_string(), t.value().to_string()))
                    .collect()
            };
            tag_check(
                tags.iter()
                    .find(|(k, _)| k == TAG_KEY)
                    .map(|(_, v)| v.as_str()),
                value,
            )
        }
        Expect::BucketTags { bucket, tags } => {
            let out = step(
                steps,
                "s3:GetBucketTagging",
                json!({"Bucket": bucket}),
                c.s3.get_bucket_tagging().bucket(bucket).send(),
            )
            .await?;
            let found: Vec<(&str, &str)> =
                out.tag_set().iter().map(|t| (t.key(), t.value())).collect();
            let missing: Vec<String> = tags
                .iter()
                .filter(|(k, v)| !found.contains(&(k.as_str(), v.as_str())))
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            if missing.is_empty() {
                ok(format!(
                    "the incident tag is set and the {} earlier tags are intact",
                    tags.len().saturating_sub(1)
                ))
            } else {
                differs(format!(
                    "tags missing after the write: {}",
                    missing.join(", ")
                ))
            }
        }
        Expect::Finding {
            detector,
            id,
            archived,
            feedback,
        } => {
            let out = step(
                steps,
                "guardduty:GetFindings",
                json!({"DetectorId": detector, "FindingIds": [id]}),
                c.guardduty
                    .get_findings()
                    .detector_id(detector)
                    .finding_ids(id)
                    .send(),
            )
            .await?;
            let Some(svc) = out.findings().first().and_then(|f| f.service()) else {
                return Ok(differs(format!("finding {id} not found")));
            };
            if let Some(want) = archived {
                if svc.archived() != Some(*want) {
                    return Ok(differs(format!(
                        "the finding's archived flag reads {:?}",
                        svc.archived()
                    )));
                }
                return Ok(ok(format!(
                    "the finding is {}",
                    if *want { "archived" } else { "not archived" }
                )));
            }
            match (feedback, svc.user_feedback()) {
                (Some(want), Some(got)) if want == got => {
                    ok(format!("the finding's feedback is {got}"))
                }
                (want, got) => differs(format!(
                    "the finding's feedback reads {got:?}, not {want:?}"
                )),
            }
        }
    })
}

fn tag_check(found: Option<&str>, want: &str) -> Check {
    match found {
        Some(v) if v == want => ok(format!("{TAG_KEY}={want} is set")),
        other => differs(format!("{TAG_KEY} reads {other:?}, not {want}")),
    }
}

fn policy_check(encoded: &str, want: &Value, name: &str) -> Check {
    match policy_json(encoded) {
        Some(doc) if &doc == want => ok(format!("{name} is in place and is the deny it should be")),
        Some(doc) => differs(format!("{name} holds another document: {doc}")),
        None => differs(format!("{name} could not be read as a policy document")),
    }
}

async fn describe(
    id: &str,
    c: &Clients,
    steps: &mut Vec<Step>,
) -> Result<aws_sdk_ec2::types::Instance, ()> {
    let d = step(
        steps,
        "ec2:DescribeInstances",
        json!({"InstanceIds": [id]}),
        c.ec2.describe_instances().instance_ids(id).send(),
    )
    .await?;
    match d.reservations().iter().flat_map(|r| r.instances()).next() {
        Some(i) => Ok(i.clone()),
        None => {
            super::execute::fail(
                steps,
                "ec2:DescribeInstances",
                format!("instance {id} not found"),
            );
            Err(())
        }
    }
}

async fn isolated(
    instance: &str,
    group: &str,
    c: &Clients,
    steps: &mut Vec<Step>,
) -> Result<Check, ()> {
    let inst = describe(instance, c, steps).await?;
    let mut wrong = Vec::new();
    for n in inst.network_interfaces() {
        let groups: Vec<&str> = n.groups().iter().filter_map(|g| g.group_id()).collect();
        if groups != [group] {
            wrong.push(format!(
                "{} is in {}",
                n.network_interface_id().unwrap_or("?"),
                groups.join(", ")
            ));
        }
    }
    if inst.network_interfaces().is_empty() {
        let groups: Vec<&str> = inst
            .security_groups()
            .iter()
            .filter_map(|g| g.group_id())
            .collect();
        if groups != [group] {
            wrong.push(format!("the instance is in {}", groups.join(", ")));
        }
    }
    let g = step(
        steps,
        "ec2:DescribeSecurityGroups",
        json!({"GroupIds": [group]}),
        c.ec2.describe_security_groups().group_ids(group).send(),
    )
    .await?;
    match g.security_groups().first() {
        Some(sg) => {
            if !sg.ip_permissions().is_empty() {
                wrong.push(format!(
                    "{ISOLATION_GROUP} {group} has {} ingress rules",
                    sg.ip_permissions().len()
                ));
            }
            if !sg.ip_permissions_egress().is_empty() {
                wrong.push(format!(
                    "{ISOLATION_GROUP} {group} has {} egress rules",
                    sg.ip_permissions_egress().len()
                ));
            }
        }
        None => wrong.push(format!("group {group} not found")),
    }
    let interfaces = inst.network_interfaces().len().max(1);
    Ok(if wrong.is_empty() {
        ok(format!("{interfaces} network interface(s) only in {group}, which has no ingress and no egress rules"))
    } else {
        differs(wrong.join("; "))
    })
}
