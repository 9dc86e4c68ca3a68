//! Where incidents live: `<data dir>/incidents/<id>.jsonl`, one journal each.

use super::entry::{Entry, EntryKind, Priority};
use super::error::Error;
use super::incident::Incident;
use super::journal::{self, Problem};
use chrono::Utc;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Book {
    pub dir: PathBuf,
}

/// `IR-YYYYMMDD-N`: the only form an incident id takes. It names a file, so nothing else (a
/// path, `..`) may reach `path`.
pub fn valid_id(id: &str) -> bool {
    let Some(rest) = id.strip_prefix("IR-") else {
        return false;
    };
    let Some((day, n)) = rest.split_once('-') else {
        return false;
    };
    day.len() == 8
        && day.bytes().all(|b| b.is_ascii_digit())
        && !n.is_empty()
        && n.len() <= 6
        && n.bytes().all(|b| b.is_ascii_digit())
}

fn bad_id(id: &str) -> Error {
    Error::BadId(crate::safe_text::line(id).into_owned())
}

impl Book {
    pub fn at(data_dir: &Path) -> Book {
        Book {
            dir: data_dir.join("incidents"),
        }
    }

    /// The platform data dir (or `AIRC_DATA_DIR`).
    pub fn default_location() -> Result<Book, Error> {
        crate::paths::data_dir()
            .map(|d| Book::at(&d))
            .ok_or(Error::NoDataDir)
    }

    /// An incident that can be written to: a well-formed id whose journal exists.
    pub fn check(&self, id: &str) -> Result<(), Error> {
        if !valid_id(id) {
            return Err(bad_id(id));
        }
        if !self.path(id).is_file() {
            return Err(Error::NoSuchIncident(id.to_string()));
        }
        Ok(())
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
                            .filter(|n| valid_id(n))
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
    ) -> Result<Incident, Error> {
        self.create_titled(title, None, severity, commander, responders)
    }

    /// `create` with a title that names a sensitive signal: readers its rules do not allow
    /// read `title_sensitive.withheld` (`Incident::seen_by`).
    pub fn create_titled(
        &self,
        title: &str,
        title_sensitive: Option<super::sensitive::SensitiveTitle>,
        severity: Priority,
        commander: &str,
        responders: Vec<String>,
    ) -> Result<Incident, Error> {
        crate::private_files::dir(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
        // The journal is created with create_new: two consoles opening an incident at the
        // same moment get two ids, never one shared journal. Its directory entry (and a new
        // incidents/ folder's) is synced before the incident is said to be open.
        let mut id = self.next_id();
        for _ in 0..1000 {
            match crate::private_files::create_new(&self.path(&id)) {
                Ok(_) => break,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => id = self.next_id(),
                Err(e) => return Err(Error::io(self.path(&id), e)),
            }
        }
        let entry = Entry::now(EntryKind::Opened {
            id: id.clone(),
            title: title.to_string(),
            severity,
            commander: commander.to_string(),
            responders,
            title_sensitive,
        });
        journal::append(&self.path(&id), &entry).map_err(|e| Error::io(self.path(&id), e))?;
        self.open(&id).map(|(i, _)| i)
    }

    pub fn open(&self, id: &str) -> Result<(Incident, Vec<Problem>), Error> {
        if !valid_id(id) {
            return Err(bad_id(id));
        }
        let path = self.path(id);
        let bytes = std::fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::NoSuchIncident(id.to_string()),
            _ => Error::io(&path, e),
        })?;
        let (entries, problems) = journal::parse(&bytes);
        let mut inc = Incident::fold(&entries).ok_or_else(|| Error::NotAJournal {
            id: id.to_string(),
            path: path.clone(),
        })?;
        // Everything named after an incident (its evidence folder, exports, tags) takes the id
        // read here: the one inside the journal must be the file's, itself a well-formed id.
        if inc.id != id {
            return Err(Error::WrongId {
                id: id.to_string(),
                inner: crate::safe_text::line(&inc.id).into_owned(),
                path,
            });
        }
        // The size of what was read, not a later stat: a write in between shows as growth.
        inc.journal_bytes = bytes.len() as u64;
        Ok((inc, problems))
    }

    pub fn append(&self, id: &str, kind: EntryKind) -> Result<Entry, Error> {
        self.check(id)?;
        let path = self.path(id);
        let entry = Entry::now(kind);
        journal::append(&path, &entry).map_err(|e| Error::io(&path, e))?;
        Ok(entry)
    }

    /// Every incident that loads, newest id first; ones that do not load are reported.
    pub fn list(&self) -> (Vec<Incident>, Vec<Error>) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_well_formed_ids_name_a_journal() {
        assert!(valid_id("IR-20261130-1") && valid_id("IR-20261130-12"));
        for bad in [
            "../../x",
            "/tmp/x",
            "IR-2026113-1",
            "IR-20261130-",
            "IR-20261130-1/..",
            "ir-20261130-1",
        ] {
            assert!(!valid_id(bad), "{bad}");
        }
        let d = tempfile::tempdir().unwrap();
        let book = Book::at(d.path());
        assert!(book
            .open("/tmp/x")
            .unwrap_err()
            .to_string()
            .contains("not an incident id"));
        assert!(book
            .check("IR-20261130-1")
            .unwrap_err()
            .to_string()
            .contains("no incident"));
        let a = book.create("a", Priority::P2, "me", vec![]).unwrap();
        assert!(valid_id(&a.id), "{}", a.id);
        let b = book.create("b", Priority::P2, "me", vec![]).unwrap();
        assert_ne!(a.id, b.id);
        assert!(book.check(&a.id).is_ok());
    }

    #[test]
    fn a_journal_whose_inner_id_is_not_its_file_name_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let book = Book::at(d.path());
        for inner in ["../../x", "IR-20260101-2", "IR-20260101-1/../../y", ""] {
            let path = book.path("IR-20260101-1");
            let _ = std::fs::remove_file(&path);
            let opened = Entry::now(EntryKind::Opened {
                id: inner.into(),
                title: "crafted".into(),
                severity: Priority::P2,
                commander: "x".into(),
                responders: vec![],
                title_sensitive: None,
            });
            journal::append(&path, &opened).unwrap();
            let err = book.open("IR-20260101-1").unwrap_err().to_string();
            assert!(
                err.contains(&path.display().to_string()) && err.contains("refused"),
                "{err}"
            );
            let (ok, bad) = book.list();
            assert!(ok.is_empty() && bad.len() == 1, "{ok:?} {bad:?}");
        }
    }

    #[test]
    fn a_new_incident_has_its_directory_entries_synced() {
        let d = tempfile::tempdir().unwrap();
        let data = d.path().join("data");
        let book = Book::at(&data);
        let _ = crate::private_files::synced();
        book.create("a", Priority::P2, "me", vec![]).unwrap();
        let synced = crate::private_files::synced();
        // The journal's entry in incidents/, incidents/ in the data dir, the data dir in its
        // parent: each created here, each synced.
        for dir in [&book.dir, &data, &d.path().to_path_buf()] {
            assert!(
                synced.contains(dir),
                "{} not synced: {synced:?}",
                dir.display()
            );
        }
        book.create("b", Priority::P2, "me", vec![]).unwrap();
        assert!(crate::private_files::synced().contains(&book.dir));
    }
}
