//! Performs the notebook I/O the console asks for (on a blocking thread) and answers with a
//! message for the state. Appends are synced before `Saved` is sent.

use super::entry::{author, Priority};
use super::ops::{IncidentSummary, NbMsg, NbOp};
use super::{export, journal, Book};
use std::path::{Path, PathBuf};

/// What the console's new-incident prompt says: a title, then optional `p1`–`p4`,
/// `ic:NAME` (incident commander) and `with:NAME,NAME` (responders), in any order at the end.
#[derive(Debug, PartialEq)]
pub struct NewIncident {
    pub title: String,
    pub severity: Priority,
    pub commander: Option<String>,
    pub responders: Vec<String>,
}

impl NewIncident {
    pub fn parse(text: &str) -> Result<NewIncident, String> {
        let mut words: Vec<&str> = text.split_whitespace().collect();
        let mut n = NewIncident {
            title: String::new(),
            severity: Priority::P2,
            commander: None,
            responders: Vec::new(),
        };
        while let Some(last) = words.last().copied() {
            let lower = last.to_ascii_lowercase();
            if let Ok(p) = lower.parse::<Priority>().map_err(|_| ()).and_then(|p| {
                if lower.starts_with('p') {
                    Ok(p)
                } else {
                    Err(())
                }
            }) {
                n.severity = p;
            } else if let Some(ic) = last.strip_prefix("ic:").filter(|s| !s.is_empty()) {
                n.commander = Some(ic.to_string());
            } else if let Some(with) = last.strip_prefix("with:") {
                n.responders = with
                    .split(',')
                    .filter(|r| !r.is_empty())
                    .map(str::to_string)
                    .collect();
            } else {
                break;
            }
            words.pop();
        }
        n.title = words.join(" ");
        if n.title.is_empty() {
            return Err("an incident needs a title".into());
        }
        Ok(n)
    }
}

/// The messages an operation answers with: none for a poll that found no change, a warning
/// beside the result when something was skipped.
pub fn perform(book: &Book, config_dir: Option<&Path>, op: NbOp) -> Vec<NbMsg> {
    match op {
        NbOp::Create { title } => vec![match NewIncident::parse(&title)
            .map_err(super::Error::Input)
            .and_then(|n| {
                book.create(
                    &n.title,
                    n.severity,
                    &n.commander.unwrap_or_else(author),
                    n.responders,
                )
            }) {
            Ok(inc) => NbMsg::Opened(Box::new(inc)),
            Err(e) => NbMsg::Failed(format!("cannot open the incident: {e}")),
        }],
        NbOp::CreateWith {
            title,
            severity,
            entries,
        } => create_with(book, &title, severity, &entries),
        NbOp::Open { id } => match book.open(&id) {
            Ok((inc, problems)) => {
                let mut out = vec![NbMsg::Opened(Box::new(inc))];
                out.extend(skipped(&id, &problems));
                out
            }
            Err(e) => vec![NbMsg::Failed(e.to_string())],
        },
        NbOp::List => {
            let (incidents, bad) = book.list();
            let mut out = vec![NbMsg::Listed(
                incidents
                    .into_iter()
                    // A title naming a sensitive signal is listed as its kind (no reader).
                    .map(|i| IncidentSummary {
                        title: i.title_for(None).to_string(),
                        id: i.id,
                        severity: i.severity,
                        phase: i.phase,
                    })
                    .collect(),
            )];
            if let Some(first) = bad.first() {
                out.push(NbMsg::Warning(format!(
                    "{} incident(s) do not load and are not listed: {first}",
                    bad.len()
                )));
            }
            out
        }
        NbOp::Append { id, entry } => vec![match journal::append(&book.path(&id), &entry) {
            Ok(()) => NbMsg::Saved { id, entry },
            Err(e) => NbMsg::SaveFailed {
                reason: format!("{}: {e}", book.path(&id).display()),
                entry,
            },
        }],
        NbOp::Export { id, reader } => {
            vec![
                match export_to_file(book, config_dir, &id, reader.as_deref()) {
                    Ok(path) => NbMsg::Exported(path),
                    Err(e) => NbMsg::Failed(format!("export failed: {e}")),
                },
            ]
        }
        NbOp::Poll { id, known_bytes } => {
            // A stat per tick; the journal is read only when it grew.
            let len = match std::fs::metadata(book.path(&id)) {
                Ok(m) => m.len(),
                Err(e) => {
                    return vec![NbMsg::Failed(format!(
                        "incident {id}: the journal cannot be read again ({e}); what is shown may be out of date"
                    ))]
                }
            };
            if len <= known_bytes {
                return Vec::new();
            }
            match book.open(&id) {
                Ok((inc, problems)) => {
                    let mut out = vec![NbMsg::Opened(Box::new(inc))];
                    out.extend(skipped(&id, &problems));
                    out
                }
                Err(e) => vec![NbMsg::Failed(format!(
                    "the incident changed on disk and cannot be read again: {e}"
                ))],
            }
        }
        NbOp::EditExternal { .. } => Vec::new(),
    }
}

/// Creates an incident and writes `entries` into it, each synced; the incident as folded after.
/// A write that fails stops there and says how far it got (the incident stays open).
fn create_with(
    book: &Book,
    title: &str,
    severity: Priority,
    entries: &[super::Entry],
) -> Vec<NbMsg> {
    let inc = match book.create(title, severity, &author(), Vec::new()) {
        Ok(inc) => inc,
        Err(e) => return vec![NbMsg::Failed(format!("cannot open the incident: {e}"))],
    };
    let path = book.path(&inc.id);
    let mut out = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        if let Err(e) = journal::append(&path, entry) {
            out.push(NbMsg::Failed(format!(
                "incident {}: {} of {} entries written, then {}: {e}",
                inc.id,
                i,
                entries.len(),
                path.display()
            )));
            break;
        }
    }
    match book.open(&inc.id) {
        Ok((inc, _)) => out.insert(0, NbMsg::Opened(Box::new(inc))),
        Err(e) => out.push(NbMsg::Failed(e.to_string())),
    }
    out
}

/// Damaged journal lines were skipped: say so (the first one, and how many).
fn skipped(id: &str, problems: &[journal::Problem]) -> Option<NbMsg> {
    let first = problems.first()?;
    for p in problems {
        tracing::warn!("incident {id}: line {}: {}", p.line, p.reason);
    }
    Some(NbMsg::Warning(format!(
        "incident {id}: {} damaged journal line(s) skipped (line {}: {})",
        problems.len(),
        first.line,
        first.reason
    )))
}

/// Writes `<data dir>/exports/<id>-<time>.md` and returns its path.
pub fn export_to_file(
    book: &Book,
    config_dir: Option<&Path>,
    id: &str,
    reader: Option<&str>,
) -> Result<PathBuf, super::Error> {
    let (inc, _) = book.open(id)?;
    let sensitive = inc.sensitive_shown_to(reader);
    let inc = inc.seen_by(reader);
    let mut md = export::render(&inc, &export::template(config_dir)?, false)?;
    if !sensitive.is_empty() {
        // Written by a principal the rules allow: the file holds what they hide from others.
        md.insert_str(
            0,
            &format!(
                "> **Sensitive.** This export holds sensitive signals' details in full (rules: {}), \
                 as its writer may read them. Share it only with the principals those rules \
                 allow, or export with `airc incident export ID --redact`.\n\n",
                crate::notebook::markdown::text(&sensitive.join(", "))
            ),
        );
    }
    let dir = book.dir.parent().unwrap_or(&book.dir).join("exports");
    crate::private_files::dir(&dir).map_err(|e| super::Error::io(&dir, e))?;
    let path = dir.join(format!(
        "{id}-{}.md",
        chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
    ));
    crate::private_files::write(&path, md.as_bytes()).map_err(|e| super::Error::io(&path, e))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notebook::{Entry, EntryKind};

    #[test]
    fn the_prompt_takes_severity_commander_and_responders_at_the_end() {
        let n = NewIncident::parse("Leaked CI key p1 ic:alice with:bob,carol")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            n,
            NewIncident {
                title: "Leaked CI key".into(),
                severity: Priority::P1,
                commander: Some("alice".into()),
                responders: vec!["bob".into(), "carol".into()]
            }
        );
        let plain =
            NewIncident::parse("Port 22 open to the world").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (plain.title.as_str(), plain.severity, plain.commander),
            ("Port 22 open to the world", Priority::P2, None)
        );
        assert!(NewIncident::parse("p1 ic:alice").is_err());
    }

    #[test]
    fn a_poll_sees_another_consoles_entries_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let book = Book::at(dir.path());
        let inc = book
            .create("two consoles", Priority::P2, "a", vec![])
            .unwrap_or_else(|e| panic!("{e}"));
        let (mine, _) = book.open(&inc.id).unwrap_or_else(|e| panic!("{e}"));
        let poll = |known| {
            perform(
                &book,
                None,
                NbOp::Poll {
                    id: inc.id.clone(),
                    known_bytes: known,
                },
            )
        };
        assert!(poll(mine.journal_bytes).is_empty(), "nothing new");
        // The other console writes.
        let theirs = Entry::now(EntryKind::Note {
            text: "from the other console".into(),
        });
        journal::append(&book.path(&inc.id), &theirs).unwrap_or_else(|e| panic!("{e}"));
        match poll(mine.journal_bytes).into_iter().next() {
            Some(NbMsg::Opened(i)) => assert!(i
                .timeline
                .iter()
                .any(|t| t.text == "from the other console")),
            other => panic!("expected the re-read incident, got {other:?}"),
        }
    }

    /// Hostile review of issue 33 (session 20): an export by a principal the rules allow held
    /// sensitive details in full with nothing in it to say so.
    #[test]
    fn an_export_holding_sensitive_details_says_so_at_the_top() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let book = Book::at(dir.path());
        let inc = book
            .create("keys", Priority::P2, "a", vec![])
            .unwrap_or_else(|e| panic!("{e}"));
        let at = chrono::Utc::now();
        book.append(
            &inc.id,
            EntryKind::Pinned {
                signal_id: "health:x".into(),
                source: crate::model::Source::Health,
                signal_time: at,
                severity: crate::model::Severity::Critical,
                title: "AWS_RISK_CREDENTIALS_EXPOSED".into(),
                summary: "key AKIASECRETSECRET009".into(),
                account: None,
                region: None,
                entities: vec![],
                raw: serde_json::Value::Null,
                detections: vec![],
                kind: "AWS_RISK_CREDENTIALS_EXPOSED".into(),
                sensitive: Some(crate::notebook::sensitive::Sensitive {
                    rules: vec!["creds".into()],
                    allow: vec!["arn:aws:iam::111122223333:role/Security*".into()],
                    withheld: false,
                    also: vec![],
                }),
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let read = |reader| {
            let p = export_to_file(&book, None, &inc.id, reader).unwrap_or_else(|e| panic!("{e}"));
            std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{e}"))
        };
        let full = read(Some("arn:aws:iam::111122223333:role/SecurityOncall"));
        assert!(
            full.starts_with("> **Sensitive.**") && full.contains("creds"),
            "{full}"
        );
        assert!(full.contains("AKIASECRETSECRET009"));
        let other = read(None);
        assert!(
            !other.contains("**Sensitive.**") && !other.contains("AKIASECRET"),
            "{other}"
        );
    }

    #[test]
    fn damaged_lines_a_vanished_journal_and_a_bad_template_are_said() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let book = Book::at(dir.path());
        let inc = book
            .create("said", Priority::P2, "a", vec![])
            .unwrap_or_else(|e| panic!("{e}"));
        let path = book.path(&inc.id);
        let mut bytes = std::fs::read(&path).unwrap_or_default();
        bytes.extend_from_slice(b"{not json}\n");
        std::fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
        let open = perform(&book, None, NbOp::Open { id: inc.id.clone() });
        assert!(matches!(open.first(), Some(NbMsg::Opened(_))), "{open:?}");
        assert!(
            matches!(open.get(1), Some(NbMsg::Warning(w)) if w.contains("1 damaged journal line")),
            "{open:?}"
        );
        // The user's template exists but is not text: the export stops and names it.
        let config = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(config.path().join("postmortem.md"), [0xff, 0xfe, 0x00])
            .unwrap_or_else(|e| panic!("{e}"));
        let export = perform(
            &book,
            Some(config.path()),
            NbOp::Export {
                id: inc.id.clone(),
                reader: None,
            },
        );
        assert!(
            matches!(export.first(), Some(NbMsg::Failed(m)) if m.contains("postmortem.md") && m.contains("not UTF-8")),
            "{export:?}"
        );
        // The journal vanishes under a console that shows it: a poll says so.
        std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let poll = perform(
            &book,
            None,
            NbOp::Poll {
                id: inc.id.clone(),
                known_bytes: 0,
            },
        );
        assert!(
            matches!(poll.first(), Some(NbMsg::Failed(m)) if m.contains("cannot be read again")),
            "{poll:?}"
        );
    }
}
