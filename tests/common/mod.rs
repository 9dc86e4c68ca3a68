//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod fake_athena;
pub mod moto;
pub mod tmux;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn datasets_fixture() -> PathBuf {
    fixtures().join("datasets")
}

/// The shared real-data folder beside the checkout, when it is there.
pub fn shared_datasets() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets");
    if p.is_dir() {
        return Some(p);
    }
    if std::env::var("AIRC_REQUIRE_DATASETS").is_ok() {
        panic!(
            "AIRC_REQUIRE_DATASETS is set but {} is missing",
            p.display()
        );
    }
    eprintln!(
        "note: {} not present; shared-dataset checks skipped",
        p.display()
    );
    None
}

pub fn airc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_airc"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run airc: {e}"))
}

pub fn json_of(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

pub fn invictus_records() -> Vec<serde_json::Value> {
    let dir = datasets_fixture().join("invictus-aws-dataset/CloudTrail");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|f| {
            let v: serde_json::Value =
                serde_json::from_slice(&std::fs::read(f).unwrap_or_default()).unwrap_or_default();
            v["Records"].as_array().cloned().unwrap_or_default()
        })
        .collect()
}

/// `airc` with its data and config in `data`.
pub fn airc_in(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_airc"));
    c.env("AIRC_DATA_DIR", data).env("AIRC_CONFIG_DIR", data);
    c
}

/// Runs `airc ARGS` against `data`, asserts it succeeded, returns its stdout.
pub fn run_ok(data: &Path, args: &[&str]) -> String {
    let out = airc_in(data)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `airc incident new` in `data`; the new id.
pub fn new_incident(data: &Path) -> String {
    run_ok(
        data,
        &[
            "incident",
            "new",
            "--title",
            "durability",
            "--severity",
            "P1",
        ],
    )
    .trim()
    .to_string()
}
