//! The Network view: the filter line, then the selected list (conversations, talkers or
//! ports), ranked, with the totals the filter kept. Addresses and names come from files: each
//! cell goes through `fit` (control characters stripped, cut to its width).

use super::text::{fit, with_cursor};
use crate::app::network::{NetworkView, Section};
use crate::app::state::State;
use crate::keymap::{Command, Context};
use crate::query::flow::proto_label;
use crate::theme::Theme;
use chrono::{DateTime, Utc};
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

fn key(state: &State, cmd: Command) -> String {
    state
        .ui
        .keymap
        .key_for(Context::Network, cmd)
        .or_else(|| state.ui.keymap.key_for(Context::Global, cmd))
        .unwrap_or_else(|| format!(":{}", cmd.name()))
}

/// 1,234 → "1.2K"; decimal units, as `bytes:` reads them.
pub fn size(n: u64) -> String {
    const UNITS: [(u64, &str); 4] = [
        (1_000_000_000_000, "T"),
        (1_000_000_000, "G"),
        (1_000_000, "M"),
        (1_000, "K"),
    ];
    for (scale, unit) in UNITS {
        if n >= scale {
            return format!("{:.1}{unit}", n as f64 / scale as f64);
        }
    }
    n.to_string()
}

/// An address in its column (IPv6 addresses longer than it are cut, with `…`).
fn addr(a: Option<std::net::IpAddr>) -> String {
    fit(&a.map_or_else(|| "-".to_string(), |a| a.to_string()), 22)
}

fn clock(t: i64) -> String {
    DateTime::<Utc>::from_timestamp(t, 0)
        .map(|t| t.format("%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "-".into())
}

fn lines(v: &NetworkView) -> (String, Vec<String>) {
    let r = &v.rows;
    match v.section {
        Section::Conversations => (
            format!(
                "  {:<22} {:<22} {:>5} {:<5} {:<6} {:>8} {:>8} {:>7} {:<23} names",
                "source",
                "destination",
                "port",
                "proto",
                "action",
                "bytes",
                "packets",
                "records",
                "minutes (UTC)"
            ),
            r.conversations
                .iter()
                .map(|c| {
                    format!(
                        "{:<22} {:<22} {:>5} {:<5} {:<6} {:>8} {:>8} {:>7} {:<23} {}",
                        addr(c.src),
                        addr(c.dst),
                        c.port,
                        proto_label(c.protocol),
                        c.action.label(),
                        size(c.bytes),
                        size(c.packets),
                        c.records,
                        format!(
                            "{}→{}",
                            clock(c.first),
                            clock(c.last + 60).get(6..).unwrap_or("")
                        ),
                        c.domains.join(", ")
                    )
                })
                .collect(),
        ),
        Section::Talkers => (
            format!(
                "  {:<22} {:>8} {:>8} {:>8} {:>6} names",
                "address", "sent", "received", "rejects", "convs"
            ),
            r.talkers
                .iter()
                .map(|t| {
                    format!(
                        "{:<22} {:>8} {:>8} {:>8} {:>6} {}",
                        addr(Some(t.addr)),
                        size(t.bytes_out),
                        size(t.bytes_in),
                        t.rejects,
                        t.conversations,
                        t.domains.join(", ")
                    )
                })
                .collect(),
        ),
        Section::Ports => (
            format!(
                "  {:>5} {:<6} {:>8} {:>8} {:>6} {:>8}",
                "port", "proto", "bytes", "rejects", "convs", "sources"
            ),
            r.ports
                .iter()
                .map(|p| {
                    format!(
                        "{:>5} {:<6} {:>8} {:>8} {:>6} {:>8}",
                        p.port,
                        proto_label(p.protocol),
                        size(p.bytes),
                        p.rejects,
                        p.conversations,
                        p.sources
                    )
                })
                .collect(),
        ),
    }
}

pub fn draw(f: &mut Frame, state: &State, v: &NetworkView, theme: &Theme, area: Rect) {
    f.render_widget(Clear, area);
    let [top, body] = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Length(3), Constraint::Min(3)])
        .areas(area);
    let prompt = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(if v.typing {
            "pane.focused"
        } else {
            "pane.border"
        }))
        .title(Span::styled(
            format!(
                " Filter · {} edits · port: proto: action:reject bytes:>10M domain: ip: ",
                key(state, Command::Filter)
            ),
            theme.style("pane.title"),
        ));
    let inner = prompt.inner(top);
    f.render_widget(prompt, top);
    let w = inner.width as usize;
    let text = if v.typing {
        with_cursor(&v.filter, w)
    } else {
        fit(v.filter.value(), w)
    };
    let line = match &v.error {
        Some(e) => Line::from(vec![
            Span::raw(text),
            Span::styled(format!("  {}", fit(e, w)), theme.style("pane.error")),
        ]),
        None => Line::raw(text),
    };
    f.render_widget(Paragraph::new(line), inner);

    let tabs: Vec<String> = Section::ALL
        .iter()
        .map(|s| {
            if *s == v.section {
                format!("[{}]", s.label())
            } else {
                s.label().to_string()
            }
        })
        .collect();
    let title = format!(
        " Network · {} · by {} · {} conversations, {} · {} {} · {} records · {} next · {} rank · {} pivot · {} back ",
        tabs.join(" "),
        v.rank.label(),
        v.rows.matched,
        size(v.rows.matched_bytes),
        v.len(),
        v.section.label(),
        v.rows.records,
        key(state, Command::FocusNext),
        key(state, Command::SortNext),
        key(state, Command::Open),
        key(state, Command::Close),
    );
    let b = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("pane.focused"))
        .title(Span::styled(
            fit(&title, area.width as usize),
            theme.style("pane.title"),
        ));
    let inner = b.inner(body);
    f.render_widget(b, body);
    let w = inner.width as usize;
    let dim = theme.style("text.dim");
    if v.rows.records == 0 {
        let text = "No flow logs loaded: open VPC Flow Logs (airc replay PATH, .log.gz as S3 \
                    delivers them, CloudWatch Logs exports) to see conversations here.";
        f.render_widget(
            Paragraph::new(text)
                .style(dim)
                .wrap(ratatui::widgets::Wrap { trim: true }),
            inner,
        );
        return;
    }
    let (header, rows) = lines(v);
    let mut out = vec![Line::styled(fit(&header, w), dim)];
    let room = inner.height.saturating_sub(1) as usize;
    let first = v.cursor.saturating_sub(room.saturating_sub(1));
    for (i, row) in rows.iter().enumerate().skip(first).take(room) {
        let mark = if i == v.cursor { "▶ " } else { "  " };
        let style = if i == v.cursor {
            theme.style("selection")
        } else {
            ratatui::style::Style::default()
        };
        out.push(Line::styled(fit(&format!("{mark}{row}"), w), style));
    }
    if rows.is_empty() {
        out.push(Line::styled("  nothing matches the filter", dim));
    }
    f.render_widget(Paragraph::new(out), inner);
}
