//! The documented VPC Flow Logs fields (versions 2 to 8, Transit Gateway's included): which a
//! header line names, and which the console reads. A field it does not read is still checked to
//! be there, so a record with one field too few or too many is reported.

/// A field the console reads; every other documented field is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Version,
    AccountId,
    InterfaceId,
    SrcAddr,
    DstAddr,
    SrcPort,
    DstPort,
    Protocol,
    Packets,
    Bytes,
    Start,
    End,
    Action,
    LogStatus,
    VpcId,
    SubnetId,
    InstanceId,
    Region,
    FlowDirection,
    /// Transit Gateway records: the interfaces and VPC on each side.
    TgwSrcEni,
    TgwSrcVpcId,
    TgwSrcSubnetId,
    /// A documented field the console keeps only in the raw record.
    Other,
}

/// Version 2, the default format: what a record means when there is no header line.
pub const DEFAULT: [&str; 14] = [
    "version",
    "account-id",
    "interface-id",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "action",
    "log-status",
];

/// Every other documented field name (v3 to v8, Transit Gateway, ECS), kept as `Other` unless
/// listed in `field`.
const DOCUMENTED: &[&str] = &[
    "vpc-id",
    "subnet-id",
    "instance-id",
    "tcp-flags",
    "type",
    "pkt-srcaddr",
    "pkt-dstaddr",
    "region",
    "az-id",
    "sublocation-type",
    "sublocation-id",
    "pkt-src-aws-service",
    "pkt-dst-aws-service",
    "flow-direction",
    "traffic-path",
    "ecs-cluster-arn",
    "ecs-cluster-name",
    "ecs-container-instance-arn",
    "ecs-container-instance-id",
    "ecs-container-id",
    "ecs-second-container-id",
    "ecs-service-name",
    "ecs-task-definition-arn",
    "ecs-task-arn",
    "ecs-task-id",
    "reject-reason",
    "resource-type",
    "tgw-id",
    "tgw-attachment-id",
    "tgw-src-vpc-account-id",
    "tgw-dst-vpc-account-id",
    "tgw-src-vpc-id",
    "tgw-dst-vpc-id",
    "tgw-src-subnet-id",
    "tgw-dst-subnet-id",
    "tgw-src-eni",
    "tgw-dst-eni",
    "tgw-src-az-id",
    "tgw-dst-az-id",
    "tgw-pair-attachment-id",
    "packets-lost-no-route",
    "packets-lost-blackhole",
    "packets-lost-mtu-exceeded",
    "packets-lost-ttl-expired",
];

/// A header token as the documentation spells it: `account_id` (Parquet, Athena) and
/// `${account-id}` (the format string itself) are `account-id`.
pub fn canonical(token: &str) -> String {
    let t = token.trim();
    let t = t
        .strip_prefix("${")
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(t);
    t.to_ascii_lowercase().replace('_', "-")
}

/// Whether `name` (canonical) is a documented field.
pub fn is_documented(name: &str) -> bool {
    DEFAULT.contains(&name) || DOCUMENTED.contains(&name)
}

/// The field a (canonical) name stands for.
pub fn field(name: &str) -> Field {
    match name {
        "version" => Field::Version,
        "account-id" => Field::AccountId,
        "interface-id" => Field::InterfaceId,
        "srcaddr" => Field::SrcAddr,
        "dstaddr" => Field::DstAddr,
        "srcport" => Field::SrcPort,
        "dstport" => Field::DstPort,
        "protocol" => Field::Protocol,
        "packets" => Field::Packets,
        "bytes" => Field::Bytes,
        "start" => Field::Start,
        "end" => Field::End,
        "action" => Field::Action,
        "log-status" => Field::LogStatus,
        "vpc-id" => Field::VpcId,
        "subnet-id" => Field::SubnetId,
        "instance-id" => Field::InstanceId,
        "region" => Field::Region,
        "flow-direction" => Field::FlowDirection,
        "tgw-src-eni" => Field::TgwSrcEni,
        "tgw-src-vpc-id" => Field::TgwSrcVpcId,
        "tgw-src-subnet-id" => Field::TgwSrcSubnetId,
        _ => Field::Other,
    }
}
