//! The Entities pane's rows for one view pass: every entity touched by the signals in view, with
//! counts per source, ranked by risk; the top `MAX_ENTITY_ROWS` kept, the rest counted.

use super::state::{EntityRow, PaneId};
use super::view::ViewJob;
use crate::allocator::Scratch;
use crate::model::{Entity, Severity};
use chrono::{DateTime, TimeZone, Utc};
use rayon::prelude::*;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Most entity rows kept for display; the rest are counted. A busy account has hundreds of
/// thousands of source IPs: a responder narrows them with a filter or a pivot, not by scrolling.
pub const MAX_ENTITY_ROWS: usize = 20_000;

/// Per entity, in 24 bytes, all zero when no signal in view touches it (so a fresh mapping is an
/// empty tally): each thread holds one for every entity, 8.5M at 10M events, while the pass runs.
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
struct Acc {
    /// The latest time, as `order_key` of its microseconds; 0 when never seen.
    last_seen: u64,
    counts: [u32; 3],
    /// `Severity as u32`.
    max_severity: u32,
}

/// Microseconds since the epoch in an order-keeping unsigned form; never 0 for a real time
/// (`i64::MIN` microseconds is outside what a `DateTime` holds).
fn order_key(micros: i64) -> u64 {
    (micros as u64) ^ (1 << 63)
}

fn time_of(key: u64) -> Option<DateTime<Utc>> {
    (key != 0)
        .then(|| Utc.timestamp_micros((key ^ (1 << 63)) as i64).single())
        .flatten()
}

fn severity_of(n: u32) -> Severity {
    Severity::ALL
        .get(n as usize)
        .copied()
        .unwrap_or(Severity::Info)
}

/// An entity that may be shown, in risk order (`Ord`: the riskiest is the least).
struct Ranked<'a> {
    severity: Severity,
    signals: u64,
    last_seen: u64,
    entity: &'a Entity,
    id: u32,
}

impl Ord for Ranked<'_> {
    /// The worst severity touching it, then how many signals, then how recent, then the entity
    /// itself (a total order, so the list is stable).
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .severity
            .cmp(&self.severity)
            .then_with(|| other.signals.cmp(&self.signals))
            .then_with(|| other.last_seen.cmp(&self.last_seen))
            .then_with(|| self.entity.cmp(other.entity))
    }
}

impl PartialOrd for Ranked<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked<'_> {}

/// Counts the signals at the store positions `in_view` per entity: each thread a share of the
/// signals into its own array indexed by entity id (no hashing per reference), then added up.
fn tally(job: &ViewJob, in_view: &[u32]) -> Scratch<Acc> {
    let snap = &job.snapshot;
    let n = snap.entities.len();
    // One share per thread: every share takes an array of all entities and a merge.
    let share = in_view
        .len()
        .div_ceil(rayon::current_num_threads())
        .max(64 * 1024);
    in_view
        .par_chunks(share)
        .fold(
            || Scratch::zeroed(n),
            |mut acc: Scratch<Acc>, part| {
                let slots = acc.as_mut_slice();
                for p in part {
                    let s = &snap.signals[*p as usize];
                    let slot = s.source.pane();
                    let seen = order_key(s.time.timestamp_micros());
                    for id in snap.lists.get(*p as usize) {
                        if let Some(a) = slots.get_mut(*id as usize) {
                            a.counts[slot] += 1;
                            a.last_seen = a.last_seen.max(seen);
                            a.max_severity = a.max_severity.max(s.severity as u32);
                        }
                    }
                }
                acc
            },
        )
        // `reduce_with`: no identity array of every entity to zero for the merge.
        .reduce_with(|mut a, b| {
            for (x, y) in a.as_mut_slice().iter_mut().zip(b.as_slice()) {
                for k in 0..3 {
                    x.counts[k] += y.counts[k];
                }
                x.last_seen = x.last_seen.max(y.last_seen);
                x.max_severity = x.max_severity.max(y.max_severity);
            }
            a
        })
        .unwrap_or_else(|| Scratch::zeroed(n))
}

/// Every entity touched by the signals in view, with counts per source: the top rows by risk,
/// and how many there are in all. Only the kept rows clone their entity.
pub(super) fn entity_rows(job: &ViewJob, in_view: &[u32]) -> (Vec<EntityRow>, usize) {
    let snap = &job.snapshot;
    let acc = tally(job, in_view);
    let acc = acc.as_slice();
    let fuzzy = job.query.panes[PaneId::Entities.index()]
        .filter
        .as_ref()
        .map(|q| q.fuzzy.clone())
        .unwrap_or_default();
    // The entity filter's answer per entity, taken once (None: no filter, every entity shown).
    let accepted: Option<Vec<bool>> = (!fuzzy.is_empty()).then(|| {
        acc.iter()
            .enumerate()
            .map(|(id, a)| {
                a.last_seen != 0
                    && crate::query::fuzzy_accepts(&snap.entities[id].to_string(), &fuzzy)
            })
            .collect()
    });
    let shown = |id: usize| accepted.as_ref().is_none_or(|a| a[id]);
    // Rows are ordered by severity first: count the entities in view per severity, and only
    // those at or above the lowest severity the top MAX_ENTITY_ROWS reach are ranked (at 1M
    // entities, mostly addresses seen once in read-only calls, ranking them all was most of a
    // full pass).
    let mut per_severity = [0usize; 5];
    for (id, a) in acc.iter().enumerate() {
        if a.last_seen != 0 && shown(id) {
            per_severity[severity_of(a.max_severity) as usize] += 1;
        }
    }
    let total: usize = per_severity.iter().sum();
    let mut floor = Severity::Info;
    let mut above = 0;
    for sev in Severity::ALL.iter().rev() {
        above += per_severity[*sev as usize];
        if above >= MAX_ENTITY_ROWS {
            floor = *sev;
            break;
        }
    }
    // The riskiest MAX_ENTITY_ROWS in a heap whose top is the least risky of them: memory for
    // the rows kept, not for every candidate (48 bytes each, 400 MB at 10M events).
    //
    // Newest ids first: an entity is numbered when first seen, so later ones tend to be the
    // more recent, and in id order nearly every one seen once displaced the heap's top (log n
    // work each, 20 ms of a full pass at 1M); this way most are turned away by one comparison.
    let mut top: BinaryHeap<Ranked> = BinaryHeap::with_capacity(MAX_ENTITY_ROWS + 1);
    for (id, a) in acc.iter().enumerate().rev() {
        let severity = severity_of(a.max_severity);
        if a.last_seen == 0 || severity < floor || !shown(id) {
            continue;
        }
        let Some(entity) = snap.entities.get(id) else {
            continue;
        };
        let r = Ranked {
            severity,
            signals: a.counts.iter().map(|c| u64::from(*c)).sum(),
            last_seen: a.last_seen,
            entity,
            id: id as u32,
        };
        if top.len() < MAX_ENTITY_ROWS {
            top.push(r);
        } else if top.peek().is_some_and(|worst| r < *worst) {
            top.pop();
            top.push(r);
        }
    }
    let rows = top
        .into_sorted_vec()
        .into_iter()
        .filter_map(|r| {
            let a = &acc[r.id as usize];
            Some(EntityRow {
                entity: r.entity.clone(),
                counts: a.counts.map(|c| c as usize),
                last_seen: time_of(a.last_seen)?,
                max_severity: r.severity,
            })
        })
        .collect();
    (rows, total)
}

#[cfg(test)]
mod tests {
    use super::{order_key, time_of};
    use chrono::{TimeZone, Utc};

    #[test]
    fn times_keep_their_order_and_come_back_and_zero_is_never() {
        let times = [
            Utc.with_ymd_and_hms(1969, 12, 31, 23, 59, 59).unwrap(),
            Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2024, 1, 1, 12, 0, 0).unwrap(),
            chrono::DateTime::<Utc>::MAX_UTC,
            chrono::DateTime::<Utc>::MIN_UTC,
        ];
        for a in times {
            let ka = order_key(a.timestamp_micros());
            assert_ne!(ka, 0);
            assert_eq!(
                time_of(ka).map(|t| t.timestamp_micros()),
                Some(a.timestamp_micros())
            );
            for b in times {
                assert_eq!(ka.cmp(&order_key(b.timestamp_micros())), a.cmp(&b));
            }
        }
        assert_eq!(time_of(0), None);
    }
}
