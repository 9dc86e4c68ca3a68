//! Sorting a view pass's rows: by a key read once per row, ties to time then arrival order.

use super::state::SortKey;
use super::view::ViewJob;
use super::view_pass::SIGNAL_PANES;
use crate::model::Signal;
use crate::store::Chunked;
use chrono::{DateTime, Utc};
use rayon::prelude::*;

/// Sorts by a key taken once per row (not once per comparison): a million random reads into
/// the signals instead of twenty million. Ties go to time, then arrival order.
fn sort_keyed<'a, K: Ord + Send>(
    rows: &mut Vec<u32>,
    signals: &'a Chunked<Signal>,
    key: impl Fn(&'a Signal) -> K + Sync,
) {
    let mut keyed: Vec<(K, DateTime<Utc>, u32)> = rows
        .par_iter()
        .map(|i| {
            let s = &signals[*i as usize];
            (key(s), s.time, *i)
        })
        .collect();
    keyed.par_sort_unstable();
    rows.clear();
    rows.extend(keyed.into_iter().map(|(_, _, i)| i));
}

fn sort_rows(rows: &mut Vec<u32>, signals: &Chunked<Signal>, key: SortKey, desc: bool) {
    match key {
        SortKey::Time => sort_keyed(rows, signals, |_| ()),
        SortKey::Severity => sort_keyed(rows, signals, |s| s.severity),
        SortKey::Kind => sort_keyed(rows, signals, |s| s.kind()),
        SortKey::Actor => sort_keyed(rows, signals, |s| s.actor()),
        SortKey::Region => sort_keyed(rows, signals, |s| s.region()),
    }
    if desc {
        rows.reverse();
    }
}

pub(super) fn sorted(job: &ViewJob, rows: &[Vec<u32>; 3]) -> [Vec<u32>; 3] {
    let mut out = rows.clone();
    for (slot, pane) in SIGNAL_PANES.iter().enumerate() {
        let q = &job.query.panes[pane.index()];
        sort_rows(&mut out[slot], &job.snapshot.signals, q.sort, q.descending);
    }
    out
}
