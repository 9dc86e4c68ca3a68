//! The Network view's rows, a pure function of the store and the view's filter: flow
//! conversations summed over their minutes, then the top talkers and ports of the ones the
//! filter keeps, each ranked by bytes or by rejected records. Names the Resolver logs saw
//! resolve to an address join its rows (`domain:`), through the gate: a hidden query's names are
//! not used.

use crate::model::flow::FlowAction;
use crate::model::{EntityKind, Source};
use crate::query::flow::FlowFacts;
use crate::query::Query;
use crate::store::Store;
use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

/// At most this many rows of each list are kept (the ranking's top).
pub const MAX_ROWS: usize = 1000;
/// At most this many names are kept for one address, and addresses with names.
const MAX_NAMES: usize = 4;
const MAX_NAMED: usize = 100_000;
/// Distinct sources counted per port, at most.
const MAX_SOURCES: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rank {
    Bytes,
    Rejects,
}

impl Rank {
    pub fn label(self) -> &'static str {
        match self {
            Rank::Bytes => "bytes",
            Rank::Rejects => "rejects",
        }
    }
}

/// One conversation summed over its minutes.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvRow {
    pub src: Option<IpAddr>,
    pub dst: Option<IpAddr>,
    pub interface: Option<String>,
    pub port: u16,
    pub protocol: u8,
    pub action: FlowAction,
    pub bytes: u64,
    pub packets: u64,
    pub records: u64,
    /// Unix seconds of its first and last minute.
    pub first: i64,
    pub last: i64,
    pub domains: Vec<String>,
}

impl ConvRow {
    pub fn rejects(&self) -> u64 {
        if self.action == FlowAction::Reject {
            self.records
        } else {
            0
        }
    }
}

/// One address: what it sent and received, and its rejected records as a source.
#[derive(Debug, Clone, PartialEq)]
pub struct TalkerRow {
    pub addr: IpAddr,
    pub bytes_out: u64,
    pub bytes_in: u64,
    pub rejects: u64,
    pub conversations: u64,
    pub domains: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PortRow {
    pub port: u16,
    pub protocol: u8,
    pub bytes: u64,
    pub rejects: u64,
    pub conversations: u64,
    pub sources: usize,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rows {
    pub conversations: Vec<ConvRow>,
    pub talkers: Vec<TalkerRow>,
    pub ports: Vec<PortRow>,
    /// Conversations the filter kept (before the top is cut), and their bytes.
    pub matched: u64,
    pub matched_bytes: u64,
    /// Every flow record the store summed.
    pub records: u64,
}

/// Names resolved to each address, from the Resolver query signals `visible` lets through.
/// The answers are read from the summary the normalizer writes (`… → NOERROR 1.2.3.4, …`):
/// the signal's addresses also hold the asker's.
fn names(
    store: &Store,
    visible: &dyn Fn(&crate::model::Signal) -> bool,
) -> HashMap<IpAddr, Vec<String>> {
    let mut out: HashMap<IpAddr, Vec<String>> = HashMap::new();
    for (i, s) in store.signals().iter().enumerate() {
        if s.source != Source::Dns || !visible(s) {
            continue;
        }
        let ents = store.entities_at(i);
        let Some(name) = ents.iter().find(|e| e.kind == EntityKind::Domain) else {
            continue;
        };
        let summary = s.summary();
        let Some((_, after)) = summary.split_once(" → ") else {
            continue;
        };
        let answers = after.split(" [firewall").next().unwrap_or("");
        let answers = answers.split_once(' ').map_or("", |(_, a)| a);
        for a in answers.split(", ") {
            let Ok(ip) = a.trim().parse::<IpAddr>() else {
                continue;
            };
            if out.len() >= MAX_NAMED && !out.contains_key(&ip) {
                continue;
            }
            let list = out.entry(ip).or_default();
            if list.len() < MAX_NAMES && !list.iter().any(|n| *n == *name.id) {
                list.push(name.id.to_string());
            }
        }
    }
    out
}

fn top<T>(mut v: Vec<T>, key: impl Fn(&T) -> (u64, u64)) -> Vec<T> {
    // Stable after a sort by the rows' own order: equal keys keep it, so a view is the same on
    // every run.
    v.sort_by_key(|r| std::cmp::Reverse(key(r)));
    v.truncate(MAX_ROWS);
    v
}

type ConvKey = (
    Option<IpAddr>,
    Option<IpAddr>,
    Option<String>,
    u16,
    u8,
    FlowAction,
);

/// The rows for `query` (all conversations when `None`), ranked by `rank`.
pub fn build(
    store: &Store,
    query: Option<&Query>,
    rank: Rank,
    visible: &dyn Fn(&crate::model::Signal) -> bool,
) -> Rows {
    let flows = store.flows();
    let named = names(store, visible);
    let mut sums: HashMap<ConvKey, ConvRow> = HashMap::new();
    for c in flows.iter() {
        let key: ConvKey = (
            c.src.copied(),
            c.dst.copied(),
            c.interface.map(str::to_string),
            c.port,
            c.protocol,
            c.action,
        );
        let row = sums.entry(key).or_insert_with(|| ConvRow {
            src: c.src.copied(),
            dst: c.dst.copied(),
            interface: c.interface.map(str::to_string),
            port: c.port,
            protocol: c.protocol,
            action: c.action,
            bytes: 0,
            packets: 0,
            records: 0,
            first: c.minute,
            last: c.minute,
            domains: Vec::new(),
        });
        row.bytes = row.bytes.saturating_add(c.totals.bytes);
        row.packets = row.packets.saturating_add(c.totals.packets);
        row.records = row.records.saturating_add(u64::from(c.totals.records));
        row.first = row.first.min(c.minute);
        row.last = row.last.max(c.minute);
    }
    let mut kept = Vec::new();
    for (_, mut row) in sums {
        for a in [row.src, row.dst].into_iter().flatten() {
            for n in named.get(&a).into_iter().flatten() {
                if !row.domains.contains(n) {
                    row.domains.push(n.clone());
                }
            }
        }
        let domains: Vec<&str> = row.domains.iter().map(String::as_str).collect();
        let facts = FlowFacts {
            src: row.src.as_ref(),
            dst: row.dst.as_ref(),
            interface: row.interface.as_deref(),
            port: row.port,
            protocol: row.protocol,
            action: row.action,
            bytes: row.bytes,
            packets: row.packets,
            domains: &domains,
        };
        if query.is_none_or(|q| q.accepts_flow(&facts)) {
            kept.push(row);
        }
    }
    // A fixed order first, so equal ranks always come out the same.
    kept.sort_by(|a, b| {
        (a.src, a.dst, a.port, a.protocol, a.action, &a.interface).cmp(&(
            b.src,
            b.dst,
            b.port,
            b.protocol,
            b.action,
            &b.interface,
        ))
    });
    let mut rows = Rows {
        matched: kept.len() as u64,
        matched_bytes: kept.iter().map(|r| r.bytes).fold(0, u64::saturating_add),
        records: flows.records,
        ..Rows::default()
    };
    let mut talkers: HashMap<IpAddr, TalkerRow> = HashMap::new();
    let mut ports: HashMap<(u16, u8), (PortRow, HashSet<IpAddr>)> = HashMap::new();
    let talker = |t: &mut HashMap<IpAddr, TalkerRow>, a: IpAddr| {
        let domains = named.get(&a).cloned().unwrap_or_default();
        t.entry(a)
            .or_insert_with(|| TalkerRow {
                addr: a,
                bytes_out: 0,
                bytes_in: 0,
                rejects: 0,
                conversations: 0,
                domains,
            })
            .conversations += 1;
    };
    for r in &kept {
        if let Some(a) = r.src {
            talker(&mut talkers, a);
            if let Some(t) = talkers.get_mut(&a) {
                t.bytes_out = t.bytes_out.saturating_add(r.bytes);
                t.rejects = t.rejects.saturating_add(r.rejects());
            }
        }
        if let Some(a) = r.dst {
            talker(&mut talkers, a);
            if let Some(t) = talkers.get_mut(&a) {
                t.bytes_in = t.bytes_in.saturating_add(r.bytes);
            }
        }
        let (p, sources) = ports.entry((r.port, r.protocol)).or_insert_with(|| {
            (
                PortRow {
                    port: r.port,
                    protocol: r.protocol,
                    bytes: 0,
                    rejects: 0,
                    conversations: 0,
                    sources: 0,
                },
                HashSet::new(),
            )
        });
        p.bytes = p.bytes.saturating_add(r.bytes);
        p.rejects = p.rejects.saturating_add(r.rejects());
        p.conversations += 1;
        if let Some(a) = r.src {
            if sources.len() < MAX_SOURCES {
                sources.insert(a);
            }
        }
    }
    let mut talkers: Vec<TalkerRow> = talkers.into_values().collect();
    talkers.sort_by_key(|t| t.addr);
    let mut ports: Vec<PortRow> = ports
        .into_values()
        .map(|(mut p, s)| {
            p.sources = s.len();
            p
        })
        .collect();
    ports.sort_by_key(|p| (p.port, p.protocol));
    match rank {
        Rank::Bytes => {
            rows.conversations = top(kept, |r| (r.bytes, r.records));
            rows.talkers = top(talkers, |t| {
                (t.bytes_out.saturating_add(t.bytes_in), t.rejects)
            });
            rows.ports = top(ports, |p| (p.bytes, p.rejects));
        }
        Rank::Rejects => {
            rows.conversations = top(kept, |r| (r.rejects(), r.bytes));
            rows.talkers = top(talkers, |t| (t.rejects, t.bytes_out));
            rows.ports = top(ports, |p| (p.rejects, p.bytes));
        }
    }
    rows
}
