//! Isolation: every network interface of the instance moves to the VPC's `airc-isolation`
//! group, and that group holds no rules at all. A group found by name is never trusted: its
//! rules are read and revoked first (a half-finished earlier isolation, or an edit by someone
//! else, would otherwise leave egress open while the action reports success).

use super::super::execute::{fail, step, Step};
use super::super::plan::ISOLATION_GROUP;
use aws_sdk_ec2::types::{IpPermission, ResourceType, SecurityGroup};
use serde_json::json;

pub struct Isolated {
    pub group: String,
    pub undo: String,
    pub note: String,
}

/// An interface and the groups it held before.
struct Interface {
    id: String,
    primary: bool,
    groups: Vec<String>,
}

pub async fn isolate(
    id: &str,
    incident: &str,
    ec2: &aws_sdk_ec2::Client,
    steps: &mut Vec<Step>,
) -> Result<Isolated, ()> {
    let d = step(
        steps,
        "ec2:DescribeInstances",
        json!({"InstanceIds": [id]}),
        ec2.describe_instances().instance_ids(id).send(),
    )
    .await?;
    let Some(inst) = d.reservations().iter().flat_map(|r| r.instances()).next() else {
        fail(
            steps,
            "ec2:DescribeInstances",
            format!("instance {id} not found"),
        );
        return Err(());
    };
    let Some(vpc) = inst.vpc_id().map(String::from) else {
        fail(
            steps,
            "ec2:DescribeInstances",
            "the instance is not in a VPC",
        );
        return Err(());
    };
    let group_ids = |g: &[aws_sdk_ec2::types::GroupIdentifier]| -> Vec<String> {
        g.iter()
            .filter_map(|g| g.group_id().map(String::from))
            .collect()
    };
    let interfaces: Vec<Interface> = inst
        .network_interfaces()
        .iter()
        .filter_map(|n| {
            Some(Interface {
                id: n.network_interface_id()?.to_string(),
                primary: n.attachment().and_then(|a| a.device_index()) == Some(0),
                groups: group_ids(n.groups()),
            })
        })
        .collect();
    let instance_groups = group_ids(inst.security_groups());
    let found = step(
        steps,
        "ec2:DescribeSecurityGroups",
        json!({"group-name": ISOLATION_GROUP, "vpc-id": vpc}),
        ec2.describe_security_groups()
            .filters(super::filter("group-name", ISOLATION_GROUP))
            .filters(super::filter("vpc-id", &vpc))
            .send(),
    )
    .await?;
    let (group, reused) = match found.security_groups().first() {
        Some(g) => (g.clone(), true),
        None => {
            let made = step(
                steps,
                "ec2:CreateSecurityGroup",
                json!({"GroupName": ISOLATION_GROUP, "VpcId": vpc}),
                ec2.create_security_group()
                    .group_name(ISOLATION_GROUP)
                    .description("airc isolation: no inbound or outbound rules")
                    .vpc_id(&vpc)
                    .tag_specifications(super::tags(ResourceType::SecurityGroup, incident))
                    .send(),
            )
            .await?;
            let Some(g) = made.group_id() else {
                fail(steps, "ec2:CreateSecurityGroup", "no group id returned");
                return Err(());
            };
            // A new group comes with a default allow-all egress rule: read what it holds.
            let d = step(
                steps,
                "ec2:DescribeSecurityGroups",
                json!({"GroupIds": [g]}),
                ec2.describe_security_groups().group_ids(g).send(),
            )
            .await?;
            let Some(g) = d.security_groups().first() else {
                fail(
                    steps,
                    "ec2:DescribeSecurityGroups",
                    format!("the new group {g} is not found"),
                );
                return Err(());
            };
            (g.clone(), false)
        }
    };
    let Some(gid) = group.group_id().map(String::from) else {
        fail(
            steps,
            "ec2:DescribeSecurityGroups",
            "the isolation group has no id",
        );
        return Err(());
    };
    let revoked = revoke_all(&group, &gid, ec2, steps).await?;
    let moves: Vec<(&str, &[String])> = interfaces
        .iter()
        .map(|n| (n.id.as_str(), n.groups.as_slice()))
        .collect();
    set_groups(
        id,
        &moves,
        &instance_groups,
        std::slice::from_ref(&gid),
        ec2,
        steps,
    )
    .await?;
    let primary = interfaces
        .iter()
        .find(|n| n.primary)
        .map(|n| n.groups.clone())
        .unwrap_or(instance_groups);
    let sh = crate::respond::sh;
    let mut undo = format!(
        "airc respond restore-groups {}",
        sh(&format!("{id}:{}", primary.join(",")))
    );
    for n in interfaces.iter().filter(|n| !n.primary) {
        undo.push_str(&format!(
            "; aws ec2 modify-network-interface-attribute --network-interface-id {} --groups {}",
            sh(&n.id),
            n.groups.iter().map(|g| sh(g)).collect::<Vec<_>>().join(" ")
        ));
    }
    let mut note = format!(
        "{} network interface(s) now only in {gid}; the primary was in {}",
        interfaces.len().max(1),
        primary.join(", ")
    );
    if reused && revoked > 0 {
        note.push_str(&format!(
            "; repaired: revoked {revoked} rule(s) found on the existing {ISOLATION_GROUP} group {gid}"
        ));
    }
    Ok(Isolated {
        group: gid,
        undo,
        note,
    })
}

/// Revokes every ingress and egress rule the group holds; the number revoked.
async fn revoke_all(
    g: &SecurityGroup,
    gid: &str,
    ec2: &aws_sdk_ec2::Client,
    steps: &mut Vec<Step>,
) -> Result<usize, ()> {
    let ingress = g.ip_permissions().to_vec();
    let egress = g.ip_permissions_egress().to_vec();
    if !ingress.is_empty() {
        step(
            steps,
            "ec2:RevokeSecurityGroupIngress",
            json!({"GroupId": gid, "Rules": rules(&ingress)}),
            ec2.revoke_security_group_ingress()
                .group_id(gid)
                .set_ip_permissions(Some(ingress.clone()))
                .send(),
        )
        .await?;
    }
    if !egress.is_empty() {
        step(
            steps,
            "ec2:RevokeSecurityGroupEgress",
            json!({"GroupId": gid, "Rules": rules(&egress)}),
            ec2.revoke_security_group_egress()
                .group_id(gid)
                .set_ip_permissions(Some(egress.clone()))
                .send(),
        )
        .await?;
    }
    Ok(ingress.len() + egress.len())
}

/// `tcp 22-22 0.0.0.0/0`: a rule as the audit log records it.
fn rules(p: &[IpPermission]) -> Vec<String> {
    p.iter()
        .map(|r| {
            let peers: Vec<&str> = r
                .ip_ranges()
                .iter()
                .filter_map(|x| x.cidr_ip())
                .chain(r.ipv6_ranges().iter().filter_map(|x| x.cidr_ipv6()))
                .chain(r.user_id_group_pairs().iter().filter_map(|x| x.group_id()))
                .chain(
                    r.prefix_list_ids()
                        .iter()
                        .filter_map(|x| x.prefix_list_id()),
                )
                .collect();
            format!(
                "{} {}-{} {}",
                r.ip_protocol().unwrap_or("?"),
                r.from_port().unwrap_or(-1),
                r.to_port().unwrap_or(-1),
                peers.join(",")
            )
        })
        .collect()
}

/// Puts `groups` back on the instance (its primary interface), as `restore-groups` does.
pub async fn restore(
    id: &str,
    groups: &[String],
    ec2: &aws_sdk_ec2::Client,
    steps: &mut Vec<Step>,
) -> Result<(), ()> {
    let d = step(
        steps,
        "ec2:DescribeInstances",
        json!({"InstanceIds": [id]}),
        ec2.describe_instances().instance_ids(id).send(),
    )
    .await?;
    let primary = d
        .reservations()
        .iter()
        .flat_map(|r| r.instances())
        .flat_map(|i| i.network_interfaces())
        .find(|n| n.attachment().and_then(|a| a.device_index()) == Some(0))
        .and_then(|n| n.network_interface_id().map(String::from));
    let moves: Vec<(&str, &[String])> = primary.iter().map(|e| (e.as_str(), &[][..])).collect();
    set_groups(id, &moves, &[], groups, ec2, steps).await
}

/// Puts `groups` on each interface (recording what it held) and on the instance itself. The
/// instance's own list is the primary interface's on AWS; emulators that keep the two apart
/// (moto) need it set too for DescribeInstances to agree. Harmless on AWS.
async fn set_groups(
    id: &str,
    interfaces: &[(&str, &[String])],
    instance_groups: &[String],
    groups: &[String],
    ec2: &aws_sdk_ec2::Client,
    steps: &mut Vec<Step>,
) -> Result<(), ()> {
    for (eni, before) in interfaces {
        step(
            steps,
            "ec2:ModifyNetworkInterfaceAttribute",
            json!({"NetworkInterfaceId": eni, "Groups": groups, "OriginalGroups": before}),
            ec2.modify_network_interface_attribute()
                .network_interface_id(*eni)
                .set_groups(Some(groups.to_vec()))
                .send(),
        )
        .await?;
    }
    step(
        steps,
        "ec2:ModifyInstanceAttribute",
        json!({"InstanceId": id, "Groups": groups, "OriginalGroups": instance_groups}),
        ec2.modify_instance_attribute()
            .instance_id(id)
            .set_groups(Some(groups.to_vec()))
            .send(),
    )
    .await
    .map(|_| ())
}
