//! Header (source, account, severity counts), breadcrumb, status bar (mode, keys, freshness)
//! and toasts.

use super::text::{fit, with_cursor};
use crate::app::state::{Mode, PaneId, State};
use crate::keymap::Command;
use crate::keymap::Context;
use crate::model::time::ago;
use crate::model::Severity;
use crate::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

pub fn draw_header(f: &mut Frame, state: &State, theme: &Theme, area: Rect) {
    let counts = state.view.store.severity_counts();
    let narrow = area.width < 140;
    // Severity counts first: they matter most and must survive a narrow terminal.
    let mut spans = vec![
        Span::styled(" airc ", theme.style("header")),
        Span::styled("│ ", theme.style("text.dim")),
    ];
    let mut used = 7;
    for sev in Severity::ALL.iter().rev() {
        let text = if narrow {
            format!("{}{} ", sev.glyph(), counts[*sev as usize])
        } else {
            format!(
                "{} {} {}  ",
                sev.glyph(),
                counts[*sev as usize],
                sev.label()
            )
        };
        used += text.chars().count();
        spans.push(Span::styled(text, theme.severity(*sev)));
    }
    spans.push(Span::styled("│ ", theme.style("text.dim")));
    if let Some(i) = &state.notebook.incident {
        let tag = format!("{} {} {} ", i.id, i.severity, i.phase.label());
        used += tag.chars().count() + 2;
        spans.push(Span::styled(tag, theme.style("breadcrumb")));
        spans.push(Span::styled(" │ ", theme.style("text.dim")));
    }
    let room = (area.width as usize).saturating_sub(used + 2);
    spans.push(Span::styled(
        fit(&state.session.source_label, room),
        theme.style("header.source"),
    ));
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn draw_crumbs(f: &mut Frame, state: &State, theme: &Theme, area: Rect) {
    let mut spans = Vec::new();
    // A credentials problem outranks the breadcrumb: nothing updates until it is fixed.
    if let Some(banner) = state.session.live.as_ref().and_then(|l| l.banner()) {
        spans.push(Span::styled(
            fit(&banner, area.width as usize),
            theme.style("pane.error"),
        ));
        f.render_widget(Paragraph::new(Line::from(spans)), area);
        return;
    }
    if !state.view.pivots.is_empty() || state.view.story_pivot.is_some() {
        spans.push(Span::styled(" pivot ", theme.style("breadcrumb")));
        if let Some(s) = &state.view.story_pivot {
            spans.push(Span::styled(
                format!(" story {} ({} signals) ", s.id, s.positions.len()),
                theme.style("text.key"),
            ));
        }
        for (i, p) in state.view.pivots.iter().enumerate() {
            if i > 0 || state.view.story_pivot.is_some() {
                spans.push(Span::styled(" › ", theme.style("text.dim")));
            }
            spans.push(Span::styled(
                format!(" {} ", fit(&p.to_string(), 60)),
                theme.style("text.key"),
            ));
        }
        spans.push(Span::styled(
            "  (backspace steps out)",
            theme.style("text.dim"),
        ));
    }
    if let Some(q) = &state.view.global_filter {
        spans.push(Span::styled("  all panes: ", theme.style("text.dim")));
        spans.push(Span::styled(fit(&q.text, 60), theme.style("text.key")));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn hints(state: &State) -> Vec<(String, &'static str)> {
    let (ctx, cmds): (Context, &[(Command, &'static str)]) = match &state.ui.mode {
        Mode::Detail(_) => (
            Context::Detail,
            &[
                (Command::Close, "back"),
                (Command::Search, "search"),
                (Command::Pivot, "pivot"),
                (Command::CopyJson, "copy json"),
            ],
        ),
        Mode::PivotPick { .. } => (
            Context::List,
            &[(Command::Open, "pivot"), (Command::Close, "cancel")],
        ),
        Mode::ActionPick { .. } => (
            Context::List,
            &[(Command::Open, "plan"), (Command::Close, "cancel")],
        ),
        Mode::Stories(_) => (
            Context::Stories,
            &[
                (Command::Down, "next story"),
                (Command::Open, "pivot on it"),
                (Command::IncidentNew, "open an incident"),
                (Command::PageDown, "scroll timeline"),
                (Command::Close, "back"),
            ],
        ),
        Mode::Network(v) if v.typing => (
            Context::Input,
            &[(Command::Accept, "apply"), (Command::Cancel, "clear")],
        ),
        Mode::Network(_) => (
            Context::Network,
            &[
                (Command::Open, "pivot"),
                (Command::Filter, "filter"),
                (Command::FocusNext, "next list"),
                (Command::SortNext, "rank"),
                (Command::Close, "back"),
            ],
        ),
        _ if state.view.focus == PaneId::Entities => (
            Context::Table,
            &[
                (Command::Open, "pivot"),
                (Command::Filter, "filter"),
                (Command::FocusNext, "next pane"),
                (Command::Help, "help"),
                (Command::Quit, "quit"),
            ],
        ),
        _ => (
            Context::Table,
            &[
                (Command::Open, "detail"),
                (Command::Filter, "filter"),
                (Command::Help, "help"),
                (Command::Pivot, "pivot"),
                (Command::FocusNext, "next pane"),
                (Command::Zoom, "zoom"),
                (Command::Palette, "commands"),
                (Command::Quit, "quit"),
            ],
        ),
    };
    cmds.iter()
        .filter_map(|(c, label)| state.ui.keymap.key_for(ctx, *c).map(|k| (k, *label)))
        .collect()
}

pub fn draw_status(f: &mut Frame, state: &State, theme: &Theme, area: Rect) {
    let mut spans = vec![
        Span::styled(
            format!(" {} ", state.ui.mode.label()),
            theme.style("status.mode"),
        ),
        Span::raw(" "),
    ];
    match &state.ui.mode {
        Mode::Filter { all, text, error } => {
            let scope = if *all {
                "all panes"
            } else {
                state.view.focus.title()
            };
            spans.push(Span::styled(
                format!("filter {scope}: "),
                theme.style("text.dim"),
            ));
            spans.push(Span::styled(with_cursor(text, 80), theme.style("text")));
            match error {
                Some(e) => spans.push(Span::styled(
                    format!("  {}", fit(e, 80)),
                    theme.style("pane.error"),
                )),
                None => spans.push(Span::styled(
                    "  enter keep · esc clear · e.g. sev:>=high user:alice since:2h -source:health",
                    theme.style("text.dim"),
                )),
            }
        }
        Mode::DetailSearch(_, text) => {
            spans.push(Span::styled("search: ", theme.style("text.dim")));
            spans.push(Span::styled(with_cursor(text, 80), theme.style("text")));
        }
        _ => {
            // Keep room for the freshness note; drop the hints that do not fit.
            let mut room = (area.width as usize).saturating_sub(10 + 22);
            // A hunt's progress (or how it ended) takes the hints' place.
            let hunt = crate::app::hunt::status_line(state);
            if let Some((text, failed)) = &hunt {
                let style = if *failed { "pane.error" } else { "text" };
                spans.push(Span::styled(fit(text, room), theme.style(style)));
                room = 0;
            }
            for (k, label) in hints(state).into_iter().filter(|_| hunt.is_none()) {
                let w = k.chars().count() + label.chars().count() + 3;
                if w > room {
                    break;
                }
                room -= w;
                spans.push(Span::styled(k, theme.style("text.key")));
                spans.push(Span::styled(format!(" {label}  "), theme.style("text.dim")));
            }
            if !state.session.feed.failed.is_empty() {
                spans.push(Span::styled(
                    format!(" {} files failed ", state.session.feed.failed.len()),
                    theme.style("pane.error"),
                ));
            }
            let fresh = match state.session.feed.last_update {
                Some(t) => format!("updated {} ago", ago(state.now, t)),
                None => "waiting for data".into(),
            };
            spans.push(Span::styled(format!(" {fresh}"), theme.style("text.dim")));
            if !state.session.bell {
                spans.push(Span::styled(" · bell off", theme.style("text.dim")));
            }
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn draw_toasts(f: &mut Frame, state: &State, theme: &Theme, area: Rect) {
    let mut y = area.y + area.height.saturating_sub(1);
    for t in state.ui.toasts.iter().rev() {
        let text = format!(
            " {} ",
            fit(&t.text, (area.width as usize).saturating_sub(4).min(100))
        );
        let w = (text.chars().count() as u16).min(area.width);
        if y <= area.y || w == 0 {
            break;
        }
        y -= 1;
        let r = Rect::new(area.x + area.width - w, y, w, 1);
        f.render_widget(Clear, r);
        let style = if t.error {
            theme.style("toast.error")
        } else {
            theme.style("toast")
        };
        f.render_widget(Paragraph::new(Span::styled(text, style)), r);
    }
}
