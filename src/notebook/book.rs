//! Where incidents live: `<data dir>/incidents/<id>.jsonl`, one journal each.

use super::entry::{Entry, EntryKind, Priority};
use super::incident::Incident;
use super::journal::{self, Problem};
use chrono::Utc;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Book {
    pub dir: PathBuf,
}

impl Book {
    pub fn at(data_dir: &Path) -> Book {
        Book {
            dir: data_dir.join("incidents"),
        }
    }

    /// The platform data dir (or `AIRC_DATA_DIR`).
    pub fn default_location() -> Result<Book, String> {
        crate::config::data_dir()
            .map(|d| Book::at(&d))
            .ok_or_else(|| "no data directory for this user (set AIRC_DATA_DIR)".into())
    }

    pub fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.jsonl"))
    }

    /// A new id: `IR-YYYYMMDD-N`, N counting that day's incidents.
    fn next_id(&self) -> String {
        let day = Utc::now().format("%Y%m%d").to_string();
        let prefix = format!("IR-{day}-");
        let taken = self
            .ids()
            .into_iter()
            .filter(|i| i.starts_with(&prefix))
            .count();
        (taken + 1..)
            .map(|n| format!("{prefix}{n}"))
            .find(|id| !self.path(id).exists())
            .unwrap_or(prefix)
    }

    pub fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = std::fs::read_dir(&self.dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter_map(|e| {
                        e.file_name()
                            .to_str()
                            .and_then(|n| n.strip_suffix(".jsonl"))
                            .map(str::to_string)
                    })
                    .collect()
            })
            .unwrap_or_default();
        ids.sort();
        ids
    }

    /// Opens a new incident: its first journal entry.
    pub fn create(
        &self,
        title: &str,
        severity: Priority,
        commander: &str,
        responders: Vec<String>,
    ) -> Result<Incident, String> {
        std::fs::create_dir_all(&self.dir).map_err(|e| format!("{}: {e}", self.dir.display()))?;
        let id = self.next_id();
        let entry = Entry::now(EntryKind::Opened {
            id: id.clone(),
            title: title.to_string(),
            severity,
            commander: commander.to_string(),
            responders,
        });
        journal::append(&self.path(&id), &entry)
            .map_err(|e| format!("{}: {e}", self.path(&id).display()))?;
        self.open(&id).map(|(i, _)| i)
    }

    pub fn open(&self, id: &str) -> Result<(Incident, Vec<Problem>), String> {
        let path = self.path(id);
        let bytes =
            std::fs::read(&path).map_err(|e| format!("incident {id}: {}: {e}", path.display()))?;
        let (entries, problems) = journal::parse(&bytes);
        let mut inc = Incident::fold(&entries).ok_or_else(|| {
            format!(
                "incident {id}: {} does not start with an 'opened' entry",
                path.display()
            )
        })?;
        // The size of what was read, not a later stat: a write in between shows as growth.
        inc.journal_bytes = bytes.len() as u64;
        Ok((inc, problems))
    }

    pub fn append(&self, id: &str, kind: EntryKind) -> Result<Entry, String> {
        let path = self.path(id);
        if !path.exists() {
            return Err(format!("no incident {id} (see `airc incident list`)"));
        }
        let entry = Entry::now(kind);
        journal::append(&path, &entry).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(entry)
    }

    /// Every incident that loads, newest id first; ones that do not load are reported.
    pub fn list(&self) -> (Vec<Incident>, Vec<String>) {
        let mut ok = Vec::new();
        let mut bad = Vec::new();
        for id in self.ids().into_iter().rev() {
            match self.open(&id) {
                Ok((i, _)) => ok.push(i),
                Err(e) => bad.push(e),
            }
        }
        (ok, bad)
    }
}
