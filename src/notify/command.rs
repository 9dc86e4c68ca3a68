//! Command notifiers: `sh -c CMD` with the message on stdin, an allow-listed environment, its
//! own process group, and a deadline.

use super::{redact, DeliveryError};
use std::time::Duration;

/// What a command notifier's environment keeps: no AWS keys or tokens (the watch's own
/// credentials), nothing else the process happened to hold.
const COMMAND_ENV: &[&str] = &[
    "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR",
];

pub(super) async fn run(
    cmd: &str,
    stdin: &str,
    deadline: Duration,
) -> Result<String, DeliveryError> {
    let cmd = cmd.to_string();
    let input = stdin.to_string();
    let shown = redact::command(&cmd);
    tokio::task::spawn_blocking(move || run_command_blocking(&cmd, input, deadline))
        .await
        .map_err(|e| DeliveryError::Wait {
            command: shown,
            reason: e.to_string(),
        })?
}

/// Runs `sh -c cmd` with `stdin`, on a blocking thread (tokio's process feature would change
/// tokio's features and rebuild the whole AWS SDK for one call site). The child gets its own
/// process group and an allow-listed environment; stdin is written by a thread of its own, so
/// a child that never reads cannot hold us past the deadline; at the deadline the whole group
/// is killed, the command's own children with it. The deadline covers the output pipe too: a
/// command that exits but leaves a child holding its stderr (`sleep 60 &`) is timed out, the
/// group killed, when the deadline passes. Messages name the command redacted.
pub fn run_command_blocking(
    cmd: &str,
    input: String,
    deadline: Duration,
) -> Result<String, DeliveryError> {
    use std::process::{Command, Stdio};
    let shown = redact::command(cmd);
    let mut c = Command::new("sh");
    c.args(["-c", cmd])
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for k in COMMAND_ENV {
        if let Some(v) = std::env::var_os(k) {
            c.env(k, v);
        }
    }
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut c, 0);
    let mut child = c.spawn().map_err(|e| DeliveryError::Spawn {
        command: shown.clone(),
        reason: e.to_string(),
    })?;
    if let Some(mut i) = child.stdin.take() {
        std::thread::spawn(move || {
            use std::io::Write;
            // EPIPE when the child ends without reading: nothing to do.
            let _ = i.write_all(input.as_bytes());
        });
    }
    // stderr is read on its own thread too: a child filling the pipe must not block. What it
    // read comes back on a channel, so waiting for it can stop at the deadline.
    let (err_tx, err_rx) = std::sync::mpsc::channel();
    if let Some(mut e) = child.stderr.take() {
        std::thread::spawn(move || {
            use std::io::Read;
            let mut buf = Vec::new();
            let _ = e.by_ref().take(64 * 1024).read_to_end(&mut buf);
            // Drain the rest without keeping it, so a chatty child is never blocked.
            let _ = std::io::copy(&mut e, &mut std::io::sink());
            let _ = err_tx.send(String::from_utf8_lossy(&buf).into_owned());
        });
    }
    let end = std::time::Instant::now() + deadline;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let left = end.saturating_duration_since(std::time::Instant::now());
                let err = match err_rx.recv_timeout(left) {
                    Ok(e) => e,
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => String::new(),
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                        // Exited, but something it started still holds its output.
                        kill_group(&mut child);
                        return Err(DeliveryError::Deadline {
                            command: shown,
                            secs: deadline.as_secs(),
                        });
                    }
                };
                return if status.success() {
                    Ok(format!("exit {status}"))
                } else {
                    Err(DeliveryError::Exit {
                        command: shown,
                        status: status.to_string(),
                        stderr: crate::safe_text::line(&err).chars().take(200).collect(),
                    })
                };
            }
            Ok(None) if std::time::Instant::now() < end => {
                std::thread::sleep(Duration::from_millis(20))
            }
            Ok(None) => {
                kill_group(&mut child);
                return Err(DeliveryError::Deadline {
                    command: shown,
                    secs: deadline.as_secs(),
                });
            }
            Err(e) => {
                kill_group(&mut child);
                return Err(DeliveryError::Wait {
                    command: shown,
                    reason: e.to_string(),
                });
            }
        }
    }
}

fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: kill only sends a signal; -pid names the group the child leads.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(all(test, unix))]
mod command_tests {
    use super::*;

    /// Fails on the session-16 main: the shell exits at once, its background `sleep` keeps
    /// stderr open, and the delivery waited for it (60 s here, forever for `sleep 1d &`).
    #[test]
    fn a_command_that_leaves_a_child_holding_its_output_times_out_at_the_deadline() {
        let t = std::time::Instant::now();
        let r = run_command_blocking("sleep 60 &", String::new(), Duration::from_secs(1));
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
        let e = r.unwrap_err();
        assert!(e.is_timeout(), "{e}");
        // A command whose child closes its output is fine.
        let ok = run_command_blocking(
            "sleep 30 >/dev/null 2>&1 &",
            String::new(),
            Duration::from_secs(2),
        );
        assert!(ok.is_ok(), "{ok:?}");
    }

    /// A command that never reads stdin and leaves a child behind: both are gone at the
    /// deadline, and neither saw an AWS secret.
    #[test]
    fn a_stuck_command_is_killed_with_its_group_and_sees_no_aws_secret() {
        let d = tempfile::tempdir().unwrap();
        let pid_file = d.path().join("child.pid");
        let env_file = d.path().join("env");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "must-not-leak");
        std::env::set_var("AWS_SESSION_TOKEN", "must-not-leak-either");
        let cmd = format!(
            "env > {e}; sleep 300 & echo $! > {p}; sleep 300",
            e = env_file.display(),
            p = pid_file.display()
        );
        // More than a pipe holds: a writer on this thread would block forever.
        let input = "x".repeat(1 << 20);
        let t = std::time::Instant::now();
        let r = run_command_blocking(&cmd, input, Duration::from_secs(2));
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
        assert!(r.unwrap_err().to_string().contains("killed"));
        let child: i32 = std::fs::read_to_string(&pid_file)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let mut gone = false;
        for _ in 0..50 {
            // Gone, or a zombie waiting for a reaper (killed: its parent was killed too).
            let stat = std::fs::read_to_string(format!("/proc/{child}/stat")).unwrap_or_default();
            let state = stat
                .rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .chars()
                .next();
            if stat.is_empty() || state == Some('Z') {
                gone = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(gone, "the command's own child was killed with the group");
        let env = std::fs::read_to_string(&env_file).unwrap();
        assert!(
            !env.contains("must-not-leak") && !env.contains("AWS_"),
            "{env}"
        );
        assert!(env.contains("PATH="));
    }
}
