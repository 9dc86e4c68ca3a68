//! The end state read back after an action's calls: each runner says what it expects
//! (`Expect`), and `check` reads it from AWS and reports `verified` or what differs. A call that
//! returned 200 is not proof: a reused group may hold rules, a policy may be another's.

use super::clients::Clients;
use super::execute::{step, Step};
use super::plan::TAG_KEY;
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
    /// A Security Hub finding's workflow status.
    HubWorkflow {
        id: String,
        product_arn: String,
        status: String,
    },
    /// An Access Analyzer finding's status.
    AccessStatus {
        analyzer_arn: String,
        id: String,
        status: String,
    },
    /// What a recovery action undid is undone.
    Recovered(super::recovery_run::End),
}

pub(super) fn ok(detail: impl Into<String>) -> Check {
    Check {
        verified: true,
        detail: detail.into(),
    }
}

pub(super) fn differs(detail: impl Into<String>) -> Check {
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
        Expect::Recovered(end) => Box::pin(super::recovery_read::read(end, c, steps)).await?,
        Expect::HubWorkflow { .. } | Expect::AccessStatus { .. } => {
            Box::pin(super::findings::read(e, c, steps)).await?
        }
        Expect::Isolated { .. }
        | Expect::Groups { .. }
        | Expect::Protected { .. }
        | Expect::Snapshots { .. }
        | Expect::NoProfile { .. }
        | Expect::Stopped { .. }
        | Expect::Ec2Tag { .. } => super::ec2::verify::read(e, c, steps).await?,
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

pub(super) fn tag_check(found: Option<&str>, want: &str) -> Check {
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
