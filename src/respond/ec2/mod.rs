//! EC2 actions: isolate (and restore), termination protection, snapshots, console capture,
//! instance profile detach, stop, tags.

pub mod isolate;
pub mod verify;

use super::clients::Clients;
use super::execute::{fail, step, Done, Env, Step};
use super::plan::{Plan, TAG_KEY};
use super::verify::Expect;
use super::{audit, evidence};
use super::{Action, Target};
use aws_sdk_ec2::types::{
    AttributeBooleanValue, Filter, InstanceSpecification, ResourceType, Tag, TagSpecification,
};
use base64::Engine;
use isolate::isolate;
use serde_json::json;

pub(super) fn tags(resource: ResourceType, incident: &str) -> TagSpecification {
    TagSpecification::builder()
        .resource_type(resource)
        .tags(Tag::builder().key(TAG_KEY).value(incident).build())
        .build()
}

pub(super) fn filter(name: &str, value: &str) -> Filter {
    Filter::builder().name(name).values(value).build()
}

pub async fn run(
    action: Action,
    target: &Target,
    plan: &Plan,
    c: &Clients,
    env: &Env,
    steps: &mut Vec<Step>,
) -> Result<Done, ()> {
    let id = target.id().to_string();
    let incident = plan.incident.clone().unwrap_or_else(|| "none".into());
    let ec2 = &c.ec2;
    let mut done = Done::default();
    match action {
        Action::Isolate => {
            let i = isolate(&id, &incident, ec2, steps).await?;
            done.undo = Some(i.undo);
            done.note = Some(i.note);
            done.expect = Some(Expect::Isolated {
                instance: id.clone(),
                group: i.group,
            });
        }
        Action::RestoreGroups => {
            let Target::InstanceGroups(_, groups) = target else {
                return Err(());
            };
            isolate::restore(&id, groups, ec2, steps).await?;
            done.undo = Some(format!("airc respond isolate {}", super::sh(&id)));
            done.expect = Some(Expect::Groups {
                instance: id.clone(),
                groups: groups.clone(),
            });
        }
        Action::Protect => {
            step(
                steps,
                "ec2:ModifyInstanceAttribute",
                json!({"InstanceId": id, "DisableApiTermination": true}),
                ec2.modify_instance_attribute()
                    .instance_id(&id)
                    .disable_api_termination(AttributeBooleanValue::builder().value(true).build())
                    .send(),
            )
            .await?;
            done.undo = Some(format!(
                "aws ec2 modify-instance-attribute --instance-id {} --no-disable-api-termination",
                super::sh(&id)
            ));
            done.expect = Some(Expect::Protected {
                instance: id.clone(),
            });
        }
        Action::Snapshot => {
            let out = step(
                steps,
                "ec2:CreateSnapshots",
                json!({"InstanceId": id, "Tags": {TAG_KEY: incident}}),
                ec2.create_snapshots()
                    .instance_specification(
                        InstanceSpecification::builder().instance_id(&id).build(),
                    )
                    .description(format!("airc evidence for {incident}: {id}"))
                    .tag_specifications(tags(ResourceType::Snapshot, &incident))
                    .send(),
            )
            .await?;
            let ids: Vec<String> = out
                .snapshots()
                .iter()
                .filter_map(|s| s.snapshot_id().map(String::from))
                .collect();
            done.note = Some(format!("snapshots {}", ids.join(", ")));
            done.expect = Some(Expect::Snapshots { ids });
        }
        Action::Capture => {
            let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
            let out = step(
                steps,
                "ec2:GetConsoleOutput",
                json!({"InstanceId": id, "Latest": true}),
                ec2.get_console_output()
                    .instance_id(&id)
                    .latest(true)
                    .send(),
            )
            .await?;
            let text = out.output().map(decode).unwrap_or_default();
            let (dir, name, what) = (
                env.evidence_dir.clone(),
                format!("console-output-{id}-{stamp}.txt"),
                format!("console output of {id}"),
            );
            let saved = audit::off_runtime(move || evidence::save(&dir, &name, &text, &what)).await;
            match saved {
                Ok(e) => done.evidence.push(e),
                Err(e) => fail(steps, "evidence", e),
            }
            if let Ok(shot) = step(
                steps,
                "ec2:GetConsoleScreenshot",
                json!({"InstanceId": id}),
                ec2.get_console_screenshot().instance_id(&id).send(),
            )
            .await
            {
                let img = shot.image_data().map(decode).unwrap_or_default();
                let (dir, name, what) = (
                    env.evidence_dir.clone(),
                    format!("console-screenshot-{id}-{stamp}.jpg"),
                    format!("console screenshot of {id}"),
                );
                let saved =
                    audit::off_runtime(move || evidence::save(&dir, &name, &img, &what)).await;
                match saved {
                    Ok(e) => done.evidence.push(e),
                    Err(e) => fail(steps, "evidence", e),
                }
            }
            done.note = Some(format!(
                "{} evidence files in {}",
                done.evidence.len(),
                env.evidence_dir.display()
            ));
        }
        Action::DetachProfile => {
            let out = step(
                steps,
                "ec2:DescribeIamInstanceProfileAssociations",
                json!({"instance-id": id}),
                ec2.describe_iam_instance_profile_associations()
                    .filters(filter("instance-id", &id))
                    .send(),
            )
            .await?;
            let Some(assoc) = out.iam_instance_profile_associations().first() else {
                fail(
                    steps,
                    "ec2:DescribeIamInstanceProfileAssociations",
                    "no instance profile is attached",
                );
                return Err(());
            };
            let profile = assoc
                .iam_instance_profile()
                .and_then(|p| p.arn())
                .unwrap_or("?")
                .to_string();
            let aid = assoc.association_id().unwrap_or_default().to_string();
            step(
                steps,
                "ec2:DisassociateIamInstanceProfile",
                json!({"AssociationId": aid}),
                ec2.disassociate_iam_instance_profile()
                    .association_id(&aid)
                    .send(),
            )
            .await?;
            done.undo = Some(format!("aws ec2 associate-iam-instance-profile --instance-id {} --iam-instance-profile Arn={}", super::sh(&id), super::sh(&profile)));
            done.expect = Some(Expect::NoProfile {
                instance: id.clone(),
            });
        }
        Action::Stop => {
            step(
                steps,
                "ec2:StopInstances",
                json!({"InstanceIds": [id]}),
                ec2.stop_instances().instance_ids(&id).send(),
            )
            .await?;
            done.undo = Some(format!(
                "aws ec2 start-instances --instance-ids {}",
                super::sh(&id)
            ));
            done.expect = Some(Expect::Stopped {
                instance: id.clone(),
            });
        }
        Action::Tag => {
            step(
                steps,
                "ec2:CreateTags",
                json!({"Resources": [id], "Tags": {TAG_KEY: incident}}),
                ec2.create_tags()
                    .resources(&id)
                    .tags(Tag::builder().key(TAG_KEY).value(&incident).build())
                    .send(),
            )
            .await?;
            done.undo = Some(format!(
                "aws ec2 delete-tags --resources {} --tags Key={TAG_KEY}",
                super::sh(&id)
            ));
            done.expect = Some(Expect::Ec2Tag {
                resource: id.clone(),
                value: incident.clone(),
            });
        }
        _ => {
            fail(steps, action.name(), "not an EC2 action");
            return Err(());
        }
    }
    Ok(done)
}

fn decode(b64: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .unwrap_or_else(|_| b64.as_bytes().to_vec())
}
