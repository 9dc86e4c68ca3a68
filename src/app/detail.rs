//! The detail view's text: who, what, where, when, the entities, then the full JSON pretty
//! printed (nested JSON strings already decoded). Built once when the view opens; search and
//! scrolling work on these lines, and drawing styles them.

use crate::model::time::ago;
use crate::model::{EntitiesOf, Signal};
use crate::safe_text::line;
use chrono::{DateTime, Utc};

pub const JSON_HEADER: &str = "─ JSON ─";

pub fn lines(
    s: &Signal,
    entities: EntitiesOf,
    now: DateTime<Utc>,
    link: &dyn Fn(super::detail_findings::Link) -> Option<String>,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = |label: &str, value: String| out.push(format!("{label:<9}{}", line(&value)));
    field(
        "When",
        format!(
            "{} ({} ago){}",
            s.time.format("%Y-%m-%d %H:%M:%S UTC"),
            ago(now, s.time),
            // Not the record's own time: it has none (a trimmed Macie example).
            s.undated()
                .map(|u| format!(
                    " · the record has no time of its own: this is {}",
                    u.label()
                ))
                .unwrap_or_default()
        ),
    );
    match s.product() {
        p if p == s.source.label() => field("Source", format!("{} · {}", s.source, s.title())),
        p => field(
            "Source",
            format!("{} · product {p} · {}", s.source, s.title()),
        ),
    }
    field(
        "Severity",
        format!(
            "{} — {}",
            s.severity.label().to_uppercase(),
            s.severity_reason()
        ),
    );
    if let Some(a) = s.actor() {
        field("Who", a.to_string());
    }
    let mut where_ = Vec::new();
    if let Some(a) = s.account() {
        where_.push(format!("account {a}"));
    }
    if let Some(r) = s.region() {
        where_.push(r.to_string());
    }
    if !where_.is_empty() {
        field("Where", where_.join(" · "));
    }
    field("What", s.summary().into_owned());
    if let Some(abuse) = s.abuse() {
        field("Abuse", abuse.label().to_string());
    }
    if let Some(c) = s.category() {
        field("Category", c.to_string());
    }
    field("Id", s.id.to_string());
    // Each format's own fields (findings, monitors, an attack sequence's steps).
    let raw = s.raw.decoded();
    out.extend(super::detail_findings::lines(s, &raw, link));
    if !s.detections().is_empty() {
        out.push(String::new());
        out.push(format!("Detections ({})", s.detections().len()));
        for d in s.detections() {
            let r = &d.rule;
            let mut attack: Vec<&str> = r.tactics.iter().map(String::as_str).collect();
            attack.extend(r.techniques.iter().map(String::as_str));
            out.push(
                line(&format!(
                    "  {:<9}{} · {}",
                    r.level.label().to_uppercase(),
                    r.title,
                    attack.join(" ")
                ))
                .into_owned(),
            );
            // Sigma's licence asks that the author be credited wherever a match is shown.
            out.push(
                line(&format!(
                    "           by {} · {} · {}",
                    r.author.as_deref().unwrap_or("unknown author"),
                    r.name.as_deref().unwrap_or(&r.id),
                    r.file
                ))
                .into_owned(),
            );
            if let Some(n) = &d.note {
                out.push(line(&format!("           {n}")).into_owned());
            }
        }
    }
    out.push(String::new());
    out.push(format!("Entities ({})", entities.len()));
    for e in entities {
        out.push(format!("  {:<15}{}", e.kind.label(), line(&e.id)));
    }
    if s.entities_more() > 0 {
        out.push(format!(
            "  … and {} more not kept (the JSON below has them all)",
            s.entities_more()
        ));
    }
    out.push(String::new());
    out.push(JSON_HEADER.to_string());
    if let Some(span) = s.raw.file_span() {
        out.push(format!(
            "(reading the original record from {} …)",
            line(&span.file.path.display().to_string())
        ));
        return out;
    }
    let json =
        serde_json::to_string_pretty(&raw).unwrap_or_else(|e| format!("(cannot print: {e})"));
    out.extend(json.lines().map(|l| line(l).into_owned()));
    out
}

/// Lines containing `needle`, case-insensitively.
pub fn search(lines: &[String], needle: &str) -> Vec<usize> {
    if needle.is_empty() {
        return Vec::new();
    }
    let n = needle.to_lowercase();
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.to_lowercase().contains(&n))
        .map(|(i, _)| i)
        .collect()
}

/// Runs a search typed in the detail view: the matching lines, the first one scrolled to.
pub fn run_search(d: &mut super::state::DetailState, text: impl Into<String>) {
    let text = text.into();
    d.matches = search(&d.lines, &text);
    d.search = text;
    d.current = 0;
    if let Some(first) = d.matches.first() {
        d.scroll = *first;
    }
}
