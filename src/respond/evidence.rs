//! Evidence files with a chain of custody: each file is written, then its SHA-256 and size go
//! into the folder's `manifest.jsonl` (append-only, locked, synced like the journals).

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Where evidence goes: the incident's folder, or a dated one. The folder is named after the
/// incident, so only a well-formed id (`IR-YYYYMMDD-N`, what `Book::open` vouches for) names
/// one: anything else (`../../x`) is refused, never a path.
pub fn evidence_dir(data: &Path, incident: Option<&str>) -> Result<PathBuf, super::Error> {
    Ok(match incident {
        Some(id) if crate::notebook::book::valid_id(id) => {
            data.join("incidents").join(format!("{id}.evidence"))
        }
        Some(id) => {
            return Err(super::Error::NotApplicable(format!(
                "'{}' is not an incident id: no evidence folder is named after it",
                crate::safe_text::line(id)
            )))
        }
        None => data
            .join("evidence")
            .join(chrono::Utc::now().format("%Y-%m-%d").to_string()),
    })
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub path: PathBuf,
    pub sha256: String,
    pub size: u64,
    pub what: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Writes `bytes` as `dir/name` and records it in `dir/manifest.jsonl`.
pub fn save(dir: &Path, name: &str, bytes: &[u8], what: &str) -> Result<Evidence, super::Error> {
    // Names come from AWS ids: keep them to a safe alphabet.
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    // Written 0600 and synced before the manifest vouches for its hash; never over another
    // capture of the same second (`-2`, `-3`, … then).
    let path = crate::private_files::write_new(dir, &clean, bytes)
        .map_err(|e| super::Error::record(dir.join(&clean), e))?;
    let ev = Evidence {
        path: path.clone(),
        sha256: sha256_hex(bytes),
        size: bytes.len() as u64,
        what: what.to_string(),
        at: chrono::Utc::now(),
    };
    crate::notebook::journal::append(&dir.join("manifest.jsonl"), &ev)
        .map_err(|e| super::Error::record(dir.join("manifest.jsonl"), e))?;
    Ok(ev)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_well_formed_incident_id_names_an_evidence_folder() {
        let data = Path::new("/data");
        assert_eq!(
            evidence_dir(data, Some("IR-20260101-1")).unwrap(),
            Path::new("/data/incidents/IR-20260101-1.evidence")
        );
        for bad in ["../../x", "IR-20260101-1/../../x", "/tmp/x", ""] {
            let err = evidence_dir(data, Some(bad)).unwrap_err().to_string();
            assert!(err.contains("not an incident id"), "{err}");
        }
        assert!(evidence_dir(data, None)
            .unwrap()
            .starts_with("/data/evidence"));
    }

    #[test]
    fn files_and_manifest_agree() {
        let dir = tempfile::tempdir().unwrap();
        let ev = save(
            dir.path(),
            "console-i-1/../x.txt",
            b"hello",
            "console output",
        )
        .unwrap();
        assert_eq!(
            ev.sha256,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert!(
            ev.path.starts_with(dir.path()),
            "no path escapes the folder"
        );
        let manifest = std::fs::read_to_string(dir.path().join("manifest.jsonl")).unwrap();
        assert!(manifest.contains(&ev.sha256) && manifest.contains("\"size\":5"));
    }
}
