//! One view pass: the signals of a snapshot that pass the pivots and filters, per pane, sorted,
//! and the entities they touch ranked by risk. Runs on the view worker's thread (or in place
//! for `view::refresh`), scanning in parallel waves so it can stop or show partial rows.

use super::entity_rows::entity_rows;
use super::state::{EntityRow, PaneId};
use super::view::{ViewJob, ViewResult};
use super::view_sort::sorted;
use crate::model::{EntitiesOf, Entity, Signal};
use crate::query::Query;
use crate::store::SOURCE_SHIFT;
use chrono::{DateTime, Utc};
use rayon::prelude::*;
use std::time::{Duration, Instant};

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
