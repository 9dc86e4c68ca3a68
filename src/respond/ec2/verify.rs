//! The EC2 end states read back: isolation (every interface, the group's rules), groups put
//! back, termination protection, snapshots, instance profile, stopped, tags.

use super::super::clients::Clients;
use super::super::execute::{step, Step};
use super::super::plan::{ISOLATION_GROUP, TAG_KEY};
use super::super::verify::{differs, ok, tag_check, Check, Expect};
use serde_json::json;

pub(in crate::respond) async fn read(
    e: &Expect,
    c: &Clients,
    steps: &mut Vec<Step>,
) -> Result<Check, ()> {
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
        _ => differs("not an EC2 end state"),
    })
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
            super::super::execute::fail(
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
