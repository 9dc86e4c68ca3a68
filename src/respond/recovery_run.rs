//! The calls of the recovery actions (`recovery` has their plans) and the reads that verify
//! their end state. Each reads first and changes only what is still there: a change already
//! undone is reported so, and verified like any other.

use super::audit;
use super::clients::Clients;
use super::evidence;
use super::execute::{Done, Env};
use super::step::{fail, read_or_empty, step, Step};
use super::target::IngressRule;
use super::verify::Expect;
use super::{Action, Target};
use serde_json::json;

/// The end state a recovery action leaves, read back after its calls.
#[derive(Debug, Clone, PartialEq)]
pub enum End {
    UserPolicyDetached { user: String, arn: String },
    InlinePolicyGone { user: String, name: String },
    NoLoginProfile { user: String },
    RolePolicyDetached { role: String, arn: String },
    NoIngress { group: String, rule: IngressRule },
    NoKeyPair { name: String, id: Option<String> },
    TrailLogging { trail: String },
    DetectorEnabled { id: String },
}

use super::recovery_read::{attached, holds};

pub(super) async fn run(
    action: Action,
    target: &Target,
    c: &Clients,
    env: &Env,
    steps: &mut Vec<Step>,
) -> Result<Done, ()> {
    let mut done = Done::default();
    let end = match (action, target) {
        (Action::DetachUserPolicy, Target::UserPolicy { user, policy }) => {
            if attached(c, steps, Some(user), None).await?.contains(policy) {
                step(
                    steps,
                    "iam:DetachUserPolicy",
                    json!({"UserName": user, "PolicyArn": policy}),
                    c.iam
                        .detach_user_policy()
                        .user_name(user)
                        .policy_arn(policy)
                        .send(),
                )
                .await?;
            } else {
                done.note = Some(format!(
                    "{policy} was not attached to {user}: nothing to detach"
                ));
            }
            End::UserPolicyDetached {
                user: user.clone(),
                arn: policy.clone(),
            }
        }
        (Action::DeleteUserPolicy, Target::UserPolicy { user, policy }) => {
            let got = read_or_empty(
                steps,
                "iam:GetUserPolicy",
                json!({"UserName": user, "PolicyName": policy}),
                &["NoSuchEntity"],
                c.iam
                    .get_user_policy()
                    .user_name(user)
                    .policy_name(policy)
                    .send(),
            )
            .await?;
            match got {
                Some(out) => {
                    // The document first, as evidence: what the policy allowed is part of the case.
                    let doc = percent_encoding::percent_decode_str(out.policy_document())
                        .decode_utf8_lossy()
                        .into_owned();
                    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
                    let (dir, name, what) = (
                        env.evidence_dir.clone(),
                        format!("inline-policy-{user}-{policy}-{stamp}.json"),
                        format!("inline policy {policy} of IAM user {user}, before it was deleted"),
                    );
                    match audit::off_runtime(move || {
                        evidence::save(&dir, &name, doc.as_bytes(), &what)
                    })
                    .await
                    {
                        Ok(e) => done.evidence.push(e),
                        Err(e) => {
                            // Never delete what could not be kept.
                            fail(
                                steps,
                                "evidence",
                                format!("{e}: the policy was not deleted"),
                            );
                            return Err(());
                        }
                    }
                    step(
                        steps,
                        "iam:DeleteUserPolicy",
                        json!({"UserName": user, "PolicyName": policy}),
                        c.iam
                            .delete_user_policy()
                            .user_name(user)
                            .policy_name(policy)
                            .send(),
                    )
                    .await?;
                }
                None => {
                    done.note = Some(format!(
                        "{user} has no inline policy {policy}: nothing to delete"
                    ))
                }
            }
            End::InlinePolicyGone {
                user: user.clone(),
                name: policy.clone(),
            }
        }
        (Action::DeleteLoginProfile, Target::User(user)) => {
            let got = read_or_empty(
                steps,
                "iam:GetLoginProfile",
                json!({"UserName": user}),
                &["NoSuchEntity"],
                c.iam.get_login_profile().user_name(user).send(),
            )
            .await?;
            if got.is_some() {
                step(
                    steps,
                    "iam:DeleteLoginProfile",
                    json!({"UserName": user}),
                    c.iam.delete_login_profile().user_name(user).send(),
                )
                .await?;
            } else {
                done.note = Some(format!("{user} has no console password: nothing to delete"));
            }
            End::NoLoginProfile { user: user.clone() }
        }
        (Action::DetachRolePolicy, Target::RolePolicy { role, policy }) => {
            if attached(c, steps, None, Some(role)).await?.contains(policy) {
                step(
                    steps,
                    "iam:DetachRolePolicy",
                    json!({"RoleName": role, "PolicyArn": policy}),
                    c.iam
                        .detach_role_policy()
                        .role_name(role)
                        .policy_arn(policy)
                        .send(),
                )
                .await?;
            } else {
                done.note = Some(format!(
                    "{policy} was not attached to {role}: nothing to detach"
                ));
            }
            End::RolePolicyDetached {
                role: role.clone(),
                arn: policy.clone(),
            }
        }
        (Action::RevokeIngress, Target::Ingress { group, rule }) => {
            if holds(c, steps, group, rule).await? {
                let perm = super::recovery::permission_json(rule);
                step(
                    steps,
                    "ec2:RevokeSecurityGroupIngress",
                    json!({"GroupId": group, "IpPermissions": [perm]}),
                    c.ec2
                        .revoke_security_group_ingress()
                        .group_id(group)
                        .ip_permissions(permission(rule))
                        .send(),
                )
                .await?;
            } else {
                done.note = Some(format!(
                    "{group} holds no rule {}: nothing to revoke",
                    rule.label()
                ));
            }
            End::NoIngress {
                group: group.clone(),
                rule: rule.clone(),
            }
        }
        (Action::DeleteKeyPair, Target::KeyPair { name, id }) => {
            let got = read_or_empty(
                steps,
                "ec2:DescribeKeyPairs",
                json!({"KeyNames": [name]}),
                &["InvalidKeyPair.NotFound"],
                c.ec2.describe_key_pairs().key_names(name).send(),
            )
            .await?;
            let found = got
                .as_ref()
                .and_then(|o| o.key_pairs().first())
                .map(|k| k.key_pair_id().unwrap_or_default().to_string());
            // The name may have been taken again since (a key pair made legitimately later):
            // only the one the record says was made is deleted.
            if let (Some(have), Some(want)) = (&found, id) {
                if have != want {
                    fail(
                        steps,
                        "ec2:DescribeKeyPairs",
                        format!("the key pair named {name} is {have}, not {want} the record made: nothing deleted"),
                    );
                    return Err(());
                }
            }
            if found.is_some() {
                step(
                    steps,
                    "ec2:DeleteKeyPair",
                    json!({"KeyName": name}),
                    c.ec2.delete_key_pair().key_name(name).send(),
                )
                .await?;
            } else {
                done.note = Some(format!("no key pair {name}: nothing to delete"));
            }
            End::NoKeyPair {
                name: name.clone(),
                id: id.clone(),
            }
        }
        (Action::StartLogging, Target::Trail(name)) => {
            let st = step(
                steps,
                "cloudtrail:GetTrailStatus",
                json!({"Name": name}),
                c.cloudtrail.get_trail_status().name(name).send(),
            )
            .await?;
            if st.is_logging() == Some(true) {
                done.note = Some(format!("{name} was logging already"));
            } else {
                step(
                    steps,
                    "cloudtrail:StartLogging",
                    json!({"Name": name}),
                    c.cloudtrail.start_logging().name(name).send(),
                )
                .await?;
            }
            End::TrailLogging {
                trail: name.clone(),
            }
        }
        (Action::EnableGuardDuty, Target::Detector(want)) => {
            let list = step(
                steps,
                "guardduty:ListDetectors",
                json!({}),
                c.guardduty.list_detectors().send(),
            )
            .await?;
            let ids = list.detector_ids();
            let id = match (want, ids.first()) {
                (Some(w), _) if ids.contains(w) => Some(w.clone()),
                (_, Some(first)) => {
                    if let Some(w) = want {
                        done.note = Some(format!(
                            "detector {w} is gone; the region's detector is {first}"
                        ));
                    }
                    Some(first.clone())
                }
                (_, None) => None,
            };
            match id {
                Some(id) => {
                    let d = step(
                        steps,
                        "guardduty:GetDetector",
                        json!({"DetectorId": id}),
                        c.guardduty.get_detector().detector_id(&id).send(),
                    )
                    .await?;
                    if d.status() != Some(&aws_sdk_guardduty::types::DetectorStatus::Enabled) {
                        step(
                            steps,
                            "guardduty:UpdateDetector",
                            json!({"DetectorId": id, "Enable": true}),
                            c.guardduty
                                .update_detector()
                                .detector_id(&id)
                                .enable(true)
                                .send(),
                        )
                        .await?;
                    }
                    End::DetectorEnabled { id }
                }
                None => {
                    let made = step(
                        steps,
                        "guardduty:CreateDetector",
                        json!({"Enable": true}),
                        c.guardduty.create_detector().enable(true).send(),
                    )
                    .await?;
                    let Some(id) = made.detector_id().map(String::from) else {
                        fail(steps, "guardduty:CreateDetector", "AWS named no detector");
                        return Err(());
                    };
                    done.note = Some(format!("the region had no detector: created {id}"));
                    End::DetectorEnabled { id }
                }
            }
        }
        _ => {
            fail(
                steps,
                action.name(),
                format!("{action} does not apply to {}", target.label()),
            );
            return Err(());
        }
    };
    done.expect = Some(Expect::Recovered(end));
    Ok(done)
}

fn permission(rule: &IngressRule) -> aws_sdk_ec2::types::IpPermission {
    let mut p = aws_sdk_ec2::types::IpPermission::builder()
        .ip_protocol(&rule.protocol)
        .set_from_port(rule.from)
        .set_to_port(rule.to);
    p = if rule.source.starts_with("sg-") {
        p.user_id_group_pairs(
            aws_sdk_ec2::types::UserIdGroupPair::builder()
                .group_id(&rule.source)
                .build(),
        )
    } else if rule.source.contains(':') {
        p.ipv6_ranges(
            aws_sdk_ec2::types::Ipv6Range::builder()
                .cidr_ipv6(&rule.source)
                .build(),
        )
    } else {
        p.ip_ranges(
            aws_sdk_ec2::types::IpRange::builder()
                .cidr_ip(&rule.source)
                .build(),
        )
    };
    p.build()
}
