//! The dedup store: what is remembered, forgotten and compacted, and one writer per data dir.

use super::*;

#[tokio::test]
async fn only_a_missing_store_means_nothing_handled_and_intents_without_outcome_are_known() {
    let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut seen = Seen::load(d.path()).unwrap_or_else(|e| panic!("{e}"));
    seen.record("deliver x a@1".into(), None);
    seen.intent("action r open-incident a".into())
        .done()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    seen.outcome(
        "action r open-incident a".into(),
        Some("IR-1".into()),
        "done",
    )
    .done()
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    seen.intent("action r snapshot a".into())
        .done()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    seen.flush().done().await.unwrap_or_else(|e| panic!("{e}"));
    drop(seen);
    let again = Seen::load(d.path()).unwrap_or_else(|e| panic!("{e}"));
    assert!(again.contains("deliver x a@1"));
    assert_eq!(again.value("action r open-incident a"), Some("IR-1"));
    assert_eq!(again.unknown_outcomes(), ["action r snapshot a"]);
    assert!(again.contains("action r snapshot a"), "never run again");
    // A store that exists and cannot be read stops the watch instead of resending all.
    let other = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir(other.path().join("watch-seen.jsonl")).unwrap_or_else(|e| panic!("{e}"));
    let err = Seen::load(other.path()).err().unwrap_or_default();
    assert!(
        err.contains("cannot be read") && err.contains("delivered again"),
        "{err}"
    );
}

/// Fails on the session-17 main (a review): every key stayed for ever, and the file grew
/// by every line; old deliveries are forgotten now, actions never, and a store mostly of
/// forgotten or superseded lines is rewritten.
#[tokio::test]
async fn old_deliveries_are_forgotten_actions_never_and_the_file_is_compacted() {
    let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let old = chrono::Utc::now() - chrono::Duration::days(FORGET_AFTER_DAYS + 1);
    let mut text = String::new();
    for i in 0..12_000 {
        text.push_str(&format!(
            "{}\n",
            json!({"key": format!("deliver n s{i}@1"), "value": null, "at": old})
        ));
    }
    text.push_str(&format!(
        "{}\n",
        json!({"key": "action r snapshot old", "value": null, "at": old})
    ));
    text.push_str(&format!(
        "{}\n",
        json!({"key": "deliver n new@1", "value": null, "at": chrono::Utc::now()})
    ));
    let path = d.path().join("watch-seen.jsonl");
    std::fs::write(&path, &text).unwrap_or_else(|e| panic!("{e}"));
    let seen = Seen::load(d.path()).unwrap_or_else(|e| panic!("{e}"));
    assert!(!seen.contains("deliver n s1@1"));
    assert!(seen.contains("action r snapshot old") && seen.contains("deliver n new@1"));
    let after = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(after.lines().count(), 2, "{after}");
    drop(seen);
    let again = Seen::load(d.path()).unwrap_or_else(|e| panic!("{e}"));
    assert!(again.contains("action r snapshot old") && again.contains("deliver n new@1"));
}

/// A store of `n` lines of one delivery key (superseded lines: the next load compacts it).
async fn many_lines(seen: &mut Seen, n: usize) {
    for _ in 0..n {
        seen.record("deliver n same@1".into(), None);
    }
    seen.flush().done().await.unwrap_or_else(|e| panic!("{e}"));
}

/// Fails on the session-19 main (a hostile review): a second watch compacted the store (a new
/// file renamed over it) while the first still appended to the old one, and the first's later
/// lines were lost. Now the second waits for the first's lock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_watches_on_one_store_lose_no_line_across_a_compaction() {
    let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut first = Seen::load(d.path()).unwrap_or_else(|e| panic!("{e}"));
    many_lines(&mut first, 12_000).await;
    let dir = d.path().to_path_buf();
    let second = std::thread::spawn(move || Seen::load(&dir));
    // The second has compacted by now, or is waiting for the first.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    first.record("deliver n late@1".into(), None);
    first.flush().done().await.unwrap_or_else(|e| panic!("{e}"));
    drop(first);
    let second = second
        .join()
        .unwrap_or_else(|_| panic!("join"))
        .unwrap_or_else(|e| panic!("{e}"));
    drop(second);
    // The writer threads end once their stores are dropped; the third load waits for them.
    let third = Seen::load(d.path()).unwrap_or_else(|e| panic!("{e}"));
    assert!(third.contains("deliver n late@1"), "a line was lost");
    assert!(third.contains("deliver n same@1"));
}

#[tokio::test]
async fn a_second_watch_is_refused_after_waiting_and_a_dry_run_is_not() {
    let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let first = Seen::load(d.path()).unwrap_or_else(|e| panic!("{e}"));
    let err = Seen::open(d.path(), Some(std::time::Duration::from_millis(300)))
        .err()
        .unwrap_or_default();
    assert!(
        err.contains(&format!("pid {}", std::process::id()))
            && err.contains("Stop the other watch"),
        "{err}"
    );
    let dry = Seen::read_only(d.path());
    assert!(dry.is_ok());
    drop(first);
}

/// Fails on the session-19 main: a compaction that failed failed the load, and the watch
/// did not start.
#[tokio::test]
async fn a_compaction_that_fails_leaves_the_store_in_use() {
    let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut first = Seen::load(d.path()).unwrap_or_else(|e| panic!("{e}"));
    many_lines(&mut first, 12_000).await;
    first.record("deliver n other@1".into(), None);
    first.flush().done().await.unwrap_or_else(|e| panic!("{e}"));
    drop(first);
    // The compaction's new file cannot be written (tests may run as root: a directory in its
    // place, not a read-only one).
    let path = d.path().join("watch-seen.jsonl");
    std::fs::create_dir(path.with_extension("jsonl.compacting")).unwrap_or_else(|e| panic!("{e}"));
    let seen = Seen::load(d.path()).unwrap_or_else(|e| panic!("{e}"));
    assert!(seen.contains("deliver n other@1") && seen.contains("deliver n same@1"));
    let lines = std::fs::read_to_string(&path)
        .unwrap_or_default()
        .lines()
        .count();
    assert_eq!(lines, 12_001, "not compacted, whole");
}

#[tokio::test]
async fn memory_forgets_the_oldest_deliveries_beyond_the_bound_and_never_actions() {
    let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut seen = Seen::load(d.path()).unwrap_or_else(|e| panic!("{e}"));
    seen.max_keys = 100;
    seen.intent("action r snapshot a".into())
        .done()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    for i in 0..1_000 {
        seen.record(format!("deliver n s{i}@1"), None);
        assert!(seen.keys.len() <= 100 + 25 + 1, "{}", seen.keys.len());
    }
    assert!(seen.contains("action r snapshot a"));
    assert!(seen.contains("deliver n s999@1") && !seen.contains("deliver n s0@1"));
}
