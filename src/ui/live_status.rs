//! What a live pane says about its source: when it last updated, what is wrong where, and the
//! Health category counts.

use super::text::fit;
use crate::app::state::{PaneId, State};
use crate::model::time::ago;

/// The live source's state for a pane: when it last updated, and what is wrong where.
/// `true` when something is wrong (the title turns to the error style).
pub(super) fn live_text(state: &State, pane: PaneId) -> Option<(String, bool)> {
    let live = state.session.live.as_ref()?;
    let source = pane.source()?;
    let mut parts = Vec::new();
    let Some(h) = live.pane(source) else {
        parts.push("waiting for credentials".into());
        return Some((parts.join(" · "), false));
    };
    let when = match h.last_ok {
        Some(t) => format!("updated {} ago", ago(state.now, t)),
        None if h.polling => "polling…".into(),
        None => "not updated yet".into(),
    };
    if h.paused {
        parts.push(format!("paused (credentials) · {when}"));
    }
    let bad = !h.problems.is_empty();
    if bad {
        let (scope, why) = &h.problems[0];
        let more = if h.problems.len() > 1 {
            format!(" +{} more", h.problems.len() - 1)
        } else {
            String::new()
        };
        let marker = if h.last_ok.is_some() { "STALE " } else { "" };
        parts.push(format!(
            "⚠ {marker}{scope}: {}{more} · {when}",
            fit(why, 70)
        ));
    } else if !h.paused {
        parts.push(when);
    }
    // Counts by category last: a problem must not be cut off by them.
    if pane == PaneId::Health && !live.health_aggregates.is_empty() {
        let agg: Vec<String> = live
            .health_aggregates
            .iter()
            .map(|(c, n)| format!("{c} {n}"))
            .collect();
        parts.push(agg.join(" "));
    }
    Some((parts.join(" · "), bad))
}

/// What a live pane says when it has no rows: the problem, or that it is still polling.
pub(super) fn live_empty(state: &State, pane: PaneId) -> Option<String> {
    let h = state.session.live.as_ref()?.pane(pane.source()?)?;
    if let Some((scope, why)) = h.problems.first() {
        return Some(format!("{scope}: {why}"));
    }
    if h.last_ok.is_none() {
        return Some("polling AWS…".into());
    }
    h.notes.first().cloned()
}
