//! Notifiers: SNS publish, a webhook (JSON POST) and a local command (the signal as JSON on
//! stdin). Each delivery is retried with backoff and its outcome reported — never dropped.

pub mod redact;
pub mod webhook;

use crate::model::Signal;
use crate::rules::{Notifier, Route};
use serde_json::{json, Value};
use std::time::Duration;

/// SNS limits: subject under 100 characters of printable ASCII; message up to 256 KiB.
pub const SNS_SUBJECT_MAX: usize = 99;
pub const SNS_MESSAGE_MAX: usize = 256 * 1024;

/// What is sent about one routed signal.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub subject: String,
    pub body: Value,
    pub source: String,
    pub severity: String,
    pub event_type: String,
    pub targets: Vec<String>,
}

impl Message {
    /// The signal as sent; a sensitive signal the principal may not see keeps only what
    /// identifies it.
    pub fn of(s: &Signal, route: &Route, principal: Option<&str>) -> Message {
        let shown = route.allows(principal);
        let summary = if shown {
            s.summary.clone()
        } else {
            format!(
                "sensitive: details withheld (rules {}); open it in airc as an allowed principal",
                route.rules.join(", ")
            )
        };
        let subject = format!("[{}] {} {}", s.severity.label(), s.source, s.kind);
        let body = json!({
            "id": s.id, "source": s.source, "time": s.time, "severity": s.severity.label(),
            "event_type": s.kind, "title": if shown { s.title.clone() } else { s.kind.clone() },
            "summary": summary, "account": s.account, "region": s.region,
            "entities": if shown { json!(s.entities) } else { json!([]) },
            "sensitive": route.sensitive, "rules": route.rules, "targets": route.targets,
            "suggested_actions": route.suggest,
        });
        Message {
            subject: sns_subject(&subject),
            body,
            source: s.source.label().into(),
            severity: s.severity.label().into(),
            event_type: s.kind.clone(),
            targets: route.targets.clone(),
        }
    }

    /// The body as text, cut to fit SNS (the summary shortened first).
    pub fn text(&self, max: usize) -> String {
        let t = self.body.to_string();
        if t.len() <= max {
            return t;
        }
        let mut b = self.body.clone();
        b["summary"] = json!("(cut: the message exceeded the notifier's size limit)");
        b["entities"] = json!([]);
        b.to_string().chars().take(max).collect()
    }
}

/// Printable ASCII only (SNS refuses the rest), under 100 characters.
pub fn sns_subject(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .collect();
    clean.chars().take(SNS_SUBJECT_MAX).collect()
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Delivery {
    pub target: String,
    pub notifier: String,
    pub ok: bool,
    pub attempts: u32,
    pub detail: String,
}

pub fn describe(n: &Notifier) -> String {
    match (&n.sns, &n.webhook, &n.command) {
        (Some(a), _, _) => format!("sns {a}"),
        (_, Some(u), _) => format!("webhook {}", redact::url(u)),
        (_, _, Some(c)) => format!("command {}", redact::command(c)),
        _ => "nothing (empty notifier)".into(),
    }
}

async fn once(
    n: &Notifier,
    m: &Message,
    sns: Option<&aws_sdk_sns::Client>,
) -> Result<String, String> {
    if let Some(topic) = &n.sns {
        let sns = sns.ok_or("no AWS connection for SNS")?;
        let attr = |v: &str| {
            aws_sdk_sns::types::MessageAttributeValue::builder()
                .data_type("String")
                .string_value(v)
                .build()
                .map_err(|e| e.to_string())
        };
        let targets = aws_sdk_sns::types::MessageAttributeValue::builder()
            .data_type("String.Array")
            .string_value(json!(m.targets).to_string())
            .build()
            .map_err(|e| e.to_string())?;
        let out = sns
            .publish()
            .topic_arn(topic)
            .subject(&m.subject)
            .message(m.text(SNS_MESSAGE_MAX))
            .message_attributes("airc_source", attr(&m.source)?)
            .message_attributes("airc_severity", attr(&m.severity)?)
            .message_attributes("airc_event_type", attr(&m.event_type)?)
            .message_attributes("airc_targets", targets)
            .send()
            .await
            .map_err(|e| crate::aws::errors::classify(&e, "sns:Publish").to_string())?;
        return Ok(format!("message {}", out.message_id().unwrap_or("?")));
    }
    if let Some(url) = &n.webhook {
        return webhook::post(url, &m.text(SNS_MESSAGE_MAX)).await;
    }
    if let Some(cmd) = &n.command {
        return run_command(cmd, &m.body.to_string()).await;
    }
    Err("the notifier names no sns, webhook or command".into())
}

/// How long a command notifier may take, stdin included.
pub const COMMAND_DEADLINE: Duration = Duration::from_secs(30);

/// What a command notifier's environment keeps: no AWS keys or tokens (the watch's own
/// credentials), nothing else the process happened to hold.
const COMMAND_ENV: &[&str] = &[
    "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR",
];

async fn run_command(cmd: &str, stdin: &str) -> Result<String, String> {
    let cmd = cmd.to_string();
    let input = stdin.to_string();
    tokio::task::spawn_blocking(move || run_command_blocking(&cmd, input, COMMAND_DEADLINE))
        .await
        .map_err(|e| format!("command task: {e}"))?
}

/// Runs `sh -c cmd` with `stdin`, on a blocking thread (tokio's process feature would change
/// tokio's features and rebuild the whole AWS SDK for one call site). The child gets its own
/// process group and an allow-listed environment; stdin is written by a thread of its own, so
/// a child that never reads cannot hold us past the deadline; at the deadline the whole group
/// is killed, the command's own children with it. Messages name the command redacted.
pub fn run_command_blocking(
    cmd: &str,
    input: String,
    deadline: Duration,
) -> Result<String, String> {
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
    let mut child = c.spawn().map_err(|e| format!("cannot run {shown}: {e}"))?;
    if let Some(mut i) = child.stdin.take() {
        std::thread::spawn(move || {
            use std::io::Write;
            // EPIPE when the child ends without reading: nothing to do.
            let _ = i.write_all(input.as_bytes());
        });
    }
    // stderr is read on its own thread too: a child filling the pipe must not block.
    let err_reader = child.stderr.take().map(|mut e| {
        std::thread::spawn(move || {
            use std::io::Read;
            let mut buf = Vec::new();
            let _ = e.by_ref().take(64 * 1024).read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
    });
    let end = std::time::Instant::now() + deadline;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let err = err_reader.and_then(|h| h.join().ok()).unwrap_or_default();
                return if status.success() {
                    Ok(format!("exit {status}"))
                } else {
                    Err(format!(
                        "{shown}: {status} {}",
                        crate::safe_text::line(&err)
                            .chars()
                            .take(200)
                            .collect::<String>()
                    ))
                };
            }
            Ok(None) if std::time::Instant::now() < end => {
                std::thread::sleep(Duration::from_millis(20))
            }
            Ok(None) => {
                kill_group(&mut child);
                return Err(format!(
                    "{shown}: no exit within {} s (killed, with its process group)",
                    deadline.as_secs()
                ));
            }
            Err(e) => {
                kill_group(&mut child);
                return Err(format!("{shown}: {e}"));
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

/// Delivers with up to `attempts` tries, waiting `base`, 2·base, … between them.
pub async fn deliver(
    target: &str,
    n: &Notifier,
    m: &Message,
    sns: Option<&aws_sdk_sns::Client>,
    attempts: u32,
    base: Duration,
) -> Delivery {
    let mut last = String::new();
    for i in 1..=attempts.max(1) {
        match once(n, m, sns).await {
            Ok(detail) => {
                return Delivery {
                    target: target.into(),
                    notifier: describe(n),
                    ok: true,
                    attempts: i,
                    detail,
                };
            }
            Err(e) => {
                last = e;
                if i < attempts {
                    tokio::time::sleep(base.saturating_mul(1 << (i - 1).min(6))).await;
                }
            }
        }
    }
    Delivery {
        target: target.into(),
        notifier: describe(n),
        ok: false,
        attempts: attempts.max(1),
        detail: last,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_fit_sns_and_sensitive_details_are_withheld() {
        let s = sns_subject(&format!("[HIGH] health {}\n\u{1b}[31m", "X".repeat(200)));
        assert!(s.len() <= 99 && s.chars().all(|c| c.is_ascii_graphic() || c == ' '));
        let sig = crate::model::Signal {
            id: "health:a".into(),
            source: crate::model::Source::Health,
            time: chrono::Utc::now(),
            updated: None,
            severity: crate::model::Severity::High,
            severity_reason: String::new(),
            kind: "AWS_ABUSE_DOS_REPORT".into(),
            title: "t".into(),
            summary: "victim 198.51.100.7 reports a flood".into(),
            account: None,
            region: None,
            actor: None,
            abuse: None,
            category: None,
            entities: vec![],
            affected: None,
            entities_more: 0,
            raw: crate::model::Raw::None,
        };
        let route = Route {
            rules: vec!["abuse-dos".into()],
            targets: vec!["security".into()],
            sensitive: true,
            allow: vec!["arn:aws:iam::1:role/Security*".into()],
            ..Default::default()
        };
        let hidden = Message::of(&sig, &route, Some("arn:aws:iam::1:user/bob"));
        assert!(!hidden.body.to_string().contains("198.51.100.7"));
        let shown = Message::of(&sig, &route, Some("arn:aws:iam::1:role/SecurityOncall"));
        assert!(shown.body.to_string().contains("198.51.100.7"));
        let big = Message {
            body: json!({"summary": "x".repeat(300_000)}),
            ..shown
        };
        assert!(big.text(SNS_MESSAGE_MAX).len() <= SNS_MESSAGE_MAX);
    }
}

#[cfg(all(test, unix))]
mod command_tests {
    use super::*;

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
        assert!(r.unwrap_err().contains("killed"));
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
