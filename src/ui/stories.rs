//! The Stories view: the ranked stories on top, the selected one's timeline below (each step
//! with the entity that links it to an earlier one).

use super::text::fit;
use crate::app::state::State;
use crate::app::stories::StoriesView;
use crate::keymap::{Command, Context};
use crate::theme::Theme;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

fn key(state: &State, cmd: Command) -> String {
    state
        .ui
        .keymap
        .key_for(Context::Stories, cmd)
        .unwrap_or_else(|| format!(":{}", cmd.name()))
}

fn block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("pane.focused"))
        .title(Span::styled(title, theme.style("pane.title")))
}

fn names(v: &[crate::model::Entity]) -> String {
    v.iter()
        .map(|e| e.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn draw(f: &mut Frame, state: &State, v: &StoriesView, theme: &Theme, area: Rect) {
    f.render_widget(Clear, area);
    let stories = &state.view.stories;
    let list_h = (stories.len() as u16 + 3).clamp(5, area.height / 2);
    let [top, bottom] = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Length(list_h), Constraint::Min(3)])
        .areas(area);
    let title = format!(
        " Stories ({}) · {} pivot · {} incident · {} back ",
        stories.len(),
        key(state, Command::Open),
        key(state, Command::IncidentNew),
        key(state, Command::Close)
    );
    let b = block(title, theme);
    let inner = b.inner(top);
    f.render_widget(b, top);
    let w = inner.width as usize;
    let dim = theme.style("text.dim");
    if stories.is_empty() {
        let text = "No stories: no two signals that matter (a detection, a finding) share an \
                    access key, user, session, instance, bucket or public IP within the gap, and \
                    no single high or critical signal stands alone.";
        f.render_widget(
            Paragraph::new(text)
                .style(dim)
                .wrap(ratatui::widgets::Wrap { trim: true }),
            inner,
        );
    } else {
        let mut lines = vec![Line::styled(
            fit(
                "  story       score sev       span               signals  tactics · principals",
                w,
            ),
            dim,
        )];
        let rows = inner.height.saturating_sub(1) as usize;
        let first = v.cursor.saturating_sub(rows.saturating_sub(1));
        for (i, s) in stories.iter().enumerate().skip(first).take(rows) {
            let span = format!(
                "{}→{}",
                s.first.format("%m-%d %H:%M"),
                s.last.format("%H:%M")
            );
            let text = format!(
                "{} {:<11} {:>5} {:<9} {:<18} {:>7}  {} · {}",
                if i == v.cursor { "▶" } else { " " },
                s.id,
                s.score,
                s.severity.label(),
                span,
                s.signals,
                s.tactics.join(" → "),
                names(&s.principals)
            );
            let mut style = theme.style(&format!("severity.{}", s.severity.label()));
            if i == v.cursor {
                style = style.patch(theme.style("selection"));
            }
            lines.push(Line::styled(fit(&text, w), style));
        }
        f.render_widget(Paragraph::new(lines), inner);
    }
    draw_timeline(f, state, v, theme, bottom);
}

fn draw_timeline(f: &mut Frame, state: &State, v: &StoriesView, theme: &Theme, area: Rect) {
    let Some(story) = state.view.stories.get(v.cursor) else {
        f.render_widget(block(" Timeline ".into(), theme), area);
        return;
    };
    let title = format!(
        " {} · {} steps · {} scrolls ",
        story.id,
        v.steps.len(),
        key(state, Command::PageDown)
    );
    let b = block(title, theme);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let w = inner.width as usize;
    let dim = theme.style("text.dim");
    let mut lines = Vec::new();
    for (label, list) in [
        ("principals", &story.principals),
        ("source IPs", &story.ips),
        ("resources ", &story.resources),
    ] {
        if !list.is_empty() {
            lines.push(Line::from(vec![
                Span::styled(format!("{label} "), dim),
                Span::raw(fit(&names(list), w.saturating_sub(11))),
            ]));
        }
    }
    let store = &state.view.store;
    let room = (inner.height as usize).saturating_sub(lines.len());
    for step in v.steps.iter().skip(v.scroll).take(room) {
        let Some(s) = store.signals().get(step.pos as usize) else {
            continue;
        };
        let what = if step.hidden {
            format!("{} (sensitive: details hidden)", s.kind())
        } else {
            let rules: Vec<&str> = s
                .detections()
                .iter()
                .map(|d| d.rule.title.as_str())
                .collect();
            if rules.is_empty() {
                s.title().to_string()
            } else {
                format!("{} [{}]", s.title(), rules.join("; "))
            }
        };
        let via = match (&step.via, step.hidden) {
            (Some(e), false) => format!("  ← {e}"),
            _ => String::new(),
        };
        let sev = s.severity.label();
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", s.time.format("%m-%d %H:%M:%S")), dim),
            Span::styled(
                format!("{sev:<8} "),
                theme.style(&format!("severity.{sev}")),
            ),
            Span::styled(format!("{:<10} ", s.source.label()), dim),
            Span::raw(fit(&format!("{what}{via}"), w.saturating_sub(35))),
        ]));
    }
    f.render_widget(Paragraph::new(lines), inner);
}
