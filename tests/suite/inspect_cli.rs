//! `airc inspect` as a user runs it: exit codes, errors that name file and place, one bad file
//! never stopping the others, and hostile strings never reaching the terminal raw.

use crate::common;

use std::path::Path;

fn write(dir: &Path, name: &str, body: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap_or_else(|e| panic!("{e}"));
    p.display().to_string()
}

const GOOD: &str = r#"{"Records":[{"eventVersion":"1.08","eventID":"ok-1","eventName":"ListBuckets","eventSource":"s3.amazonaws.com","eventTime":"2024-01-01T00:00:00Z","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.1","userIdentity":{"type":"IAMUser","userName":"alice"},"recipientAccountId":"111122223333"}]}"#;

#[test]
fn a_clean_set_exits_zero_and_reports_totals_in_json() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(dir.path(), "good.json", GOOD);
    write(dir.path(), "README.md", "# notes\nnot event data\n");
    let out = common::airc(&["inspect", "--json", &dir.path().display().to_string()]);
    assert_eq!(out.status.code(), Some(0));
    let v = common::json_of(&out);
    assert_eq!(
        v["totals"],
        serde_json::json!({"cloudtrail": 1, "guardduty": 0, "health": 0, "securityhub": 0, "macie": 0,
            "inspector": 0, "accessanalyzer": 0, "monitors": 0, "s3access": 0, "dns": 0, "network": 0,
            "flow_records": 0, "conversations": 0})
    );
    assert_eq!(v["summary"]["no_event_data"], 1);
    assert_eq!(v["entities"]["iam_user"], 1);
    assert_eq!(v["entities"]["ip"], 1);
}

#[test]
fn bad_files_are_all_reported_with_place_and_reason_and_exit_one() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let good = write(dir.path(), "a-good.json", GOOD);
    let truncated = write(dir.path(), "b-truncated.json", &GOOD[..GOOD.len() - 20]);
    let bad_line = write(
        dir.path(),
        "c-lines.jsonl",
        "{\"eventID\":\"l1\",\"eventName\":\"GetObject\",\"eventSource\":\"s3.amazonaws.com\",\"eventTime\":\"2024-01-01T00:00:00Z\"}\n{oops}\n{\"eventID\":\"l3\",\"eventName\":\"PutObject\",\"eventSource\":\"s3.amazonaws.com\",\"eventTime\":\"2024-01-01T00:00:01Z\"}\n",
    );
    let no_time = write(
        dir.path(),
        "d-no-time.json",
        r#"[{"eventID":"x","eventName":"GetObject","eventSource":"s3.amazonaws.com"}]"#,
    );
    let missing = dir.path().join("e-missing.json").display().to_string();
    let gz = write(dir.path(), "f-fake.json.gz", "this is not gzip");
    let out = common::airc(&[
        "inspect", &good, &truncated, &bad_line, &no_time, &missing, &gz,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!(
            "error: {truncated}: line 1 column 273: truncated JSON (file ends inside a value)"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("error: {bad_line}: line 2 column 2")),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "error: {no_time}: record 0: CloudTrail record has neither eventTime nor @timestamp"
        )),
        "{text}"
    );
    assert!(text.contains(&format!("error: {missing}: open:")), "{text}");
    assert!(text.contains(&format!("error: {gz}: read:")), "{text}");
    // The good file and the good lines still count.
    assert!(
        text.contains("totals (distinct): cloudtrail 3, guardduty 0, health 0"),
        "{text}"
    );
    assert!(
        text.contains("files: 1 loaded, 0 with no event data, 5 failed"),
        "{text}"
    );
}

#[test]
fn hostile_strings_are_stripped_before_the_terminal() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // A file name and a record carrying escape sequences and a bidi override.
    let name = "evil\u{1b}]0;pwned\u{7}\u{202e}.json";
    write(
        dir.path(),
        name,
        r#"[{"eventID":"e","eventName":"\u001b[2J\u001b]52;c;ZXZpbA==\u0007Get","eventSource":"s3.amazonaws.com"}]"#,
    );
    let out = common::airc(&["inspect", &dir.path().display().to_string()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'),
        "{text:?}"
    );
    assert!(text.contains("evil.json"), "{text}");
    // JSON output escapes them instead.
    let out = common::airc(&["inspect", "--json", &dir.path().display().to_string()]);
    assert!(!out.stdout.contains(&0x1b));
}

#[test]
fn no_subcommand_tells_the_user_what_to_run() {
    // No terminal here: the live console refuses before polling anything, and says what to run.
    let out = common::airc(&["--endpoint-url", "http://127.0.0.1:9"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("needs a terminal") && err.contains("airc inspect"),
        "{err}"
    );
    assert!(err.contains("airc demo"), "{err}");
    let out = common::airc(&["--poll", "s3=1s"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown source s3"));
}

/// Hostile review of issue 34 (session 20): `airc inspect --json DIR | head -c 600` panicked
/// ("failed printing to stdout: Broken pipe") once `head` had what it wanted.
#[test]
fn a_reader_that_stops_early_ends_inspect_quietly() {
    use std::io::Read;
    let data = tempfile::tempdir().unwrap();
    let mut child = common::airc_in(data.path())
        .args(["inspect", "--json"])
        .arg(common::datasets_fixture())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe is closed here (dropped), as `head` closes it.
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "{err}"
    );
}
