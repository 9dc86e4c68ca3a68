//! Detections over network and data-access logs: flow conversations (port scans, egress volume,
//! bursts of REJECTs), S3 access log records (anonymous or cross-account access, one
//! requester's GET volume, bursts of 403s) and Resolver queries (DNS tunnelling, mining pools).
//!
//! These count over windows of many records, like Sigma's `value_count` / `event_count`
//! correlations, but the records they count are not signals (a flow is a sum in a
//! conversation): they are written here as built-in rules, each with a `RuleInfo` (title,
//! name, level, ATT&CK tactics and techniques) so a match reads like any other detection. They
//! run over what the store holds when a load finishes (`Store::finish`), and make one signal
//! per rule, subject and window, whose id is stable: a second run replaces it.

mod access;
mod dns;
mod flows;
mod rules;
#[cfg(test)]
mod tests;

pub use access::Access;
pub use dns::Query;
pub use rules::{rule, RULES};

use crate::model::conversations::Conversations;
use crate::model::detection::Detection;
use crate::model::{Entity, FacetFields, Facets, Rare, Severity, Signal, Source, Summary};
use chrono::{DateTime, Utc};

/// One match, before it is a signal.
#[derive(Debug, Clone)]
pub struct Hit {
    pub rule: &'static str,
    /// What it is about, for the id (`203.0.113.66>10.0.1.12`).
    pub key: String,
    /// The window's start (unix seconds): with the rule and key, the signal's id.
    pub window: i64,
    /// The first record counted (the signal's time: a window's start may lie before anything
    /// it counted happened).
    pub time: DateTime<Utc>,
    pub title: String,
    pub summary: String,
    /// What was counted ("23 ports in 60 min").
    pub note: String,
    pub account: Option<String>,
    pub entities: Vec<Entity>,
}

/// Every rule over everything loaded.
pub fn run(flows: &Conversations, access: &[Access], queries: &[Query]) -> Vec<Signal> {
    let mut hits = flows::detect(flows);
    hits.extend(access::detect(access));
    hits.extend(dns::detect(queries));
    hits.into_iter().filter_map(signal).collect()
}

/// The hit's key (its addresses, bucket or domain) as a digest in the signal's id: ids go
/// wherever a signal's existence may be told (a hidden signal's pin, message or routed line
/// keeps its id), and an id must not carry what the gate hides. Stable across runs.
fn key_digest(key: &str) -> String {
    use sha2::Digest;
    hex::encode(&sha2::Sha256::digest(key.as_bytes())[..8])
}

fn signal(h: Hit) -> Option<Signal> {
    let info = rule(h.rule)?;
    let level: Severity = info.level;
    let tactics = info.tactics.join(", ");
    Some(Signal {
        id: format!("network:{}:{}:{}", h.rule, key_digest(&h.key), h.window).into(),
        source: Source::Network,
        time: h.time,
        severity: level,
        facets: Facets::new(FacetFields {
            kind: info.title.clone().into(),
            title: h.title.into(),
            severity_reason: format!("airc rule {} ({tactics})", info.title).into(),
            account: h.account.map(Into::into),
            region: None,
            category: Some("network".into()),
            actor: None,
            product: Some("airc".into()),
            workflow: None,
        }),
        summary: Summary::text(h.summary),
        held: false,
        rare: Rare {
            detections: vec![Detection {
                rule: info,
                note: Some(h.note),
            }]
            .into(),
            entities: h.entities.into(),
            ..Rare::default()
        }
        .boxed(),
        raw: crate::model::Raw::None,
    })
}

/// `2026-11-28T09:00:00Z` for a window starting at unix second `secs`.
fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

/// Bytes for people: `1.2 GB`, `640.0 MB`.
fn human(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else {
        format!("{bytes} B")
    }
}
