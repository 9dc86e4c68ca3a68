//! `airc watch` as something to rely on: `--read-only` publishes nothing to SNS (moto, an SQS
//! queue subscribed to the topic), a delivery that keeps failing never re-runs the automatic
//! actions, and `--once` exits non-zero when a live source failed (fake AWS).

use crate::common;
use crate::fake_aws;

use common::moto::Moto;
use fake_aws::{FakeAws, Fault, FaultKind, World};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn airc(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_airc"))
        .args(args)
        .env("AIRC_DATA_DIR", data)
        .env("AIRC_CONFIG_DIR", data)
        .env("AWS_ACCESS_KEY_ID", "AKIAWATCHTRUST000001")
        .env("AWS_SECRET_ACCESS_KEY", "x")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .output()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn demo_files() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("assets/demo")
        .display()
        .to_string()
}

fn queue_len(rt: &tokio::runtime::Runtime, sqs: &aws_sdk_sqs::Client, q: &str) -> usize {
    rt.block_on(async {
        let mut n = 0;
        for _ in 0..10 {
            let m = sqs
                .receive_message()
                .queue_url(q)
                .max_number_of_messages(10)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e:?}"));
            if m.messages().is_empty() {
                break;
            }
            for msg in m.messages() {
                n += 1;
                let h = msg.receipt_handle().unwrap_or_default();
                let _ = sqs
                    .delete_message()
                    .queue_url(q)
                    .receipt_handle(h)
                    .send()
                    .await;
            }
        }
        n
    })
}

#[test]
fn read_only_publishes_nothing_and_the_messages_stay_owed() {
    let Some(moto) = Moto::start() else { return };
    let (rt, topic, queue, sqs) = common::moto::security_topic(&moto, "AKIAWATCHTRUST000001");
    let data = tempfile::tempdir().unwrap();
    let rules = data.path().join("rules.toml");
    std::fs::write(
        &rules,
        format!("[targets.security]\nnotify = [{{ sns = \"{topic}\" }}]\n"),
    )
    .unwrap();
    let files = demo_files();
    let args = |extra: &[&'static str]| -> Vec<String> {
        let mut a: Vec<String> = ["watch", "--files", &files, "--once", "--rules"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        a.push(rules.display().to_string());
        a.extend(["--endpoint-url", &moto.url, "--region", "us-east-1"].map(String::from));
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let run = |extra: &[&'static str]| {
        let a = args(extra);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        airc(data.path(), &a)
    };
    let out = run(&["--read-only"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("read-only: an SNS publish is an AWS write"),
        "{stdout}"
    );
    assert_eq!(
        queue_len(&rt, &sqs, &queue),
        0,
        "read-only sent nothing to SNS"
    );
    // Not recorded as sent: a run that may write sends them.
    let out = run(&[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(queue_len(&rt, &sqs, &queue) >= 7);
}

#[test]
fn a_delivery_that_keeps_failing_never_reruns_the_actions() {
    let server = FakeAws::start(World::empty());
    let data = tempfile::tempdir().unwrap();
    let rules = data.path().join("rules.toml");
    // Only the targets: the default rules stay, and they open an incident (and pin) for the
    // demo's exposed credentials.
    std::fs::write(
        &rules,
        format!(
            "[targets.security]\nnotify = [{{ webhook = \"{}/hook/x\" }}]\n",
            server.url
        ),
    )
    .unwrap();
    server.fault(Fault::new("webhook", FaultKind::Status500));
    let files = demo_files();
    let rules_s = rules.display().to_string();
    let run = || {
        airc(
            data.path(),
            &[
                "watch",
                "--files",
                &files,
                "--once",
                "--rules",
                &rules_s,
                "--attempts",
                "1",
                "--retry-wait",
                "10ms",
                "--endpoint-url",
                &server.url,
            ],
        )
    };
    let incidents = || {
        std::fs::read_dir(data.path().join("incidents"))
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .filter(|e| e.path().extension().is_some_and(|x| x == "jsonl"))
                    .count()
            })
            .unwrap_or(0)
    };
    let first = run();
    assert_eq!(first.status.code(), Some(1), "the deliveries failed");
    let opened = incidents();
    assert!(opened >= 1, "{}", String::from_utf8_lossy(&first.stdout));
    for _ in 0..2 {
        let again = run();
        assert_eq!(again.status.code(), Some(1));
        let out = String::from_utf8_lossy(&again.stdout);
        assert!(
            out.contains("\"event\":\"routed\""),
            "the deliveries are tried again: {out}"
        );
        assert!(
            !out.contains("\"action\":\"open-incident\""),
            "not the actions: {out}"
        );
    }
    assert_eq!(incidents(), opened, "no incident opened twice");
    // Once the endpoint works, everything is delivered and the pins land in the incident the
    // first run opened.
    server.clear_faults();
    assert_eq!(run().status.code(), Some(0));
    assert_eq!(incidents(), opened);
}

#[test]
fn once_exits_non_zero_when_a_live_source_failed() {
    let server = FakeAws::start(World::demo(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/demo"),
    ));
    let data = tempfile::tempdir().unwrap();
    let args = [
        "watch",
        "--once",
        "--dry-run",
        "--endpoint-url",
        &server.url,
        "--region",
        "us-east-1",
        "--sdk-attempts",
        "1",
        "--timeout",
        "3s",
    ];
    let ok = airc(data.path(), &args);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    server.fault(Fault::new("guardduty", FaultKind::AccessDenied));
    let bad = airc(data.path(), &args);
    let err = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(
        bad.status.code(),
        Some(1),
        "{err} / {}",
        String::from_utf8_lossy(&bad.stdout)
    );
    assert!(
        err.contains("source_problem") && err.contains("guardduty"),
        "{err}"
    );
}
