//! Rules over flow conversations: a port scan (one source, at least `SCAN_PORTS` distinct
//! destination ports on one target within an hour, common service ports and the ephemeral range
//! left out, since replies go to ephemeral ports), egress of at least `EGRESS_BYTES` an hour from
//! inside to one external address, and bursts of `REJECT_BURST` rejected records from one source
//! within ten minutes.

use super::{at, human, Hit};
use crate::model::conversations::Conversations;
use crate::model::flow::{is_external, FlowAction};
use crate::model::{Entity, EntityKind};
use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;

pub const SCAN_PORTS: usize = 10;
pub const EGRESS_BYTES: u64 = 500_000_000;
pub const REJECT_BURST: u64 = 100;
/// Ports a responder expects many hosts to reach: not evidence of a scan.
const COMMON: &[u16] = &[53, 80, 123, 443];
/// Linux's ephemeral range starts here; Windows' at 49152.
const EPHEMERAL: u16 = 32768;
/// Ports remembered per source and target at most (past the threshold the count is enough).
const MAX_PORTS: usize = 1024;

#[derive(Default)]
struct Scan {
    ports: BTreeSet<u16>,
    records: u64,
    rejected: u64,
    interface: Option<String>,
    account: Option<String>,
    /// The earliest minute counted.
    first: Option<i64>,
}

#[derive(Default)]
struct Egress {
    bytes: u64,
    records: u64,
    sources: BTreeSet<IpAddr>,
    interface: Option<String>,
    account: Option<String>,
    /// The earliest minute counted.
    first: Option<i64>,
}

fn ip(a: &IpAddr) -> Entity {
    Entity::new(EntityKind::Ip, a.to_string())
}

pub fn detect(flows: &Conversations) -> Vec<Hit> {
    let mut scans: HashMap<(IpAddr, IpAddr, i64), Scan> = HashMap::new();
    let mut egress: HashMap<(IpAddr, i64), Egress> = HashMap::new();
    let mut rejects: HashMap<(IpAddr, i64), (u64, BTreeSet<IpAddr>, i64)> = HashMap::new();
    for c in flows.iter() {
        let (Some(src), Some(dst)) = (c.src, c.dst) else {
            continue;
        };
        let hour = c.minute - c.minute.rem_euclid(3600);
        let account = c.account.get();
        if matches!(c.protocol, 6 | 17) && !COMMON.contains(&c.port) && c.port < EPHEMERAL {
            let s = scans.entry((*src, *dst, hour)).or_default();
            if s.ports.len() < MAX_PORTS {
                s.ports.insert(c.port);
            }
            s.records += u64::from(c.totals.records);
            if c.action == FlowAction::Reject {
                s.rejected += u64::from(c.totals.records);
            }
            s.first = Some(s.first.map_or(c.minute, |f| f.min(c.minute)));
            s.interface = s.interface.take().or(c.interface.map(str::to_string));
            s.account = s.account.take().or(account.clone());
        }
        if c.action == FlowAction::Accept && !is_external(src) && is_external(dst) {
            let e = egress.entry((*dst, hour)).or_default();
            e.bytes = e.bytes.saturating_add(c.totals.bytes);
            e.records += u64::from(c.totals.records);
            if e.sources.len() < 16 {
                e.sources.insert(*src);
            }
            e.first = Some(e.first.map_or(c.minute, |f| f.min(c.minute)));
            e.interface = e.interface.take().or(c.interface.map(str::to_string));
            e.account = e.account.take().or(account.clone());
        }
        if c.action == FlowAction::Reject {
            let window = c.minute - c.minute.rem_euclid(600);
            let r = rejects
                .entry((*src, window))
                .or_insert((0, BTreeSet::new(), c.minute));
            r.2 = r.2.min(c.minute);
            r.0 += u64::from(c.totals.records);
            if r.1.len() < 16 {
                r.1.insert(*dst);
            }
        }
    }
    let mut out = Vec::new();
    for ((src, dst, hour), s) in scans {
        if s.ports.len() < SCAN_PORTS {
            continue;
        }
        let shown: Vec<String> = s.ports.iter().take(12).map(u16::to_string).collect();
        let mut entities = vec![ip(&src), ip(&dst)];
        entities.extend(s.interface.map(|i| Entity::new(EntityKind::Interface, i)));
        out.push(Hit {
            rule: "port_scan",
            key: format!("{src}>{dst}"),
            window: hour,
            time: at(s.first.unwrap_or(hour)),
            title: format!("Port scan from {src} against {dst}"),
            summary: format!(
                "{src} tried {} ports on {dst} within an hour ({}{}), {} of {} records rejected",
                s.ports.len(),
                shown.join(", "),
                if s.ports.len() > shown.len() {
                    ", …"
                } else {
                    ""
                },
                s.rejected,
                s.records
            ),
            note: format!("{} distinct ports in 60 min", s.ports.len()),
            account: s.account,
            entities,
        });
    }
    for ((dst, hour), e) in egress {
        if e.bytes < EGRESS_BYTES {
            continue;
        }
        let mut entities = vec![ip(&dst)];
        entities.extend(e.sources.iter().map(ip));
        entities.extend(e.interface.map(|i| Entity::new(EntityKind::Interface, i)));
        let from: Vec<String> = e.sources.iter().map(IpAddr::to_string).collect();
        out.push(Hit {
            rule: "egress_volume",
            key: dst.to_string(),
            window: hour,
            time: at(e.first.unwrap_or(hour)),
            title: format!("{} sent to {dst} within an hour", human(e.bytes)),
            summary: format!(
                "{} from {} to external {dst} in {} records within an hour",
                human(e.bytes),
                from.join(", "),
                e.records
            ),
            note: format!("{} bytes in 60 min (threshold {EGRESS_BYTES})", e.bytes),
            account: e.account,
            entities,
        });
    }
    for ((src, window), (n, targets, first)) in rejects {
        if n < REJECT_BURST {
            continue;
        }
        let mut entities = vec![ip(&src)];
        entities.extend(targets.iter().map(ip));
        out.push(Hit {
            rule: "reject_burst",
            key: src.to_string(),
            window,
            time: at(first),
            title: format!("{n} rejected connections from {src} within 10 minutes"),
            summary: format!(
                "{n} REJECT records from {src} to {} address(es) within 10 minutes",
                targets.len(),
            ),
            note: format!("{n} REJECT records in 10 min"),
            account: None,
            entities,
        });
    }
    out
}
