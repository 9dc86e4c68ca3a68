//! The real binary in tmux: start it, send keys, read the screen.
#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    pub socket: String,
    pub dir: tempfile::TempDir,
    pub log: String,
}

pub fn tmux_available() -> bool {
    let ok = Command::new("tmux")
        .arg("-V")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok && std::env::var_os("AIRC_REQUIRE_TMUX").is_some() {
        panic!("AIRC_REQUIRE_TMUX is set but tmux is not installed");
    }
    if !ok {
        eprintln!("note: tmux not installed; end-to-end test skipped");
    }
    ok
}

impl Tmux {
    pub fn start(name: &str, args: &str) -> Tmux {
        Tmux::start_with_env(name, "", args)
    }

    /// `env`: extra `NAME=value` words put before the command.
    pub fn start_with_env(name: &str, env: &str, args: &str) -> Tmux {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let socket = format!("airc-e2e-{name}-{}", std::process::id());
        let log = dir.path().join(format!("{name}.log")).display().to_string();
        let editor = dir.path().join("editor.sh");
        let _ = std::fs::write(&editor, "#!/bin/sh\necho 'added in the editor' >> \"$1\"\n");
        let _ = Command::new("chmod").arg("+x").arg(&editor).status();
        let script = format!(
            "{env} EDITOR={e} AIRC_DATA_DIR={d} AIRC_CONFIG_DIR={d} {bin} {args} --log-file {log}; echo EXITED rc=$?; sleep 60",
            e = editor.display(),
            d = dir.path().display(),
            bin = env!("CARGO_BIN_EXE_airc"),
        );
        let status = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "new-session",
                "-d",
                "-x",
                "160",
                "-y",
                "48",
                "sh",
                "-c",
                &script,
            ])
            .status()
            .unwrap_or_else(|e| panic!("tmux: {e}"));
        assert!(status.success());
        Tmux { socket, dir, log }
    }

    pub fn capture(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p"])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            let status = Command::new("tmux")
                .args(["-L", &self.socket, "send-keys", k])
                .status()
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(status.success());
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    pub fn type_text(&self, text: &str) {
        let status = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-l", text])
            .status()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(status.success());
        std::thread::sleep(Duration::from_millis(100));
    }

    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(25);
        loop {
            let screen = self.capture();
            // A settled frame: the same screen a moment later, so assertions never read a
            // frame the terminal was still drawing.
            if pred(&screen) {
                std::thread::sleep(Duration::from_millis(60));
                if self.capture() == screen {
                    return screen;
                }
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The demo console is up; `N`, the title, enter: an incident is open.
    pub fn demo_incident(&self, title: &str) {
        self.wait_for("the console", |s| s.contains("CloudTrail ("));
        self.keys(&["N"]);
        self.wait_for("the title prompt", |s| s.contains("New incident"));
        self.type_text(title);
        self.keys(&["Enter"]);
        self.wait_for("the incident", |s| s.contains("P2 detected"));
    }

    pub fn option(&self, fmt: &str) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "display-message", "-p", fmt])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}
