//! `airc stories PATH... | --demo [--json]`: the attack stories of a set of files, best first,
//! each with its timeline, for a ticket or a triage over SSH without the console.
//!
//! Sensitive signals (routing rules with `sensitive = true`) are withheld here as in the
//! console: a command line has no principal the rules could allow, so their steps show their
//! kind only and their entities are left out of the story's principals and resources.

use crate::model::Signal;
use crate::rules::Rules;
use crate::safe_text::line;
use crate::store::{Store, StoryStep};
use crate::stories::Story;
use serde_json::json;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

fn load(paths: &[PathBuf], demo: bool) -> Result<(Store, usize), String> {
    if demo {
        let items = crate::source::demo::scenario(chrono::Utc::now()).map_err(|e| e.to_string())?;
        let mut store = Store::default();
        for t in items {
            store.insert(t.item);
        }
        store.finish();
        return Ok((store, 0));
    }
    let loaded = crate::source::replay::load(
        paths,
        crate::normalize::Options::without_raw(),
        &Default::default(),
    );
    let failed = loaded
        .files
        .iter()
        .filter(|f| f.status == crate::source::replay::file_report::FileStatus::Failed)
        .inspect(|f| {
            eprintln!(
                "airc: {}: {}",
                line(&f.path),
                line(f.errors.first().map_or("failed", |e| e.reason.as_str()))
            )
        })
        .count();
    Ok((loaded.store, failed))
}

fn list(v: &[crate::model::Entity]) -> String {
    v.iter()
        .map(|e| line(&e.to_string()).into_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

fn step_json(s: &StoryStep) -> serde_json::Value {
    if s.hidden {
        return json!({"signal": s.signal.id, "time": s.signal.time.to_rfc3339(),
            "kind": s.signal.kind(), "sensitive": true});
    }
    json!({
        "signal": s.signal.id, "time": s.signal.time.to_rfc3339(),
        "source": s.signal.source.label(), "severity": s.signal.severity.label(),
        "kind": s.signal.kind(), "title": s.signal.title(), "summary": s.signal.summary(),
        "via": s.via.map(|e| e.to_string()),
        "detections": s.signal.detections().iter().map(|d| d.rule.credit()).collect::<Vec<_>>(),
    })
}

fn step_text(o: &mut String, s: &StoryStep) {
    let sig = s.signal;
    let what = if s.hidden {
        format!("{} (sensitive: details withheld)", line(sig.kind()))
    } else {
        let rules: Vec<&str> = sig
            .detections()
            .iter()
            .map(|d| d.rule.title.as_str())
            .collect();
        let mut t = line(sig.title()).into_owned();
        if !rules.is_empty() {
            let _ = write!(t, " [{}]", line(&rules.join("; ")));
        }
        t
    };
    let via = match (s.hidden, s.via) {
        (false, Some(e)) => format!("  ← {}", line(&e.to_string())),
        _ => String::new(),
    };
    let _ = writeln!(
        o,
        "    {}  {:<8} {:<10} {what}{via}",
        sig.time.format("%Y-%m-%d %H:%M:%S"),
        sig.severity.label(),
        sig.source.label()
    );
}

fn story_text(o: &mut String, story: &Story, steps: &[StoryStep], max_steps: usize) {
    let span = story.last - story.first;
    let _ = writeln!(
        o,
        "{}  score {}  {}  {} → {} ({})  {} signals",
        story.id,
        story.score,
        story.severity.label(),
        story.first.format("%Y-%m-%d %H:%M"),
        story.last.format("%H:%M"),
        humantime::format_duration(span.to_std().unwrap_or_default()),
        story.signals
    );
    if !story.tactics.is_empty() {
        let _ = writeln!(o, "  tactics     {}", story.tactics.join(" → "));
    }
    for (label, v) in [
        ("principals", &story.principals),
        ("source IPs", &story.ips),
        ("resources", &story.resources),
    ] {
        if !v.is_empty() {
            let _ = writeln!(o, "  {label:<11} {}", list(v));
        }
    }
    for s in steps.iter().take(max_steps) {
        step_text(o, s);
    }
    if steps.len() > max_steps {
        let _ = writeln!(
            o,
            "    … {} more steps (--steps N)",
            steps.len() - max_steps
        );
    }
}

/// The stories of a store as this command prints them (`airc hunt --stories` too): `hidden`
/// says which signals the reader may not see.
pub fn render(
    store: &Store,
    hidden: impl Fn(&Signal) -> bool,
    as_json: bool,
    max_steps: usize,
    failed: usize,
) -> String {
    let stories = store.stories();
    let mut o = String::new();
    let views: Vec<(Story, Vec<StoryStep>)> = store.story_views(&stories, hidden);
    if as_json {
        let v = json!({
            "signals": store.len(),
            "stories": views.iter().map(|(s, steps)| {
                let mut v = serde_json::to_value(s).unwrap_or_default();
                v["steps"] = steps.iter().map(step_json).collect();
                v
            }).collect::<Vec<_>>(),
            "files_failed": failed,
        });
        let _ = writeln!(o, "{}", crate::safe_text::json(&v));
    } else {
        let _ = writeln!(
            o,
            "{} stor{} in {} signals",
            views.len(),
            if views.len() == 1 { "y" } else { "ies" },
            store.len()
        );
        for (s, steps) in &views {
            let _ = writeln!(o);
            story_text(&mut o, s, steps, max_steps);
        }
    }
    o
}

pub fn run(paths: &[PathBuf], demo: bool, as_json: bool, max_steps: usize) -> ExitCode {
    let rules = match Rules::load(None, crate::paths::config_dir().as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("airc: the routing rules do not load ({e}); every signal a rule could mark sensitive is withheld");
            Rules::defaults()
        }
    };
    let (store, failed) = match load(paths, demo) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("airc: {e}");
            return ExitCode::from(2);
        }
    };
    let hidden = |s: &Signal| {
        rules
            .route(s, store.entities_of(s))
            .is_some_and(|r| !r.allows(None))
    };
    let o = render(&store, hidden, as_json, max_steps, failed);
    let _ = std::io::Write::write_all(&mut std::io::stdout(), o.as_bytes());
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
