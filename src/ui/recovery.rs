//! The recovery checklist overlay: a story's changes, each with its undo.

use super::overlays::draw_list;
use super::text::fit;
use crate::app::recovery::RecoveryView;
use crate::recover::Undo;
use crate::safe_text::line;
use crate::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

pub fn draw(f: &mut Frame, v: &RecoveryView, theme: &Theme, area: Rect) {
    let w = area.width.saturating_sub(4).min(160);
    let h = (v.items.len() as u16 + 4).min(area.height.saturating_sub(2));
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    let count = |f: fn(&Undo) -> bool| v.items.iter().filter(|i| f(&i.undo)).count();
    let plans = count(|u| matches!(u, Undo::Plans { .. }));
    let decisions = count(|u| matches!(u, Undo::Decision { .. }));
    let attempted = count(|u| matches!(u, Undo::Attempted { .. }));
    let mut head = format!(
        " {} changes: {plans} to undo, {decisions} need a decision, {attempted} attempted",
        v.items.len()
    );
    if v.withheld > 0 {
        head.push_str(&format!(" · {} sensitive steps withheld", v.withheld));
    }
    if let Some(i) = v.items.get(v.cursor) {
        head.push_str(&format!(
            " · this one by {} in {} · {}",
            i.actor,
            i.account.as_deref().unwrap_or("account unknown"),
            i.region.as_deref().unwrap_or("region unknown")
        ));
    }
    let width = w.saturating_sub(2) as usize;
    let rows: Vec<Line<'static>> = v
        .items
        .iter()
        .map(|i| {
            let style = match i.undo {
                Undo::Plans { .. } => theme.style("text.key"),
                Undo::Decision { .. } => theme.style("pane.error"),
                Undo::Attempted { .. } => theme.style("text.dim"),
            };
            let call = format!(
                " {}  {:<36} ",
                i.time.format("%H:%M:%S"),
                fit(&line(&i.call), 36)
            );
            let rest = width.saturating_sub(call.chars().count());
            Line::from(vec![
                Span::raw(call),
                Span::styled(fit(&line(&format!("→ {}", i.undo.describe())), rest), style),
            ])
        })
        .collect();
    draw_list(
        f,
        r,
        format!(
            " Recovery · story {} · enter: plan the undo · esc ",
            line(&v.story)
        ),
        Some(Line::from(Span::styled(
            fit(&line(&head), width),
            theme.style("text.dim"),
        ))),
        rows,
        v.cursor,
        theme,
    );
}
