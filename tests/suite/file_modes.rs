//! Everything airc writes under the data dir is private: directories 0700, files 0600 — the
//! incident journals, the audit log, the log file, exports and evidence — whatever the shell's
//! umask, and even when the data dir already existed with open permissions.
#![cfg(unix)]

use crate::fake_aws;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

fn airc(data: &Path, args: &[&str]) -> String {
    let out = Command::new("sh")
        .arg("-c")
        // A permissive umask, as a shell might have.
        .arg("umask 022; exec \"$@\"")
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_airc"))
        .args(args)
        .env("AIRC_DATA_DIR", data)
        .env("AIRC_CONFIG_DIR", data.join("config"))
        .env("AWS_ACCESS_KEY_ID", "AKIAFILEMODES0000001")
        .env("AWS_SECRET_ACCESS_KEY", "x")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
fn the_data_dir_is_private() {
    let server = fake_aws::FakeAws::start(fake_aws::World::demo(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo"),
    ));
    let top = tempfile::tempdir().unwrap();
    let data = top.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = airc(&data, &["incident", "new", "--title", "modes"]);
    let id = out
        .split_whitespace()
        .find(|w| w.starts_with("IR-"))
        .unwrap_or_else(|| panic!("{out}"))
        .trim_end_matches(':')
        .to_string();
    airc(&data, &["incident", "note", &id, "a", "note"]);
    let export = data.join("exports/pm.md");
    airc(
        &data,
        &[
            "incident",
            "export",
            &id,
            "-o",
            &export.display().to_string(),
        ],
    );
    let f = server.with(|w| w.findings[0]["id"].as_str().unwrap_or_default().to_string());
    let out = airc(
        &data,
        &[
            "respond",
            "archive",
            &format!("finding/d1/{f}"),
            "--yes",
            "--incident",
            &id,
            "--endpoint-url",
            &server.url,
            "--region",
            "us-east-1",
        ],
    );
    assert!(out.contains("verified"), "{out}");
    let mut seen = 0;
    for e in walkdir::WalkDir::new(&data) {
        let e = e.unwrap();
        let mode = e.metadata().unwrap().permissions().mode() & 0o777;
        let want = if e.file_type().is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode, want, "{} is {mode:o}", e.path().display());
        seen += 1;
    }
    for f in [
        "airc.log",
        "audit.jsonl",
        &format!("incidents/{id}.jsonl"),
        "exports/pm.md",
    ] {
        assert!(data.join(f).is_file(), "{f} written");
    }
    assert!(seen >= 7, "{seen} entries checked");
}
