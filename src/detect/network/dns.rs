//! Rules over Route 53 Resolver queries: DNS tunnelling (one source asking at least
//! `TUNNEL_QUERIES` names an hour under at most two registered domains, at least
//! `TUNNEL_NAMES` of them distinct, so a service polling one API name does not count) and
//! queries for known crypto-mining pools.

use super::{at, Hit};
use crate::model::{Entity, EntityKind};
use std::collections::{BTreeSet, HashMap};

pub const TUNNEL_QUERIES: u64 = 1000;
pub const TUNNEL_NAMES: usize = 100;

/// Registered domains of public mining pools (and the pool proxies miners use). A name under
/// any of them matches.
pub const MINING_POOLS: &[&str] = &[
    "2miners.com",
    "c3pool.com",
    "ethermine.org",
    "f2pool.com",
    "hashvault.pro",
    "herominers.com",
    "minergate.com",
    "minexmr.com",
    "miningpoolhub.com",
    "moneroocean.stream",
    "nanopool.org",
    "nicehash.com",
    "supportxmr.com",
    "unmineable.com",
    "xmrpool.eu",
    "viabtc.com",
    "poolin.com",
    "antpool.com",
    "kryptex.network",
    "zpool.ca",
];

/// What the rules need of one query.
#[derive(Debug, Clone)]
pub struct Query {
    pub time: i64,
    /// The name asked, lower case, without the final dot.
    pub name: String,
    /// Who asked: the instance, else the source address.
    pub source: Entity,
    pub account: Option<String>,
}

/// The registered domain of a name, approximately: its last two labels, or three when the
/// second-to-last is a short second-level label under a country code (`example.co.uk`).
pub fn registered(name: &str) -> &str {
    let labels: Vec<&str> = name.rsplitn(4, '.').collect();
    let keep = match labels.as_slice() {
        [tld, sld, _, ..] if tld.len() == 2 && sld.len() <= 3 => 3,
        _ => 2,
    };
    let mut dots = 0;
    for (i, b) in name.bytes().enumerate().rev() {
        if b == b'.' {
            dots += 1;
            if dots == keep {
                return &name[i + 1..];
            }
        }
    }
    name
}

pub fn mining_pool(name: &str) -> Option<&'static str> {
    MINING_POOLS
        .iter()
        .find(|p| name == **p || name.strip_suffix(**p).is_some_and(|r| r.ends_with('.')))
        .copied()
}

#[derive(Default)]
struct Hour<'a> {
    queries: u64,
    domains: BTreeSet<&'a str>,
    names: BTreeSet<&'a str>,
    first: Option<&'a Query>,
}

pub fn detect(queries: &[Query]) -> Vec<Hit> {
    let mut hours: HashMap<(&Entity, i64), Hour> = HashMap::new();
    let mut pools: HashMap<(&Entity, &'static str, i64), (u64, &Query)> = HashMap::new();
    for q in queries {
        let hour = q.time - q.time.rem_euclid(3600);
        let h = hours.entry((&q.source, hour)).or_default();
        h.queries += 1;
        if h.domains.len() <= 2 {
            h.domains.insert(registered(&q.name));
        }
        if h.names.len() < TUNNEL_NAMES {
            h.names.insert(&q.name);
        }
        h.first.get_or_insert(q);
        if let Some(pool) = mining_pool(&q.name) {
            pools.entry((&q.source, pool, hour)).or_insert((0, q)).0 += 1;
        }
    }
    let mut out = Vec::new();
    for ((source, hour), h) in hours {
        let Some(first) = h.first else { continue };
        if h.queries < TUNNEL_QUERIES || h.domains.len() > 2 || h.names.len() < TUNNEL_NAMES {
            continue;
        }
        let domains: Vec<&str> = h.domains.iter().copied().collect();
        let mut entities = vec![source.clone()];
        entities.extend(
            domains
                .iter()
                .map(|d| Entity::new(EntityKind::Domain, *d).in_account(first.account.as_deref())),
        );
        out.push(Hit {
            rule: "dns_tunnelling",
            key: source.to_string(),
            window: hour,
            time: at(first.time),
            title: format!(
                "DNS tunnelling from {} to {}",
                source.id,
                domains.join(", ")
            ),
            summary: format!(
                "{} asked {} queries within an hour under {} (at least {} distinct names)",
                source.id,
                h.queries,
                domains.join(", "),
                h.names.len()
            ),
            note: format!(
                "{} queries in 60 min to {} domain(s)",
                h.queries,
                domains.len()
            ),
            account: first.account.clone(),
            entities,
        });
    }
    for ((source, pool, hour), (n, first)) in pools {
        out.push(Hit {
            rule: "mining_pool",
            key: format!("{source}>{pool}"),
            window: hour,
            time: at(first.time),
            title: format!("{} looked up mining pool {}", source.id, first.name),
            summary: format!(
                "{} asked for {} ({n} queries within the hour): a crypto-mining pool ({pool})",
                source.id, first.name
            ),
            note: format!("{n} queries for {pool}"),
            account: first.account.clone(),
            entities: vec![
                source.clone(),
                Entity::new(EntityKind::Domain, first.name.as_str())
                    .in_account(first.account.as_deref()),
            ],
        });
    }
    out
}
