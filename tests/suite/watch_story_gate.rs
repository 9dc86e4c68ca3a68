//! `airc watch` through the gate (hostile review of issue 33, session 20): a part of a story
//! that only a hidden signal made a story is not sent, and a hidden signal's routed line names
//! only its sensitive rules.

use airc::feed::Feed;
use airc::normalize::{normalize_record, Normalized, Options};
use airc::watch::{Out, WatchOptions, WatchSource};
use std::time::Duration;

const KEY: &str = "AKIAHIDDENKEY7777777";

fn at(secs: i64) -> String {
    (chrono::DateTime::parse_from_rfc3339("2026-11-28T00:00:00Z").unwrap()
        + chrono::Duration::seconds(secs))
    .to_rfc3339()
}

/// A high GuardDuty finding on the key (the rules make it sensitive).
fn finding() -> Normalized {
    let t = at(0);
    let v = serde_json::json!({"schemaVersion":"2.0","id":"gatestory01","type":"UnauthorizedAccess:IAMUser/MaliciousIPCaller",
        "arn":"arn:aws:guardduty:us-east-1:111122223333:detector/d1/finding/gatestory01",
        "severity":8,"accountId":"111122223333","region":"us-east-1","createdAt":t,"updatedAt":t,
        "title":"Malicious caller","description":"d","service":{"count":1},
        "resource":{"resourceType":"AccessKey","accessKeyDetails":{"accessKeyId":KEY,"userName":"other-user"}}});
    normalize_record(v, &Options::default()).unwrap().1
}

/// One low CloudTrail call with the same key a minute later: alone, no story.
fn call() -> Normalized {
    let v = serde_json::json!({"eventVersion":"1.08","eventID":"0000aaaa-0000-4000-8000-000000000001",
        "eventTime":at(60),"eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances",
        "awsRegion":"us-east-1","sourceIPAddress":"198.51.100.44","userAgent":"aws-cli/2",
        "recipientAccountId":"111122223333","readOnly":true,"eventType":"AwsApiCall",
        "userIdentity":{"type":"IAMUser","accountId":"111122223333","arn":"arn:aws:iam::111122223333:user/other-user",
            "userName":"other-user","accessKeyId":KEY},
        "errorCode":"Client.UnauthorizedOperation"});
    normalize_record(v, &Options::default()).unwrap().1
}

/// The story lines `airc watch --once` prints for the two signals under these rules.
fn stories(rules: &str) -> Vec<serde_json::Value> {
    lines(rules, vec![finding(), call()], "story")
}

/// The lines of one kind `airc watch --once --dry-run` prints for these signals.
fn lines(rules: &str, items: Vec<Normalized>, event: &str) -> Vec<serde_json::Value> {
    let data = tempfile::tempdir().unwrap();
    let rules = airc::rules::Rules::parse(rules, "test", None).unwrap();
    let (feed_tx, feed_rx) = tokio::sync::mpsc::unbounded_channel();
    let (out_tx, mut out_rx) = tokio::sync::mpsc::unbounded_channel();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let opts = WatchOptions {
        source: WatchSource::Feed(feed_rx),
        rules,
        once: true,
        dry_run: true,
        aws: (
            None,
            Some("us-east-1".into()),
            Some("http://127.0.0.1:9".into()),
        ),
        read_only: true,
        data_dir: data.path().to_path_buf(),
        attempts: 1,
        backoff: Duration::from_millis(10),
        out: Out::channel(out_tx),
    };
    let watch = rt.spawn(airc::watch::run(opts));
    feed_tx.send(Feed::Items(items)).unwrap();
    drop(feed_tx);
    rt.block_on(async { tokio::time::timeout(Duration::from_secs(60), watch).await })
        .expect("the watch ends with its feed")
        .unwrap()
        .unwrap();
    let mut out = Vec::new();
    while let Ok(l) = out_rx.try_recv() {
        if l["event"] == event {
            out.push(l);
        }
    }
    out
}

const STORY_RULE: &str =
    "[[rule]]\nname = \"story\"\nmatch = { story_score = 1 }\nroute = [\"security\"]\n";

/// Fails on the session-19 main: with the finding hidden, the lone low call was sent as a
/// story of its own (its principal and address told what the hidden finding names).
#[test]
fn a_part_only_a_hidden_signal_made_a_story_is_not_sent() {
    let open = format!("[targets.security]\n{STORY_RULE}");
    let sent = stories(&open);
    assert!(!sent.is_empty(), "the two together are a story: {sent:?}");
    let hidden = format!(
        "[targets.security]\n[[rule]]\nname = \"creds\"\nmatch = {{ source = \"guardduty\" }}\nroute = [\"security\"]\n\
         sensitive = true\nallow = [\"arn:*:iam::*:role/Security*\"]\n{STORY_RULE}"
    );
    let sent = stories(&hidden);
    assert!(sent.is_empty(), "a lone low call sent as a story: {sent:?}");
}

/// Fails on the session-19 main: the routed line of a hidden signal named every rule it
/// matched — `mentions-other-user` told that the hidden finding names that user.
#[test]
fn a_hidden_signal_s_routed_line_names_its_sensitive_rules_only() {
    let rules = "[targets.ci-team]\n[targets.security]\n\
        [[rule]]\nname = \"mentions-other-user\"\nmatch = { entity = \"other-user\" }\nroute = [\"ci-team\"]\n\
        [[rule]]\nname = \"creds\"\nmatch = { source = \"guardduty\" }\nroute = [\"security\"]\n\
        sensitive = true\nallow = [\"arn:*:iam::*:role/Security*\"]\n";
    let routed = lines(rules, vec![finding()], "routed");
    let [line] = &routed[..] else {
        panic!("{routed:?}")
    };
    assert_eq!(line["details_shown"], false, "{line}");
    assert_eq!(line["rules"], serde_json::json!(["creds"]), "{line}");
    assert_eq!(line["targets"], serde_json::json!(["security"]), "{line}");
}
