//! `airc incident ...`: the notebook from the shell, for scripts and hand-offs.

use super::IncidentAction;
use crate::notebook::entry::author;
use crate::notebook::incident::human;
use crate::notebook::{export, Book, EntryKind, Phase, Priority, Section};
use crate::safe_text::line;
use std::io::{IsTerminal, Read};

fn note_text(words: &[String], editor: bool) -> Result<String, String> {
    if editor {
        return crate::console::editor::edit_in_editor("");
    }
    if words.is_empty() || words == ["-"] {
        if words.is_empty() && std::io::stdin().is_terminal() {
            return Err("no note text: give it as arguments, `-` for stdin, or --editor".into());
        }
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| format!("reading stdin: {e}"))?;
        return Ok(s.trim_end().to_string());
    }
    Ok(words.join(" "))
}

fn status_word(s: &crate::notebook::recovery::Status) -> &'static str {
    use crate::notebook::recovery::Status;
    match s {
        Status::Done(_) => "done",
        Status::Skipped(_) => "skipped",
        Status::Attempted => "attempted",
        Status::Planned => "planned",
        Status::Decision => "decide",
    }
}

fn show(book: &Book, id: &str) -> Result<String, String> {
    let (inc, problems) = book.open(id)?;
    // The gate: a command line has no principal the rules could allow, so sensitive evidence
    // shows its kind only, whoever pinned it.
    let inc = inc.seen_by(None);
    let mut out = String::new();
    out.push_str(&format!(
        "{} · {} · {} · {}\n",
        inc.id,
        inc.severity,
        inc.phase.label(),
        line(&inc.title)
    ));
    out.push_str(&format!(
        "commander {} · responders {}\n",
        line(&inc.commander),
        line(&inc.responders.join(", "))
    ));
    let m = inc.metrics();
    out.push_str(&format!(
        "time to detect {} · to contain {} · to recover {}\n",
        human(m.detect),
        human(m.contain),
        human(m.recover)
    ));
    out.push_str(&format!(
        "evidence {} · affected entities {} · actions {}\n\n",
        inc.evidence.len(),
        inc.affected.len(),
        inc.actions.len()
    ));
    for (story, lines) in &inc.recovery.stories {
        out.push_str(&format!("recovery of story {}:\n", line(story)));
        for l in lines {
            out.push_str(&format!(
                "  {:<10} {}  {}  {} — {}\n",
                status_word(&inc.recovery_status(l)),
                l.at.format("%H:%M:%S"),
                line(&l.signal),
                line(&l.call),
                line(&l.undo)
            ));
        }
        out.push('\n');
    }
    for t in &inc.timeline {
        let ev = t
            .evidence
            .as_deref()
            .map(|e| format!(" [{e}]"))
            .unwrap_or_default();
        out.push_str(&format!(
            "{}  {:<10} {}{ev}\n",
            t.at.format("%Y-%m-%d %H:%M:%S"),
            t.source,
            line(&t.text)
        ));
    }
    for p in problems {
        out.push_str(&format!(
            "warning: {}: line {}: {}\n",
            book.path(id).display(),
            p.line,
            p.reason
        ));
    }
    Ok(out)
}

pub fn run(action: IncidentAction) -> Result<(), String> {
    let book = Book::default_location()?;
    match action {
        IncidentAction::List => {
            let (incidents, bad) = book.list();
            if incidents.is_empty() && bad.is_empty() {
                println!("no incidents yet (airc incident new --title \"...\")");
            }
            for i in incidents {
                println!(
                    "{}  {}  {:<10} {}",
                    i.id,
                    i.severity,
                    i.phase.label(),
                    line(i.title_for(None))
                );
            }
            for b in bad {
                eprintln!("airc: {b}");
            }
        }
        IncidentAction::New {
            title,
            severity,
            commander,
            responders,
        } => {
            let sev: Priority = severity.parse()?;
            let inc = book.create(&title, sev, &commander.unwrap_or_else(author), responders)?;
            println!("{}", inc.id);
        }
        IncidentAction::Show { id } => print!("{}", show(&book, &id)?),
        IncidentAction::Note {
            id,
            text,
            section,
            editor,
        } => {
            let body = note_text(&text, editor)?;
            if body.trim().is_empty() {
                return Err("empty note: nothing saved".into());
            }
            let kind = match section {
                Some(s) => EntryKind::Section {
                    section: s.parse::<Section>()?,
                    text: body,
                },
                None => EntryKind::Note { text: body },
            };
            let e = book.append(&id, kind)?;
            println!("saved {} at {}", id, e.at.format("%Y-%m-%d %H:%M:%S UTC"));
        }
        IncidentAction::Skip { id, signal, reason } => {
            let (inc, _) = book.open(&id)?;
            let known = inc
                .recovery
                .stories
                .iter()
                .flat_map(|(_, l)| l)
                .any(|l| l.signal == signal);
            if !known {
                return Err(format!(
                    "{id} has no recovery item {} (airc incident show lists them)",
                    line(&signal)
                ));
            }
            book.append(
                &id,
                EntryKind::RecoverySkip {
                    signal: signal.clone(),
                    reason: reason.join(" "),
                },
            )?;
            println!("{id}: {} skipped", line(&signal));
            let (inc, _) = book.open(&id)?;
            if inc.recovery_complete() && inc.phase < Phase::Recovered {
                println!("{id}: {}", crate::app::notebook::RESOLVED);
            }
        }
        IncidentAction::Phase { id, phase } => {
            let phase: Phase = phase.parse()?;
            book.append(&id, EntryKind::Phase { phase })?;
            println!("{id}: {}", phase.label());
        }
        IncidentAction::Update {
            id,
            title,
            severity,
            commander,
            responders,
        } => {
            let severity = severity.map(|s| s.parse::<Priority>()).transpose()?;
            let responders = if responders.is_empty() {
                None
            } else {
                Some(responders)
            };
            if title.is_none() && severity.is_none() && commander.is_none() && responders.is_none()
            {
                return Err(
                    "nothing to update: give --title, --severity, --commander or --responder"
                        .into(),
                );
            }
            book.append(
                &id,
                EntryKind::Updated {
                    title,
                    severity,
                    commander,
                    responders,
                },
            )?;
            println!("{id}: updated");
        }
        IncidentAction::Export { id, redact, output } => {
            let (inc, _) = book.open(&id)?;
            let inc = inc.seen_by(None);
            let md = export::render(
                &inc,
                &export::template(crate::paths::config_dir().as_deref())?,
                redact,
            )?;
            match output {
                Some(path) => {
                    crate::private_files::write(&path, md.as_bytes())
                        .map_err(|e| format!("{}: {e}", path.display()))?;
                    println!("{}", path.display());
                }
                None => print!("{md}"),
            }
        }
    }
    Ok(())
}
