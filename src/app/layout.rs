//! Where everything goes on the screen. Pure geometry of the state, in the app because `update`
//! needs page sizes from it; the UI draws into the same rectangles.

use super::state::{Layout, Mode, PaneId, State};
use ratatui::layout::{Constraint, Direction, Layout as Split, Rect};

pub struct Areas {
    pub header: Rect,
    /// Breadcrumb line (pivots, global filter, or the live credentials banner), present only
    /// when there is one.
    pub crumbs: Option<Rect>,
    pub body: Rect,
    pub status: Rect,
}

pub fn areas(state: &State, area: Rect) -> Areas {
    let has_crumbs = !state.view.pivots.is_empty()
        || state.view.story_pivot.is_some()
        || state.view.global_filter.is_some()
        || matches!(state.ui.mode, Mode::Filter { all: true, .. })
        || state
            .session
            .live
            .as_ref()
            .is_some_and(|l| l.banner().is_some());
    let rows = Split::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(1),
            Constraint::Length(u16::from(has_crumbs)),
            Constraint::Min(3),
            Constraint::Length(1),
        ])
        .split(area);
    Areas {
        header: rows[0],
        crumbs: has_crumbs.then_some(rows[1]),
        body: rows[2],
        status: rows[3],
    }
}

fn split(dir: Direction, area: Rect, percents: &[u16]) -> Vec<Rect> {
    Split::default()
        .direction(dir)
        .constraints(
            percents
                .iter()
                .map(|p| Constraint::Percentage(*p))
                .collect::<Vec<_>>(),
        )
        .split(area)
        .to_vec()
}

/// The rectangle of every visible pane.
pub fn pane_rects(state: &State, body: Rect) -> Vec<(PaneId, Rect)> {
    match state.view.layout {
        Layout::Zoomed => vec![(state.view.focus, body)],
        Layout::Grid => {
            let rows = split(Direction::Vertical, body, &[40, 60]);
            let top = split(Direction::Horizontal, rows[0], &[50, 50]);
            let bottom = split(Direction::Horizontal, rows[1], &[64, 36]);
            vec![
                (PaneId::Health, top[0]),
                (PaneId::GuardDuty, top[1]),
                (PaneId::CloudTrail, bottom[0]),
                (PaneId::Entities, bottom[1]),
            ]
        }
        Layout::Stacked => {
            let cols = split(Direction::Horizontal, body, &[70, 30]);
            let left = split(Direction::Vertical, cols[0], &[25, 30, 45]);
            vec![
                (PaneId::Health, left[0]),
                (PaneId::GuardDuty, left[1]),
                (PaneId::CloudTrail, left[2]),
                (PaneId::Entities, cols[1]),
            ]
        }
    }
}

/// The focused pane's rectangle at the current terminal size.
pub fn pane_rect(state: &State, pane: PaneId) -> Rect {
    let area = Rect::new(0, 0, state.ui.size.0, state.ui.size.1);
    let body = areas(state, area).body;
    pane_rects(state, body)
        .into_iter()
        .find(|(p, _)| *p == pane)
        .map(|(_, r)| r)
        .unwrap_or(body)
}

/// A centred rectangle of the given percentage of `area`.
pub fn centered(area: Rect, pct_w: u16, pct_h: u16) -> Rect {
    let w = (area.width as u32 * pct_w as u32 / 100) as u16;
    let h = (area.height as u32 * pct_h as u32 / 100) as u16;
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w.max(1),
        h.max(1),
    )
}
