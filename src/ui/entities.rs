//! The Entities pane: every entity the visible signals touch, the riskiest first, with how
//! many signals of each pane touch it (H: Health and monitors, F: findings, CT: CloudTrail)
//! and the account each belongs to where the pane has room.

use super::panes::{block, draw_empty, offset};
use super::text::fit;
use crate::app::state::{PaneId, State};
use crate::model::time::ago;
use crate::theme::Theme;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row, Table};
use ratatui::Frame;

pub fn draw_entities(f: &mut Frame, state: &State, theme: &Theme, area: Rect) {
    let view = state.pane(PaneId::Entities);
    let block = block(state, PaneId::Entities, theme, view.entity_total);
    let inner_h = area.height.saturating_sub(3) as usize;
    let inner_w = area.width.saturating_sub(2);
    let start = offset(view.cursor, inner_h);
    let end = (start + inner_h).min(view.entity_rows.len());
    // The account an entity belongs to, where the pane has room for it (zoomed, wide
    // terminals): `?` when its records did not say, `several` when they disagree.
    let acct_w: u16 = if inner_w >= 76 { 13 } else { 0 };
    let id_w = inner_w
        .saturating_sub(2 + 14 + 4 * 3 + 5 + 6 + acct_w)
        .max(8) as usize;
    let rows: Vec<Row> = view.entity_rows[start..end]
        .iter()
        .enumerate()
        .map(|(n, r)| {
            let count = |c: usize| {
                if c == 0 {
                    "·".to_string()
                } else {
                    c.to_string()
                }
            };
            let mut cells = vec![
                Cell::from(Span::styled(
                    r.max_severity.glyph(),
                    theme.severity(r.max_severity),
                )),
                Cell::from(Span::styled(r.entity.kind.label(), theme.style("text.dim"))),
                Cell::from(fit(&r.entity.id, id_w)),
            ];
            if acct_w > 0 {
                let a = match r.entity.kind {
                    crate::model::EntityKind::Ip | crate::model::EntityKind::Account => {
                        String::new()
                    }
                    _ => r.entity.account.to_string(),
                };
                cells.push(Cell::from(Span::styled(a, theme.style("text.dim"))));
            }
            let row = Row::new(cells.into_iter().chain([
                Cell::from(count(r.counts[0])),
                Cell::from(count(r.counts[1])),
                Cell::from(count(r.counts[2])),
                Cell::from(Span::styled(
                    ago(state.now, r.last_seen),
                    theme.style("text.dim"),
                )),
            ]));
            if start + n == view.cursor && state.view.focus == PaneId::Entities {
                row.style(theme.style("selection"))
            } else {
                row
            }
        })
        .collect();
    let mut widths = vec![
        Constraint::Length(1),
        Constraint::Length(14),
        Constraint::Min(8),
        Constraint::Length(4),
        Constraint::Length(4),
        Constraint::Length(4),
        Constraint::Length(5),
    ];
    let mut titles = vec!["", "kind", "id", "H", "F", "CT", "last"];
    if acct_w > 0 {
        widths.insert(3, Constraint::Length(acct_w - 1));
        titles.insert(3, "account");
    }
    let header = Row::new(titles).style(theme.style("text.dim"));
    f.render_widget(
        Table::new(rows, widths)
            .header(header)
            .block(block)
            .column_spacing(1),
        area,
    );
    if view.entity_rows.is_empty() {
        draw_empty(f, state, theme, PaneId::Entities, area);
    }
}
