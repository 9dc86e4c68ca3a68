//! The four panes. Only the visible rows are built, whatever the number of signals.

use super::live_status::{live_empty, live_text};
use super::text::{fit, highlighted};
use crate::app::state::{PaneId, PaneView, State};
use crate::model::time::ago;
use crate::model::{Severity, Signal};
use crate::query::matcher;
use crate::theme::Theme;
use fuzzy_matcher::FuzzyMatcher;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Row, Table};
use ratatui::Frame;

fn sev_cell(theme: &Theme, sev: Severity) -> Cell<'static> {
    let label = match sev {
        Severity::Critical => "CRIT",
        Severity::High => "HIGH",
        Severity::Medium => "MED",
        Severity::Low => "LOW",
        Severity::Info => "info",
    };
    Cell::from(Span::styled(
        format!("{} {label}", sev.glyph()),
        theme.severity(sev),
    ))
}

fn status_text(state: &State, pane: PaneId) -> String {
    let mut parts = Vec::new();
    let view = state.pane(pane);
    if pane != PaneId::Entities {
        parts.push(format!(
            "{}{}",
            view.sort.label(),
            if view.descending { "↓" } else { "↑" }
        ));
    }
    if let Some(f) = &view.filter {
        parts.push(format!("filter: {}", fit(&f.text, 30)));
    }
    if let Some((scanned, total)) = state.view.view_progress {
        let pct = scanned * 100 / total.max(1);
        parts.push(format!("filtering {pct}%"));
    }
    if let Some((done, total)) = state.session.feed.loading {
        parts.push(format!("loading {done}/{total} files"));
    } else if state.session.feed.pending > 0 {
        parts.push(format!("live: {} to come", state.session.feed.pending));
    }
    if !state.session.feed.failed.is_empty() {
        parts.push(format!(
            "{} files failed (see status)",
            state.session.feed.failed.len()
        ));
    }
    if let Some(live) = live_text(state, pane) {
        parts.push(live.0);
    }
    parts.join(" · ")
}

pub(super) fn block<'a>(state: &State, pane: PaneId, theme: &Theme, count: usize) -> Block<'a> {
    let focused = state.view.focus == pane;
    let border = if focused {
        theme.style("pane.focused")
    } else {
        theme.style("pane.border")
    };
    let key = (pane.index() + 1).to_string();
    let mut title = vec![
        Span::styled(format!(" {key} "), theme.style("text.dim")),
        Span::styled(
            format!("{} ({count})", pane.title()),
            theme.style("pane.title"),
        ),
    ];
    let status = status_text(state, pane);
    let live_bad = live_text(state, pane).is_some_and(|(_, bad)| bad);
    if !status.is_empty() {
        let style = if live_bad {
            theme.style("pane.error")
        } else if state.session.feed.loading.is_some() {
            theme.style("pane.loading")
        } else {
            theme.style("text.dim")
        };
        title.push(Span::styled(format!(" · {status}"), style));
    }
    title.push(Span::raw(" "));
    Block::default()
        .borders(Borders::ALL)
        .border_style(border)
        .title(Line::from(title))
}

/// The product column: the product's usual name, `+` when the finding was also read through
/// Security Hub (merged with its copy there).
fn product_label(s: &Signal) -> String {
    let name = match s.product() {
        "guardduty" => "GuardDuty",
        "securityhub" => "SecHub",
        "macie" => "Macie",
        "inspector" => "Inspector",
        "accessanalyzer" => "AccessAn",
        "config" => "Config",
        other => other,
    };
    let also = s.source != crate::model::Source::SecurityHub && s.workflow().is_some();
    format!("{name}{}", if also { "+" } else { "" })
}

/// Alarms and cost anomalies are rows of the Health pane: their type column says which they
/// are, so they are never taken for Health events.
fn monitor_label(s: &Signal) -> Option<&'static str> {
    (s.source == crate::model::Source::Monitors).then(|| match s.product() {
        "costanomaly" => "cost anomaly:",
        _ => "alarm:",
    })
}

/// First visible row so the cursor stays on screen.
pub(super) fn offset(cursor: usize, height: usize) -> usize {
    cursor.saturating_sub(height.saturating_sub(1))
}

fn kind_width(pane: PaneId, inner: u16) -> u16 {
    let want = match pane {
        PaneId::CloudTrail => 30,
        PaneId::GuardDuty => 40,
        _ => 36,
    };
    want.min(inner / 3)
}

pub fn draw_signals(f: &mut Frame, state: &State, theme: &Theme, pane: PaneId, area: Rect) {
    let view: &PaneView = state.pane(pane);
    let block = block(state, pane, theme, view.rows.len());
    let inner_h = area.height.saturating_sub(3) as usize;
    let inner_w = area.width.saturating_sub(2);
    let start = offset(view.cursor, inner_h);
    let signals = state.view.store.signals();
    let m = matcher();
    let fuzzy: Vec<&str> = [view.filter.as_ref(), state.view.global_filter.as_ref()]
        .into_iter()
        .flatten()
        .map(|q| q.fuzzy.as_str())
        .filter(|f| !f.is_empty())
        .collect();
    let wide = inner_w >= 100;
    let kind_w = kind_width(pane, inner_w);
    let actor_w: u16 = match pane {
        PaneId::CloudTrail if wide => 16,
        PaneId::Health if wide => 8,
        _ => 0,
    };
    let time_w: u16 = if wide { 14 } else { 8 };
    // Findings: which product made each (GuardDuty, Macie, Inspector…).
    let product_w: u16 = if pane == PaneId::GuardDuty && inner_w >= 70 {
        10
    } else {
        0
    };
    // Who a rule routed the signal to, when rules are loaded and there is room.
    let route_w: u16 = if state.session.rules.is_some() && inner_w >= 120 {
        14
    } else {
        0
    };
    // CloudTrail: the top detection rule's title when wide, a marker when narrow.
    let det_w: u16 = match pane {
        PaneId::CloudTrail if inner_w >= 140 => 24,
        PaneId::CloudTrail => 1,
        _ => 0,
    };
    let fixed = 1
        + 7
        + 5
        + time_w
        + kind_w
        + product_w
        + u16::from(product_w > 0)
        + actor_w
        + route_w
        + 6
        + u16::from(route_w > 0)
        + det_w
        + u16::from(det_w > 0);
    let summary_w = inner_w.saturating_sub(fixed).max(8) as usize;
    let end = (start + inner_h).min(view.rows.len());
    let rows: Vec<Row> = view.rows[start..end]
        .iter()
        .enumerate()
        .map(|(n, pos)| {
            let s: &Signal = &signals[*pos as usize];
            let is_new = (*pos as usize) >= view.seen_upto;
            let hidden = crate::app::routing::hiding(state, s);
            let summary = match hidden {
                Some(r) => std::borrow::Cow::Owned(crate::app::routing::hidden_summary(r)),
                None => s.summary(),
            };
            let positions = fuzzy
                .first()
                .filter(|_| hidden.is_none())
                .and_then(|q| m.fuzzy_indices(&summary, q))
                .map(|(_, p)| p)
                .unwrap_or_default();
            let mut cells = vec![
                Cell::from(if state.hunts.history.contains(&s.id) {
                    // From history: a hunt on Athena brought it (never "new").
                    Span::styled("h", theme.style("text.dim"))
                } else if is_new {
                    Span::styled("●", theme.style("new"))
                } else {
                    Span::raw(" ")
                }),
                sev_cell(theme, s.severity),
                Cell::from(Span::styled(
                    ago(state.now, s.time),
                    theme.style("text.dim"),
                )),
                Cell::from(if wide {
                    s.time.format("%m-%d %H:%M:%S").to_string()
                } else {
                    s.time.format("%H:%M:%S").to_string()
                }),
                // A hidden signal shows what it is (its kind), never what it says.
                Cell::from(fit(
                    &match (hidden.is_some(), monitor_label(s)) {
                        (true, _) => std::borrow::Cow::Borrowed(s.kind()),
                        (false, Some(label)) => {
                            std::borrow::Cow::Owned(format!("{label} {}", s.title()))
                        }
                        (false, None) => std::borrow::Cow::Borrowed(s.title()),
                    },
                    kind_w as usize,
                )),
            ];
            if product_w > 0 {
                cells.push(Cell::from(Span::styled(
                    fit(&product_label(s), product_w as usize),
                    theme.style("text.dim"),
                )));
            }
            if actor_w > 0 {
                let text = match (pane, s.affected()) {
                    _ if hidden.is_some() => "-".to_string(),
                    (PaneId::Health, Some(n)) => n.to_string(),
                    (PaneId::Health, None) => "-".to_string(),
                    _ => s.actor().unwrap_or("-").to_string(),
                };
                cells.push(Cell::from(fit(&text, actor_w as usize)));
            }
            if det_w > 0 {
                let text = match s.detections().first() {
                    None => String::new(),
                    Some(_) if det_w == 1 || hidden.is_some() => "◆".to_string(),
                    Some(d) if s.detections().len() > 1 => {
                        format!("◆{} +{}", d.rule.title, s.detections().len() - 1)
                    }
                    Some(d) => format!("◆{}", d.rule.title),
                };
                cells.push(Cell::from(Span::styled(
                    fit(&text, det_w as usize),
                    theme.style("text.key"),
                )));
            }
            if route_w > 0 {
                // A hidden row shows only its sensitive rules' targets (`Route::withheld`).
                let to = match hidden {
                    Some(r) => format!("→{}", r.sensitive_targets.join(",")),
                    None => {
                        s.id.with_str(|id| state.session.routes.get(id))
                            .map(|r| format!("→{}", r.targets.join(",")))
                            .unwrap_or_default()
                    }
                };
                cells.push(Cell::from(Span::styled(
                    fit(&to, route_w as usize),
                    theme.style("text.key"),
                )));
            }
            cells.push(Cell::from(highlighted(
                &summary,
                &positions,
                Style::default(),
                theme.style("match"),
                summary_w,
            )));
            let row = Row::new(cells);
            if start + n == view.cursor && state.view.focus == pane {
                row.style(theme.style("selection"))
            } else {
                row
            }
        })
        .collect();
    let mut widths = vec![
        Constraint::Length(1),
        Constraint::Length(6),
        Constraint::Length(5),
        Constraint::Length(time_w),
        Constraint::Length(kind_w),
    ];
    let mut header = vec![
        "",
        "sev",
        "age",
        if wide { "time (UTC)" } else { "time" },
        if pane == PaneId::Health {
            "event type"
        } else {
            "type"
        },
    ];
    if product_w > 0 {
        widths.push(Constraint::Length(product_w));
        header.push("product");
    }
    if actor_w > 0 {
        widths.push(Constraint::Length(actor_w));
        header.push(if pane == PaneId::Health {
            "affected"
        } else {
            "principal"
        });
    }
    if det_w > 0 {
        widths.push(Constraint::Length(det_w));
        header.push(if det_w > 1 { "detection" } else { "" });
    }
    if route_w > 0 {
        widths.push(Constraint::Length(route_w));
        header.push("routed");
    }
    widths.push(Constraint::Min(8));
    header.push("summary");
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.style("text.dim")))
        .block(block)
        .column_spacing(1);
    f.render_widget(table, area);
    if view.rows.is_empty() {
        draw_empty(f, state, theme, pane, area);
    }
}

pub(super) fn draw_empty(f: &mut Frame, state: &State, theme: &Theme, pane: PaneId, area: Rect) {
    let live = live_empty(state, pane);
    let text = if let Some(t) = live.as_deref() {
        t
    } else if state.session.feed.is_loading() {
        "loading…"
    } else if state.view.pivots.is_empty()
        && state.view.story_pivot.is_none()
        && state.view.global_filter.is_none()
        && state.pane(state.view.focus).filter.is_none()
    {
        "no signals from this source"
    } else {
        "nothing matches the pivot or filter (x clears filters, backspace leaves the pivot)"
    };
    if area.height > 3 && area.width > 4 {
        // A live problem can be long (the subscription message): wrap it in the pane.
        let r = Rect::new(area.x + 2, area.y + 2, area.width - 4, area.height - 3);
        let style = if live.is_some() && live_text(state, pane).is_some_and(|(_, bad)| bad) {
            theme.style("pane.error")
        } else {
            theme.style("text.dim")
        };
        f.render_widget(
            ratatui::widgets::Paragraph::new(Span::styled(
                crate::safe_text::line(text).into_owned(),
                style,
            ))
            .wrap(ratatui::widgets::Wrap { trim: true }),
            r,
        );
    }
}
