//! `airc respond ACTION TARGET`: the console's actions from a shell, for scripts and runbooks.
//! Exit 0 done (or dry run), 1 failed or partly done, 2 bad input, 3 refused (read-only or not
//! confirmed).

use super::clients::Clients;
use super::execute::{execute, Env, Status};
use super::plan::{plan, PlanCtx};
use super::{audit, Action, Target};
use crate::cli::RespondArgs;
use crate::config;
use std::io::{BufRead, IsTerminal, Write};

/// Where evidence goes: the incident's folder, or a dated one.
pub fn evidence_dir(data: &std::path::Path, incident: Option<&str>) -> std::path::PathBuf {
    match incident {
        Some(id) => data.join("incidents").join(format!("{id}.evidence")),
        None => data
            .join("evidence")
            .join(chrono::Utc::now().format("%Y-%m-%d").to_string()),
    }
}

pub fn run(a: RespondArgs) -> Result<i32, String> {
    if a.list {
        for act in Action::ALL {
            println!("{:<22} {}", act.name(), act.description());
        }
        return Ok(0);
    }
    let (Some(action), Some(target)) = (a.action.as_deref(), a.target.as_deref()) else {
        return Err("give an ACTION and a TARGET (airc respond --list shows the actions)".into());
    };
    let action = Action::from_name(action)
        .ok_or_else(|| format!("unknown action '{action}' (airc respond --list)"))?;
    let target = Target::parse(target)?;
    let (settings, warning) = crate::settings::load(config::config_dir().as_deref());
    if let Some(w) = warning {
        eprintln!("airc: {w}");
    }
    let read_only = a.read_only || settings.read_only;
    let data = config::data_dir().ok_or("no data directory for this user (set AIRC_DATA_DIR)")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async move {
        let clients = Clients::load(a.profile.as_deref(), a.region.as_deref(), a.endpoint_url.as_deref()).await;
        let ctx = PlanCtx {
            region: clients.region.clone(),
            incident: a.incident.clone(),
            sns_topic: a.topic.clone().or(settings.sns_topic.clone()),
        };
        let p = plan(action, &target, &ctx)?;
        if a.json {
            if a.dry_run {
                println!("{}", serde_json::json!({"plan": p}));
                return Ok(0);
            }
        } else {
            for line in p.describe() {
                println!("{}", crate::safe_text::line(&line));
            }
            if a.dry_run {
                return Ok(0);
            }
        }
        // A plan read-only mode refuses needs no confirmation: nothing will be called.
        let refused = read_only && p.mutating();
        if !(refused || a.yes || confirm(&p)?) {
            eprintln!("airc: not confirmed; nothing was called");
            return Ok(3);
        }
        let env = Env { read_only, evidence_dir: evidence_dir(&data, a.incident.as_deref()) };
        let caller = if read_only && p.mutating() {
            None
        } else {
            crate::aws::session::identity(&clients.config).await.ok().map(|(_, arn)| arn)
        };
        let outcome = execute(&p, &clients, &env).await;
        let audit_path = audit::record(&data, caller.as_deref(), read_only, &p, &outcome)?;
        let mut timeline = None;
        if let (Some(id), true) = (&a.incident, outcome.status != Status::Refused) {
            let book = crate::notebook::Book::at(&data);
            timeline = Some(book.append(id, audit::entry(&p, &outcome)).map(|_| ()));
        }
        if a.json {
            println!("{}", serde_json::json!({"plan": p, "outcome": outcome, "caller": caller, "audit": audit_path}));
        } else {
            for s in &outcome.steps {
                println!("  {} {} — {}", if s.ok { "ok " } else { "ERR" }, s.operation, crate::safe_text::line(&s.result));
            }
            for e in &outcome.evidence {
                println!("  evidence {} sha256 {} ({} bytes)", e.path.display(), e.sha256, e.size);
            }
            println!("{}", crate::safe_text::line(&outcome.message));
            if let Some(u) = &outcome.undo {
                println!("undo: {u}");
            }
            println!("audit: {}", audit_path.display());
        }
        if let Some(Err(e)) = timeline {
            eprintln!("airc: the action is in the audit log but not in the incident timeline: {e}");
        }
        Ok(match outcome.status {
            Status::Done => 0,
            Status::Refused => 3,
            _ => 1,
        })
    })
}

/// Asks on the terminal: the target id for destructive plans, y for the others.
fn confirm(p: &super::plan::Plan) -> Result<bool, String> {
    if !std::io::stdin().is_terminal() {
        return Err("not a terminal: pass --yes to run without confirmation".into());
    }
    let mut out = std::io::stderr();
    match p.confirm_word() {
        Some(word) => {
            let _ = write!(out, "destructive: type {word} to confirm: ");
        }
        None => {
            let _ = write!(out, "run it? [y/N] ");
        }
    }
    let _ = out.flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let line = line.trim();
    Ok(match p.confirm_word() {
        Some(word) => line == word,
        None => line.eq_ignore_ascii_case("y") || line.eq_ignore_ascii_case("yes"),
    })
}
