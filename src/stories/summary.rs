//! What a story shows: its id, span, principals, IPs and resources, tactics in kill-chain
//! order, top severity and score; its steps in time order with the entity that links each.

use super::{Agg, Stories};
use crate::model::detection::TACTICS;
use crate::model::{Entity, EntityKind, Severity, Source};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// One story, as ranked and shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Story {
    /// `S-` and 8 hex digits from its earliest signal's id: the same in every run.
    pub id: String,
    pub score: u32,
    pub severity: Severity,
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
    pub signals: usize,
    pub tactics: Vec<&'static str>,
    pub sources: Vec<Source>,
    pub principals: Vec<Entity>,
    pub ips: Vec<Entity>,
    pub resources: Vec<Entity>,
    /// The root member: how the store finds its signals again.
    #[serde(skip)]
    pub(crate) root: u32,
}

/// One step of a story's timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Store position of the signal.
    pub pos: u32,
    /// The entity it shares with an earlier step (`None` for the first step).
    pub via: Option<u32>,
}

fn weight(s: Severity) -> u32 {
    match s {
        Severity::Info => 0,
        Severity::Low => 5,
        Severity::Medium => 15,
        Severity::High => 30,
        Severity::Critical => 45,
    }
}

/// A story ranks by its top severity, how many distinct tactics and sources it spans, its size
/// and how recent it is (against the newest signal held, so a replay of last month ranks the
/// same as it did then).
pub fn score(severity: Severity, tactics: u32, sources: u32, count: u32, age_secs: i64) -> u32 {
    let recency = if age_secs <= 3600 {
        20
    } else {
        (20 - (age_secs.min(24 * 3600) - 3600) * 20 / (23 * 3600)).max(0) as u32
    };
    weight(severity) + 10 * tactics + 10 * sources.saturating_sub(1) + count.min(20) + recency
}

/// A candidate is shown as a story when it is more than one signal and reaches medium, or is
/// one high or critical signal on its own: a lone medium sign-in failure stays a row.
fn qualifies(a: &Agg) -> bool {
    shows(a.count as usize, a.severity)
}

fn shows(count: usize, severity: Severity) -> bool {
    (count >= 2 && severity >= Severity::Medium) || severity >= Severity::High
}

/// A story's id from its earliest signal's id: `S-` and 8 hex digits, the same in every run.
fn id_of(id_hash: u64) -> String {
    format!("S-{:08x}", id_hash >> 32)
}

fn time(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

/// Principals, IPs and resources, each sorted and once.
fn split_entities<'a>(
    entities: impl Iterator<Item = &'a Entity>,
) -> (Vec<Entity>, Vec<Entity>, Vec<Entity>) {
    let mut principals = Vec::new();
    let mut ips = Vec::new();
    let mut resources = Vec::new();
    for e in entities {
        let into = match e.kind {
            EntityKind::AccessKey | EntityKind::IamUser | EntityKind::AssumedRole => {
                &mut principals
            }
            EntityKind::Ip => &mut ips,
            _ => &mut resources,
        };
        if !into.contains(e) {
            into.push(e.clone());
        }
    }
    for v in [&mut principals, &mut ips, &mut resources] {
        v.sort();
    }
    (principals, ips, resources)
}

impl Story {
    /// Its score with recency measured against `newest` (seconds) instead.
    pub fn rescored(mut self, newest: i64) -> Story {
        self.score = score(
            self.severity,
            self.tactics.len() as u32,
            self.sources.len() as u32,
            self.signals as u32,
            newest - self.last.timestamp(),
        );
        self
    }

    /// Whether it is shown as a story (as it is seen: a hidden critical signal does not make
    /// a lone low one a story).
    pub fn qualifies(&self) -> bool {
        shows(self.signals, self.severity)
    }

    /// The story as shown to someone who may not see some of its signals (`visible`: the ones
    /// they may, of `self.signals`): principals, IPs and resources from those signals only
    /// (`entities`, strong ones), and its severity, tactics, sources, span and score from them
    /// too — a hidden signal adds nothing a reader could learn it by. `newest` is the store's
    /// newest story time (seconds), for recency.
    pub fn seen_through<'a>(
        &self,
        visible: &[&crate::model::Signal],
        entities: impl Iterator<Item = &'a Entity>,
        newest: i64,
    ) -> Story {
        let mut seen = self.seen_entities(entities);
        if visible.len() >= self.signals {
            return seen;
        }
        seen.signals = visible.len();
        // Its id from its earliest visible signal: the earliest member's may be a hidden one,
        // whose id (shown on its row) would then name the story that holds it.
        if let Some(first) = visible
            .iter()
            .map(|s| (s.time, s.id.with_str(super::stable_hash)))
            .min()
        {
            seen.id = id_of(first.1);
        }
        let severity = visible
            .iter()
            .map(|s| s.severity)
            .max()
            .unwrap_or(Severity::Info);
        let bits = visible.iter().fold(0u16, |m, s| m | super::tactic_bits(s));
        seen.tactics = (0..TACTICS.len())
            .filter(|i| bits & (1 << i) != 0)
            .map(|i| TACTICS[i])
            .collect();
        seen.sources = Source::ALL
            .into_iter()
            .filter(|src| visible.iter().any(|s| s.source == *src))
            .collect();
        seen.severity = severity;
        if let (Some(first), Some(last)) = (
            visible.iter().map(|s| s.time).min(),
            visible.iter().map(|s| s.time).max(),
        ) {
            seen.first = first;
            seen.last = last;
        }
        seen.score = if visible.is_empty() {
            0
        } else {
            score(
                severity,
                seen.tactics.len() as u32,
                seen.sources.len() as u32,
                visible.len() as u32,
                newest - seen.last.timestamp(),
            )
        };
        seen
    }

    fn seen_entities<'a>(&self, entities: impl Iterator<Item = &'a Entity>) -> Story {
        let mut distinct: Vec<&Entity> = Vec::new();
        for e in entities.filter(|e| super::strong(e)) {
            if distinct.len() >= super::MAX_ENTITIES {
                break;
            }
            if !distinct.contains(&e) {
                distinct.push(e);
            }
        }
        let (principals, ips, resources) = split_entities(distinct.into_iter());
        Story {
            principals,
            ips,
            resources,
            ..self.clone()
        }
    }
}

fn summarize<'a>(
    root: u32,
    a: &Agg,
    entity: &impl Fn(u32) -> Option<&'a Entity>,
    newest: i64,
) -> Story {
    let (principals, ips, resources) =
        split_entities(a.entities.iter().filter_map(|id| entity(*id)));
    let tactics: Vec<&'static str> = (0..TACTICS.len())
        .filter(|i| a.tactics & (1 << i) != 0)
        .map(|i| TACTICS[i])
        .collect();
    let sources: Vec<Source> = Source::ALL
        .into_iter()
        .filter(|s| a.sources & (1 << s.index()) != 0)
        .collect();
    Story {
        id: id_of(a.earliest.1),
        score: score(
            a.severity,
            tactics.len() as u32,
            sources.len() as u32,
            a.count,
            newest - a.last,
        ),
        severity: a.severity,
        first: time(a.first),
        last: time(a.last),
        signals: a.count as usize,
        tactics,
        sources,
        principals,
        ips,
        resources,
        root,
    }
}

impl Stories {
    /// Every story, best first (score, then earliest, then id). `entity(id)` names a store
    /// entity id. Recency is against the newest signal in any story.
    pub fn list<'a>(&self, entity: impl Fn(u32) -> Option<&'a Entity>) -> Vec<Story> {
        let newest = self.newest;
        let mut out: Vec<Story> = self
            .aggs
            .iter()
            .filter(|(_, a)| qualifies(a))
            .map(|(root, a)| summarize(*root, a, &entity, newest))
            .collect();
        out.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then(a.first.cmp(&b.first))
                .then(a.id.cmp(&b.id))
        });
        out
    }

    /// The story's signals in time order, each with the entity that links it to an earlier
    /// one (its most recent shared entity).
    pub fn steps(&self, story: &Story) -> Vec<Step> {
        let members: Vec<u32> = (0..self.members.len() as u32)
            .filter(|m| self.root_of(*m) == story.root)
            .collect();
        self.steps_of(members)
    }

    /// The steps of every story given, in one pass over the members (not one per story).
    pub fn all_steps(&self, stories: &[Story]) -> Vec<Vec<Step>> {
        let slot: std::collections::HashMap<u32, usize> = stories
            .iter()
            .enumerate()
            .map(|(i, s)| (s.root, i))
            .collect();
        let mut groups: Vec<Vec<u32>> = vec![Vec::new(); stories.len()];
        for m in 0..self.members.len() as u32 {
            if let Some(i) = slot.get(&self.root_of(m)) {
                groups[*i].push(m);
            }
        }
        groups.into_iter().map(|g| self.steps_of(g)).collect()
    }

    fn steps_of(&self, mut members: Vec<u32>) -> Vec<Step> {
        members.sort_by_key(|m| {
            let x = &self.members[*m as usize];
            (x.time, x.id_hash)
        });
        let mut last_seen: std::collections::HashMap<u32, i64> = Default::default();
        members
            .into_iter()
            .map(|m| {
                let x = &self.members[m as usize];
                // The most recent shared entity; at the same time, a principal over a resource
                // over an address (the key explains a link better than the IP behind it).
                let via = x
                    .links
                    .iter()
                    .map(|l| (super::Link::id(*l), super::Link::rank(*l)))
                    .filter_map(|(e, r)| last_seen.get(&e).map(|t| (*t, r, e)))
                    .max()
                    .map(|(_, _, e)| e);
                for e in x.ids() {
                    last_seen.insert(e, x.time);
                }
                Step { pos: x.pos, via }
            })
            .collect()
    }

    /// Store positions of the story's signals, ascending.
    pub fn positions(&self, story: &Story) -> Vec<u32> {
        let mut out: Vec<u32> = (0..self.members.len() as u32)
            .filter(|m| self.root_of(*m) == story.root)
            .map(|m| self.members[m as usize].pos)
            .collect();
        out.sort_unstable();
        out
    }

    /// The story the signal at store position `pos` belongs to, if it is in one that shows.
    pub fn story_of<'a>(
        &self,
        pos: u32,
        entity: impl Fn(u32) -> Option<&'a Entity>,
    ) -> Option<Story> {
        let newest = self.newest;
        let m = *self.by_pos.get(&pos)?;
        let root = self.root_of(m);
        let a = self.aggs.get(&root).filter(|a| qualifies(a))?;
        Some(summarize(root, a, &entity, newest))
    }
}
