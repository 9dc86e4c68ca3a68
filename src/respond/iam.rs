//! IAM actions: access keys, user quarantine, role session revocation, user and role tags.

use super::clients::Clients;
use super::execute::{fail, step, Done, Step};
use super::plan::{deny_all, Plan, QUARANTINE_POLICY, REVOKE_POLICY, TAG_KEY};
use super::verify::Expect;
use super::{Action, Target};
use serde_json::json;

pub async fn run(
    action: Action,
    target: &Target,
    plan: &Plan,
    c: &Clients,
    steps: &mut Vec<Step>,
) -> Result<Done, ()> {
    let id = target.id().to_string();
    let incident = plan.incident.clone().unwrap_or_else(|| "none".into());
    let mut done = Done::default();
    match action {
        Action::DeactivateKey | Action::ActivateKey => {
            let used = step(
                steps,
                "iam:GetAccessKeyLastUsed",
                json!({"AccessKeyId": id}),
                c.iam.get_access_key_last_used().access_key_id(&id).send(),
            )
            .await?;
            let Some(user) = used.user_name().map(String::from) else {
                fail(
                    steps,
                    "iam:GetAccessKeyLastUsed",
                    "AWS did not name the key's user",
                );
                return Err(());
            };
            let (status, undo) = if action == Action::DeactivateKey {
                (
                    aws_sdk_iam::types::StatusType::Inactive,
                    format!("airc respond activate-key {}", super::sh(&id)),
                )
            } else {
                (
                    aws_sdk_iam::types::StatusType::Active,
                    format!("airc respond deactivate-key {}", super::sh(&id)),
                )
            };
            step(
                steps,
                "iam:UpdateAccessKey",
                json!({"UserName": user, "AccessKeyId": id, "Status": status.as_str()}),
                c.iam
                    .update_access_key()
                    .user_name(&user)
                    .access_key_id(&id)
                    .status(status.clone())
                    .send(),
            )
            .await?;
            done.undo = Some(undo);
            done.note = Some(format!("key of IAM user {user}"));
            done.expect = Some(Expect::KeyStatus {
                user: user.clone(),
                key: id.clone(),
                status: status.as_str().to_string(),
            });
        }
        Action::QuarantineUser => {
            let want = deny_all(None);
            let doc = want.to_string();
            step(
                steps,
                "iam:PutUserPolicy",
                json!({"UserName": id, "PolicyName": QUARANTINE_POLICY}),
                c.iam
                    .put_user_policy()
                    .user_name(&id)
                    .policy_name(QUARANTINE_POLICY)
                    .policy_document(doc)
                    .send(),
            )
            .await?;
            done.undo = Some(format!(
                "aws iam delete-user-policy --user-name {} --policy-name {QUARANTINE_POLICY}",
                super::sh(&id)
            ));
            done.expect = Some(Expect::UserPolicy {
                user: id.clone(),
                name: QUARANTINE_POLICY.into(),
                doc: want,
            });
        }
        Action::RevokeSessions => {
            let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
            let want = deny_all(Some(&now));
            let doc = want.to_string();
            step(
                steps,
                "iam:PutRolePolicy",
                json!({"RoleName": id, "PolicyName": REVOKE_POLICY, "TokenIssueTimeBefore": now}),
                c.iam
                    .put_role_policy()
                    .role_name(&id)
                    .policy_name(REVOKE_POLICY)
                    .policy_document(doc)
                    .send(),
            )
            .await?;
            done.undo = Some(format!(
                "aws iam delete-role-policy --role-name {} --policy-name {REVOKE_POLICY}",
                super::sh(&id)
            ));
            done.expect = Some(Expect::RolePolicy {
                role: id.clone(),
                name: REVOKE_POLICY.into(),
                doc: want,
            });
        }
        Action::Tag => done = tag(target, &id, &incident, c, steps).await?,
        _ => {
            fail(steps, action.name(), "not an IAM action");
            return Err(());
        }
    }
    Ok(done)
}

async fn tag(
    target: &Target,
    id: &str,
    incident: &str,
    c: &Clients,
    steps: &mut Vec<Step>,
) -> Result<Done, ()> {
    let mut done = Done::default();
    let user = match target {
        Target::User(_) => true,
        Target::Role(_) => false,
        other => {
            fail(
                steps,
                "tag",
                format!("tag does not apply to {}", other.label()),
            );
            return Err(());
        }
    };
    let t = match aws_sdk_iam::types::Tag::builder()
        .key(TAG_KEY)
        .value(incident)
        .build()
    {
        Ok(t) => t,
        Err(e) => {
            fail(steps, "tag", e.to_string());
            return Err(());
        }
    };
    if user {
        step(
            steps,
            "iam:TagUser",
            json!({"UserName": id, "Tags": {TAG_KEY: incident}}),
            c.iam.tag_user().user_name(id).tags(t).send(),
        )
        .await?;
    } else {
        step(
            steps,
            "iam:TagRole",
            json!({"RoleName": id, "Tags": {TAG_KEY: incident}}),
            c.iam.tag_role().role_name(id).tags(t).send(),
        )
        .await?;
    }
    done.undo = Some(format!(
        "aws iam untag-{} --{}-name {} --tag-keys {TAG_KEY}",
        if user { "user" } else { "role" },
        if user { "user" } else { "role" },
        super::sh(id)
    ));
    done.expect = Some(Expect::IamTag {
        user,
        name: id.to_string(),
        value: incident.to_string(),
    });
    Ok(done)
}
