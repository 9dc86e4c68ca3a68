//! The hunt's preview: the SQL, the partitions it touches and the scan cap, before it runs.

use super::overlays::frame_block;
use crate::app::state::State;
use crate::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw_preview(f: &mut Frame, state: &State, theme: &Theme, area: Rect) {
    let Some(run) = &state.hunts.current else {
        return;
    };
    let lines = crate::app::hunt::preview_lines(run);
    let w = 140.min(area.width);
    let h = (lines.len() as u16 + 8).min(area.height);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    f.render_widget(Clear, r);
    let block = frame_block(
        " Hunt on Athena: nothing runs until you press enter ".into(),
        theme,
    );
    let inner = block.inner(r);
    f.render_widget(block, r);
    let last = lines.len().saturating_sub(1);
    let text: Vec<Line> = lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let style = match i {
                0..=2 => theme.style("pane.title"),
                i if i == last => theme.style("text.key"),
                _ => ratatui::style::Style::default(),
            };
            Line::from(Span::styled(l, style))
        })
        .collect();
    f.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
}
