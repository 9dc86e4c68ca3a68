//! The markdown postmortem, generated from the journal's fold through a template
//! (`assets/postmortem.md`, or `postmortem.md` in the config dir). Placeholders are
//! `{{name}}`; replacing a dozen fixed names needs no template engine, so there is none.

use super::entry::Section;
use super::incident::{human, Incident};
use super::markdown::{prose, redact, text};
use std::fmt::Write as _;
use std::path::Path;

pub const TEMPLATE: &str = include_str!("../../assets/postmortem.md");

/// The template: the user's override when present, else the embedded one. An override that
/// exists but cannot be read (permissions, not UTF-8) is an error, not a silent fallback.
pub fn template(config_dir: Option<&Path>) -> Result<String, super::Error> {
    let Some(path) = config_dir.map(|d| d.join("postmortem.md")) else {
        return Ok(TEMPLATE.to_string());
    };
    match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| super::Error::Template {
            path,
            reason: "not UTF-8 text".into(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(TEMPLATE.to_string()),
        Err(e) => Err(super::Error::Template {
            path,
            reason: e.to_string(),
        }),
    }
}

fn section(inc: &Incident, s: Section, prompt: &str) -> String {
    match inc.sections.get(&s) {
        Some(t) if !t.trim().is_empty() => prose(t),
        _ => format!(
            "_Not written yet: {prompt} (`airc incident note {} --section {} TEXT`)._",
            inc.id,
            s.key()
        ),
    }
}

fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn header(inc: &Incident) -> String {
    let mut out = String::from("| | |\n|---|---|\n");
    let closed = inc
        .phase_times
        .get(&super::entry::Phase::Closed)
        .map(|t| when(*t))
        .unwrap_or_else(|| "—".into());
    let rows = [
        ("Incident", text(&inc.id)),
        ("Severity", inc.severity.to_string()),
        ("Status", inc.phase.label().to_string()),
        ("Commander", text(&inc.commander)),
        (
            "Responders",
            if inc.responders.is_empty() {
                "—".into()
            } else {
                inc.responders
                    .iter()
                    .map(|r| text(r))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ),
        ("Opened (UTC)", when(inc.opened_at)),
        ("Closed (UTC)", closed),
        ("Last update (UTC)", when(inc.updated_at)),
    ];
    for (k, v) in rows {
        let _ = writeln!(out, "| {k} | {v} |");
    }
    out.trim_end().to_string()
}

fn impact(inc: &Incident) -> String {
    let list = |v: Vec<String>| {
        if v.is_empty() {
            "—".to_string()
        } else {
            v.iter().map(|x| text(x)).collect::<Vec<_>>().join(", ")
        }
    };
    let mut out = format!(
        "- Accounts: {}\n- Regions: {}\n",
        list(inc.accounts()),
        list(inc.regions())
    );
    if inc.affected.is_empty() {
        out.push_str(
            "- Affected entities: none pinned yet (pin an entity in the console to list it here)",
        );
    } else {
        out.push_str("- Affected entities:\n");
        for e in &inc.affected {
            let _ = writeln!(out, "  - {} {}", e.kind.label(), text(&e.id));
        }
    }
    out.trim_end().to_string()
}

fn detection(inc: &Incident) -> String {
    match inc.first_signal() {
        Some(e) => format!(
            "First signal: {} at {} UTC from {} ({}, severity {}): {}",
            e.reference,
            when(e.time),
            e.source,
            text(&e.title),
            e.severity,
            text(&e.summary)
        ),
        None => "_No signal pinned as evidence yet: the first signal and time to detect come from pinned evidence._".into(),
    }
}

fn timeline(inc: &Incident) -> String {
    let mut out =
        String::from("| Time (UTC) | Entry | Source | Evidence | By |\n|---|---|---|---|---|\n");
    for t in &inc.timeline {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            when(t.at),
            text(&t.text),
            text(&t.source),
            t.evidence.as_deref().unwrap_or(""),
            text(&t.by)
        );
    }
    out.trim_end().to_string()
}

fn actions(inc: &Incident) -> String {
    if inc.actions.is_empty() {
        return "_No response actions recorded._".into();
    }
    let mut out = String::from("| Time (UTC) | Action | Target | API calls | Result | Reversible | By |\n|---|---|---|---|---|---|---|\n");
    for a in &inc.actions {
        let calls: Vec<String> = a
            .calls
            .iter()
            .map(|c| format!("{} → {}", text(&c.operation), text(&c.result)))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            when(a.at),
            text(&a.action),
            text(&a.target),
            calls.join("; "),
            text(&a.outcome),
            if a.reversible { "yes" } else { "no" },
            text(&a.by)
        );
    }
    out.trim_end().to_string()
}

fn metrics(inc: &Incident) -> String {
    let m = inc.metrics();
    format!(
        "| Metric | Value |\n|---|---|\n| Time to detect (first signal → detected) | {} |\n| Time to contain (first signal → contained) | {} |\n| Time to recover (first signal → recovered) | {} |",
        human(m.detect),
        human(m.contain),
        human(m.recover)
    )
}

fn evidence(inc: &Incident) -> String {
    if inc.evidence.is_empty() {
        return "_No evidence pinned._".into();
    }
    let mut out = String::from("| Ref | Time (UTC) | Source | Severity | Signal | Detections | Signal id |\n|---|---|---|---|---|---|---|\n");
    for e in &inc.evidence {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            e.reference,
            when(e.time),
            e.source,
            e.severity,
            text(&e.title),
            if e.detections.is_empty() {
                "-".to_string()
            } else {
                text(&e.detections.join("; "))
            },
            text(&e.signal_id)
        );
    }
    out.push_str("\nThe raw JSON of every piece of evidence is kept in the incident journal.");
    out
}

/// Renders the postmortem; `redact_ids` masks account ids, access keys and IPs consistently.
pub fn render(inc: &Incident, template: &str, redact_ids: bool) -> Result<String, super::Error> {
    let fills: Vec<(&str, String)> = vec![
        ("title", text(&inc.title)),
        ("header", header(inc)),
        (
            "summary",
            section(
                inc,
                Section::Summary,
                "what happened, in two or three sentences",
            ),
        ),
        ("impact", impact(inc)),
        ("detection", detection(inc)),
        ("timeline", timeline(inc)),
        ("actions", actions(inc)),
        ("recovery", super::recovery::section(inc)),
        (
            "root_cause",
            section(
                inc,
                Section::RootCause,
                "the root cause and what contributed",
            ),
        ),
        (
            "went_well",
            section(inc, Section::WentWell, "what helped the response"),
        ),
        (
            "went_badly",
            section(inc, Section::WentBadly, "what slowed or hurt the response"),
        ),
        (
            "lucky",
            section(
                inc,
                Section::Lucky,
                "where chance, not design, limited the damage",
            ),
        ),
        (
            "detection_gaps",
            section(
                inc,
                Section::DetectionGaps,
                "signals that were missing or late",
            ),
        ),
        (
            "action_items",
            section(
                inc,
                Section::ActionItems,
                "follow-ups with owners and dates",
            ),
        ),
        ("metrics", metrics(inc)),
        ("evidence", evidence(inc)),
    ];
    let mut out = template.to_string();
    for (name, value) in fills {
        out = out.replace(&format!("{{{{{name}}}}}"), &value);
    }
    if redact_ids {
        redact(&out)
    } else {
        Ok(out)
    }
}
