//! One view pass: the signals of a snapshot that pass the pivots and filters, per pane, sorted,
//! and the entities they touch ranked by risk. Runs on the view worker's thread (or in place
//! for `view::refresh`), scanning in parallel waves so it can stop or show partial rows.

use super::state::{EntityRow, PaneId};
use super::view::{ViewJob, ViewResult};
use super::view_sort::sorted;
use crate::model::{EntitiesOf, Entity, Severity, Signal};
use crate::query::Query;
use crate::store::SOURCE_SHIFT;
use chrono::{DateTime, TimeZone, Utc};
use rayon::prelude::*;
use std::cmp::Ordering;
use std::time::{Duration, Instant};

/// Most entity rows kept for display; the rest are counted. A busy account has hundreds of
/// thousands of source IPs: a responder narrows them with a filter or a pivot, not by scrolling.
pub const MAX_ENTITY_ROWS: usize = 20_000;

/// A long pass shows what it has found at most this often.
const PARTIAL_EVERY: Duration = Duration::from_millis(100);

pub(super) const SIGNAL_PANES: [PaneId; 3] =
    [PaneId::Health, PaneId::GuardDuty, PaneId::CloudTrail];

fn passes(
    q: &Option<Query>,
    s: &Signal,
    entities: EntitiesOf,
    mask: u64,
    now: DateTime<Utc>,
) -> bool {
    q.as_ref()
        .is_none_or(|q| q.is_empty() || q.accepts_masked(s, entities, mask, now))
}

/// Chunks scanned in parallel between two looks at cancellation (64k signals).
const WAVE: usize = 64;

/// What one chunk holds for the view.
#[derive(Default)]
struct Found {
    rows: [Vec<u32>; 3],
    in_view: Vec<u32>,
}

/// The signals of one chunk that pass the pivots and filters: per pane, and for the entities.
/// `entity_terms` is None when the entity rows need not be recomputed.
fn scan(job: &ViewJob, pivots: &[u32], entity_terms: Option<&Option<Query>>, c: &Chunk) -> Found {
    let q = &job.query;
    let mut out = Found::default();
    // The masks are read in order; a signal itself only when a filter could accept it.
    let hidden = &q.hidden;
    let no_terms = |f: &Option<Query>| f.as_ref().is_none_or(|q| q.is_empty());
    let story = q.story.as_ref().map(|(_, p)| p.as_slice());
    for (k, mask) in c.masks.iter().enumerate() {
        let i = (c.start + k) as u32;
        let ids = c.lists.get(k);
        if !pivots.iter().all(|p| ids.contains(p)) {
            continue;
        }
        if story.is_some_and(|p| p.binary_search(&i).is_err()) {
            continue;
        }
        let slot = (*mask >> SOURCE_SHIFT) as usize;
        // The gate: a hidden signal is a row (it exists) only where nothing asks about its
        // content; it never answers a pivot or a term, and never counts for an entity.
        if !hidden.is_empty() && hidden.binary_search(&i).is_ok() {
            if pivots.is_empty()
                && story.is_none()
                && no_terms(&q.global)
                && no_terms(&q.panes[slot].filter)
            {
                out.rows[slot].push(i);
            }
            continue;
        }
        let s = &c.signals[k];
        let entities = EntitiesOf::Numbered(ids, &job.snapshot.entities);
        if !passes(&q.global, s, entities, *mask, job.now) {
            continue;
        }
        if passes(&q.panes[slot].filter, s, entities, *mask, job.now) {
            out.rows[slot].push(i);
        }
        if entity_terms.is_some_and(|t| passes(t, s, entities, *mask, job.now)) {
            out.in_view.push(i);
        }
    }
    out
}

/// One chunk of the snapshot and the store position of its first signal.
struct Chunk<'a> {
    start: usize,
    lists: crate::store::ChunkLists<'a>,
    signals: &'a [Signal],
    masks: &'a [u64],
}

/// The last entity rows computed, and what they were computed for: a pass whose data, pivots,
/// global filter and entity filter are unchanged (typing into another pane's filter) reuses them.
#[derive(Debug, Default)]
pub struct EntityCache {
    key: Option<EntityKey>,
    rows: Vec<EntityRow>,
    total: usize,
}

#[derive(Debug, PartialEq)]
struct EntityKey {
    hidden: std::sync::Arc<Vec<u32>>,
    epoch: u64,
    version: u64,
    pivots: Vec<Entity>,
    story: Option<(String, std::sync::Arc<Vec<u32>>)>,
    global: String,
    filter: String,
}

fn entity_key(job: &ViewJob) -> EntityKey {
    let text = |q: &Option<Query>| q.as_ref().map(|q| q.text.clone()).unwrap_or_default();
    EntityKey {
        hidden: job.query.hidden.clone(),
        epoch: job.snapshot.epoch,
        version: job.snapshot.version,
        pivots: job.query.pivots.clone(),
        story: job.query.story.clone(),
        global: text(&job.query.global),
        filter: text(&job.query.panes[PaneId::Entities.index()].filter),
    }
}

/// Filters and sorts the snapshot. Checks `cancelled` between chunks and gives up (None) when
/// it says so; hands a sorted partial result to `partial` every `PARTIAL_EVERY` of a long pass.
pub fn compute(
    job: &ViewJob,
    cancelled: &dyn Fn() -> bool,
    partial: &mut dyn FnMut(ViewResult),
    cache: &mut EntityCache,
) -> Option<ViewResult> {
    compute_every(job, cancelled, partial, PARTIAL_EVERY, cache)
}

/// `compute` with the interval between partial results given (tests use zero).
pub fn compute_every(
    job: &ViewJob,
    cancelled: &dyn Fn() -> bool,
    partial: &mut dyn FnMut(ViewResult),
    every: Duration,
    cache: &mut EntityCache,
) -> Option<ViewResult> {
    let snap = &job.snapshot;
    let q = &job.query;
    let entity_terms = q.panes[PaneId::Entities.index()]
        .filter
        .as_ref()
        .map(|f| Query {
            fuzzy: String::new(),
            ..f.clone()
        });
    let mut rows: [Vec<u32>; 3] = Default::default();
    let mut in_view: Vec<u32> = Vec::new();
    let mut last_partial = Instant::now();
    let key = entity_key(job);
    let reuse = cache.key.as_ref() == Some(&key);
    let terms = (!reuse).then_some(&entity_terms);
    if let Some(pivots) = &job.pivot_ids {
        // Chunks with the store position of their first signal.
        let mut start = 0usize;
        let chunks: Vec<Chunk> = snap
            .signals
            .slices()
            .zip(snap.masks.slices())
            .enumerate()
            .map(|(n, (signals, masks))| {
                start += signals.len();
                Chunk {
                    start: start - signals.len(),
                    // The signals' chunks and the lists' parts are both `CHUNK` long.
                    lists: snap.lists.chunk(n),
                    signals,
                    masks,
                }
            })
            .collect();
        // Waves of chunks scanned in parallel; between waves the pass can stop or show rows.
        for wave in chunks.chunks(WAVE) {
            if cancelled() {
                return None;
            }
            if last_partial.elapsed() >= every && wave[0].start > 0 {
                last_partial = Instant::now();
                partial(ViewResult {
                    gen: job.gen,
                    epoch: snap.epoch,
                    scanned: wave[0].start,
                    total: snap.signals.len(),
                    rows: sorted(job, &rows),
                    entities: None,
                    failed: None,
                });
            }
            let found: Vec<Found> = wave
                .par_iter()
                .map(|c| scan(job, pivots, terms, c))
                .collect();
            for f in found {
                for (slot, r) in f.rows.into_iter().enumerate() {
                    rows[slot].extend(r);
                }
                in_view.extend(f.in_view);
            }
        }
    }
    if cancelled() {
        return None;
    }
    let rows = sorted(job, &rows);
    if !reuse {
        (cache.rows, cache.total) = entity_rows(job, &in_view);
        cache.key = Some(key);
    }
    let entities = (cache.rows.clone(), cache.total);
    Some(ViewResult {
        gen: job.gen,
        epoch: snap.epoch,
        scanned: snap.signals.len(),
        total: snap.signals.len(),
        rows,
        entities: Some(entities),
        failed: None,
    })
}

/// Risk order: the worst severity touching it, then how many signals, then how recent, then
/// the entity itself (a total order, so the list is stable).
fn by_risk(
    a: (Severity, &[usize; 3], DateTime<Utc>, &Entity),
    b: (Severity, &[usize; 3], DateTime<Utc>, &Entity),
) -> Ordering {
    b.0.cmp(&a.0)
        .then_with(|| b.1.iter().sum::<usize>().cmp(&a.1.iter().sum::<usize>()))
        .then_with(|| b.2.cmp(&a.2))
        .then_with(|| a.3.cmp(b.3))
}

/// Every entity touched by the signals in view, with counts per source, top rows by risk, and
/// the total. Counts into an array indexed by entity id (no hashing per reference); only the
/// kept rows clone their entity.
fn entity_rows(job: &ViewJob, in_view: &[u32]) -> (Vec<EntityRow>, usize) {
    let snap = &job.snapshot;
    /// Per entity, in 24 bytes (with the time as an `Option<DateTime>` 32: each thread holds
    /// one for every entity, 8.5M at 10M events, while the pass runs).
    #[derive(Clone, Copy)]
    struct Acc {
        counts: [u32; 3],
        max_severity: Severity,
        /// Microseconds since the epoch; `NEVER` when no signal in view touches it.
        last_seen: i64,
    }
    const NEVER: i64 = i64::MIN;
    let seen = |a: &Acc| {
        (a.last_seen != NEVER)
            .then(|| Utc.timestamp_micros(a.last_seen).single())
            .flatten()
    };
    let empty = Acc {
        counts: [0; 3],
        last_seen: NEVER,
        max_severity: Severity::Info,
    };
    let n = snap.entities.len();
    // Each thread counts a share of the signals into its own array; the arrays are then added.
    // One share per thread: every share allocates and merges an array of all entities.
    let share = in_view
        .len()
        .div_ceil(rayon::current_num_threads())
        .max(64 * 1024);
    let acc = in_view
        .par_chunks(share)
        .fold(
            || vec![empty; n],
            |mut acc, part| {
                for p in part {
                    let s = &snap.signals[*p as usize];
                    let slot = s.source.index();
                    for id in snap.lists.get(*p as usize) {
                        if let Some(a) = acc.get_mut(*id as usize) {
                            a.counts[slot] += 1;
                            a.last_seen = a.last_seen.max(s.time.timestamp_micros());
                            a.max_severity = a.max_severity.max(s.severity);
                        }
                    }
                }
                acc
            },
        )
        // `reduce_with`: no identity array of every entity to allocate and zero for the merge.
        .reduce_with(|mut a, b| {
            for (x, y) in a.iter_mut().zip(b) {
                for k in 0..3 {
                    x.counts[k] += y.counts[k];
                }
                x.last_seen = x.last_seen.max(y.last_seen);
                x.max_severity = x.max_severity.max(y.max_severity);
            }
            a
        })
        .unwrap_or_else(|| vec![empty; n]);
    let fuzzy = job.query.panes[PaneId::Entities.index()]
        .filter
        .as_ref()
        .map(|q| q.fuzzy.clone())
        .unwrap_or_default();
    let mut rows: Vec<EntityRow> = Vec::new();
    // The entity filter's answer per entity, taken once (None: no filter, every entity shown).
    let accepted: Option<Vec<bool>> = (!fuzzy.is_empty()).then(|| {
        acc.iter()
            .enumerate()
            .map(|(id, a)| {
                a.last_seen != NEVER
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
        if a.last_seen != NEVER && shown(id) {
            per_severity[a.max_severity as usize] += 1;
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
    let mut kept: Vec<(Severity, [usize; 3], DateTime<Utc>, u32)> = acc
        .iter()
        .enumerate()
        .filter_map(|(id, a)| {
            let last = seen(a)?;
            (a.max_severity >= floor).then_some((
                a.max_severity,
                a.counts.map(|c| c as usize),
                last,
                id as u32,
            ))
        })
        .filter(|(.., id)| shown(*id as usize))
        .collect();
    let order = |a: &(Severity, [usize; 3], DateTime<Utc>, u32),
                 b: &(Severity, [usize; 3], DateTime<Utc>, u32)| {
        by_risk(
            (a.0, &a.1, a.2, &snap.entities[a.3 as usize]),
            (b.0, &b.1, b.2, &snap.entities[b.3 as usize]),
        )
    };
    if kept.len() > MAX_ENTITY_ROWS {
        kept.select_nth_unstable_by(MAX_ENTITY_ROWS, order);
        kept.truncate(MAX_ENTITY_ROWS);
    }
    kept.sort_by(order);
    rows.extend(kept.into_iter().map(|(sev, counts, last, id)| EntityRow {
        entity: snap.entities[id as usize].clone(),
        counts,
        last_seen: last,
        max_severity: sev,
    }));
    (rows, total)
}
