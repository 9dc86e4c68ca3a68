//! `airc detections test FILE`: a signal a routing rule marks sensitive shows what it is (id,
//! kind, time, severity) and nothing it says (title, actor, the rules it met), as in the
//! console for a principal the rule does not allow: a command line over files has none.

use crate::common;

const RECORDS: &str = r#"{"Records":[
{"eventVersion":"1.08","eventID":"ct-secret","eventName":"CreateAccessKey","eventSource":"iam.amazonaws.com","eventTime":"2024-01-01T00:00:00Z","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userIdentity":{"type":"IAMUser","userName":"alice-secret","arn":"arn:aws:iam::111122223333:user/alice-secret","accountId":"111122223333"},"requestParameters":{"userName":"svc-hidden"},"recipientAccountId":"111122223333"},
{"eventVersion":"1.08","eventID":"ct-open","eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com","eventTime":"2024-01-01T00:01:00Z","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userIdentity":{"type":"IAMUser","userName":"bob-open","arn":"arn:aws:iam::111122223333:user/bob-open","accountId":"111122223333"},"requestParameters":{"name":"trail"},"recipientAccountId":"111122223333"}
]}"#;

const RULES: &str = r#"
[targets.security]
[[rule]]
name = "keys-are-secret"
match = { event_type = "CreateAccessKey" }
route = ["security"]
sensitive = true
allow = ["arn:*:sts::*:assumed-role/IR-*"]
"#;

#[test]
fn a_sensitive_signal_shows_its_id_kind_and_severity_only() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("trail.json");
    std::fs::write(&file, RECORDS).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("rules.toml"), RULES).unwrap_or_else(|e| panic!("{e}"));
    let run = |json: bool| {
        let mut c = common::airc_in(dir.path());
        c.args(["detections", "test", &file.display().to_string()]);
        if json {
            c.arg("--json");
        }
        let out = c.output().unwrap_or_else(|e| panic!("{e}"));
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let text = run(false);
    let secret = text
        .lines()
        .find(|l| l.contains("ct-secret"))
        .unwrap_or_else(|| panic!("the sensitive signal is listed: {text}"));
    assert!(
        secret.contains("CreateAccessKey")
            && secret.contains("details hidden")
            && !secret.contains('→')
            && !secret.contains("iam:"),
        "{secret}"
    );
    let open = text
        .lines()
        .find(|l| l.contains("ct-open"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        open.contains('→'),
        "an allowed signal keeps its rules: {open}"
    );
    assert!(text.contains("2 of 2 records matched a rule"), "{text}");
    assert!(
        text.contains("1  sensitive (a routing rule withholds them)"),
        "{text}"
    );
    let v: serde_json::Value = serde_json::from_str(&run(true)).unwrap_or_else(|e| panic!("{e}"));
    let matches = v["matches"].as_array().cloned().unwrap_or_default();
    let secret = matches
        .iter()
        .find(|m| m["signal"] == "cloudtrail:ct-secret")
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(secret["event"], "CreateAccessKey");
    assert_eq!(secret["details_shown"], false);
    assert!(
        secret.get("actor").is_none() && secret.get("rules").is_none(),
        "{secret}"
    );
    let all = v.to_string();
    assert!(
        !all.contains("alice-secret") && !all.contains("svc-hidden"),
        "{all}"
    );
    assert!(all.contains("bob-open"), "{all}");
    assert_eq!(v["withheld"], 1);
}
