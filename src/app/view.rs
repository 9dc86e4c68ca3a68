//! Which rows each pane shows: pivot, global and pane filters, sort, and a selection that stays
//! on the same signal as new ones arrive.
//!
//! A pass is split in two so it can run off the UI task: `ViewJob::from_state` takes the query
//! and a snapshot of the store (cheap, see `store::Chunked`), `compute` filters and sorts on any
//! thread (cancellable, with partial results), and `apply` puts a result into the state. The
//! console runs `compute` on a background thread (`view_worker`); `refresh` does all three in
//! place for tests and benchmarks.

pub use super::entity_rows::MAX_ENTITY_ROWS;
use super::state::{EntityRow, PaneId, SortKey, State};
use super::view_pass::SIGNAL_PANES;
pub use super::view_pass::{compute, compute_every, EntityCache};
use crate::model::Entity;
use crate::query::Query;
use crate::store::Snapshot;
use chrono::{DateTime, Utc};

/// What a pane asks for.
#[derive(Debug, Clone)]
pub struct PaneQuery {
    pub filter: Option<Query>,
    pub sort: SortKey,
    pub descending: bool,
}

/// Everything a pass depends on besides the data.
#[derive(Debug, Clone)]
pub struct ViewQuery {
    pub pivots: Vec<Entity>,
    pub global: Option<Query>,
    pub panes: [PaneQuery; 4],
    /// Store positions of the signals hidden from this principal (sorted): the gate for the
    /// pass. They show as rows (that they exist) but never match a pivot or a filter term and
    /// never count towards an entity.
    pub hidden: std::sync::Arc<Vec<u32>>,
    /// A story pivot: its id and its signals' store positions (sorted).
    pub story: Option<(String, std::sync::Arc<Vec<u32>>)>,
}

fn same_filter(a: &Option<Query>, b: &Option<Query>) -> bool {
    a.as_ref().map(|q| q.text.as_str()) == b.as_ref().map(|q| q.text.as_str())
}

impl ViewQuery {
    pub fn of(state: &State) -> ViewQuery {
        ViewQuery {
            hidden: std::sync::Arc::new(super::routing::hidden_positions(state)),
            pivots: state.view.pivots.clone(),
            story: state
                .view
                .story_pivot
                .as_ref()
                .map(|p| (p.id.clone(), p.positions.clone())),
            global: state.view.global_filter.clone(),
            panes: PaneId::ALL.map(|p| {
                let v = state.pane(p);
                PaneQuery {
                    filter: v.filter.clone(),
                    sort: v.sort,
                    descending: v.descending,
                }
            }),
        }
    }

    /// The same filters, pivots and sorts: a pass for this query need not be cancelled just
    /// because more data arrived.
    pub fn same(&self, other: &ViewQuery) -> bool {
        self.pivots == other.pivots
            && self.story == other.story
            && self.hidden == other.hidden
            && same_filter(&self.global, &other.global)
            && self.panes.iter().zip(&other.panes).all(|(a, b)| {
                same_filter(&a.filter, &b.filter)
                    && a.sort == b.sort
                    && a.descending == b.descending
            })
    }
}

/// One pass to compute: the query, the data as it was, and the generation that names it.
#[derive(Debug, Clone)]
pub struct ViewJob {
    pub gen: u64,
    pub query: ViewQuery,
    pub snapshot: Snapshot,
    /// Entity ids of the pivots; `None` when a pivot entity is not in the store (no rows).
    pub(super) pivot_ids: Option<Vec<u32>>,
    pub(super) now: DateTime<Utc>,
    /// No file is loading: the data will stay as it is for a while (the worker gives back
    /// what its passes freed only then, see `view_worker::IDLE`).
    pub(super) settled: bool,
}

impl ViewJob {
    pub fn from_state(state: &State, gen: u64) -> ViewJob {
        let query = ViewQuery::of(state);
        let pivot_ids = query
            .pivots
            .iter()
            .map(|e| state.view.store.entity_id(e))
            .collect();
        ViewJob {
            gen,
            query,
            snapshot: state.view.store.snapshot(),
            pivot_ids,
            now: state.now,
            settled: !state.session.feed.is_loading(),
        }
    }
}

/// Rows found by a pass (or by the part of it done so far).
#[derive(Debug, Clone)]
pub struct ViewResult {
    pub gen: u64,
    pub epoch: u64,
    /// Signals looked at, of `total`.
    pub scanned: usize,
    pub total: usize,
    /// Store positions for the Health, GuardDuty and CloudTrail panes, in display order.
    pub rows: [Vec<u32>; 3],
    /// Entity rows and their total; only in the final result (partial ones leave the pane).
    pub entities: Option<(Vec<EntityRow>, usize)>,
    /// The pass panicked: why. The rows stay as the last good pass left them.
    pub failed: Option<String>,
}

impl ViewResult {
    pub fn is_final(&self) -> bool {
        self.entities.is_some() || self.failed.is_some()
    }

    /// The answer for a pass that panicked.
    pub fn failure(job: &ViewJob, why: String) -> ViewResult {
        ViewResult {
            gen: job.gen,
            epoch: job.snapshot.epoch,
            scanned: 0,
            total: 0,
            rows: Default::default(),
            entities: None,
            failed: Some(why),
        }
    }
}

/// Puts a result into the state, keeping each selection on the same item. Results of an older
/// pass, or from before the store was rebuilt, are dropped.
pub fn apply(state: &mut State, result: ViewResult) {
    if result.gen != state.view.view_gen || result.epoch != state.view.store.snapshot_epoch() {
        return;
    }
    if let Some(why) = &result.failed {
        state.view.view_progress = None;
        state.toast(
            format!(
                "filtering failed ({}); the filter worker restarted — the rows are from the last good pass",
                crate::safe_text::line(why)
            ),
            true,
        );
        return;
    }
    state.view.view_progress = (!result.is_final()).then_some((result.scanned, result.total));
    let [health, guardduty, cloudtrail] = result.rows;
    for (pane, rows) in SIGNAL_PANES
        .into_iter()
        .zip([health, guardduty, cloudtrail])
    {
        let selected_pos = state
            .pane(pane)
            .selected
            .as_ref()
            .and_then(|id| state.view.store.position(id))
            .map(|p| p as u32);
        let view = state.pane_mut(pane);
        let cursor = selected_pos
            .and_then(|p| rows.iter().position(|r| *r == p))
            .unwrap_or_else(|| view.cursor.min(rows.len().saturating_sub(1)));
        view.rows = rows;
        view.cursor = cursor;
        let at = view.rows.get(cursor).copied();
        let id = at.and_then(|i| {
            state
                .view
                .store
                .signals()
                .get(i as usize)
                .map(|s| s.id.to_string())
        });
        state.pane_mut(pane).selected = id;
    }
    if let Some((entity_rows, entity_total)) = result.entities {
        let view = state.pane_mut(PaneId::Entities);
        let cursor = view
            .selected
            .as_ref()
            .and_then(|sel| {
                entity_rows
                    .iter()
                    .position(|r| &r.entity.to_string() == sel)
            })
            .unwrap_or_else(|| view.cursor.min(entity_rows.len().saturating_sub(1)));
        view.entity_rows = entity_rows;
        view.entity_total = entity_total;
        view.cursor = cursor;
        view.selected = view.entity_rows.get(cursor).map(|r| r.entity.to_string());
    }
}

/// Recomputes every pane's rows here and now (tests, benchmarks, and consoles without a
/// background worker).
pub fn refresh(state: &mut State) {
    state.view.view_gen += 1;
    let job = ViewJob::from_state(state, state.view.view_gen);
    state.view.dirty = false;
    if let Some(result) = compute(&job, &|| false, &mut |_| {}, &mut EntityCache::default()) {
        apply(state, result);
    }
}

/// Asks for new rows: computed now, or by the background worker when the console has one.
pub fn request(state: &mut State) {
    if !state.view.background {
        refresh(state);
    }
}
