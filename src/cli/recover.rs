//! `airc recover STORY (--demo | PATH...)`: every change an attack story's CloudTrail records
//! made, with its inverse as ordinary plans, run one by one through the same path as `airc
//! respond` (bound to the change's account and region, intent recorded first, the end state
//! read back, audit). Exit 0 when every plan ran and verified (or a dry run), 1 when one failed
//! or did not verify, 2 bad input, 3 refused (another account, read-only, not confirmed).

use super::args_recover::RecoverArgs;
use crate::model::Signal;
use crate::notebook::Book;
use crate::paths;
use crate::recover::{checklist, Item, Undo};
use crate::respond::audit;
use crate::respond::clients::Clients;
use crate::respond::evidence::evidence_dir;
use crate::respond::execute::{execute, Env, Status};
use crate::respond::plan::{plan, PlanCtx};
use crate::rules::Rules;
use crate::safe_text::line;
use crate::store::Store;
use std::collections::HashMap;

fn load(a: &RecoverArgs) -> Result<Store, String> {
    if a.demo {
        let items = crate::source::demo::scenario(chrono::Utc::now()).map_err(|e| e.to_string())?;
        let mut store = Store::default();
        for t in items {
            store.insert(t.item);
        }
        store.finish();
        return Ok(store);
    }
    // Originals kept: the inverse of a change is read from its record.
    let loaded = crate::source::replay::load(
        &a.paths,
        crate::normalize::Options::default(),
        &Default::default(),
    );
    for f in &loaded.files {
        if f.status == crate::source::replay::file_report::FileStatus::Failed {
            eprintln!(
                "airc: {}: {}",
                line(&f.path),
                line(f.errors.first().map_or("failed", |e| e.reason.as_str()))
            );
        }
    }
    Ok(loaded.store)
}

/// The story's checklist, through the gate: a command line has no principal, so a sensitive
/// step is withheld (counted, never listed).
/// The checklist, the count of hidden steps, and the ids of the steps some rule makes
/// sensitive (kept out of the incident's journal, which every reader reads).
type Checklist = (Vec<Item>, usize, Vec<String>);

fn items_of(a: &RecoverArgs, store: &Store) -> Result<Checklist, String> {
    let rules = Rules::load(None, paths::config_dir().as_deref()).unwrap_or_else(|e| {
        eprintln!("airc: the routing rules do not load ({e}); every signal a rule could mark sensitive is withheld");
        Rules::defaults()
    });
    let hidden = |s: &Signal| {
        rules
            .route(s, store.entities_of(s))
            .is_some_and(|r| !r.allows(None))
    };
    let stories = store.stories();
    let views = store.story_views(&stories, hidden);
    let Some((_, steps)) = views.iter().find(|(s, _)| s.id == a.story) else {
        return Err(format!(
            "no story {} in these signals (airc stories lists them)",
            line(&a.story)
        ));
    };
    let withheld = steps.iter().filter(|s| s.hidden).count();
    let sensitive = steps
        .iter()
        .filter(|s| {
            rules
                .route(s.signal, store.entities_of(s.signal))
                .is_some_and(|r| r.sensitive)
        })
        .map(|s| s.signal.id.to_string())
        .collect();
    Ok((
        checklist(steps.iter().filter(|s| !s.hidden).map(|s| s.signal)),
        withheld,
        sensitive,
    ))
}

fn print_items(items: &[Item], withheld: usize, json: bool) {
    if json {
        println!(
            "{}",
            crate::safe_text::json(&serde_json::json!({"checklist": items, "withheld": withheld}))
        );
        return;
    }
    println!("{} changes", items.len());
    for (n, i) in items.iter().enumerate() {
        println!(
            "{:>3}. {}  {}  {}  by {}  [{} · {}]\n     → {}",
            n + 1,
            i.time.format("%Y-%m-%d %H:%M:%S"),
            line(&i.call),
            line(&i.signal),
            line(&i.actor),
            line(i.account.as_deref().unwrap_or("account unknown")),
            line(i.region.as_deref().unwrap_or("region unknown")),
            line(&i.undo.describe())
        );
    }
    if withheld > 0 {
        println!("{withheld} sensitive steps withheld: recover them in the console as a principal the rules allow");
    }
}

pub fn run(a: RecoverArgs) -> Result<i32, String> {
    let store = load(&a)?;
    let (items, withheld, sensitive) = items_of(&a, &store)?;
    print_items(&items, withheld, a.json);
    let todo: Vec<&Item> = items
        .iter()
        .filter(|i| matches!(i.undo, Undo::Plans { .. }))
        .collect();
    if a.dry_run || todo.is_empty() {
        return Ok(0);
    }
    let (settings, warning) = crate::settings::load(paths::config_dir().as_deref());
    if let Some(w) = warning {
        eprintln!("airc: {w}");
    }
    let read_only = a.read_only || settings.read_only;
    let data = paths::data_dir().ok_or("no data directory for this user (set AIRC_DATA_DIR)")?;
    if let Some(id) = &a.incident {
        Book::at(&data).check(id)?;
        // The checklist first (its changes of signals no rule makes sensitive: a journal is
        // read by every reader), so the outcomes below tick it off.
        let open: Vec<Item> = items
            .iter()
            .filter(|i| !sensitive.contains(&i.signal))
            .cloned()
            .collect();
        Book::at(&data).append(
            id,
            crate::notebook::EntryKind::Recovery {
                story: a.story.clone(),
                items: crate::recover::journal_lines(&open),
            },
        )?;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let code = runtime.block_on(run_all(&a, &todo, read_only, &data))?;
    if let Some(id) = &a.incident {
        let book = Book::at(&data);
        let (inc, _) = book.open(id)?;
        if inc.recovery_complete() && inc.phase < crate::notebook::Phase::Recovered {
            println!("{id}: {}", crate::app::notebook::RESOLVED);
        }
    }
    Ok(code)
}

async fn run_all(
    a: &RecoverArgs,
    todo: &[&Item],
    read_only: bool,
    data: &std::path::Path,
) -> Result<i32, String> {
    let profile = crate::aws::session::label(a.profile.as_deref());
    // One client set and one identity per region.
    let mut regions: HashMap<String, (Clients, Result<String, String>)> = HashMap::new();
    let mut worst = 0;
    for item in todo {
        let Undo::Plans { steps, .. } = &item.undo else {
            continue;
        };
        let region = item
            .region
            .clone()
            .unwrap_or_else(|| crate::aws::session::FALLBACK_REGION.into());
        if !regions.contains_key(&region) {
            let c = Clients::load(
                a.profile.as_deref(),
                Some(&region),
                a.endpoint_url.as_deref(),
            )
            .await;
            let id = crate::aws::session::identity(&c.config)
                .await
                .map(|(acct, _)| acct)
                .map_err(|p| p.to_string());
            regions.insert(region.clone(), (c, id));
        }
        let Some((clients, identity)) = regions.get(&region) else {
            continue;
        };
        let account = match identity {
            Ok(acct) => acct.clone(),
            Err(p) => {
                eprintln!("airc: {}: the credentials of profile {profile} could not be checked ({}); nothing was called", line(&item.call), line(p));
                worst = worst.max(1);
                continue;
            }
        };
        if item.account.as_deref() != Some(account.as_str()) {
            eprintln!(
                "airc: refused: {} was made in account {}, but profile {profile} answers for account {account}; pass --profile NAME for that account. Nothing was called.",
                line(&item.call),
                line(item.account.as_deref().unwrap_or("unknown"))
            );
            worst = worst.max(3);
            continue;
        }
        for (action, target) in steps {
            let ctx = PlanCtx {
                account: Some(account.clone()),
                region: region.clone(),
                profile: Some(profile.clone()),
                incident: a.incident.clone(),
                sns_topic: None,
            };
            let p = plan(*action, target, &ctx).map_err(|e| e.to_string())?;
            if !a.json {
                for l in p.describe() {
                    println!("{}", line(&l));
                }
            }
            let refused = read_only && p.mutating();
            if !(refused || a.yes || super::respond::confirm(&p)?) {
                eprintln!(
                    "airc: not confirmed; {} skipped (and the rest of this change)",
                    p.action
                );
                worst = worst.max(3);
                break;
            }
            let env = Env {
                read_only,
                evidence_dir: evidence_dir(data, a.incident.as_deref())?,
                data_dir: data.to_path_buf(),
            };
            let outcome = execute(&p, clients, &env).await;
            let (d, plan_c, o) = (data.to_path_buf(), p.clone(), outcome.clone());
            let audited = audit::off_runtime(move || {
                audit::record(&d, o.caller.as_deref(), read_only, &plan_c, &o)
            })
            .await
            .map_err(String::from);
            if let (Some(id), true) = (&a.incident, outcome.status != Status::Refused) {
                if let Err(e) = Book::at(data).append(id, audit::entry(&p, &outcome)) {
                    eprintln!("airc: the action is in the audit log but not in the incident timeline: {e}");
                }
            }
            super::respond::print_outcome(&p, &outcome, &audited, a.json);
            let ok = outcome.status == Status::Done
                && audited.is_ok()
                && outcome.verification.as_ref().is_none_or(|v| v.verified);
            if !ok {
                worst = worst.max(if outcome.status == Status::Refused {
                    3
                } else {
                    1
                });
                // The next step of this change relied on this one (stop after snapshot).
                break;
            }
        }
    }
    Ok(worst)
}
