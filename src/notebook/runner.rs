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

/// `None` when there is nothing to report (a poll that found no change, an editor request).
pub fn perform(book: &Book, config_dir: Option<&Path>, op: NbOp) -> Option<NbMsg> {
    Some(match op {
        NbOp::Create { title } => match NewIncident::parse(&title).and_then(|n| {
            book.create(
                &n.title,
                n.severity,
                &n.commander.unwrap_or_else(author),
                n.responders,
            )
        }) {
            Ok(inc) => NbMsg::Opened(Box::new(inc)),
            Err(e) => NbMsg::Failed(format!("cannot open the incident: {e}")),
        },
        NbOp::Open { id } => match book.open(&id) {
            Ok((inc, problems)) => {
                for p in problems {
                    tracing::warn!("incident {id}: line {}: {}", p.line, p.reason);
                }
                NbMsg::Opened(Box::new(inc))
            }
            Err(e) => NbMsg::Failed(e),
        },
        NbOp::List => {
            let (incidents, bad) = book.list();
            for b in bad {
                tracing::warn!("{b}");
            }
            NbMsg::Listed(
                incidents
                    .into_iter()
                    .map(|i| IncidentSummary {
                        id: i.id,
                        title: i.title,
                        severity: i.severity,
                        phase: i.phase,
                    })
                    .collect(),
            )
        }
        NbOp::Append { id, entry } => match journal::append(&book.path(&id), &entry) {
            Ok(()) => NbMsg::Saved { id, entry },
            Err(e) => NbMsg::SaveFailed {
                reason: format!("{}: {e}", book.path(&id).display()),
                entry,
            },
        },
        NbOp::Export { id } => match export_to_file(book, config_dir, &id) {
            Ok(path) => NbMsg::Exported(path),
            Err(e) => NbMsg::Failed(format!("export failed: {e}")),
        },
        NbOp::Poll { id, known_bytes } => {
            // A stat per tick; the journal is read only when it grew.
            let len = std::fs::metadata(book.path(&id)).ok()?.len();
            if len <= known_bytes {
                return None;
            }
            NbMsg::Opened(Box::new(book.open(&id).ok()?.0))
        }
        NbOp::EditExternal { .. } => return None,
    })
}

/// Writes `<data dir>/exports/<id>-<time>.md` and returns its path.
pub fn export_to_file(book: &Book, config_dir: Option<&Path>, id: &str) -> Result<PathBuf, String> {
    let (inc, _) = book.open(id)?;
    let md = export::render(&inc, &export::template(config_dir), false);
    let dir = book.dir.parent().unwrap_or(&book.dir).join("exports");
    crate::private_files::dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join(format!(
        "{id}-{}.md",
        chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
    ));
    crate::private_files::write(&path, md.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))?;
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
        assert!(poll(mine.journal_bytes).is_none(), "nothing new");
        // The other console writes.
        let theirs = Entry::now(EntryKind::Note {
            text: "from the other console".into(),
        });
        journal::append(&book.path(&inc.id), &theirs).unwrap_or_else(|e| panic!("{e}"));
        match poll(mine.journal_bytes) {
            Some(NbMsg::Opened(i)) => assert!(i
                .timeline
                .iter()
                .any(|t| t.text == "from the other console")),
            other => panic!("expected the re-read incident, got {other:?}"),
        }
    }
}
