//! The filter language over flow conversations (the Network view): `port:`, `proto:`,
//! `action:`, `bytes:`, `domain:` and the address terms, and the values those terms take.
//!
//! A flow is not a signal: the terms about signals (severity, type, user, rule…) hold on no
//! flow, and the flow terms (`port:`, `proto:`, `action:`, `bytes:`) hold on no signal.

use super::{Cmp, Cond, ParseError, Query};
use crate::model::flow::FlowAction;
use crate::model::EntityKind;
use std::net::IpAddr;

/// What the filter reads of one conversation (summed over its minutes).
#[derive(Debug, Clone, Copy)]
pub struct FlowFacts<'a> {
    pub src: Option<&'a IpAddr>,
    pub dst: Option<&'a IpAddr>,
    pub interface: Option<&'a str>,
    pub port: u16,
    pub protocol: u8,
    pub action: FlowAction,
    pub bytes: u64,
    pub packets: u64,
    /// Names the Resolver logs saw resolve to the source or the destination.
    pub domains: &'a [&'a str],
}

/// A protocol's name, else its IANA number.
pub fn proto_label(p: u8) -> String {
    match p {
        1 => "icmp".into(),
        6 => "tcp".into(),
        17 => "udp".into(),
        47 => "gre".into(),
        50 => "esp".into(),
        58 => "icmpv6".into(),
        n => n.to_string(),
    }
}

fn value_error(field: &str, value: &str, why: &str) -> ParseError {
    ParseError::Value {
        field: field.to_string(),
        value: value.to_string(),
        why: why.to_string(),
    }
}

pub(super) fn port(v: &str) -> Result<Cond, ParseError> {
    v.parse::<u16>()
        .map(Cond::Port)
        .map_err(|_| value_error("port", v, "expected a number from 0 to 65535"))
}

pub(super) fn proto(v: &str) -> Result<Cond, ParseError> {
    let n = match v.to_ascii_lowercase().as_str() {
        "icmp" => 1,
        "tcp" => 6,
        "udp" => 17,
        "gre" => 47,
        "esp" => 50,
        "icmpv6" => 58,
        other => other.parse::<u8>().map_err(|_| {
            value_error(
                "proto",
                v,
                "expected tcp, udp, icmp, icmpv6, gre, esp or 0-255",
            )
        })?,
    };
    Ok(Cond::Proto(n))
}

pub(super) fn action(v: &str) -> Result<Cond, ParseError> {
    match v.to_ascii_lowercase().as_str() {
        "accept" | "accepted" => Ok(Cond::Action(FlowAction::Accept)),
        "reject" | "rejected" => Ok(Cond::Action(FlowAction::Reject)),
        _ => Err(value_error("action", v, "expected accept or reject")),
    }
}

/// `bytes:>10M`: a comparison (default `>=`) and a size with an optional decimal unit (K, M,
/// G, T: 1,000s, as the network rules count).
pub(super) fn bytes(v: &str) -> Result<Cond, ParseError> {
    let (cmp, rest) = if let Some(r) = v.strip_prefix(">=") {
        (Cmp::Ge, r)
    } else if let Some(r) = v.strip_prefix("<=") {
        (Cmp::Le, r)
    } else if let Some(r) = v.strip_prefix('>') {
        (Cmp::Gt, r)
    } else if let Some(r) = v.strip_prefix('<') {
        (Cmp::Lt, r)
    } else if let Some(r) = v.strip_prefix('=') {
        (Cmp::Eq, r)
    } else {
        (Cmp::Ge, v)
    };
    let rest = rest.trim_end_matches(['b', 'B']);
    let (num, unit) = rest.split_at(
        rest.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len()),
    );
    let scale: u64 = match unit.to_ascii_uppercase().as_str() {
        "" => 1,
        "K" => 1_000,
        "M" => 1_000_000,
        "G" => 1_000_000_000,
        "T" => 1_000_000_000_000,
        _ => {
            return Err(value_error(
                "bytes",
                v,
                "expected a size such as >10M (K, M, G, T)",
            ))
        }
    };
    let n = num
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .ok_or_else(|| value_error("bytes", v, "expected a size such as >10M (K, M, G, T)"))?;
    Ok(Cond::Bytes(cmp, n))
}

fn cmp(c: Cmp, a: u64, b: u64) -> bool {
    match c {
        Cmp::Lt => a < b,
        Cmp::Le => a <= b,
        Cmp::Eq => a == b,
        Cmp::Ge => a >= b,
        Cmp::Gt => a > b,
    }
}

impl Query {
    /// Whether every term holds on the conversation and the fuzzy text (if any) matches its
    /// addresses, port, protocol, action, interface or domains.
    pub fn accepts_flow(&self, f: &FlowFacts) -> bool {
        let ip = |g: &super::Glob| {
            [f.src, f.dst]
                .into_iter()
                .flatten()
                .any(|a| g.is_match(&a.to_string()))
        };
        let domain = |g: &super::Glob| f.domains.iter().any(|d| g.is_match(d));
        let holds = |cond: &Cond| match cond {
            Cond::Port(p) => f.port == *p,
            Cond::Proto(p) => f.protocol == *p,
            Cond::Action(a) => f.action == *a,
            Cond::Bytes(c, n) => cmp(*c, f.bytes, *n),
            Cond::Entity(Some(EntityKind::Ip), g) => ip(g),
            Cond::Entity(Some(EntityKind::Domain), g) => domain(g),
            Cond::Entity(Some(EntityKind::Interface), g) => {
                f.interface.is_some_and(|i| g.is_match(i))
            }
            Cond::Entity(None, g) => {
                ip(g) || domain(g) || f.interface.is_some_and(|i| g.is_match(i))
            }
            _ => false,
        };
        if !self.terms.iter().all(|t| holds(&t.cond) != t.negate) {
            return false;
        }
        if self.fuzzy.is_empty() {
            return true;
        }
        let text = format!(
            "{} {} {} {} {} {} {}",
            f.src.map(|a| a.to_string()).unwrap_or_default(),
            f.dst.map(|a| a.to_string()).unwrap_or_default(),
            f.port,
            proto_label(f.protocol),
            f.action.label(),
            f.interface.unwrap_or(""),
            f.domains.join(" ")
        );
        super::fuzzy_accepts(&text, &self.fuzzy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse;

    fn facts<'a>(src: &'a IpAddr, dst: &'a IpAddr, domains: &'a [&'a str]) -> FlowFacts<'a> {
        FlowFacts {
            src: Some(src),
            dst: Some(dst),
            interface: Some("eni-0abc"),
            port: 3333,
            protocol: 6,
            action: FlowAction::Accept,
            bytes: 12_000_000,
            packets: 9_000,
            domains,
        }
    }

    fn hit(q: &str) -> bool {
        let (src, dst): (IpAddr, IpAddr) = match ("10.0.3.17".parse(), "198.51.100.77".parse()) {
            (Ok(a), Ok(b)) => (a, b),
            _ => panic!("addresses"),
        };
        let domains = ["pool.minexmr.com"];
        parse(q)
            .unwrap_or_else(|e| panic!("{q}: {e}"))
            .accepts_flow(&facts(&src, &dst, &domains))
    }

    #[test]
    fn flow_terms_hold_on_the_conversation() {
        assert!(hit("port:3333") && !hit("port:22"));
        assert!(hit("proto:tcp") && hit("proto:6") && !hit("proto:udp"));
        assert!(hit("action:accept") && !hit("action:reject") && hit("-action:reject"));
        assert!(hit("bytes:>10M") && !hit("bytes:>12M") && hit("bytes:>=12M"));
        assert!(hit("bytes:<1G") && !hit("bytes:<1K") && hit("bytes:12000000"));
        assert!(hit("domain:*minexmr*") && !hit("domain:example.org"));
        assert!(hit("ip:198.51.100.77") && hit("ip:10.0.3.*") && !hit("ip:192.0.2.1"));
        assert!(hit("entity:eni-0abc") && hit("entity:pool.*"));
        assert!(hit("3333 minexmr") && !hit("zzz"));
        // Terms about signals hold on no flow.
        assert!(!hit("sev:high") && !hit("user:alice"));
    }

    #[test]
    fn bad_values_say_what_was_expected() {
        for (q, want) in [
            ("port:http", "0 to 65535"),
            ("port:70000", "0 to 65535"),
            ("proto:sctpx", "expected tcp"),
            ("action:drop", "accept or reject"),
            ("bytes:>10Q", "size such as"),
            ("bytes:>99999999999999T", "size such as"),
        ] {
            let e = parse(q).map(|_| ()).unwrap_err().to_string();
            assert!(e.contains(want), "{q}: {e}");
        }
    }
}
