//! Overlays: the detail view, help, the command palette and the pivot picker.

use super::text::{fit, with_cursor};
use crate::app::detail::JSON_HEADER;
use crate::app::layout::centered;
use crate::app::state::{DetailState, LineInput, State};
use crate::app::{help, palette};
use crate::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

pub(crate) fn frame_block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("pane.focused"))
        .title(Span::styled(title, theme.style("pane.title")))
}

/// One JSON line with its key and value styled.
fn json_line(l: &str, theme: &Theme, width: usize) -> Line<'static> {
    let text = fit(l, width);
    let trimmed = text.trim_start();
    let indent = text.len() - trimmed.len();
    if let Some(rest) = trimmed.strip_prefix('"') {
        if let Some(end) = rest.find("\": ") {
            let key = &trimmed[..end + 2];
            let value = &trimmed[end + 2..];
            let vstyle = if value.trim_start_matches(": ").starts_with('"') {
                theme.style("json.string")
            } else {
                theme.style("json.number")
            };
            return Line::from(vec![
                Span::raw(" ".repeat(indent)),
                Span::styled(key.to_string(), theme.style("json.key")),
                Span::styled(value.to_string(), vstyle),
            ]);
        }
        return Line::from(vec![
            Span::raw(" ".repeat(indent)),
            Span::styled(trimmed.to_string(), theme.style("json.string")),
        ]);
    }
    Line::from(text)
}

pub fn draw_detail(
    f: &mut Frame,
    d: &DetailState,
    searching: Option<&str>,
    theme: &Theme,
    area: Rect,
) {
    f.render_widget(Clear, area);
    let found = if d.search.is_empty() {
        String::new()
    } else {
        format!(
            " · \"{}\" {}/{}",
            fit(&d.search, 30),
            if d.matches.is_empty() {
                0
            } else {
                d.current + 1
            },
            d.matches.len()
        )
    };
    let title = format!(" Detail · line {}/{}{found} ", d.scroll + 1, d.lines.len());
    let block = frame_block(title, theme);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let width = inner.width as usize;
    let json_at = d
        .lines
        .iter()
        .position(|l| l == JSON_HEADER)
        .unwrap_or(usize::MAX);
    let needle = searching.unwrap_or(&d.search).to_lowercase();
    let lines: Vec<Line> = d
        .lines
        .iter()
        .enumerate()
        .skip(d.scroll)
        .take(inner.height as usize)
        .map(|(i, l)| {
            let mut line = if i > json_at {
                json_line(l, theme, width)
            } else if l.is_empty() || l.starts_with(' ') {
                Line::from(Span::styled(fit(l, width), theme.style("text")))
            } else if l.starts_with("Entities") || l == JSON_HEADER {
                Line::from(Span::styled(fit(l, width), theme.style("pane.title")))
            } else {
                // "Label    value": the label is the first nine columns.
                let cut = l.char_indices().nth(9).map(|(b, _)| b).unwrap_or(l.len());
                let (label, value) = l.split_at(cut);
                Line::from(vec![
                    Span::styled(label.to_string(), theme.style("text.dim")),
                    Span::raw(fit(value, width.saturating_sub(9))),
                ])
            };
            if !needle.is_empty() && l.to_lowercase().contains(&needle) {
                line = line.style(theme.style("search"));
            }
            line
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

/// A framed list with an optional prompt line, scrolled so the cursor row is visible.
pub(crate) fn draw_list(
    f: &mut Frame,
    r: Rect,
    title: String,
    prompt: Option<Line<'static>>,
    rows: Vec<Line<'static>>,
    cursor: usize,
    theme: &Theme,
) {
    f.render_widget(Clear, r);
    let block = frame_block(title, theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let mut lines: Vec<Line> = prompt.into_iter().collect();
    let height = (inner.height as usize).saturating_sub(lines.len());
    let start = cursor.saturating_sub(height.saturating_sub(1));
    for (i, line) in rows.into_iter().enumerate().skip(start).take(height) {
        lines.push(if i == cursor {
            line.style(theme.style("selection"))
        } else {
            line
        });
    }
    f.render_widget(Paragraph::new(lines), inner);
}

fn prompt(label: &'static str, text: &LineInput, theme: &Theme) -> Option<Line<'static>> {
    Some(Line::from(vec![
        Span::styled(label, theme.style("text.dim")),
        Span::raw(with_cursor(text, 60)),
    ]))
}

pub fn draw_help(
    f: &mut Frame,
    state: &State,
    query: &LineInput,
    cursor: usize,
    theme: &Theme,
    area: Rect,
) {
    let r = centered(area, 80, 85);
    let desc_w = (r.width as usize).saturating_sub(39);
    let rows: Vec<Line> = help::rows(&state.ui.keymap, query)
        .iter()
        .map(|row| {
            Line::from(vec![
                Span::styled(
                    format!("{:<8}", row.context.name()),
                    theme.style("text.dim"),
                ),
                Span::styled(
                    format!("{:<12}", fit(&row.keys, 12)),
                    theme.style("text.key"),
                ),
                Span::raw(format!("{:<17}", row.command.name())),
                Span::styled(
                    fit(row.command.description(), desc_w),
                    theme.style("text.dim"),
                ),
            ])
        })
        .collect();
    let title = format!(" Keys ({}) · type to search · esc closes ", rows.len());
    draw_list(
        f,
        r,
        title,
        prompt("search: ", query, theme),
        rows,
        cursor,
        theme,
    );
}

pub fn draw_palette(
    f: &mut Frame,
    state: &State,
    query: &LineInput,
    cursor: usize,
    theme: &Theme,
    area: Rect,
) {
    let r = centered(area, 60, 60);
    let desc_w = (r.width as usize).saturating_sub(28);
    let rows: Vec<Line> = palette::matches(query)
        .iter()
        .map(|c| {
            let key = state
                .ui
                .keymap
                .key_for(crate::keymap::Context::Table, *c)
                .unwrap_or_default();
            Line::from(vec![
                Span::raw(format!("{:<16}", c.name())),
                Span::styled(format!("{key:<10}"), theme.style("text.key")),
                Span::styled(fit(c.description(), desc_w), theme.style("text.dim")),
            ])
        })
        .collect();
    draw_list(
        f,
        r,
        " Commands · enter runs · esc closes ".into(),
        prompt(": ", query, theme),
        rows,
        cursor,
        theme,
    );
}

pub fn draw_pivot_pick(
    f: &mut Frame,
    entities: &[crate::model::Entity],
    cursor: usize,
    theme: &Theme,
    area: Rect,
) {
    let h = (entities.len() as u16 + 2).min(area.height);
    let w = 70.min(area.width);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    let rows: Vec<Line> = entities
        .iter()
        .map(|e| {
            Line::from(vec![
                Span::styled(format!("{:<15}", e.kind.label()), theme.style("text.dim")),
                Span::raw(fit(&e.id, (w as usize).saturating_sub(17))),
            ])
        })
        .collect();
    draw_list(
        f,
        r,
        " Pivot on · enter picks · esc cancels ".into(),
        None,
        rows,
        cursor,
        theme,
    );
}
