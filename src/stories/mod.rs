//! Attack stories: the signals that matter (a detection, a GuardDuty finding, a Health abuse or
//! risk event) joined into candidate incidents when they share a strong entity — an access key,
//! an IAM user, a role session, an instance, a bucket, a public source IP — within a time gap.
//!
//! Built incrementally, one signal at a time in any arrival order: each strong entity keeps its
//! members sorted by time, and a new member joins (union-find) only its neighbours in time on
//! each of its entities, which gives the same grouping as comparing every pair (single linkage).
//! An entity that touches more than a set share of all signals (a busy automation user, a NAT
//! address) is "busy" and joins nothing; `settle` re-checks that as the store grows and splits
//! only the stories a newly busy entity had joined. No pass over the store, ever.

use crate::model::{Entity, Severity, Signal, Source};

#[cfg(test)]
mod busy_tests;
mod links;
mod membership;
mod parts;
mod split;
mod summary;
#[cfg(test)]
mod tests;
mod timeline;

use membership::rank;
pub use membership::{joins, strong};
pub(crate) use split::Segments;
use split::SplitMap;
pub use summary::{Step, Story};

/// How stories are formed.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Two signals sharing an entity join when at most this far apart (seconds).
    pub gap_secs: i64,
    /// An entity touching more than this share of all signals joins nothing…
    pub busy_share: f64,
    /// …once it touches at least this many (so a small replay's attacker key stays strong).
    pub busy_floor: usize,
    /// Stories are built at all (`airc inspect` and `airc detections` show none: they skip the
    /// work).
    pub enabled: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            gap_secs: 2 * 3600,
            busy_share: 0.05,
            busy_floor: 10_000,
            enabled: true,
        }
    }
}

/// A stable 64-bit hash of a signal id (FNV-1a), so a story's id is the same in every run and
/// build; the store's hashers are seeded per process, which is right for them and wrong here.
pub(crate) fn stable_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// One signal of a story.
#[derive(Debug, Clone)]
struct Member {
    /// Position in the store.
    pos: u32,
    time: i64,
    id_hash: u64,
    severity: Severity,
    /// Bits over `model::detection::TACTICS`.
    tactics: u16,
    source: Source,
    /// Its strong entities (`Link`): up to four inline, no heap block (most members have two or
    /// three; two boxed slices of ids and ranks were 32 bytes and two blocks a member).
    links: smallvec::SmallVec<[u32; 4]>,
    parent: u32,
}

/// A strong entity of a member: its store id, and in the top two bits how well it explains a
/// link (principal 2, resource 1, address 0). An entity numbered past `Link::MAX_ID` (a billion
/// entities: more than memory holds) joins no story.
struct Link;

impl Link {
    const SHIFT: u32 = 30;
    const MAX_ID: u32 = (1 << Link::SHIFT) - 1;

    fn of(id: u32, rank: u8) -> u32 {
        id | u32::from(rank) << Link::SHIFT
    }

    fn id(l: u32) -> u32 {
        l & Link::MAX_ID
    }

    fn rank(l: u32) -> u8 {
        (l >> Link::SHIFT) as u8
    }
}

impl Member {
    /// The store ids of its strong entities.
    fn ids(&self) -> impl Iterator<Item = u32> + '_ {
        self.links.iter().map(|l| Link::id(*l))
    }
}

/// What a story holds, kept on its root member and merged on each join.
#[derive(Debug, Clone)]
struct Agg {
    first: i64,
    last: i64,
    /// The earliest member's (time, id hash): the story's id.
    earliest: (i64, u64),
    count: u32,
    severity: Severity,
    tactics: u16,
    sources: u16,
    /// Distinct strong entities (store ids), at most `MAX_ENTITIES` (a thin vector: most
    /// stories are one member, each an `Agg`).
    entities: thin_vec::ThinVec<u32>,
}

const MAX_ENTITIES: usize = 64;

impl Agg {
    fn of(m: &Member) -> Agg {
        Agg {
            first: m.time,
            last: m.time,
            earliest: (m.time, m.id_hash),
            count: 1,
            severity: m.severity,
            tactics: m.tactics,
            sources: 1 << m.source.index(),
            entities: m.ids().take(MAX_ENTITIES).collect(),
        }
    }

    fn merge(&mut self, o: Agg) {
        self.first = self.first.min(o.first);
        self.last = self.last.max(o.last);
        self.earliest = self.earliest.min(o.earliest);
        self.count += o.count;
        self.severity = self.severity.max(o.severity);
        self.tactics |= o.tactics;
        self.sources |= o.sources;
        for e in o.entities {
            if self.entities.len() >= MAX_ENTITIES {
                break;
            }
            if !self.entities.contains(&e) {
                self.entities.push(e);
            }
        }
    }
}

static CONFIGURED: std::sync::OnceLock<Config> = std::sync::OnceLock::new();

/// Sets the configuration every store of this process uses (`--story-gap`), once, at start-up.
/// False when it was already set.
pub fn configure(config: Config) -> bool {
    CONFIGURED.set(config).is_ok()
}

fn configured() -> Config {
    CONFIGURED.get().cloned().unwrap_or_default()
}

/// The stories of one store.
#[derive(Debug)]
pub struct Stories {
    config: Config,
    members: Segments<Member>,
    /// Only on roots.
    aggs: SplitMap<Agg>,
    by_pos: SplitMap<u32>,
    /// Each strong entity's members in time order.
    by_entity: SplitMap<timeline::Timeline>,
    /// The entities of `by_entity` that are busy (join nothing): few, so a set of their own
    /// rather than a flag in every entry (which made each 8 bytes larger).
    busy: std::collections::HashSet<u32, foldhash::fast::RandomState>,
    /// Entities that never join (the console's own caller).
    excluded: Vec<Entity>,
    /// Bumped on every change, so views know when to re-rank.
    version: u64,
    /// Additions since the busy check last ran.
    since_settle: usize,
    /// The keys of `by_entity`, in the order they were added (`settle_some` walks them).
    linked: Segments<u32>,
    settle_cursor: usize,
    /// The newest member's time: what recency is measured against.
    newest: i64,
}

impl Default for Stories {
    fn default() -> Stories {
        Stories::new(configured())
    }
}

pub(crate) fn tactic_bits(s: &Signal) -> u16 {
    crate::model::detection::signal_tactics(s)
        .into_iter()
        .filter_map(|t| {
            crate::model::detection::TACTICS
                .iter()
                .position(|x| *x == t)
        })
        .fold(0, |m, i| m | (1 << i))
}

impl Stories {
    pub fn new(config: Config) -> Stories {
        Stories {
            config,
            members: Segments::default(),
            aggs: SplitMap::default(),
            by_pos: SplitMap::default(),
            by_entity: SplitMap::default(),
            busy: Default::default(),
            excluded: Vec::new(),
            version: 0,
            since_settle: 0,
            linked: Segments::default(),
            settle_cursor: 0,
            newest: 0,
        }
    }

    /// The newest member's time (seconds): what a story's recency is measured against.
    pub fn newest(&self) -> i64 {
        self.newest
    }

    /// A fresh set with the same configuration and exclusions (the store was rebuilt).
    pub fn emptied(&self) -> Stories {
        Stories {
            excluded: self.excluded.clone(),
            ..Stories::new(self.config.clone())
        }
    }

    /// Never join stories through `e` (e.g. the responder's own principal).
    pub fn exclude(&mut self, e: Entity) {
        if !self.excluded.contains(&e) {
            self.excluded.push(e);
        }
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    /// Signals in stories (candidates included).
    pub fn members(&self) -> usize {
        self.members.len()
    }

    fn is_busy(&self, touching: usize, total: usize) -> bool {
        touching >= self.config.busy_floor
            && touching as f64 > self.config.busy_share * total as f64
    }

    /// Adds (or updates) the signal at store position `pos`. `ids` are its entities' store ids,
    /// `entity(id)` the entity; `touching(id)` how many signals touch an entity; `total` how
    /// many signals the store holds.
    pub fn add<'a>(
        &mut self,
        pos: u32,
        s: &Signal,
        ids: &[u32],
        entity: impl Fn(u32) -> Option<&'a Entity>,
        touching: impl Fn(u32) -> usize,
        total: usize,
    ) {
        if !self.config.enabled || !joins(s) {
            return;
        }
        let links: smallvec::SmallVec<[u32; 4]> = ids
            .iter()
            .filter(|id| **id <= Link::MAX_ID)
            .filter_map(|id| entity(*id).map(|e| (e, id)))
            .filter(|(e, _)| strong(e) && !self.excluded.contains(e))
            .map(|(e, id)| Link::of(*id, rank(e.kind)))
            .collect();
        let time = s.time.timestamp();
        self.newest = self.newest.max(time);
        let m = match self.by_pos.get(&pos) {
            Some(m) => {
                // Seen before (a finding updated): raise what it brings, link new entities.
                let m = *m;
                let member = &mut self.members[m as usize];
                member.severity = member.severity.max(s.severity);
                member.tactics |= tactic_bits(s);
                let (severity, tactics) = (member.severity, member.tactics);
                let root = self.find(m);
                if let Some(a) = self.aggs.get_mut(&root) {
                    a.severity = a.severity.max(severity);
                    a.tactics |= tactics;
                }
                let member = &mut self.members[m as usize];
                let new: Vec<u32> = links
                    .into_iter()
                    .filter(|l| !member.ids().any(|k| k == Link::id(*l)))
                    .collect();
                if !new.is_empty() {
                    member.links.extend_from_slice(&new);
                    let new: Vec<u32> = new.into_iter().map(Link::id).collect();
                    self.link(m, time, &new, &touching, total);
                }
                self.version += 1;
                return;
            }
            None => self.members.len() as u32,
        };
        let member = Member {
            pos,
            time,
            id_hash: s.id.with_str(stable_hash),
            severity: s.severity,
            tactics: tactic_bits(s),
            source: s.source,
            links,
            parent: m,
        };
        let ids: Vec<u32> = member.ids().collect();
        self.aggs.insert(m, Agg::of(&member));
        self.members.push(member);
        self.by_pos.insert(pos, m);
        self.link(m, time, &ids, &touching, total);
        self.version += 1;
        self.since_settle += 1;
    }

    /// Whether enough has arrived since the busy check that it should run again.
    pub fn wants_settle(&self) -> bool {
        self.since_settle >= 4096
    }

    fn find(&mut self, mut m: u32) -> u32 {
        let mut root = m;
        while self.members[root as usize].parent != root {
            root = self.members[root as usize].parent;
        }
        while self.members[m as usize].parent != root {
            let next = self.members[m as usize].parent;
            self.members[m as usize].parent = root;
            m = next;
        }
        root
    }

    /// The root of `m` without compressing paths (for readers).
    fn root_of(&self, mut m: u32) -> u32 {
        while self.members[m as usize].parent != m {
            m = self.members[m as usize].parent;
        }
        m
    }

    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        let size = |s: &Self, r: u32| s.aggs.get(&r).map_or(1, |a| a.count);
        let (big, small) = if size(self, ra) >= size(self, rb) {
            (ra, rb)
        } else {
            (rb, ra)
        };
        self.members[small as usize].parent = big;
        if let Some(agg) = self.aggs.remove(&small) {
            if let Some(b) = self.aggs.get_mut(&big) {
                b.merge(agg);
            }
        }
    }
}
