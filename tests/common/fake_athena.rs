//! The fake Athena (tests/support/fake_athena/server.py: DuckDB runs the SQL after sqlglot
//! turns Athena's dialect into DuckDB's) on 127.0.0.1, over a directory of CloudTrail files.
//! Needs `.venv/bin/python` with duckdb and sqlglot (scripts/test installs them); without them
//! the tests skip, unless AIRC_REQUIRE_FAKE_ATHENA is set (as scripts/test does).
#![allow(dead_code)]

use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

pub struct FakeAthena {
    pub url: String,
    child: Child,
}

fn python() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    let ok = p.exists()
        && Command::new(&p)
            .args(["-c", "import duckdb, sqlglot"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
    ok.then_some(p)
}

impl FakeAthena {
    /// A fresh fake over `trail` (CloudTrail log files), or None (skip) without duckdb/sqlglot.
    pub fn start(trail: &Path, extra: &[&str]) -> Option<FakeAthena> {
        let Some(py) = python() else {
            if std::env::var_os("AIRC_REQUIRE_FAKE_ATHENA").is_some() {
                panic!("AIRC_REQUIRE_FAKE_ATHENA is set but .venv has no duckdb/sqlglot (run scripts/test)");
            }
            eprintln!("note: duckdb/sqlglot not in .venv; fake Athena tests skipped (scripts/test installs them)");
            return None;
        };
        let server =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/fake_athena/server.py");
        let mut child = Command::new(py)
            .arg(server)
            .arg("--trail")
            .arg(trail)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the fake Athena: {e}"));
        let mut first = String::new();
        if let Some(out) = child.stdout.take() {
            let _ = BufReader::new(out).read_line(&mut first);
        }
        let addr = first
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("the fake Athena did not start: {first:?}"))
            .to_string();
        Some(FakeAthena {
            url: format!("http://{addr}"),
            child,
        })
    }

    fn http(&self, method: &str, path: &str, body: &str) -> String {
        let addr = self.url.trim_start_matches("http://");
        let mut s = TcpStream::connect(addr).unwrap_or_else(|e| panic!("{e}"));
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        s.write_all(req.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out.split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default()
    }

    /// Injects a fault (see server.py).
    pub fn fault(&self, json: &str) {
        self.http("POST", "/_fake/fault", json);
    }

    /// Every call so far: `[{"op": ..., "body": {...}}]`.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        serde_json::from_str(&self.http("GET", "/_fake/requests", ""))
            .unwrap_or_else(|e| panic!("requests: {e}"))
    }

    pub fn ops(&self, op: &str) -> Vec<serde_json::Value> {
        self.requests()
            .into_iter()
            .filter(|r| r["op"] == op)
            .map(|r| r["body"].clone())
            .collect()
    }

    /// The environment that points the SDK at this fake (with fake credentials).
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.url.clone()),
            ("AWS_ACCESS_KEY_ID", "AKIAFAKEATHENA000000".into()),
            ("AWS_SECRET_ACCESS_KEY", "fake".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ]
    }
}

impl Drop for FakeAthena {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Invictus CloudTrail files (the fixture copy).
pub fn trail() -> PathBuf {
    super::datasets_fixture().join("invictus-aws-dataset/CloudTrail")
}

pub fn airc(fake: &FakeAthena, args: &[&str]) -> Output {
    let cfg = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    Command::new(env!("CARGO_BIN_EXE_airc"))
        .args(args)
        .envs(fake.env())
        .env("AIRC_CONFIG_DIR", cfg.path())
        .env("AIRC_DATA_DIR", cfg.path())
        .env_remove("AWS_PROFILE")
        .output()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// id → (severity, detections) of each JSON line.
pub fn lines(out: &[u8]) -> Faces {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .map(|v| {
            assert_eq!(v["history"], true, "{v}");
            let det = v["detections"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|d| d.as_str().unwrap_or("").to_string())
                        .collect()
                })
                .unwrap_or_default();
            (
                v["id"].as_str().unwrap_or("").to_string(),
                (v["severity"].as_str().unwrap_or("").to_string(), det),
            )
        })
        .collect()
}

/// id → (severity, detections).
pub type Faces = BTreeMap<String, (String, Vec<String>)>;
