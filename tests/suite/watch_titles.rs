//! An incident `airc watch` opens from a sensitive signal its principal may see: titled in full
//! for the readers the signal's rules allow, by its kind for every other reader (`airc incident
//! show`, export, the list), whoever opened it.

use airc::feed::{Feed, Identity, LiveEvent};
use airc::normalize::{normalize_record, Normalized, Options};
use airc::watch::{Out, WatchOptions, WatchSource};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const KEY: &str = "AKIAHIDDENKEY0000033";
const USER: &str = "ci-hidden-user33";

/// A GuardDuty finding whose title names the key and the user.
fn finding() -> Normalized {
    let v = serde_json::json!({"schemaVersion":"2.0","id":"f33title","type":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
        "arn":"arn:aws:guardduty:us-east-1:111122223333:detector/d1/finding/f33title",
        "severity":8,"accountId":"111122223333","region":"us-east-1","createdAt":"2026-11-28T00:00:00Z",
        "updatedAt":"2026-11-28T00:00:00Z",
        "title":format!("Credentials of {USER} ({KEY}) used from outside AWS"),"description":"exfiltration",
        "service":{"count":1},
        "resource":{"resourceType":"AccessKey","accessKeyDetails":{"accessKeyId":KEY,"userName":USER}}});
    normalize_record(v, &Options::default()).unwrap().1
}

const RULES: &str = "[targets.security]\n[[rule]]\nname = \"creds\"\n\
    match = { source = \"guardduty\" }\nroute = [\"security\"]\nsensitive = true\n\
    allow = [\"arn:aws:iam::111122223333:role/Security*\"]\nactions = [\"open-incident\", \"pin\"]\n";

fn airc(data: &Path, args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_airc"))
        .args(args)
        .env("AIRC_DATA_DIR", data)
        .env("AIRC_CONFIG_DIR", data)
        .output()
        .unwrap();
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

/// Fails on the session-19 main (a hostile review): the watch's principal was allowed, so the
/// title was the signal's full title, stored unmarked, and every later reader saw it.
#[test]
fn an_allowed_watch_opens_an_incident_whose_title_others_read_as_its_kind() {
    let data = tempfile::tempdir().unwrap();
    let (feed_tx, feed_rx) = tokio::sync::mpsc::unbounded_channel();
    let (out_tx, mut out_rx) = tokio::sync::mpsc::unbounded_channel();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let opts = WatchOptions {
        source: WatchSource::Feed(feed_rx),
        rules: airc::rules::Rules::parse(RULES, "test", None).unwrap(),
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
    let watch = rt.spawn(airc::watch::run(opts));
    // The watch's own identity: a security role the default rules allow.
    feed_tx
        .send(Feed::Live(LiveEvent::Identity(Identity {
            profile: "default".into(),
            account: Some("111122223333".into()),
            principal: Some("arn:aws:iam::111122223333:role/SecurityOncall".into()),
            problem: None,
        })))
        .unwrap();
    feed_tx.send(Feed::Items(vec![finding()])).unwrap();
    drop(feed_tx);
    rt.block_on(async { tokio::time::timeout(Duration::from_secs(60), watch).await })
        .expect("the watch ends with its feed")
        .unwrap()
        .unwrap();
    let mut lines = Vec::new();
    while let Ok(l) = out_rx.try_recv() {
        lines.push(l);
    }
    let said = format!("{lines:?}");
    assert!(
        lines.iter().any(|l| l["details_shown"] == true),
        "the watch may see it: {said}"
    );
    let id = lines
        .iter()
        .find_map(|l| {
            l["result"]
                .as_str()
                .and_then(|r| r.strip_prefix("opened "))
                .map(str::to_string)
        })
        .unwrap_or_else(|| panic!("no incident opened: {said}"));
    // The journal holds the full title, for the readers the rules allow.
    let journal =
        std::fs::read_to_string(data.path().join("incidents").join(format!("{id}.jsonl"))).unwrap();
    assert!(
        journal.contains(&format!("creds: Credentials of {USER}")),
        "{journal}"
    );
    for args in [
        vec!["incident", "show", id.as_str()],
        vec!["incident", "export", id.as_str()],
        vec!["incident", "list"],
    ] {
        let shown = airc(data.path(), &args);
        let plain = shown.replace("\\_", "_").replace("\\-", "-");
        assert!(
            plain.contains(
                "creds: UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS"
            ),
            "{args:?}: {shown}"
        );
        assert!(
            !shown.contains(KEY) && !shown.contains(USER),
            "{args:?}: {shown}"
        );
    }
}
