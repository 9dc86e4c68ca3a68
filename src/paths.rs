//! Where user files live: the platform config dir (keymap.toml, themes/) and data dir (logs,
//! the audit log, incident journals, drafts, evidence).

use std::path::PathBuf;

fn dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "airc")
}

/// `AIRC_CONFIG_DIR` overrides the platform directory (tests, portable setups).
pub fn config_dir() -> Option<PathBuf> {
    std::env::var_os("AIRC_CONFIG_DIR")
        .map(PathBuf::from)
        .or_else(|| dirs().map(|d| d.config_dir().to_path_buf()))
}

/// `AIRC_DATA_DIR` overrides the platform directory.
pub fn data_dir() -> Option<PathBuf> {
    std::env::var_os("AIRC_DATA_DIR")
        .map(PathBuf::from)
        .or_else(|| dirs().map(|d| d.data_dir().to_path_buf()))
}

/// `NO_COLOR` set to anything non-empty (no-color.org).
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}
