//! `airc watch` end to end: SNS delivery into moto (a topic with an SQS queue subscribed; a
//! second run sends nothing), webhook delivery with a failing endpoint and retries against the
//! fake AWS's webhook receiver, sensitive details withheld, and `--dry-run`.

use crate::common;
use crate::fake_aws;

use common::moto::Moto;
use fake_aws::{FakeAws, Fault, FaultKind, World};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn demo_files() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/demo")
}

fn watch(data: &Path, rules: &Path, extra: &[&str]) -> Output {
    let files = demo_files();
    let mut args = vec![
        "watch",
        "--files",
        files.to_str().unwrap_or(""),
        "--once",
        "--rules",
        rules.to_str().unwrap_or(""),
    ];
    args.extend_from_slice(extra);
    Command::new(env!("CARGO_BIN_EXE_airc"))
        .args(&args)
        .env("AIRC_DATA_DIR", data)
        .env("AIRC_CONFIG_DIR", data)
        .env("AWS_ACCESS_KEY_ID", "AKIAWATCHTEST0000001")
        .env("AWS_SECRET_ACCESS_KEY", "x")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .output()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

#[test]
fn sns_delivery_to_a_subscribed_queue_and_no_repeat_on_the_next_run() {
    let Some(moto) = Moto::start() else { return };
    let (rt, topic, queue, sqs) = common::moto::security_topic(&moto, "AKIAWATCHTEST0000001");
    let data = tempfile::tempdir().unwrap();
    let rules = data.path().join("rules.toml");
    std::fs::write(
        &rules,
        format!("[targets.security]\nnotify = [{{ sns = \"{topic}\" }}]\n"),
    )
    .unwrap();
    let out = watch(
        data.path(),
        &rules,
        &["--endpoint-url", &moto.url, "--region", "us-east-1"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let routed: Vec<_> = lines(&out)
        .into_iter()
        .filter(|l| l["event"] == "routed")
        .collect();
    let to_security = routed
        .iter()
        .filter(|l| {
            l["targets"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t == "security")
        })
        .count();
    assert!(to_security >= 7, "{routed:#?}");
    let delivered: Vec<_> = lines(&out)
        .into_iter()
        .filter(|l| l["event"] == "delivery")
        .collect();
    assert_eq!(delivered.len(), to_security, "{delivered:#?}");
    assert!(delivered.iter().all(|d| d["ok"] == true), "{delivered:#?}");
    let mut bodies = Vec::new();
    rt.block_on(async {
        for _ in 0..10 {
            let m = sqs
                .receive_message()
                .queue_url(&queue)
                .max_number_of_messages(10)
                .send()
                .await
                .unwrap();
            if m.messages().is_empty() {
                break;
            }
            for msg in m.messages() {
                bodies.push(msg.body().unwrap_or_default().to_string());
                sqs.delete_message()
                    .queue_url(&queue)
                    .receipt_handle(msg.receipt_handle().unwrap_or_default())
                    .send()
                    .await
                    .unwrap();
            }
        }
    });
    assert_eq!(
        bodies.len(),
        to_security,
        "one message per signal routed to security"
    );
    let envelope: serde_json::Value = serde_json::from_str(&bodies[0]).unwrap();
    let subject = envelope["Subject"].as_str().unwrap();
    assert!(subject.len() < 100 && subject.starts_with('['), "{subject}");
    assert_eq!(
        envelope["MessageAttributes"]["airc_source"]["Type"],
        "String"
    );
    let inner: serde_json::Value =
        serde_json::from_str(envelope["Message"].as_str().unwrap()).unwrap();
    assert!(inner["rules"].is_array() && inner["targets"][0] == "security");
    // Sensitive: no STS principal in a file replay, so the abuse report's details stay out.
    let abuse = bodies
        .iter()
        .find(|b| b.contains("AWS_ABUSE_PORT_SCANNING"))
        .expect("the abuse report");
    assert!(
        !abuse.contains("198.51.100") && abuse.contains("details withheld"),
        "{abuse}"
    );
    // A second run: the dedup store says all of it was sent.
    let again = watch(
        data.path(),
        &rules,
        &["--endpoint-url", &moto.url, "--region", "us-east-1"],
    );
    assert_eq!(again.status.code(), Some(0));
    assert!(
        lines(&again).iter().all(|l| l["event"] != "routed"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
    let left = rt.block_on(async {
        sqs.receive_message()
            .queue_url(&queue)
            .send()
            .await
            .unwrap()
            .messages()
            .len()
    });
    assert_eq!(left, 0, "nothing sent twice");
}

#[test]
fn webhook_retries_a_failing_endpoint_and_reports_one_that_stays_down() {
    let server = FakeAws::start(World::empty());
    let data = tempfile::tempdir().unwrap();
    let rules = data.path().join("rules.toml");
    std::fs::write(
        &rules,
        format!(
            "[targets.security]\nnotify = [{{ webhook = \"{}/hook/T001/secret\" }}]\n",
            server.url
        ),
    )
    .unwrap();
    // Two failures, then the endpoint works: every delivery goes out, some on a retry.
    server.fault(Fault::new("webhook", FaultKind::Status500).times(2));
    let out = watch(
        data.path(),
        &rules,
        &[
            "--retry-wait",
            "50ms",
            "--attempts",
            "3",
            "--endpoint-url",
            &server.url,
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let routed: Vec<_> = lines(&out)
        .into_iter()
        .filter(|l| l["event"] == "routed" && l["targets"].to_string().contains("security"))
        .collect();
    assert!(!routed.is_empty());
    let all = lines(&out);
    let deliveries: Vec<&serde_json::Value> =
        all.iter().filter(|l| l["event"] == "delivery").collect();
    assert_eq!(deliveries.len(), routed.len(), "{deliveries:#?}");
    assert!(deliveries.iter().all(|d| d["ok"] == true));
    // Deliveries run side by side: the two failures fell on one delivery or on two.
    let retries: u64 = deliveries
        .iter()
        .map(|d| d["attempts"].as_u64().unwrap_or(1) - 1)
        .sum();
    assert_eq!(retries, 2, "the two failures were retried: {deliveries:?}");
    let posts = server.with(|w| w.log.iter().filter(|r| r.service == "webhook").count());
    assert_eq!(posts, deliveries.len() + 2, "the two failures were retried");
    let body = server.with(|w| {
        w.log
            .iter()
            .rev()
            .find(|r| r.service == "webhook" && r.status == 200)
            .map(|r| r.body.clone())
            .unwrap()
    });
    assert!(
        body["severity"].is_string() && body["targets"][0] == "security",
        "{body}"
    );
    assert!(
        !deliveries
            .iter()
            .any(|d| d["notifier"].as_str().unwrap_or("").contains("secret")),
        "webhook secrets are not logged"
    );
    // An endpoint that stays down: reported, exit 1, and tried again on the next run.
    let data2 = tempfile::tempdir().unwrap();
    server.fault(Fault::new("webhook", FaultKind::Status500));
    let out = watch(
        data2.path(),
        &rules,
        &[
            "--retry-wait",
            "10ms",
            "--attempts",
            "2",
            "--endpoint-url",
            &server.url,
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("delivery_failed") && err.contains("HTTP 500"),
        "{err}"
    );
    server.clear_faults();
    let out = watch(
        data2.path(),
        &rules,
        &["--retry-wait", "10ms", "--endpoint-url", &server.url],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(
        lines(&out).iter().any(|l| l["event"] == "routed"),
        "the failed ones are sent now"
    );
}

#[test]
fn dry_run_sends_nothing_and_remembers_nothing() {
    let server = FakeAws::start(World::empty());
    let data = tempfile::tempdir().unwrap();
    let rules = data.path().join("rules.toml");
    std::fs::write(
        &rules,
        format!(
            "[targets.security]\nnotify = [{{ webhook = \"{}/hook/x\" }}]\n",
            server.url
        ),
    )
    .unwrap();
    let out = watch(data.path(), &rules, &["--dry-run"]);
    assert_eq!(out.status.code(), Some(0));
    let l = lines(&out);
    assert!(l.iter().any(
        |x| x["event"] == "routed" && x["would_send"].as_array().is_some_and(|w| !w.is_empty())
    ));
    assert!(l.iter().any(|x| x["event"] == "action"
        && x["action"] == "open-incident"
        && x["would_run"] == true));
    assert!(server.with(|w| w.log.is_empty()), "nothing sent");
    assert!(
        !data.path().join("watch-seen.jsonl").exists(),
        "nothing remembered"
    );
    assert!(
        !data.path().join("incidents").exists(),
        "no incident opened"
    );
}

/// A story rule pages once per story: the demo's attack reaches three tactics, the command
/// notifier gets the story (not each of its signals), and a second run sends nothing. A rule
/// asking for more tactics than the story has never fires.
#[test]
fn a_story_reaching_three_tactics_is_sent_once() {
    let data = tempfile::tempdir().unwrap();
    let got = data.path().join("paged.txt");
    let rules = data.path().join("rules.toml");
    std::fs::write(
        &rules,
        format!(
            "[targets.security]\nnotify = [{{ command = \"cat >> {} && echo >> {}\" }}]\n\
             [[rule]]\nname = \"three-tactics\"\nmatch = {{ story_tactics = 3 }}\nroute = [\"security\"]\n\
             [[rule]]\nname = \"never\"\nmatch = {{ story_tactics = 20 }}\nroute = [\"security\"]\n",
            got.display(),
            got.display()
        ),
    )
    .unwrap();
    let out = watch(data.path(), &rules, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stories: Vec<serde_json::Value> = lines(&out)
        .into_iter()
        .filter(|l| l["event"] == "story")
        .collect();
    assert_eq!(stories.len(), 1, "{stories:#?}");
    let s = &stories[0];
    assert_eq!(s["rules"], serde_json::json!(["three-tactics"]));
    assert!(s["tactics"].as_array().map_or(0, Vec::len) >= 3, "{s}");
    assert!(s["story"].as_str().unwrap_or("").starts_with("S-"));
    let sent: Vec<serde_json::Value> = lines(&out)
        .into_iter()
        .filter(|l| l["event"] == "delivery" && l["signal"] == s["story"])
        .collect();
    assert!(sent.len() == 1 && sent[0]["ok"] == true, "{sent:#?}");
    let paged = std::fs::read_to_string(&got).unwrap();
    assert_eq!(paged.lines().count(), 1, "{paged}");
    assert!(paged.contains("attack_story") && paged.contains(s["story"].as_str().unwrap()));
    // No routed line: the signals themselves match no rule.
    assert!(lines(&out).iter().all(|l| l["event"] != "routed"));

    let again = watch(data.path(), &rules, &[]);
    assert!(again.status.success());
    assert!(lines(&again).iter().all(|l| l["event"] != "story"));
    assert_eq!(std::fs::read_to_string(&got).unwrap(), paged);
}
