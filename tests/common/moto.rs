//! moto server (an AWS emulator from PyPI) on 127.0.0.1 for the response-action tests. Found at
//! AIRC_MOTO_SERVER, `.venv/bin/moto_server`, or on PATH; `scripts/test` installs it. When it is
//! missing the tests skip, unless AIRC_REQUIRE_MOTO is set (as `.ci/run` does).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Moto {
    pub url: String,
    child: Child,
}

fn find() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("AIRC_MOTO_SERVER") {
        return Some(PathBuf::from(p));
    }
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server");
    if local.exists() {
        return Some(local);
    }
    Command::new("moto_server")
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()
        .filter(|s| s.success())
        .map(|_| PathBuf::from("moto_server"))
}

impl Moto {
    /// A fresh moto on a free port, or None (skip) when moto is not installed.
    pub fn start() -> Option<Moto> {
        let Some(bin) = find() else {
            if std::env::var_os("AIRC_REQUIRE_MOTO").is_some() {
                panic!("AIRC_REQUIRE_MOTO is set but moto_server was not found (run scripts/test)");
            }
            eprintln!("note: moto_server not installed; response-action tests skipped (scripts/test installs it)");
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or_else(|e| panic!("no free port: {e}"));
        let child = Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto_server did not start on {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(Moto {
            url: format!("http://127.0.0.1:{port}"),
            child,
        })
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
