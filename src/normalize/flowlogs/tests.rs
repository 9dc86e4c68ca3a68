use super::*;
use crate::model::flow::{FlowAction, FlowStatus};

const V2: &str = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";

#[test]
fn the_default_record_reads_every_field() {
    let f = FlowFormat::from_header(V2).unwrap_or_else(FlowFormat::default_v2);
    assert_eq!(f, FlowFormat::default_v2());
    let r = f
        .parse("2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.version, 2);
    assert_eq!(r.account.get().as_deref(), Some("123456789010"));
    assert_eq!(r.interface.as_deref(), Some("eni-1235b8ca123456789"));
    assert_eq!(r.src.map(|a| a.to_string()).as_deref(), Some("172.31.9.69"));
    assert_eq!((r.src_port, r.dst_port, r.protocol), (49761, 3389, 6));
    assert_eq!((r.packets, r.bytes), (20, 4249));
    assert_eq!((r.start, r.end), (1418530010, 1418530070));
    assert_eq!((r.action, r.status), (FlowAction::Reject, FlowStatus::Ok));
}

#[test]
fn nodata_records_have_dashes_and_a_short_account_is_unknown() {
    let f = FlowFormat::default_v2();
    let r = f
        .parse("2 12345678910 eni-0eb1e4178af74336c - - - - - - - 1742570089 1742570142 - NODATA")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status, FlowStatus::NoData);
    assert_eq!((r.src, r.bytes, r.action), (None, 0, FlowAction::Unknown));
    assert!(!r.account.is_known());
    let skip = f.parse("2 123456789012 eni-1 - - - - - - - 1 2 - SKIPDATA");
    assert_eq!(skip.map(|r| r.status), Ok(FlowStatus::SkipData));
}

#[test]
fn a_record_that_does_not_fit_its_header_is_an_error_saying_why() {
    let f = FlowFormat::default_v2();
    let few = f.parse("2 12345678910 eni-0eb1e4178af74336c - - - - - - - 1742570089 1742570142 -");
    assert_eq!(few, Err("13 fields where the format has 14".into()));
    let many = f.parse(
        "2 12345678910 eni-0eb1e4178af74336c - - - - - - - 1742570089 1742570142 - NODATA one-too-many",
    );
    assert_eq!(many, Err("15 fields where the format has 14".into()));
    let bad = f.parse("2 1 eni-1 10.0.0.1 10.0.0.999 1 2 6 1 1 1 2 ACCEPT OK");
    assert_eq!(bad, Err("dstaddr is not an IP address: 10.0.0.999".into()));
    let port = f.parse("2 1 eni-1 10.0.0.1 10.0.0.2 1 70000 6 1 1 1 2 ACCEPT OK");
    assert_eq!(port, Err("dstport is not a number: 70000".into()));
    let action = f.parse("2 1 eni-1 10.0.0.1 10.0.0.2 1 7 6 1 1 1 2 MAYBE OK");
    assert!(action.is_err_and(|e| e.starts_with("action")));
    let ok_without_addresses = f.parse("2 1 eni-1 - - 1 7 6 1 1 1 2 ACCEPT OK");
    assert!(ok_without_addresses.is_err());
    assert!(f.parse(&"2 ".repeat(20_000)).is_err());
}

#[test]
fn custom_formats_come_from_the_header_in_any_order_and_spelling() {
    let ecs = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status ecs-cluster-arn ecs-cluster-name ecs-container-instance-arn ecs-container-instance-id ecs-container-id ecs-second-container-id ecs-service-name ecs-task-definition-arn ecs-task-arn ecs-task-id";
    let f = FlowFormat::from_header(ecs).unwrap_or_else(|| panic!("ECS header"));
    assert_eq!((f.len(), f.unknown), (24, 0));
    let custom = FlowFormat::from_header("${vpc_id} ${srcaddr} ${dstaddr} ${dstport} ${bytes} ${action} ${instance-id} ${flow-direction}")
        .unwrap_or_else(|| panic!("custom header"));
    let r = custom
        .parse("vpc-0abc 10.0.0.5 203.0.113.66 443 1048576 ACCEPT i-0123456789abcdef0 egress")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.vpc.as_deref(), Some("vpc-0abc"));
    assert_eq!(r.instance.as_deref(), Some("i-0123456789abcdef0"));
    assert_eq!((r.dst_port, r.bytes, r.egress), (443, 1048576, Some(true)));
    // Transit Gateway (v6): the source side's interface, VPC and subnet.
    let tgw = FlowFormat::from_header(
        "version account-id tgw-id tgw-src-vpc-id tgw-src-subnet-id tgw-src-eni srcaddr dstaddr",
    )
    .unwrap_or_else(|| panic!("tgw header"));
    let r = tgw
        .parse("6 123456789012 tgw-1 vpc-a subnet-a eni-a 10.0.0.1 10.0.1.1")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (r.interface.as_deref(), r.vpc.as_deref()),
        (Some("eni-a"), Some("vpc-a"))
    );
    // Not headers: a record, prose, a line of mostly unknown words.
    assert_eq!(
        FlowFormat::from_header("2 123456789010 eni-1 1.2.3.4"),
        None
    );
    assert_eq!(FlowFormat::from_header("hello world version"), None);
    assert_eq!(FlowFormat::from_header("version"), None);
}

#[test]
fn default_records_are_recognised_without_a_header() {
    assert!(looks_like_default_record(
        "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK"
    ));
    assert!(!looks_like_default_record(
        "2 eni-1235b8ca123456789 172.31.16.139 172.31.16.21"
    ));
    assert!(!looks_like_default_record("hello"));
    assert!(!looks_like_default_record(""));
}
