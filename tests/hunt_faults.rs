//! `airc athena ddl` and `airc hunt`'s limits against the fake Athena: the DDL runs and the table
//! it makes answers hunts; the scan cap stops the query with StopQueryExecution; a FAILED query
//! shows Athena's reason; throttling is waited out; result reuse; Athena's time limit; the fake's
//! cost guard; quote injection reaches the engine as a literal.

mod common;

use common::fake_athena::{airc, lines, trail, FakeAthena};

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
    // A trail of one account: the table projects only the accounts named, and another
    // account's files are not there for Athena.
    let one = airc(
        &fake,
        &[
            "athena",
            "ddl",
            "--bucket",
            "airc-trail",
            "--account",
            "111122223333",
            "--athena-table",
            "one_account",
            "--athena-output",
            "s3://airc-results/ddl/",
            "--execute",
        ],
    );
    let text = String::from_utf8_lossy(&one.stdout);
    assert!(
        one.status.success(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    assert!(
        text.contains("'storage.location.template'='s3://airc-trail/AWSLogs/${account}/CloudTrail/${region}/${timestamp}'"),
        "{text}"
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
            "one_account",
            "--athena-output",
            "s3://airc-results/hunts/",
        ],
    );
    assert!(out.status.success());
    assert!(
        lines(&out.stdout).is_empty(),
        "account 218007301253 is not projected"
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

/// A flow log table: the fake refuses a query of it without its `day` partition; a hunt whose
/// other table is missing still answers from the flows, and says which table failed; the scan
/// cap counts every table's scan.
#[test]
fn network_tables_are_guarded_and_a_failing_one_is_said() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let day = dir
        .path()
        .join("AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/01/15");
    std::fs::create_dir_all(&day).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        day.join("111122223333_vpcflowlogs_us-east-1_fl-1_20260115T0300Z_a.log"),
        "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n\
         2 111122223333 eni-1 10.0.0.5 203.0.113.9 40000 443 6 10 5000 1768446000 1768446059 ACCEPT OK\n\
         2 111122223333 eni-1 203.0.113.9 10.0.0.5 443 40000 6 12 9000 1768446000 1768446059 ACCEPT OK\n\
         2 111122223333 eni-1 - - - - - - - 1768446000 1768446059 - NODATA\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let Some(fake) = FakeAthena::start(dir.path(), &[]) else {
        return;
    };
    let out = airc(
        &fake,
        &[
            "athena",
            "ddl",
            "--logs",
            "vpcflow",
            "--bucket",
            "airc-trail",
            "--account",
            "111122223333",
            "--region",
            "us-east-1",
            "--execute",
            "--athena-output",
            "s3://airc-results/ddl/",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let no_day = "SELECT srcaddr FROM vpc_flow_logs WHERE srcaddr = '10.0.0.5'";
    let refused = fake_query(&fake, no_day);
    assert!(
        refused.contains("COST_GUARD") && refused.contains("'day'"),
        "{refused}"
    );
    let hunt = |from: &str, extra: &[&str]| {
        let mut args = vec![
            "hunt",
            "ip:203.0.113.9",
            "--from",
            from,
            "--until",
            "2026-01-16",
            "--json",
            "--athena-output",
            "s3://airc-results/hunts/",
            "--athena-vpcflow-table",
            "vpc_flow_logs",
        ];
        args.extend_from_slice(extra);
        airc(&fake, &args)
    };
    let out = hunt("2026-01-15", &["--athena-resolver-table", "nosuch"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("FAILED: default.nosuch: TABLE_NOT_FOUND"),
        "{err}"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.matches("\"flow\"").count(), 2, "{text}");
    assert!(text.contains("\"bytes\":9000"), "{text}");
    // The cap is the hunt's: the flows' file (369 bytes) spends a cap of 300, so the table
    // after it is not asked (another window: no result to reuse).
    let out = hunt(
        "2026-01-15T01:00:00Z",
        &["--athena-resolver-table", "nosuch", "--max-scan", "300"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("cancelled: the hunt's scan cap (300 B) is spent before default.nosuch"),
        "{err}"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout)
            .matches("\"flow\"")
            .count(),
        2
    );
}
