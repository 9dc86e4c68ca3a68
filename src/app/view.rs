//! Which rows each pane shows: pivot, global and pane filters, sort, and a selection that stays
//! on the same signal as new ones arrive. Pure functions of the state.

use super::state::{EntityRow, PaneId, SortKey, State};
use crate::model::{Entity, Severity, Signal, Source};
use crate::query::{matcher, Query};
use chrono::{DateTime, Utc};
use fuzzy_matcher::FuzzyMatcher;
use std::cmp::Ordering;

fn passes(
    q: &Option<Query>,
    s: &Signal,
    now: DateTime<Utc>,
    m: &fuzzy_matcher::skim::SkimMatcherV2,
) -> bool {
    q.as_ref()
        .is_none_or(|q| q.is_empty() || q.matches(s, now, m).is_some())
}

fn compare(a: &Signal, b: &Signal, key: SortKey) -> Ordering {
    let primary = match key {
        SortKey::Time => a.time.cmp(&b.time),
        SortKey::Severity => a.severity.cmp(&b.severity),
        SortKey::Kind => a.kind.cmp(&b.kind),
        SortKey::Actor => a.actor.cmp(&b.actor),
        SortKey::Region => a.region.cmp(&b.region),
    };
    // Ties fall back to time, then to arrival order (the caller's tie-break): cheap and stable.
    primary.then_with(|| a.time.cmp(&b.time))
}

/// Store positions of the signals that pass the pivot and the global filter.
fn base_candidates(state: &State) -> Vec<u32> {
    let signals = state.store.signals();
    let m = matcher();
    let positions: Box<dyn Iterator<Item = usize>> = match state.pivots.last() {
        // The innermost pivot narrows through the entity index, not a full scan.
        Some(e) => {
            let ids: Vec<usize> = state.store.touching_positions(e).to_vec();
            Box::new(ids.into_iter())
        }
        None => Box::new(0..signals.len()),
    };
    positions
        .filter(|i| {
            let s = &signals[*i];
            state.pivots.iter().all(|p| s.touches(p))
                && passes(&state.global_filter, s, state.now, &m)
        })
        .map(|i| i as u32)
        .collect()
}

/// Recomputes every pane's rows and keeps each selection on the same item.
pub fn refresh(state: &mut State) {
    let base = base_candidates(state);
    let m = matcher();
    let signals = state.store.signals();
    for pane in [PaneId::Health, PaneId::GuardDuty, PaneId::CloudTrail] {
        let source = pane.source();
        let view = &state.panes[pane.index()];
        let mut rows: Vec<u32> = base
            .iter()
            .copied()
            .filter(|i| {
                let s = &signals[*i as usize];
                Some(s.source) == source && passes(&view.filter, s, state.now, &m)
            })
            .collect();
        let (key, desc) = (view.sort, view.descending);
        rows.sort_unstable_by(|a, b| {
            let o = compare(&signals[*a as usize], &signals[*b as usize], key).then(a.cmp(b));
            if desc {
                o.reverse()
            } else {
                o
            }
        });
        let view = &mut state.panes[pane.index()];
        let cursor = view
            .selected
            .as_ref()
            .and_then(|id| rows.iter().position(|i| &signals[*i as usize].id == id))
            .unwrap_or_else(|| view.cursor.min(rows.len().saturating_sub(1)));
        view.rows = rows;
        view.cursor = cursor;
        view.selected = view
            .rows
            .get(cursor)
            .map(|i| signals[*i as usize].id.clone());
    }
    let (entity_rows, entity_total) = entity_rows(state, &base);
    let view = &mut state.panes[PaneId::Entities.index()];
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
    state.dirty = false;
}

fn source_slot(s: Source) -> usize {
    match s {
        Source::Health => 0,
        Source::GuardDuty => 1,
        Source::CloudTrail => 2,
    }
}

/// Most entity rows kept for display; the rest are counted. A busy account has hundreds of
/// thousands of source IPs: a responder narrows them with a filter or a pivot, not by scrolling.
pub const MAX_ENTITY_ROWS: usize = 20_000;

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
/// the total. Walks the store's entity index against a bitmap of the signals in view: no
/// hashing per reference, and only the kept rows clone their entity.
fn entity_rows(state: &State, base: &[u32]) -> (Vec<EntityRow>, usize) {
    let signals = state.store.signals();
    let view = state.pane(PaneId::Entities);
    let m = matcher();
    let terms_only = view.filter.as_ref().map(|q| Query {
        fuzzy: String::new(),
        ..q.clone()
    });
    let mut in_view = vec![false; signals.len()];
    for i in base {
        if passes(&terms_only, &signals[*i as usize], state.now, &m) {
            in_view[*i as usize] = true;
        }
    }
    let fuzzy = view
        .filter
        .as_ref()
        .map(|q| q.fuzzy.clone())
        .unwrap_or_default();
    struct Acc<'a> {
        entity: &'a Entity,
        counts: [usize; 3],
        last_seen: DateTime<Utc>,
        max_severity: Severity,
    }
    let mut acc: Vec<Acc> = Vec::new();
    for (entity, positions) in state.store.entity_index() {
        let mut row: Option<Acc> = None;
        for p in positions.iter().filter(|p| in_view[**p]) {
            let s = &signals[*p];
            let r = row.get_or_insert(Acc {
                entity,
                counts: [0; 3],
                last_seen: s.time,
                max_severity: Severity::Info,
            });
            r.counts[source_slot(s.source)] += 1;
            r.last_seen = r.last_seen.max(s.time);
            r.max_severity = r.max_severity.max(s.severity);
        }
        if let Some(r) = row {
            if fuzzy.is_empty() || m.fuzzy_match(&r.entity.to_string(), &fuzzy).is_some() {
                acc.push(r);
            }
        }
    }
    let total = acc.len();
    let order = |a: &Acc, b: &Acc| {
        by_risk(
            (a.max_severity, &a.counts, a.last_seen, a.entity),
            (b.max_severity, &b.counts, b.last_seen, b.entity),
        )
    };
    if acc.len() > MAX_ENTITY_ROWS {
        acc.select_nth_unstable_by(MAX_ENTITY_ROWS, order);
        acc.truncate(MAX_ENTITY_ROWS);
    }
    let mut rows: Vec<EntityRow> = acc
        .into_iter()
        .map(|a| EntityRow {
            entity: a.entity.clone(),
            counts: a.counts,
            last_seen: a.last_seen,
            max_severity: a.max_severity,
        })
        .collect();
    rows.sort_by(|a, b| {
        by_risk(
            (a.max_severity, &a.counts, a.last_seen, &a.entity),
            (b.max_severity, &b.counts, b.last_seen, &b.entity),
        )
    });
    (rows, total)
}
