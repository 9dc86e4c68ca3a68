//! `airc hunt` and `airc athena ddl`, the real binary against the fake Athena (DuckDB running
//! the transpiled SQL over a `cloudtrail` table built from the Invictus CloudTrail files): for
//! ten entities and two windows each, the hunt returns exactly the signals a local replay of the
//! same files gives for that entity and window; the DDL runs; the scan cap stops the query with
//! StopQueryExecution; a FAILED query shows Athena's reason; throttling is waited out.

mod common;

use common::fake_athena::FakeAthena;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output};

fn trail() -> PathBuf {
    common::datasets_fixture().join("invictus-aws-dataset/CloudTrail")
}

fn airc(fake: &FakeAthena, args: &[&str]) -> Output {
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
fn lines(out: &[u8]) -> Faces {
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

/// Every record of the trail's files as the replay's normalizer makes it, in file order.
fn replay_signals() -> Vec<airc::model::Signal> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(trail())
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let doc: Value = serde_json::from_slice(&std::fs::read(&f).unwrap_or_default())
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        for rec in doc["Records"].as_array().cloned().unwrap_or_default() {
            let opts = airc::normalize::Options::without_raw();
            if let Ok((_, airc::normalize::Normalized::Signal(a))) =
                airc::normalize::normalize_record(rec, &opts)
            {
                out.push(a.signal);
            }
        }
    }
    out
}

/// What the replay gives for the entity and window: id → (severity, detections).
fn replayed(signals: &[airc::model::Signal], entity: &str, from: &str, until: &str) -> Faces {
    let e = airc::hunt::target::parse(entity).unwrap_or_else(|e| panic!("{e}"));
    let t = |s: &str| airc::model::time::parse_str(s).unwrap_or_else(|| panic!("{s}"));
    let w = airc::hunt::Window::new(t(from), t(until)).unwrap_or_else(|e| panic!("{e}"));
    signals
        .iter()
        .filter(|s| w.contains(s.time) && s.touches(&e))
        .map(|s| {
            (
                s.id.to_string(),
                (
                    s.severity.label().to_string(),
                    s.detections().iter().map(|d| d.rule.credit()).collect(),
                ),
            )
        })
        .collect()
}

type Faces = BTreeMap<String, (String, Vec<String>)>;

/// What differs, briefly: ids only one side has, and faces that differ.
fn diff(got: &Faces, want: &Faces) -> String {
    let mut out = Vec::new();
    for (k, v) in got {
        match want.get(k) {
            None => out.push(format!("extra {k} {v:?}")),
            Some(w) if w != v => out.push(format!("{k}: hunt {v:?} replay {w:?}")),
            _ => {}
        }
    }
    for (k, v) in want {
        if !got.contains_key(k) {
            out.push(format!("missing {k} {v:?}"));
        }
    }
    let n = out.len();
    out.truncate(12);
    format!("{n} differences: {}", out.join("; "))
}

const ENTITIES: [&str; 10] = [
    "access_key:AKIATFQR7NSC8Q4X20BJ",
    "access_key:ASIATFQR7NSCSUD2OWV6",
    "iam_user:bert-jan",
    "iam_user:benjamin",
    "assumed_role:stratus-red-team-ec2-steal-credentials-role/i-0dbc91f429e48eeed",
    "iam_role:stratus-red-team-ec2-get-password-data-role",
    "ip:192.168.10.20",
    "ip:3.225.16.109",
    "bucket:stratus-red-team-ctlr-bucket-zqfsvooxqj",
    "instance:i-0dbc91f429e48eeed",
];

const WINDOWS: [(&str, &str); 2] = [
    ("2023-07-10T11:00:00Z", "2023-07-10T12:02:30Z"),
    ("2023-07-10T12:02:31Z", "2023-07-10T23:59:59Z"),
];

#[test]
fn hunts_return_exactly_what_a_replay_gives() {
    let Some(fake) = FakeAthena::start(&trail(), &[]) else {
        return;
    };
    let signals = replay_signals();
    let mut total = 0;
    let mut via = std::collections::BTreeSet::new();
    for entity in ENTITIES {
        for (from, until) in WINDOWS {
            let out = airc(
                &fake,
                &[
                    "hunt",
                    entity,
                    "--from",
                    from,
                    "--until",
                    until,
                    "--json",
                    "--athena-output",
                    "s3://airc-results/hunts/",
                ],
            );
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "{entity} {from}: {err}");
            let got = lines(&out.stdout);
            let want = replayed(&signals, entity, from, until);
            assert!(
                got == want,
                "{entity} {from}..{until}: {}\n{err}",
                diff(&got, &want)
            );
            total += got.len();
            via.extend(
                err.lines()
                    .filter_map(|l| l.split("read through ").nth(1))
                    .map(str::to_string),
            );
        }
    }
    assert!(total > 2000, "the hunts found {total} signals");
    // Small answers from their GetQueryResults page, large ones streamed as the CSV in S3.
    assert_eq!(
        via.into_iter().collect::<Vec<_>>(),
        ["GetQueryResults", "the CSV result in S3"]
    );
    assert!(!fake.ops("s3:GetObject").is_empty());
    // Every statement names the partitions, so none scanned the whole table.
    for b in fake.ops("StartQueryExecution") {
        let q = b["QueryString"].as_str().unwrap_or("");
        assert!(
            q.contains("\"timestamp\" BETWEEN '2023/07/10' AND '2023/07/11'"),
            "{q}"
        );
        assert_eq!(
            b["ResultReuseConfiguration"]["ResultReuseByAgeConfiguration"]["Enabled"],
            true
        );
    }
}

#[test]
fn ddl_runs_in_the_fake_and_the_table_answers_hunts() {
    let Some(fake) = FakeAthena::start(&trail(), &["--no-default-table"]) else {
        return;
    };
    let ddl = airc(
        &fake,
        &[
            "athena",
            "ddl",
            "--bucket",
            "airc-trail",
            "--organization",
            "o-a1b2c3d4e5",
            "--account",
            "218007301253",
            "--athena-table",
            "org_trail",
            "--athena-output",
            "s3://airc-results/ddl/",
            "--execute",
        ],
    );
    let err = String::from_utf8_lossy(&ddl.stderr);
    assert!(ddl.status.success(), "{err}");
    let text = String::from_utf8_lossy(&ddl.stdout);
    assert!(
        text.starts_with("CREATE EXTERNAL TABLE IF NOT EXISTS `default`.`org_trail`"),
        "{text}"
    );
    assert!(err.contains("table default.org_trail created"), "{err}");
    assert_eq!(
        fake.ops("StartQueryExecution")[0]["QueryString"]
            .as_str()
            .map(|q| q.trim_end_matches(';')),
        Some(text.trim_end().trim_end_matches(';'))
    );
    let out = airc(
        &fake,
        &[
            "hunt",
            "ip:3.225.16.109",
            "--from",
            "2023-07-10",
            "--until",
            "2023-07-11",
            "--json",
            "--athena-table",
            "org_trail",
            "--account",
            "218007301253",
            "--region",
            "us-east-1",
            "--athena-output",
            "s3://airc-results/hunts/",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(lines(&out.stdout).len(), 13);
    let q = fake.ops("StartQueryExecution").pop().unwrap_or_default();
    let q = q["QueryString"].as_str().unwrap_or("");
    assert!(
        q.contains("AND account IN ('218007301253')\n  AND region IN ('us-east-1')"),
        "{q}"
    );
    // Without a bucket name it knows nothing is made.
    let bad = airc(
        &fake,
        &[
            "athena",
            "ddl",
            "--bucket",
            "x'y",
            "--account",
            "218007301253",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn the_scan_cap_stops_the_query_and_says_so() {
    let Some(fake) = FakeAthena::start(&trail(), &[]) else {
        return;
    };
    fake.fault(r#"{"kind": "slow", "seconds": 30, "scan_bytes_per_sec": 20000000000}"#);
    let t0 = std::time::Instant::now();
    let out = airc(
        &fake,
        &[
            "hunt",
            "iam_user:bert-jan",
            "--since",
            "3650d",
            "--max-scan",
            "1GB",
            "--athena-output",
            "s3://airc-results/hunts/",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the scan passed the cap") && err.contains("--max-scan 1.07 GB"),
        "{err}"
    );
    assert!(err.contains("StopQueryExecution sent"), "{err}");
    assert!(
        t0.elapsed() < std::time::Duration::from_secs(20),
        "stopped early, not after the slow query"
    );
    assert_eq!(fake.ops("StopQueryExecution").len(), 1);
    assert!(out.stdout.is_empty());
}

#[test]
fn failures_throttling_and_the_time_limit_are_reported() {
    let Some(fake) = FakeAthena::start(&trail(), &[]) else {
        return;
    };
    let hunt = |extra: &[&str]| {
        let mut args = vec![
            "hunt",
            "ip:3.225.16.109",
            "--from",
            "2023-07-10",
            "--until",
            "2023-07-11",
            "--json",
            "--athena-output",
            "s3://airc-results/hunts/",
        ];
        args.extend_from_slice(extra);
        airc(&fake, &args)
    };
    fake.fault(
        r#"{"kind": "fail", "reason": "HIVE_BAD_DATA: Error parsing field value for field 3"}"#,
    );
    let out = hunt(&[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("Athena query FAILED: HIVE_BAD_DATA: Error parsing field value for field 3"),
        "{err}"
    );

    fake.fault(r#"{"kind": "throttle", "op": "StartQueryExecution", "count": 4}"#);
    let out = hunt(&[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("Athena is throttling (TooManyRequestsException"),
        "{err}"
    );
    assert_eq!(lines(&out.stdout).len(), 13);

    // The same hunt again: Athena's result reuse answers without a scan.
    let out = hunt(&[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Athena reused an earlier result"), "{err}");

    fake.fault(r#"{"kind": "slow", "seconds": 30}"#);
    let out = hunt(&["--athena-timeout", "2s", "--account", "218007301253"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("still RUNNING after") && err.contains("StopQueryExecution sent"),
        "{err}"
    );

    // A query with no partition predicate is refused by the fake's cost guard.
    let no_day = "SELECT eventid FROM cloudtrail WHERE sourceipaddress = '3.225.16.109'";
    let out = fake_query(&fake, no_day);
    assert!(out.contains("COST_GUARD"), "{out}");
}

/// Runs a raw statement through the fake with the SDK (the CLI never sends one without its
/// partitions): its final state reason.
fn fake_query(fake: &FakeAthena, sql: &str) -> String {
    for (k, v) in fake.env() {
        std::env::set_var(k, v);
    }
    let rt = tokio::runtime::Runtime::new().unwrap_or_else(|e| panic!("{e}"));
    rt.block_on(async {
        let cfg = airc::athena::Config {
            output: Some("s3://airc-results/raw/".into()),
            ..Default::default()
        };
        airc::athena::execute(&cfg, sql).await.line()
    })
}

#[test]
fn quote_injection_reaches_the_engine_as_a_literal() {
    let Some(fake) = FakeAthena::start(&trail(), &[]) else {
        return;
    };
    for hostile in [
        "iam_user:x' OR '1'='1",
        r"bucket:a\' OR 1=1 --",
        "iam_user:bert-jan') OR (1=1",
    ] {
        let out = airc(
            &fake,
            &[
                "hunt",
                hostile,
                "--from",
                "2023-07-10",
                "--until",
                "2023-07-11",
                "--json",
                "--athena-output",
                "s3://airc-results/hunts/",
            ],
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{hostile}: {err}");
        assert!(err.contains("0 signals from 0 rows"), "{hostile}: {err}");
    }
}
