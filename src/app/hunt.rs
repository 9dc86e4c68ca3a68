//! The `hunt` command (`:hunt`): hunt the selected row's entity across the organization's CloudTrail history on Athena.
//! The query is shown first (SQL, the partitions it touches, the scan cap); `enter` runs it,
//! and while it runs the status line says its state, elapsed time, bytes scanned, rows and cost;
//! `esc` cancels it (StopQueryExecution). Its signals arrive as any source's do (the console
//! inserts them through the feed) and are marked as from history in the panes.

use super::msg::{Effect, HuntEvent};
use super::state::{Mode, PaneId, State};
use crate::athena::{Config, Outcome, Status};
use crate::hunt::{Hunt, Planned, Window};
use crate::model::{Entity, EntityKind, SignalId};
use chrono::{DateTime, Utc};

/// How far back a hunt from the console reaches.
pub const WINDOW_DAYS: u64 = 30;

/// The hunts of this console.
#[derive(Debug, Default)]
pub struct Hunts {
    /// Where hunts run (`[athena]` in config.toml), or why they cannot.
    pub config: Option<Result<Config, String>>,
    pub current: Option<HuntRun>,
    /// Signals a hunt brought: marked as from history.
    pub history: std::collections::HashSet<SignalId>,
    /// Each run's number: messages of an earlier run are ignored.
    pub generation: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HuntRun {
    pub hunt: Hunt,
    /// One query a table: the trail's, then each network or access log table's that can name
    /// the entity.
    pub queries: Vec<Planned>,
    pub max_scan: u64,
    pub generation: u64,
    pub phase: Phase,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Shown, not yet run.
    Preview,
    Running {
        since: DateTime<Utc>,
        status: Option<Status>,
        signals: u64,
        note: Option<String>,
    },
    /// Its last line, kept on the status line.
    Done { line: String, failed: bool },
}

/// What a hunt asks the console to run.
#[derive(Debug, Clone, PartialEq)]
pub struct HuntRequest {
    pub generation: u64,
    pub hunt: Hunt,
    pub config: Config,
}

/// The entity a hunt on this row means: the responder's own choice on the Entities pane, else
/// the row's most telling one (a key, then a principal, then an address, then a resource).
fn pick(entities: &[Entity]) -> Option<Entity> {
    let rank = |e: &Entity| match e.kind {
        EntityKind::AccessKey => 0,
        EntityKind::AssumedRole | EntityKind::IamUser => 1,
        EntityKind::Ip => 2,
        EntityKind::Instance | EntityKind::Bucket => 3,
        EntityKind::IamRole => 4,
        EntityKind::Account => 6,
        _ => 5,
    };
    entities.iter().min_by_key(|e| rank(e)).cloned()
}

/// `H`: the hunt's preview for the row's entities (the caller applied the sensitivity gate).
pub fn preview(state: &mut State, entities: &[Entity]) {
    if matches!(
        state.hunts.current,
        Some(HuntRun {
            phase: Phase::Running { .. },
            ..
        })
    ) {
        state.toast("a hunt is running: esc cancels it first", true);
        return;
    }
    let cfg = match &state.hunts.config {
        Some(Ok(c)) => c.clone(),
        Some(Err(e)) => {
            let e = format!("hunts need [athena] in config.toml: {e}");
            state.toast(e, true);
            return;
        }
        None => {
            state.toast("hunts are not set up in this console", true);
            return;
        }
    };
    let Some(entity) = pick(entities) else {
        state.toast("nothing on this row to hunt for", false);
        return;
    };
    let window = match Window::since(
        state.now,
        std::time::Duration::from_secs(WINDOW_DAYS * 86400),
    ) {
        Ok(w) => w,
        Err(e) => return state.toast(e, true),
    };
    let hunt = Hunt {
        entity,
        window,
        accounts: Vec::new(),
        regions: Vec::new(),
    };
    match hunt.plan(&cfg.tables()) {
        Ok(queries) => {
            state.hunts.generation += 1;
            state.hunts.current = Some(HuntRun {
                hunt,
                queries,
                max_scan: cfg.max_scan,
                generation: state.hunts.generation,
                phase: Phase::Preview,
            });
            state.ui.mode = Mode::HuntPreview;
        }
        Err(e) => state.toast(e, true),
    }
}

/// The preview's keys: `accept` runs the hunt, `cancel` drops it.
pub fn execute(state: &mut State, cmd: crate::keymap::Command) -> Vec<Effect> {
    use crate::keymap::Command as C;
    match cmd {
        C::Accept | C::Open => {
            state.ui.mode = Mode::Normal;
            let cfg = match &state.hunts.config {
                Some(Ok(c)) => c.clone(),
                _ => return Vec::new(),
            };
            let now = state.now;
            let Some(run) = state.hunts.current.as_mut() else {
                return Vec::new();
            };
            run.phase = Phase::Running {
                since: now,
                status: None,
                signals: 0,
                note: None,
            };
            let req = HuntRequest {
                generation: run.generation,
                hunt: run.hunt.clone(),
                config: cfg,
            };
            let entity = run.hunt.entity.clone();
            // The answers show as they come: every pane on the entity, CloudTrail in front.
            if !state.view.pivots.contains(&entity) {
                state.view.pivots.push(entity);
                for p in PaneId::ALL {
                    state.pane_mut(p).cursor = 0;
                }
                state.view.dirty = true;
            }
            state.view.focus = PaneId::CloudTrail;
            vec![Effect::Hunt(Box::new(req))]
        }
        C::Cancel | C::Close | C::Quit => {
            state.ui.mode = Mode::Normal;
            state.hunts.current = None;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// `esc` while a hunt runs: stop it. None when no hunt runs (esc does what it otherwise does).
pub fn cancel(state: &mut State) -> Option<Vec<Effect>> {
    let run = state.hunts.current.as_mut()?;
    let Phase::Running { note, .. } = &mut run.phase else {
        return None;
    };
    *note = Some("cancelling…".into());
    Some(vec![Effect::CancelHunt(run.generation)])
}

/// What the running hunt reported.
pub fn on_event(state: &mut State, generation: u64, event: HuntEvent) {
    let Some(run) = state
        .hunts
        .current
        .as_mut()
        .filter(|r| r.generation == generation)
    else {
        return;
    };
    match event {
        HuntEvent::Status(s) => {
            if let Phase::Running { status, .. } = &mut run.phase {
                *status = Some(s);
            }
        }
        HuntEvent::Note(n) => {
            if let Phase::Running { note, .. } = &mut run.phase {
                *note = Some(crate::safe_text::line(&n).into_owned());
            }
        }
        HuntEvent::Arrived(ids) => {
            if let Phase::Running { signals, .. } = &mut run.phase {
                *signals += ids.len() as u64;
            }
            state.hunts.history.extend(ids);
            state.view.dirty = true;
        }
        HuntEvent::Done(outcome) => {
            let failed = !matches!(&outcome, Outcome::Finished { failed, .. } if failed.is_empty());
            let line = crate::safe_text::line(&outcome.line()).into_owned();
            let toast = format!("hunt {}: {line}", run.hunt.entity);
            run.phase = Phase::Done { line, failed };
            state.toast(crate::safe_text::line(&toast).into_owned(), failed);
            // What the rows brought is in: the rules over the whole store run as after a load
            // (the flows a hunt found, the access and DNS signals), as do the views they feed.
            state.view.store.finish();
            super::stories::sync(state);
            super::network::sync(state);
            state.view.dirty = true;
        }
    }
}

/// The status line's part while a hunt runs or after it ended.
pub fn status_line(state: &State) -> Option<(String, bool)> {
    let run = state.hunts.current.as_ref()?;
    let who = crate::safe_text::line(&run.hunt.entity.to_string()).into_owned();
    match &run.phase {
        Phase::Preview => None,
        Phase::Running {
            since,
            status,
            signals,
            note,
        } => {
            let progress = match status {
                Some(s) => crate::athena::progress_line(s),
                None => format!("STARTING {}s", (state.now - *since).num_seconds().max(0)),
            };
            let note = note
                .as_deref()
                .map(|n| format!(" · {n}"))
                .unwrap_or_default();
            Some((
                format!("hunt {who} · {progress} · {signals} signals · esc cancels{note}"),
                false,
            ))
        }
        Phase::Done { line, failed } => Some((format!("hunt {who}: {line}"), *failed)),
    }
}

/// The partitions of the hunt's first (the trail's) query: every table's are its window's days.
fn first_partitions(run: &HuntRun) -> String {
    let p = run
        .queries
        .first()
        .map_or(String::new(), |p| p.query.partitions.clone());
    match run.queries.len() {
        0 | 1 => p,
        n => format!("{p} (and {} more tables)", n - 1),
    }
}

/// The preview's lines: what will run, where, and what it may cost.
pub fn preview_lines(run: &HuntRun) -> Vec<String> {
    let mut out = vec![
        format!(
            "Hunt {} over the last {WINDOW_DAYS} days, every account and region",
            crate::safe_text::line(&run.hunt.entity.to_string())
        ),
        format!("partitions: {}", first_partitions(run)),
        format!(
            "scan cap: {} (about {} at $5/TB); the query is stopped when its scan passes it",
            crate::athena::bytes(run.max_scan),
            crate::athena::dollars(run.max_scan)
        ),
        String::new(),
    ];
    for (i, p) in run.queries.iter().enumerate() {
        if run.queries.len() > 1 {
            if i > 0 {
                out.push(String::new());
            }
            out.push(format!(
                "{} ({}): {}",
                crate::safe_text::line(&p.table),
                p.logs.title(),
                crate::safe_text::line(&p.query.partitions)
            ));
        }
        out.extend(
            p.query
                .sql
                .lines()
                .map(|l| crate::safe_text::line(l).into_owned()),
        );
    }
    out.push(String::new());
    out.push("enter runs it on Athena · esc cancels".into());
    out
}
