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

/// The settings, or the defaults with a warning naming the file and the problem.
pub fn load(config_dir: Option<&Path>) -> (Settings, Option<String>) {
    let Some(path) = config_dir.map(|d| d.join("config.toml")) else {
        return (Settings::default(), None);
    };
    match std::fs::read_to_string(&path) {
        Err(_) => (Settings::default(), None),
        Ok(text) => match toml::from_str(&text) {
            Ok(s) => (s, None),
            Err(e) => (
                // Fail safe: a broken file must not silently allow what it meant to forbid.
                Settings {
                    read_only: text.contains("read_only"),
                    ..Default::default()
                },
                Some(format!("{}: {e}", path.display())),
            ),
        },
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
        assert!(
            s.read_only,
            "a broken file that mentions read_only stays read-only"
        );
        assert!(w.unwrap().contains("config.toml"));
    }
}
