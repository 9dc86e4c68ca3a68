//! `<config dir>/config.toml`: settings that outlive one command line.
//!
//! ```toml
//! read_only = true                                  # refuse every mutating action
//! sns_topic = "arn:aws:sns:us-east-1:111122223333:incident-notify"
//! ```

use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    pub read_only: bool,
    #[serde(default)]
    pub sns_topic: Option<String>,
}

/// The settings, with a warning naming the file and the problem when it exists but cannot be
/// used. Fail closed: a file that is there but unreadable, not UTF-8 or not valid turns
/// read-only on — whatever it meant to allow, it may have meant to forbid.
pub fn load(config_dir: Option<&Path>) -> (Settings, Option<String>) {
    let Some(path) = config_dir.map(|d| d.join("config.toml")) else {
        return (Settings::default(), None);
    };
    let closed = |why: String| {
        (
            Settings {
                read_only: true,
                ..Default::default()
            },
            Some(format!(
                "{}: {why}; read-only is ON until the file is fixed",
                path.display()
            )),
        )
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Settings::default(), None),
        Err(e) => return closed(format!("cannot be read ({e})")),
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return closed("is not UTF-8 text".into());
    };
    match toml::from_str(&text) {
        Ok(s) => (s, None),
        Err(e) => closed(format!("is not valid ({})", e.message())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_file_and_fails_safe() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(load(Some(d.path())).0, Settings::default());
        std::fs::write(
            d.path().join("config.toml"),
            "read_only = true\nsns_topic = \"arn:t\"\n",
        )
        .unwrap();
        let (s, w) = load(Some(d.path()));
        assert!(s.read_only && w.is_none());
        assert_eq!(s.sns_topic.as_deref(), Some("arn:t"));
        std::fs::write(d.path().join("config.toml"), "read_only = yes please\n").unwrap();
        let (s, w) = load(Some(d.path()));
        assert!(s.read_only, "a broken file fails closed");
        assert!(w.unwrap().contains("config.toml"));
        std::fs::write(d.path().join("config.toml"), "sns_topic = 3\n").unwrap();
        assert!(
            load(Some(d.path())).0.read_only,
            "even when it never says read_only"
        );
        std::fs::write(d.path().join("config.toml"), b"read_only = false\n\xff\xfe").unwrap();
        let (s, w) = load(Some(d.path()));
        assert!(s.read_only && w.unwrap().contains("not UTF-8"));
        std::fs::remove_file(d.path().join("config.toml")).unwrap();
        std::fs::create_dir(d.path().join("config.toml")).unwrap();
        let (s, w) = load(Some(d.path()));
        assert!(s.read_only && w.unwrap().contains("cannot be read"));
    }
}
