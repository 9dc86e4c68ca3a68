//! IAM (access keys, user quarantine, role session revocation, tags), S3 (public access block,
//! tags), GuardDuty (archive, feedback) and SNS (notify) actions.

use super::clients::Clients;
use super::execute::{fail, step, Done, Step};
use super::plan::{deny_all, Plan, QUARANTINE_POLICY, REVOKE_POLICY, TAG_KEY};
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
                    format!("airc respond activate-key {id}"),
                )
            } else {
                (
                    aws_sdk_iam::types::StatusType::Active,
                    format!("airc respond deactivate-key {id}"),
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
                    .status(status)
                    .send(),
            )
            .await?;
            done.undo = Some(undo);
            done.note = Some(format!("key of IAM user {user}"));
        }
        Action::QuarantineUser => {
            let doc = deny_all(None).to_string();
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
                "aws iam delete-user-policy --user-name {id} --policy-name {QUARANTINE_POLICY}"
            ));
        }
        Action::RevokeSessions => {
            let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
            let doc = deny_all(Some(&now)).to_string();
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
                "aws iam delete-role-policy --role-name {id} --policy-name {REVOKE_POLICY}"
            ));
        }
        Action::BlockPublicAccess => {
            // No configuration yet is an answer, not a failure.
            let before = match c.s3.get_public_access_block().bucket(&id).send().await {
                Ok(o) => o
                    .public_access_block_configuration()
                    .map(|p| format!("{p:?}")),
                Err(_) => None,
            };
            steps.push(Step {
                operation: "s3:GetPublicAccessBlock".into(),
                parameters: json!({"Bucket": id}),
                ok: true,
                result: before
                    .clone()
                    .unwrap_or_else(|| "no block configured".into()),
            });
            let cfg = aws_sdk_s3::types::PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build();
            step(
                steps,
                "s3:PutPublicAccessBlock",
                json!({"Bucket": id, "all four": true}),
                c.s3.put_public_access_block()
                    .bucket(&id)
                    .public_access_block_configuration(cfg)
                    .send(),
            )
            .await?;
            done.undo = Some(match before {
                Some(b) => format!("put back the previous block ({b})"),
                None => format!("aws s3api delete-public-access-block --bucket {id}"),
            });
        }
        Action::Tag => tag(target, &id, &incident, c, steps).await?,
        Action::Archive
        | Action::Unarchive
        | Action::FeedbackUseful
        | Action::FeedbackNotUseful => {
            let detector = match target {
                Target::Finding {
                    detector: Some(d), ..
                } => d.clone(),
                _ => {
                    let out = step(
                        steps,
                        "guardduty:ListDetectors",
                        json!({}),
                        c.guardduty.list_detectors().send(),
                    )
                    .await?;
                    let Some(d) = out.detector_ids().first().cloned() else {
                        fail(
                            steps,
                            "guardduty:ListDetectors",
                            format!("no GuardDuty detector in {}", c.region),
                        );
                        return Err(());
                    };
                    d
                }
            };
            let gd = &c.guardduty;
            match action {
                Action::Archive => step(
                    steps,
                    "guardduty:ArchiveFindings",
                    json!({"DetectorId": detector, "FindingIds": [id]}),
                    gd.archive_findings()
                        .detector_id(&detector)
                        .finding_ids(&id)
                        .send(),
                )
                .await
                .map(|_| ())?,
                Action::Unarchive => step(
                    steps,
                    "guardduty:UnarchiveFindings",
                    json!({"DetectorId": detector, "FindingIds": [id]}),
                    gd.unarchive_findings()
                        .detector_id(&detector)
                        .finding_ids(&id)
                        .send(),
                )
                .await
                .map(|_| ())?,
                _ => {
                    let fb = if action == Action::FeedbackUseful {
                        aws_sdk_guardduty::types::Feedback::Useful
                    } else {
                        aws_sdk_guardduty::types::Feedback::NotUseful
                    };
                    step(steps, "guardduty:UpdateFindingsFeedback", json!({"DetectorId": detector, "FindingIds": [id], "Feedback": fb.as_str()}),
                        gd.update_findings_feedback().detector_id(&detector).finding_ids(&id).feedback(fb).send()).await.map(|_| ())?
                }
            }
            done.undo = Some(plan.undo.clone());
        }
        Action::Notify => {
            let topic = plan
                .calls
                .first()
                .and_then(|c| c.parameters["TopicArn"].as_str())
                .unwrap_or_default()
                .to_string();
            let summary = match target {
                Target::Signal { summary, .. } => summary.clone(),
                other => other.label(),
            };
            let subject: String = format!("airc: {}", crate::safe_text::line(&summary))
                .chars()
                .take(99)
                .collect();
            let message = json!({"incident": plan.incident, "target": target.id(), "summary": summary, "sent_by": "airc"}).to_string();
            let attr = aws_sdk_sns::types::MessageAttributeValue::builder()
                .data_type("String")
                .string_value("airc")
                .build();
            let Ok(attr) = attr else {
                fail(
                    steps,
                    "sns:Publish",
                    "could not build the message attribute",
                );
                return Err(());
            };
            let out = step(
                steps,
                "sns:Publish",
                json!({"TopicArn": topic, "Subject": subject}),
                c.sns
                    .publish()
                    .topic_arn(&topic)
                    .subject(subject.clone())
                    .message(message)
                    .message_attributes("source", attr)
                    .send(),
            )
            .await?;
            done.note = Some(format!("message {}", out.message_id().unwrap_or("?")));
        }
        _ => {
            fail(
                steps,
                action.name(),
                "not an IAM, S3, GuardDuty or SNS action",
            );
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
) -> Result<(), ()> {
    let bad = |steps: &mut Vec<Step>, e: String| {
        fail(steps, "tag", e);
    };
    match target {
        Target::User(_) | Target::Role(_) => {
            let t = match aws_sdk_iam::types::Tag::builder()
                .key(TAG_KEY)
                .value(incident)
                .build()
            {
                Ok(t) => t,
                Err(e) => {
                    bad(steps, e.to_string());
                    return Err(());
                }
            };
            if matches!(target, Target::User(_)) {
                step(
                    steps,
                    "iam:TagUser",
                    json!({"UserName": id, "Tags": {TAG_KEY: incident}}),
                    c.iam.tag_user().user_name(id).tags(t).send(),
                )
                .await
                .map(|_| ())
            } else {
                step(
                    steps,
                    "iam:TagRole",
                    json!({"RoleName": id, "Tags": {TAG_KEY: incident}}),
                    c.iam.tag_role().role_name(id).tags(t).send(),
                )
                .await
                .map(|_| ())
            }
        }
        Target::Bucket(_) => {
            // PutBucketTagging replaces the whole set: read it first and keep the others.
            let mut set: Vec<aws_sdk_s3::types::Tag> =
                match c.s3.get_bucket_tagging().bucket(id).send().await {
                    Ok(o) => o
                        .tag_set()
                        .iter()
                        .filter(|t| t.key() != TAG_KEY)
                        .cloned()
                        .collect(),
                    Err(_) => Vec::new(),
                };
            steps.push(Step {
                operation: "s3:GetBucketTagging".into(),
                parameters: json!({"Bucket": id}),
                ok: true,
                result: format!("{} existing tags kept", set.len()),
            });
            match aws_sdk_s3::types::Tag::builder()
                .key(TAG_KEY)
                .value(incident)
                .build()
            {
                Ok(t) => set.push(t),
                Err(e) => {
                    bad(steps, e.to_string());
                    return Err(());
                }
            }
            let tagging = match aws_sdk_s3::types::Tagging::builder()
                .set_tag_set(Some(set))
                .build()
            {
                Ok(t) => t,
                Err(e) => {
                    bad(steps, e.to_string());
                    return Err(());
                }
            };
            step(
                steps,
                "s3:PutBucketTagging",
                json!({"Bucket": id, "Tags": {TAG_KEY: incident}}),
                c.s3.put_bucket_tagging().bucket(id).tagging(tagging).send(),
            )
            .await
            .map(|_| ())
        }
        other => {
            bad(steps, format!("tag does not apply to {}", other.label()));
            Err(())
        }
    }
}
