//! One VPC Flow Logs record, as the console keeps what it needs of it: the addresses, ports and
//! counters a conversation sums, and the resource ids (interface, VPC, subnet, instance) it
//! names. Read by `normalize::flowlogs`, summed into conversations by the store.

use super::account::AccountId;
use super::Text;
use std::net::IpAddr;

/// What the security group or network ACL did with the traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum FlowAction {
    Accept,
    Reject,
    /// `-`: a NODATA or SKIPDATA record, or a field list without `action`.
    #[default]
    Unknown,
}

impl FlowAction {
    pub fn label(self) -> &'static str {
        match self {
            FlowAction::Accept => "ACCEPT",
            FlowAction::Reject => "REJECT",
            FlowAction::Unknown => "-",
        }
    }
}

/// `log-status`: whether the record carries traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FlowStatus {
    /// Data is logging normally (also a field list without `log-status`).
    #[default]
    Ok,
    /// No traffic to or from the interface during the aggregation interval.
    NoData,
    /// Records were skipped during the interval (capacity or an internal error): evidence is
    /// missing for that interface and time.
    SkipData,
}

/// One flow record. Fields a format does not carry (or carries as `-`) are `None` / zero.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlowRecord {
    pub version: u8,
    pub account: AccountId,
    /// `interface-id` (or a Transit Gateway record's `tgw-src-eni`).
    pub interface: Option<Text>,
    pub vpc: Option<Text>,
    pub subnet: Option<Text>,
    pub instance: Option<Text>,
    pub region: Option<Text>,
    pub src: Option<IpAddr>,
    pub dst: Option<IpAddr>,
    pub src_port: u16,
    pub dst_port: u16,
    /// IANA protocol number (6 TCP, 17 UDP, 1 ICMP).
    pub protocol: u8,
    pub packets: u64,
    pub bytes: u64,
    /// Unix seconds of the aggregation interval.
    pub start: i64,
    pub end: i64,
    pub action: FlowAction,
    pub status: FlowStatus,
    /// `ingress` / `egress` (v5), when the format has it.
    pub egress: Option<bool>,
}

/// `tcp`, `udp`, `icmp` or the number.
pub fn protocol_name(p: u8) -> std::borrow::Cow<'static, str> {
    match p {
        1 => "icmp".into(),
        6 => "tcp".into(),
        17 => "udp".into(),
        58 => "icmpv6".into(),
        n => n.to_string().into(),
    }
}

/// Whether an address is one the internet routes: not private, loopback, link-local, shared
/// (CGNAT), multicast or unspecified. The documentation ranges (203.0.113.0/24 and the others)
/// count as external, so examples and tests stand for the internet they describe.
pub fn is_external(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            let cgnat = o[0] == 100 && (64..128).contains(&o[1]);
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || cgnat)
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            let unique_local = (first & 0xfe00) == 0xfc00;
            let link_local = (first & 0xffc0) == 0xfe80;
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || unique_local
                || link_local)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_special_addresses_are_not_external() {
        let ext = |s: &str| s.parse::<IpAddr>().map(|ip| is_external(&ip)).ok();
        assert_eq!(ext("10.0.0.1"), Some(false));
        assert_eq!(ext("172.31.9.12"), Some(false));
        assert_eq!(ext("192.168.1.1"), Some(false));
        assert_eq!(ext("100.64.0.1"), Some(false));
        assert_eq!(ext("169.254.169.254"), Some(false));
        assert_eq!(ext("fd00::1"), Some(false));
        assert_eq!(ext("203.0.113.66"), Some(true));
        assert_eq!(ext("3.239.232.29"), Some(true));
        assert_eq!(ext("2600:1f18::1"), Some(true));
        assert_eq!(protocol_name(6), "tcp");
        assert_eq!(protocol_name(47), "47");
    }
}
