//! The story rules of `airc watch` on a long story fed one signal at a time: a story is judged
//! (one pass over its members) at most once a second, not once per signal, and it is still
//! sent once it meets the rule.

use airc::feed::Feed;
use airc::normalize::{normalize_record, Normalized, Options};
use airc::watch::{Out, WatchOptions, WatchSource};
use std::time::{Duration, Instant};

const KEY: &str = "AKIASTORYLOAD0000001";

/// A GuardDuty finding on one access key, a second apart: one story.
fn finding(n: usize) -> Normalized {
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-28T00:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc)
        + chrono::Duration::seconds(n as i64);
    let t = at.to_rfc3339();
    let id = format!("storyload{n:06}");
    let v = serde_json::json!({"schemaVersion":"2.0","id":id,"type":"UnauthorizedAccess:IAMUser/MaliciousIPCaller",
        "arn":format!("arn:aws:guardduty:us-east-1:111122223333:detector/d1/finding/{id}"),
        "severity":5,"accountId":"111122223333","region":"us-east-1","createdAt":t,"updatedAt":t,
        "title":"Malicious caller","description":"d","service":{"count":1},
        "resource":{"resourceType":"AccessKey","accessKeyDetails":{"accessKeyId":KEY,"userName":"u1"}}});
    normalize_record(v, &Options::default()).unwrap().1
}

/// Fails on the session-19 main (a hostile review) by its bound: every signal judged its
/// story (4,096 passes over a story growing to 4,096 members).
#[test]
fn a_long_story_fed_one_signal_at_a_time_is_judged_a_bounded_number_of_times() {
    const SIGNALS: usize = 4096;
    let data = tempfile::tempdir().unwrap();
    let rules = airc::rules::Rules::parse(
        "[targets.security]\n[[rule]]\nname = \"long\"\nmatch = { story_score = 50 }\n\
         route = [\"security\"]\n",
        "test",
        None,
    )
    .unwrap();
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
        dry_run: false,
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
    let before = airc::watch::story_views_so_far();
    let start = Instant::now();
    let watch = rt.spawn(airc::watch::run(opts));
    // One message per signal: each is its own turn of the watch's loop.
    for n in 0..SIGNALS {
        feed_tx.send(Feed::Items(vec![finding(n)])).unwrap();
    }
    drop(feed_tx);
    rt.block_on(async { tokio::time::timeout(Duration::from_secs(300), watch).await })
        .expect("the watch ends with its feed")
        .unwrap()
        .unwrap();
    let took = start.elapsed();
    let views = airc::watch::story_views_so_far() - before;
    let mut stories = Vec::new();
    while let Ok(l) = out_rx.try_recv() {
        if l["event"] == "story" {
            stories.push(l);
        }
    }
    eprintln!("{SIGNALS} signals in one story: judged {views} times, {took:?}");
    assert!(!stories.is_empty(), "the story was sent");
    assert!(
        stories
            .iter()
            .all(|s| s["rules"] == serde_json::json!(["long"])),
        "{stories:?}"
    );
    // Once a second at most, and once more at the end.
    let bound = took.as_secs() as usize + 3;
    assert!(views <= bound, "judged {views} times in {took:?}");
}
