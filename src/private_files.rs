//! Files a responder's tools write hold incident data: journals, the audit log, evidence,
//! drafts, exports, the log. Directories are created 0700 and files 0600, whatever the umask;
//! a new file's directory is synced so the file survives a crash; evidence is written with
//! `create_new` so two captures never overwrite each other.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};

/// Creates `dir` (and missing parents) 0700; an existing `dir` is set to 0700 too. Each
/// directory it creates has its entry synced in its parent, so a crash cannot lose the folder
/// (and the journal or evidence written into it) after it was said to be saved.
pub fn dir(dir: &Path) -> io::Result<()> {
    // The missing ones, deepest first: their parents are synced once they all exist.
    let missing: Vec<&Path> = dir
        .ancestors()
        .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
        .collect();
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    b.mode(0o700);
    b.create(dir)?;
    for made in missing.iter().rev() {
        if let Some(parent) = made.parent().filter(|p| !p.as_os_str().is_empty()) {
            sync_dir(parent)?;
        }
    }
    #[cfg(unix)]
    {
        let m = std::fs::metadata(dir)?;
        if m.permissions().mode() & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(())
}

/// Syncs a directory, so an entry just created in it is durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(test)]
    SYNCED.with(|s| s.borrow_mut().push(dir.to_path_buf()));
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
thread_local! {
    /// The directories this thread synced (tests read which ones).
    static SYNCED: std::cell::RefCell<Vec<PathBuf>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The directories this thread synced since the last call (tests).
#[cfg(test)]
pub fn synced() -> Vec<PathBuf> {
    SYNCED.with(|s| std::mem::take(&mut *s.borrow_mut()))
}

/// Creates `path` 0600, failing when it exists (`AlreadyExists`: two writers never share it),
/// in a 0700 directory; the directory is synced so the new entry survives a crash.
pub fn create_new(path: &Path) -> io::Result<File> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(parent) = parent {
        dir(parent)?;
    }
    let f = options().write(true).create_new(true).open(path)?;
    if let Some(parent) = parent {
        sync_dir(parent)?;
    }
    Ok(f)
}

fn options() -> OpenOptions {
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    o.mode(0o600);
    o
}

/// Opens `path` to append (read too), creating it 0600 in a 0700 directory; when it is new,
/// the directory is synced.
pub fn append(path: &Path) -> io::Result<File> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        dir(parent)?;
    }
    match options()
        .read(true)
        .append(true)
        .create_new(true)
        .open(path)
    {
        Ok(f) => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                sync_dir(parent)?;
            }
            Ok(f)
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            options().read(true).append(true).open(path)
        }
        Err(e) => Err(e),
    }
}

/// Writes a whole file 0600 (replacing it), synced, and syncs its directory.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        dir(parent)?;
    }
    let mut f = options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    #[cfg(unix)]
    f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        sync_dir(parent)?;
    }
    Ok(())
}

/// Writes a new file 0600 that never replaces another: `name`, else `name-2`, `name-3`, … (the
/// number before the extension). Synced, with its directory, before it returns.
pub fn write_new(dir_path: &Path, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    dir(dir_path)?;
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s.to_string(), format!(".{e}")),
        _ => (name.to_string(), String::new()),
    };
    for n in 1..10_000 {
        let candidate = if n == 1 {
            dir_path.join(name)
        } else {
            dir_path.join(format!("{stem}-{n}{ext}"))
        };
        match options().write(true).create_new(true).open(&candidate) {
            Ok(mut f) => {
                f.write_all(bytes)?;
                f.sync_all()?;
                sync_dir(dir_path)?;
                return Ok(candidate);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!(
        "{name}: 10,000 files of that name already"
    )))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn private_modes_whatever_the_umask_and_no_overwrite() {
        let d = tempfile::tempdir().unwrap();
        let sub = d.path().join("a/b");
        let f = sub.join("journal.jsonl");
        append(&f).unwrap().write_all(b"x\n").unwrap();
        assert_eq!((mode(&sub), mode(&f)), (0o700, 0o600));
        std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o755)).unwrap();
        dir(&sub).unwrap();
        assert_eq!(mode(&sub), 0o700, "an existing directory is made private");
        let one = write_new(&sub, "shot.jpg", b"1").unwrap();
        let two = write_new(&sub, "shot.jpg", b"2").unwrap();
        assert_ne!(one, two);
        assert!(two.ends_with("shot-2.jpg"));
        assert_eq!(std::fs::read(&one).unwrap(), b"1", "never overwritten");
        assert_eq!(mode(&two), 0o600);
        let w = sub.join("draft.md");
        write(&w, b"d").unwrap();
        assert_eq!(mode(&w), 0o600);
    }

    #[test]
    fn new_directories_and_files_have_their_entries_synced() {
        let d = tempfile::tempdir().unwrap();
        let _ = synced();
        let deep = d.path().join("data/incidents");
        dir(&deep).unwrap();
        assert_eq!(synced(), [d.path().to_path_buf(), d.path().join("data")]);
        dir(&deep).unwrap();
        assert!(synced().is_empty(), "nothing new, nothing synced");
        let f = deep.join("IR-20260101-1.jsonl");
        create_new(&f).unwrap();
        assert_eq!(synced(), std::slice::from_ref(&deep));
        assert_eq!(mode(&f), 0o600);
        assert_eq!(
            create_new(&f).unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
        let _ = synced();
        write_new(&deep.join("IR-20260101-1.evidence"), "a.txt", b"a").unwrap();
        let s = synced();
        assert!(
            s.contains(&deep) && s.contains(&deep.join("IR-20260101-1.evidence")),
            "the new folder's entry and the file's: {s:?}"
        );
    }
}
