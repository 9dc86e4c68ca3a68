//! The response-action overlays: the action picker and the plan with its confirmation.

use super::overlays::{draw_list, frame_block};
use super::text::{fit, with_cursor};
use crate::app::state::{LineInput, PickItem};
use crate::respond::plan::Plan;
use crate::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

pub fn draw_pick(f: &mut Frame, items: &[PickItem], cursor: usize, theme: &Theme, area: Rect) {
    let r = centered(area, 120, items.len() as u16 + 4);
    let rows: Vec<Line<'static>> = items
        .iter()
        .map(|i| {
            // An entity's target names the account it acts in (`?`: its records do not say).
            let label = match &i.entity {
                Some(e) if e.kind != crate::model::EntityKind::Account => {
                    format!("{} · {}", i.target.label(), e.account)
                }
                _ => i.target.label(),
            };
            Line::from(vec![
                Span::styled(format!(" {:<20}", i.action.name()), theme.style("text.key")),
                Span::raw(fit(&label, 50)),
                Span::styled(
                    format!("  {}", i.action.description()),
                    theme.style("text.dim"),
                ),
            ])
        })
        .collect();
    draw_list(
        f,
        r,
        " Response action · enter: see the plan · esc ".into(),
        None,
        rows,
        cursor,
        theme,
    );
}

pub fn draw_plan(
    f: &mut Frame,
    plan: &Plan,
    typed: &LineInput,
    error: Option<&str>,
    read_only: bool,
    theme: &Theme,
    area: Rect,
) {
    let lines_of_plan = plan.describe();
    let r = centered(area, 130, lines_of_plan.len() as u16 * 2 + 8);
    f.render_widget(Clear, r);
    let block = frame_block(" Plan: nothing is called until you confirm ".into(), theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let mut lines: Vec<Line> = lines_of_plan
        .iter()
        .enumerate()
        .map(|(i, l)| {
            // The account line and the action line: where it acts and what it does.
            let style = if i <= 1 {
                theme.style("pane.title")
            } else if l.starts_with("warning:") {
                theme.style("pane.error")
            } else {
                ratatui::style::Style::default()
            };
            Line::from(Span::styled(crate::safe_text::line(l).into_owned(), style))
        })
        .collect();
    lines.push(Line::raw(""));
    let prompt = if read_only && plan.mutating() {
        Line::from(Span::styled(
            "READ-ONLY: this plan changes AWS and will be refused (enter records the refusal, esc cancels)",
            theme.style("pane.error"),
        ))
    } else if let Some(word) = plan.confirm_word() {
        Line::from(vec![
            Span::styled(
                format!("destructive: type {word} and enter to run · esc cancels: "),
                theme.style("pane.error"),
            ),
            Span::raw(with_cursor(typed, 40)),
        ])
    } else {
        Line::from(Span::styled(
            "enter runs it · esc cancels",
            theme.style("text.key"),
        ))
    };
    lines.push(prompt);
    if let Some(e) = error {
        lines.push(Line::from(Span::styled(
            e.to_string(),
            theme.style("pane.error"),
        )));
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
