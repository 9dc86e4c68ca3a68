//! Loading the detection rules at start-up, and `airc detections list|test`. `test` shows a
//! signal a routing rule marks sensitive as the console does to a principal it does not allow:
//! its id, kind, time and severity, never its title, actor or the rules it met.

use super::DetectionsAction;
use crate::rules::Rules;
use crate::safe_text::line;
use serde_json::json;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

/// The rule set for this run: none (`--no-detections`), or the built-in pack, then
/// `<config>/detections/` when it exists, then each `--detections` path.
pub fn configure(no_detections: bool, extra: &[PathBuf]) {
    let paths = if no_detections {
        None
    } else {
        let mut paths: Vec<PathBuf> = crate::paths::config_dir()
            .map(|c| c.join("detections"))
            .filter(|p| p.is_dir())
            .into_iter()
            .collect();
        paths.extend(extra.iter().cloned());
        Some(paths)
    };
    if !crate::detect::configure(paths) {
        tracing::warn!("detection rules were already configured");
    }
}

pub fn run(action: DetectionsAction) -> ExitCode {
    match action {
        DetectionsAction::List { json } => list(json),
        DetectionsAction::Test { paths, json } => test(&paths, json),
    }
}

/// Written at once; a reader that leaves early (`| head`) is not an error.
fn print(o: &str) {
    let _ = std::io::Write::write_all(&mut std::io::stdout(), o.as_bytes());
}

fn list(as_json: bool) -> ExitCode {
    let d = crate::detect::installed();
    let mut o = String::new();
    if as_json {
        let v = json!({
            "rules": d.rules().iter().map(|r| json!({
                "title": r.title, "id": r.id, "name": r.name, "level": r.level.label(),
                "author": r.author, "tactics": r.tactics, "techniques": r.techniques,
                "file": r.file, "correlation": r.correlation,
            })).collect::<Vec<_>>(),
            "failed": d.problems(),
            "skipped_not_cloudtrail": d.skipped(),
        });
        let _ = writeln!(o, "{}", crate::safe_text::json(&v));
    } else {
        let _ = writeln!(o, "{} rules loaded", d.rules().len());
        for r in d.rules() {
            let _ = writeln!(
                o,
                "  {:<9}{:<60} {:<22} {}{}",
                r.level.label(),
                line(&r.title),
                line(&r.tactics.join(",")),
                line(&r.file),
                if r.correlation { " (correlation)" } else { "" }
            );
        }
        if !d.skipped().is_empty() {
            let _ = writeln!(
                o,
                "{} rules skipped: their log source is not AWS CloudTrail",
                d.skipped().len()
            );
            for s in d.skipped() {
                let _ = writeln!(
                    o,
                    "  {} ({}): {}",
                    line(&s.file),
                    line(&s.logsource),
                    line(&s.rule)
                );
            }
        }
        if !d.problems().is_empty() {
            let _ = writeln!(o, "{} did not load", d.problems().len());
            for p in d.problems() {
                let rule = p
                    .rule
                    .as_deref()
                    .map(|r| format!(" [{r}]"))
                    .unwrap_or_default();
                let _ = writeln!(o, "  {}{}: {}", line(&p.file), line(&rule), line(&p.reason));
            }
        }
    }
    print(&o);
    if d.problems().is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Which signals the routing rules hide here: sensitive ones whose rule does not allow the
/// principal, the gate the console and `airc watch` ask. A command line over files has no
/// identity, and an unknown principal is allowed nothing.
fn hidden_by_rules(store: &crate::store::Store) -> impl Fn(&crate::model::Signal) -> bool + '_ {
    let rules = match Rules::load(None, crate::paths::config_dir().as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("airc: the routing rules do not load ({e}); every signal a default rule marks sensitive is withheld");
            Rules::defaults()
        }
    };
    move |s| {
        rules
            .route(s, store.entities_of(s))
            .is_some_and(|r| !r.allows(None))
    }
}

fn test(paths: &[PathBuf], as_json: bool) -> ExitCode {
    let loaded = crate::source::replay::load(
        paths,
        crate::normalize::Options::without_raw(),
        &Default::default(),
    );
    let signals = loaded.store.signals();
    let hidden = hidden_by_rules(&loaded.store);
    let mut o = String::new();
    let mut hits: Vec<&crate::model::Signal> = signals
        .iter()
        .filter(|s| !s.detections().is_empty())
        .collect();
    hits.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.id.cmp(&b.id)));
    let mut by_rule: BTreeMap<String, usize> = BTreeMap::new();
    let mut withheld = 0;
    for s in &hits {
        if hidden(s) {
            withheld += 1;
            continue;
        }
        for d in s.detections() {
            *by_rule.entry(d.rule.title.clone()).or_default() += 1;
        }
    }
    let failed = loaded
        .files
        .iter()
        .filter(|f| f.status == crate::source::replay::file_report::FileStatus::Failed)
        .count();
    if as_json {
        let v = json!({
            "records": signals.len(),
            "matched": hits.len(),
            "by_rule": by_rule,
            "matches": hits.iter().map(|s| if hidden(s) {
                json!({
                    "signal": s.id, "time": s.time.to_rfc3339(), "event": s.kind(),
                    "severity": s.severity.label(), "details_shown": false,
                })
            } else {
                json!({
                    "signal": s.id, "time": s.time.to_rfc3339(), "event": s.kind(),
                    "actor": s.actor(), "severity": s.severity.label(),
                    "rules": s.detections().iter().map(|d| json!({
                        "title": d.rule.title, "id": d.rule.id, "level": d.rule.level.label(),
                        "author": d.rule.author, "file": d.rule.file, "note": d.note,
                    })).collect::<Vec<_>>(),
                })
            }).collect::<Vec<_>>(),
            "withheld": withheld,
            "files_failed": failed,
        });
        let _ = writeln!(o, "{}", crate::safe_text::json(&v));
    } else {
        for s in &hits {
            if hidden(s) {
                // What it is, never what it says or which rules it met.
                let _ = writeln!(
                    o,
                    "{}  {:<32} {}  {} · sensitive: details hidden",
                    s.time.format("%Y-%m-%d %H:%M:%S"),
                    line(s.kind()),
                    line(&s.id.as_str()),
                    s.severity.label()
                );
                continue;
            }
            let rules: Vec<String> = s.detections().iter().map(|d| d.rule.credit()).collect();
            let _ = writeln!(
                o,
                "{}  {:<32} {}  → {}",
                s.time.format("%Y-%m-%d %H:%M:%S"),
                line(s.title()),
                line(&s.id.as_str()),
                line(&rules.join("; "))
            );
        }
        let _ = writeln!(
            o,
            "{} of {} records matched a rule{}",
            hits.len(),
            signals.len(),
            if failed > 0 {
                format!("; {failed} file(s) failed to load")
            } else {
                String::new()
            }
        );
        for (rule, n) in &by_rule {
            let _ = writeln!(o, "  {n:>7}  {}", line(rule));
        }
        if withheld > 0 {
            let _ = writeln!(
                o,
                "  {withheld:>7}  sensitive (a routing rule withholds them): rules not shown"
            );
        }
    }
    print(&o);
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
