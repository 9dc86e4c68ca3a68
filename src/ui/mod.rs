//! Drawing: a pure function of the state and the theme.

pub mod actions;
pub mod chrome;
pub mod entities;
pub mod hunt;
pub mod live_status;
pub mod network;
pub mod notebook;
pub mod overlays;
pub mod panes;
pub mod recovery;
pub mod stories;
pub mod text;

use crate::app::layout;
use crate::app::state::{Mode, PaneId, State};
use crate::theme::Theme;
use ratatui::Frame;

pub fn draw(f: &mut Frame, state: &State, theme: &Theme) {
    let a = layout::areas(state, f.area());
    chrome::draw_header(f, state, theme, a.header);
    if let Some(c) = a.crumbs {
        chrome::draw_crumbs(f, state, theme, c);
    }
    for (pane, rect) in layout::pane_rects(state, a.body) {
        if pane == PaneId::Entities {
            entities::draw_entities(f, state, theme, rect);
        } else {
            panes::draw_signals(f, state, theme, pane, rect);
        }
    }
    match &state.ui.mode {
        Mode::Detail(d) => overlays::draw_detail(f, d, None, theme, a.body),
        Mode::DetailSearch(d, text) => {
            overlays::draw_detail(f, d, Some(text.value()), theme, a.body)
        }
        Mode::Help { query, cursor } => {
            overlays::draw_help(f, state, query, *cursor, theme, a.body)
        }
        Mode::Palette { query, cursor } => {
            overlays::draw_palette(f, state, query, *cursor, theme, a.body)
        }
        Mode::PivotPick {
            entities, cursor, ..
        } => overlays::draw_pivot_pick(f, entities, *cursor, theme, a.body),
        Mode::Notebook { scroll } => notebook::draw_notebook(f, state, *scroll, theme, a.body),
        Mode::Stories(v) => stories::draw(f, state, v, theme, a.body),
        Mode::Note { .. } => notebook::draw_note_editor(f, state, theme, a.body),
        Mode::NewIncident { title } => notebook::draw_new_incident(f, title, theme, a.body),
        Mode::IncidentPick { items, cursor } => {
            notebook::draw_incident_pick(f, items, *cursor, theme, a.body)
        }
        Mode::ActionPick { items, cursor, .. } => {
            actions::draw_pick(f, items, *cursor, theme, a.body)
        }
        Mode::Recovery(v) => recovery::draw(f, v, theme, a.body),
        Mode::ActionPlan { plan, typed, error } => actions::draw_plan(
            f,
            plan,
            typed,
            error.as_deref(),
            state.session.read_only,
            theme,
            a.body,
        ),
        Mode::HuntPreview => hunt::draw_preview(f, state, theme, a.body),
        Mode::Network(v) => network::draw(f, state, v, theme, a.body),
        Mode::Normal | Mode::Filter { .. } => {}
    }
    chrome::draw_toasts(f, state, theme, a.body);
    chrome::draw_status(f, state, theme, a.status);
}
