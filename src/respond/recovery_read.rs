//! The reads of the recovery actions: what is attached, what a group holds, and each action's
//! end state read back ("verified" or "NOT verified: …").

use super::clients::Clients;
use super::recovery_run::End;
use super::step::{fail, read_or_empty, step, Step};
use super::target::IngressRule;
use super::verify::{differs, ok, Check};
use serde_json::json;

/// IAM lists are read at most this many pages deep (100 entries each by default).
const PAGES: usize = 20;

/// The managed policies attached to a user or a role (their ARNs).
pub(super) async fn attached(
    c: &Clients,
    steps: &mut Vec<Step>,
    user: Option<&String>,
    role: Option<&String>,
) -> Result<Vec<String>, ()> {
    let mut arns = Vec::new();
    let mut marker: Option<String> = None;
    for _ in 0..PAGES {
        let (page, more, next) = if let Some(u) = user {
            let o = step(
                steps,
                "iam:ListAttachedUserPolicies",
                json!({"UserName": u}),
                c.iam
                    .list_attached_user_policies()
                    .user_name(u)
                    .set_marker(marker.clone())
                    .send(),
            )
            .await?;
            (
                o.attached_policies()
                    .iter()
                    .filter_map(|p| p.policy_arn().map(String::from))
                    .collect::<Vec<_>>(),
                o.is_truncated(),
                o.marker().map(String::from),
            )
        } else if let Some(r) = role {
            let o = step(
                steps,
                "iam:ListAttachedRolePolicies",
                json!({"RoleName": r}),
                c.iam
                    .list_attached_role_policies()
                    .role_name(r)
                    .set_marker(marker.clone())
                    .send(),
            )
            .await?;
            (
                o.attached_policies()
                    .iter()
                    .filter_map(|p| p.policy_arn().map(String::from))
                    .collect::<Vec<_>>(),
                o.is_truncated(),
                o.marker().map(String::from),
            )
        } else {
            return Ok(arns);
        };
        arns.extend(page);
        match (more, next) {
            (true, Some(m)) => marker = Some(m),
            _ => return Ok(arns),
        }
    }
    fail(
        steps,
        "iam:ListAttachedPolicies",
        format!("more than {PAGES} pages of attached policies"),
    );
    Err(())
}

/// Whether the group holds this ingress rule (protocol, ports and this one source).
pub(super) async fn holds(
    c: &Clients,
    steps: &mut Vec<Step>,
    group: &str,
    rule: &IngressRule,
) -> Result<bool, ()> {
    let out = step(
        steps,
        "ec2:DescribeSecurityGroups",
        json!({"GroupIds": [group]}),
        c.ec2.describe_security_groups().group_ids(group).send(),
    )
    .await?;
    let Some(g) = out
        .security_groups()
        .iter()
        .find(|g| g.group_id() == Some(group))
    else {
        fail(
            steps,
            "ec2:DescribeSecurityGroups",
            format!("AWS did not return {group}"),
        );
        return Err(());
    };
    Ok(g.ip_permissions().iter().any(|p| same(p, rule)))
}

fn same(p: &aws_sdk_ec2::types::IpPermission, rule: &IngressRule) -> bool {
    let ports = match (rule.from, rule.to) {
        (Some(f), Some(t)) => p.from_port() == Some(f) && p.to_port() == Some(t),
        _ => true,
    };
    p.ip_protocol() == Some(rule.protocol.as_str())
        && ports
        && (p
            .ip_ranges()
            .iter()
            .any(|r| r.cidr_ip() == Some(rule.source.as_str()))
            || p.ipv6_ranges()
                .iter()
                .any(|r| r.cidr_ipv6() == Some(rule.source.as_str()))
            || p.user_id_group_pairs()
                .iter()
                .any(|g| g.group_id() == Some(rule.source.as_str())))
}

/// Reads a recovery action's end state back.
pub(super) async fn read(end: &End, c: &Clients, steps: &mut Vec<Step>) -> Result<Check, ()> {
    Ok(match end {
        End::UserPolicyDetached { user, arn } => {
            match attached(c, steps, Some(user), None).await?.contains(arn) {
                false => ok(format!("{arn} is not attached to {user}")),
                true => differs(format!("{arn} is still attached to {user}")),
            }
        }
        End::RolePolicyDetached { role, arn } => {
            match attached(c, steps, None, Some(role)).await?.contains(arn) {
                false => ok(format!("{arn} is not attached to {role}")),
                true => differs(format!("{arn} is still attached to {role}")),
            }
        }
        End::InlinePolicyGone { user, name } => {
            let out = step(
                steps,
                "iam:ListUserPolicies",
                json!({"UserName": user}),
                c.iam
                    .list_user_policies()
                    .user_name(user)
                    .max_items(1000)
                    .send(),
            )
            .await?;
            match out.policy_names().iter().any(|n| n == name) {
                false if out.is_truncated() => differs(format!(
                    "{user} has over 1,000 inline policies: {name} could not be checked"
                )),
                false => ok(format!("{user} has no inline policy {name}")),
                true => differs(format!("{user} still has the inline policy {name}")),
            }
        }
        End::NoLoginProfile { user } => {
            match read_or_empty(
                steps,
                "iam:GetLoginProfile",
                json!({"UserName": user}),
                &["NoSuchEntity"],
                c.iam.get_login_profile().user_name(user).send(),
            )
            .await?
            {
                None => ok(format!("{user} has no console password")),
                Some(_) => differs(format!("{user} still has a console password")),
            }
        }
        End::NoIngress { group, rule } => match holds(c, steps, group, rule).await? {
            false => ok(format!("{group} holds no rule {}", rule.label())),
            true => differs(format!("{group} still holds {}", rule.label())),
        },
        End::NoKeyPair { name, id } => {
            let got = read_or_empty(
                steps,
                "ec2:DescribeKeyPairs",
                json!({"KeyNames": [name]}),
                &["InvalidKeyPair.NotFound"],
                c.ec2.describe_key_pairs().key_names(name).send(),
            )
            .await?;
            // Gone, or (with the id it had) a key pair of that name made since is not it.
            let still = got.is_some_and(|o| {
                o.key_pairs()
                    .iter()
                    .any(|k| id.as_deref().is_none_or(|i| k.key_pair_id() == Some(i)))
            });
            match still {
                false => ok(format!("no key pair {name}")),
                true => differs(format!("the key pair {name} is still there")),
            }
        }
        End::TrailLogging { trail } => {
            let st = step(
                steps,
                "cloudtrail:GetTrailStatus",
                json!({"Name": trail}),
                c.cloudtrail.get_trail_status().name(trail).send(),
            )
            .await?;
            match st.is_logging() {
                Some(true) => ok(format!("{trail} is logging")),
                _ => differs(format!("{trail} is not logging")),
            }
        }
        End::DetectorEnabled { id } => {
            let d = step(
                steps,
                "guardduty:GetDetector",
                json!({"DetectorId": id}),
                c.guardduty.get_detector().detector_id(id).send(),
            )
            .await?;
            match d.status() {
                Some(aws_sdk_guardduty::types::DetectorStatus::Enabled) => {
                    ok(format!("detector {id} is enabled"))
                }
                s => differs(format!("detector {id} is {s:?}, not enabled")),
            }
        }
    })
}
