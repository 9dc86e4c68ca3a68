//! The notebook view, the note editor, the new-incident prompt and the incident picker.

use super::overlays::draw_list;
use super::text::{fit, with_cursor};
use crate::app::layout::centered;
use crate::app::msg::IncidentSummary;
use crate::app::state::{LineInput, State};
use crate::keymap::Command;
use crate::keymap::Context;
use crate::notebook::incident::human;
use crate::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

fn framed<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("pane.focused"))
        .title(Span::styled(title, theme.style("pane.title")))
}

fn key(state: &State, ctx: Context, cmd: Command) -> String {
    state
        .ui
        .keymap
        .key_for(ctx, cmd)
        .unwrap_or_else(|| format!(":{}", cmd.name()))
}

pub fn draw_notebook(f: &mut Frame, state: &State, scroll: usize, theme: &Theme, area: Rect) {
    f.render_widget(Clear, area);
    let Some(inc) = &state.notebook.incident else {
        let block = framed(" Notebook ".into(), theme);
        let inner = block.inner(area);
        f.render_widget(block, area);
        let text = format!(
            "No incident open. {} opens a new one, {} picks an existing one (or reopens a closed one).",
            key(state, Context::Table, Command::IncidentNew),
            key(state, Context::Table, Command::IncidentOpen)
        );
        f.render_widget(
            Paragraph::new(text)
                .style(theme.style("text"))
                .wrap(Wrap { trim: true }),
            inner,
        );
        return;
    };
    // The gate: sensitive evidence the console's principal may not read shows its kind only,
    // whoever pinned it.
    let seen = inc.seen_by(crate::app::routing::principal(state).as_deref());
    let inc = &seen;
    let title = format!(
        " {} · {} · {} · {} ",
        inc.id,
        inc.severity,
        inc.phase.label(),
        fit(&inc.title, 60)
    );
    let block = framed(title, theme);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let w = inner.width as usize;
    let m = inc.metrics();
    let dim = theme.style("text.dim");
    let mut lines = vec![
        Line::from(vec![
            Span::styled("Commander ", dim),
            Span::raw(fit(&inc.commander, 30)),
            Span::styled("  Responders ", dim),
            Span::raw(fit(
                &if inc.responders.is_empty() {
                    "—".to_string()
                } else {
                    inc.responders.join(", ")
                },
                50,
            )),
        ]),
        Line::from(vec![
            Span::styled("Time to detect ", dim),
            Span::raw(human(m.detect)),
            Span::styled("  to contain ", dim),
            Span::raw(human(m.contain)),
            Span::styled("  to recover ", dim),
            Span::raw(human(m.recover)),
            Span::styled(
                format!(
                    "   (from the first pinned signal){}",
                    if state.notebook.saving > 0 {
                        " · saving…"
                    } else {
                        ""
                    }
                ),
                dim,
            ),
        ]),
        Line::from(
            [
                (key(state, Context::Notebook, Command::Note), "note"),
                (key(state, Context::Table, Command::Pin), "pin (in a pane)"),
                (
                    format!(
                        "{} {}",
                        key(state, Context::Notebook, Command::PhasePrev),
                        key(state, Context::Notebook, Command::PhaseNext)
                    ),
                    "phase",
                ),
                (
                    key(state, Context::Notebook, Command::Export),
                    "export postmortem",
                ),
                ("esc".to_string(), "back"),
            ]
            .into_iter()
            .flat_map(|(k, what)| {
                [
                    Span::styled(format!("{k} "), theme.style("text.key")),
                    Span::styled(format!("{what}  "), dim),
                ]
            })
            .collect::<Vec<_>>(),
        ),
        Line::default(),
        Line::from(Span::styled(
            format!("Timeline ({})", inc.timeline.len()),
            theme.style("pane.title"),
        )),
    ];
    for t in &inc.timeline {
        let ev = t
            .evidence
            .as_deref()
            .map(|e| format!("[{e}] "))
            .unwrap_or_default();
        lines.push(Line::from(vec![
            Span::styled(t.at.format("%m-%d %H:%M:%S ").to_string(), dim),
            Span::styled(
                format!("{:<10} ", fit(&t.source, 10)),
                theme.style("text.key"),
            ),
            Span::raw(fit(&format!("{ev}{}", t.text), w.saturating_sub(26))),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        format!("Affected entities ({})", inc.affected.len()),
        theme.style("pane.title"),
    )));
    for e in &inc.affected {
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<15}", e.kind.label()), dim),
            Span::raw(fit(&e.id, w.saturating_sub(17))),
        ]));
    }
    lines.push(Line::from(Span::styled(
        format!("Evidence ({})", inc.evidence.len()),
        theme.style("pane.title"),
    )));
    for e in &inc.evidence {
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<4}", e.reference), theme.style("text.key")),
            Span::styled(
                format!("{} ", e.severity.glyph()),
                theme.severity(e.severity),
            ),
            Span::raw(fit(
                &format!("{} · {}", e.source, e.title),
                w.saturating_sub(8),
            )),
        ]));
    }
    let visible: Vec<Line> = lines.into_iter().skip(scroll).collect();
    f.render_widget(Paragraph::new(visible), inner);
}

pub fn draw_note_editor(f: &mut Frame, state: &State, theme: &Theme, area: Rect) {
    let r = centered(area, 70, 60);
    f.render_widget(Clear, r);
    let id = state
        .notebook
        .incident
        .as_ref()
        .map(|i| i.id.as_str())
        .unwrap_or("?");
    let title = format!(
        " Note for {id} · {} save · {} $EDITOR · esc keeps the draft ",
        key(state, Context::Editor, Command::SaveNote),
        key(state, Context::Editor, Command::ExternalEditor)
    );
    let block = framed(title, theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let text = format!("{}▏", crate::safe_text::text(&state.notebook.draft));
    let lines: Vec<Line> = text.lines().map(|l| Line::from(l.to_string())).collect();
    // Keep the end of the text (where the cursor is) in view.
    let skip = lines.len().saturating_sub(inner.height as usize);
    f.render_widget(
        Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()).wrap(Wrap { trim: false }),
        inner,
    );
}

pub fn draw_new_incident(f: &mut Frame, title: &LineInput, theme: &Theme, area: Rect) {
    let w = 70.min(area.width);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + area.height / 3,
        w,
        3.min(area.height),
    );
    f.render_widget(Clear, r);
    let block = framed(
        " New incident: title [p1-p4] [ic:name] [with:a,b] · enter ".into(),
        theme,
    );
    let inner = block.inner(r);
    f.render_widget(block, r);
    f.render_widget(
        Paragraph::new(with_cursor(title, inner.width.saturating_sub(1) as usize)),
        inner,
    );
}

pub fn draw_incident_pick(
    f: &mut Frame,
    items: &[IncidentSummary],
    cursor: usize,
    theme: &Theme,
    area: Rect,
) {
    let r = centered(area, 70, 50);
    let rows: Vec<Line> = items
        .iter()
        .map(|i| {
            Line::from(vec![
                Span::styled(format!("{:<16}", i.id), theme.style("text.key")),
                Span::raw(format!("{} ", i.severity)),
                Span::styled(format!("{:<11}", i.phase.label()), theme.style("text.dim")),
                Span::raw(fit(&i.title, (r.width as usize).saturating_sub(34))),
            ])
        })
        .collect();
    draw_list(
        f,
        r,
        " Incidents · enter opens · esc cancels ".into(),
        None,
        rows,
        cursor,
        theme,
    );
}
