//! `airc respond ACTION TARGET`: the console's actions from a shell, for scripts and runbooks.
//! Exit 0 done and verified (or dry run), 1 failed, partly done, not verified or not audited,
//! 2 bad input, 3 refused (read-only, another account, not confirmed).

use super::RespondArgs;
use crate::notebook::Book;
use crate::paths;
use crate::respond::clients::Clients;
use crate::respond::evidence::evidence_dir;
use crate::respond::execute::{execute, Env, Outcome, Status};
use crate::respond::plan::{plan, Plan, PlanCtx};
use crate::respond::{audit, Action, Target};
use std::io::{BufRead, IsTerminal, Write};

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
    let scoped = Target::parse_scoped(target)?;
    let (settings, warning) = crate::settings::load(paths::config_dir().as_deref());
    if let Some(w) = warning {
        eprintln!("airc: {w}");
    }
    let read_only = a.read_only || settings.read_only;
    let data = paths::data_dir().ok_or("no data directory for this user (set AIRC_DATA_DIR)")?;
    // The incident is checked before anything is called: a typo must not leave an action
    // that no timeline records.
    if let Some(id) = &a.incident {
        Book::at(&data).check(id)?;
    }
    let wanted = agreed("account", scoped.account.as_deref(), a.account.as_deref())?;
    let region = agreed("region", scoped.region.as_deref(), a.region.as_deref())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async move {
        let clients = Clients::load(a.profile.as_deref(), region.as_deref(), a.endpoint_url.as_deref()).await;
        let profile = crate::aws::session::label(a.profile.as_deref());
        // The plan is bound to the account the credentials answer for; a target in another
        // account is refused before anything else is called.
        let account = match crate::aws::session::identity(&clients.config).await {
            Ok((account, _)) => Some(account),
            Err(p) if a.dry_run => {
                eprintln!("airc: the credentials could not be checked ({p}); the plan's account is unknown");
                None
            }
            Err(p) => return Err(format!("the credentials of profile {profile} could not be checked ({p}); nothing was called")),
        };
        if let (Some(want), Some(have)) = (&wanted, &account) {
            if want != have {
                eprintln!(
                    "airc: refused: {} is in account {want}, but profile {profile} answers for account {have}; \
                     pass --profile NAME for account {want}. Nothing was called.",
                    scoped.target.label()
                );
                return Ok(3);
            }
        }
        let ctx = PlanCtx {
            account,
            region: clients.region.clone(),
            profile: Some(profile),
            incident: a.incident.clone(),
            sns_topic: a.topic.clone().or(settings.sns_topic.clone()),
        };
        let p = plan(action, &scoped.target, &ctx)?;
        if a.json {
            if a.dry_run {
                println!("{}", crate::safe_text::json(&serde_json::json!({"plan": p})));
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
        let env = Env {
            read_only,
            evidence_dir: evidence_dir(&data, a.incident.as_deref())?,
            data_dir: data.clone(),
        };
        let outcome = execute(&p, &clients, &env).await;
        let (d, plan, o) = (data.clone(), p.clone(), outcome.clone());
        let audit = audit::off_runtime(move || {
            audit::record(&d, o.caller.as_deref(), read_only, &plan, &o)
        })
        .await;
        let mut timeline = None;
        if let (Some(id), true) = (&a.incident, outcome.status != Status::Refused) {
            let book = Book::at(&data);
            timeline = Some(book.append(id, audit::entry(&p, &outcome)).map(|_| ()));
        }
        // The outcome is printed whatever happens to the records after it.
        let audit = audit.map_err(String::from);
        print_outcome(&p, &outcome, &audit, a.json);
        if let Err(e) = &audit {
            eprintln!("airc: the outcome is NOT in the audit log: {e}");
        }
        if let Some(Err(e)) = timeline {
            eprintln!("airc: the action is in the audit log but not in the incident timeline: {e}");
        }
        Ok(match outcome.status {
            Status::Done if audit.is_ok() => 0,
            Status::Refused => 3,
            _ => 1,
        })
    })
}

/// What the target's ARN says (its account, its region) and what a flag says: when both are
/// given they must agree, and a flag never silently moves an action to another account or
/// region than its ARN names. Refused before anything is called.
fn agreed(what: &str, in_arn: Option<&str>, flag: Option<&str>) -> Result<Option<String>, String> {
    match (in_arn, flag) {
        (Some(x), Some(y)) if x != y => Err(format!(
            "refused: the ARN names {what} {x} but --{what} says {y}; give one {what} (or none \
             and let the ARN decide). Nothing was called."
        )),
        (x, y) => Ok(x.or(y).map(str::to_string)),
    }
}

pub(super) fn print_outcome(
    p: &Plan,
    outcome: &Outcome,
    audit: &Result<std::path::PathBuf, String>,
    json: bool,
) {
    if json {
        let audit = match audit {
            Ok(path) => serde_json::json!(path),
            Err(e) => serde_json::json!({"error": e}),
        };
        println!(
            "{}",
            crate::safe_text::json(
                &serde_json::json!({"plan": p, "outcome": outcome, "caller": outcome.caller, "audit": audit})
            )
        );
        return;
    }
    let line = crate::safe_text::line;
    for s in &outcome.steps {
        println!(
            "  {} {} — {}",
            if s.ok { "ok " } else { "ERR" },
            s.operation,
            line(&s.result)
        );
    }
    for e in &outcome.evidence {
        println!(
            "  evidence {} sha256 {} ({} bytes)",
            e.path.display(),
            e.sha256,
            e.size
        );
    }
    println!("{}", line(&outcome.message));
    if let Some(u) = &outcome.undo {
        println!("undo: {}", line(u));
    }
    if let Ok(path) = audit {
        println!("audit: {}", path.display());
    }
}

/// Asks on the terminal: the target id for destructive plans, y for the others.
pub(super) fn confirm(p: &Plan) -> Result<bool, String> {
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

#[cfg(test)]
mod tests {
    use super::agreed;

    #[test]
    fn an_arns_account_and_region_are_never_overridden_by_a_flag() {
        let err = agreed("region", Some("eu-west-1"), Some("us-east-1")).unwrap_err();
        assert!(
            err.contains("eu-west-1") && err.contains("us-east-1"),
            "{err}"
        );
        assert!(agreed("account", Some("111122223333"), Some("444455556666")).is_err());
        for (arn, flag, want) in [
            (Some("eu-west-1"), Some("eu-west-1"), Some("eu-west-1")),
            (Some("eu-west-1"), None, Some("eu-west-1")),
            (None, Some("us-east-1"), Some("us-east-1")),
            (None, None, None),
        ] {
            assert_eq!(agreed("region", arn, flag).unwrap().as_deref(), want);
        }
    }
}
