//! The view pass that runs off the UI task: partial results, cancellation, stale results
//! dropped, and the worker thread answering the newest query.

use airc::app::state::PaneId;
use airc::app::view::{apply, compute_every, refresh, EntityCache, ViewJob};
use airc::app::view_worker::ViewWorker;
use airc::app::State;
use airc::keymap::Keymap;
use airc::normalize::{normalize_record, Options};
use chrono::{TimeZone, Utc};
use serde_json::json;
use std::time::Duration;

/// A state holding the CloudTrail events `record(i)` for `i` in `0..n`.
fn state_of(n: usize, record: impl Fn(usize) -> serde_json::Value) -> State {
    let now = Utc
        .with_ymd_and_hms(2024, 1, 2, 0, 0, 0)
        .single()
        .unwrap_or_default();
    let mut state = State::new("test", Keymap::default_map(), now);
    for i in 0..n {
        match normalize_record(record(i), &Options::default()) {
            Ok((_, item)) => {
                state.view.store.insert(item);
            }
            Err(e) => panic!("test record rejected: {e}"),
        }
    }
    state
}

/// A state holding `n` CloudTrail events, one user in ten named bert.
fn state_with(n: usize) -> State {
    state_of(n, |i| {
        let user = if i % 10 == 0 { "bert" } else { "alice" };
        json!({"eventID": format!("e{i}"), "eventName": "GetObject",
            "eventSource": "s3.amazonaws.com", "awsRegion": "us-east-1",
            "eventTime": format!("2024-01-01T{:02}:{:02}:{:02}Z", i / 3600 % 24, i / 60 % 60, i % 60),
            "sourceIPAddress": format!("198.51.100.{}", i % 200),
            "userIdentity": {"type": "IAMUser", "userName": user}})
    })
}

#[test]
fn a_long_pass_hands_out_growing_sorted_partial_results_then_the_whole() {
    // Three waves of 64 chunks of 1,260 signals (as many 104-byte signals as fill 128 KiB):
    // two partial results before the whole.
    let mut state = state_with(200_000);
    state.pane_mut(PaneId::CloudTrail).filter = airc::query::parse("user:bert").ok();
    let job = ViewJob::from_state(&state, 1);
    let mut partials = Vec::new();
    let done = compute_every(
        &job,
        &|| false,
        &mut |r| partials.push(r),
        Duration::ZERO,
        &mut EntityCache::default(),
    );
    let done = done.unwrap_or_else(|| panic!("pass gave up"));
    assert_eq!(done.rows[2].len(), 20_000);
    assert!(done.is_final());
    assert!(partials.len() >= 2, "{} partial results", partials.len());
    let mut last = 0;
    for p in &partials {
        assert!(!p.is_final());
        assert!(p.scanned > last && p.scanned < p.total);
        last = p.scanned;
        // Newest first, each a subset of the final rows.
        let times: Vec<_> = p.rows[2]
            .iter()
            .map(|i| state.view.store.signals()[*i as usize].time)
            .collect();
        assert!(times.windows(2).all(|w| w[0] >= w[1]));
        assert!(p.rows[2].len() <= done.rows[2].len());
        assert!(p.rows[2].iter().all(|i| done.rows[2].contains(i)));
    }
    // Entities come with the final result only: 200 IPs, 2 users, 1 bucket-less S3 call each.
    let (rows, total) = done.entities.unwrap_or_default();
    assert!(total >= 202, "{total} entities");
    assert!(rows.iter().any(|r| r.entity.id == "bert"));
}

#[test]
fn a_cancelled_pass_gives_nothing_and_a_stale_result_is_not_applied() {
    let mut state = state_with(20_000);
    let job = ViewJob::from_state(&state, 1);
    assert!(compute_every(
        &job,
        &|| true,
        &mut |_| {},
        Duration::ZERO,
        &mut EntityCache::default()
    )
    .is_none());

    refresh(&mut state);
    let before = state.pane(PaneId::CloudTrail).rows.len();
    assert_eq!(before, 20_000);
    // A result computed for an older generation (with a filter) must not replace newer rows.
    state.pane_mut(PaneId::CloudTrail).filter = airc::query::parse("user:bert").ok();
    let old = ViewJob::from_state(&state, state.view.view_gen - 1);
    let result = compute_every(
        &old,
        &|| false,
        &mut |_| {},
        Duration::ZERO,
        &mut EntityCache::default(),
    );
    apply(&mut state, result.unwrap_or_else(|| panic!("pass gave up")));
    assert_eq!(state.pane(PaneId::CloudTrail).rows.len(), before);
}

#[test]
fn the_selection_stays_on_its_signal_when_rows_change() {
    let mut state = state_with(5_000);
    refresh(&mut state);
    state.pane_mut(PaneId::CloudTrail).cursor = 123;
    let id = state.view.store.signals()[state.pane(PaneId::CloudTrail).rows[123] as usize]
        .id
        .clone();
    state.pane_mut(PaneId::CloudTrail).selected = Some(id.to_string());
    // Sorting the other way moves the row; the cursor follows it.
    state.pane_mut(PaneId::CloudTrail).descending = false;
    refresh(&mut state);
    let v = state.pane(PaneId::CloudTrail);
    assert_eq!(v.cursor, 5_000 - 1 - 123);
    assert_eq!(state.view.store.signals()[v.rows[v.cursor] as usize].id, id);
}

#[tokio::test]
async fn the_worker_answers_the_newest_query_and_drops_the_one_it_replaced() {
    let mut state = state_with(60_000);
    let mut worker = ViewWorker::spawn().unwrap_or_else(|e| panic!("{e}"));
    state.view.view_gen = 1;
    worker.submit(ViewJob::from_state(&state, 1));
    state.pane_mut(PaneId::CloudTrail).filter = airc::query::parse("user:bert").ok();
    state.view.view_gen = 2;
    worker.submit(ViewJob::from_state(&state, 2));
    let last = loop {
        let r = tokio::time::timeout(Duration::from_secs(30), worker.results.recv())
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("no result from the worker"));
        let (gen, is_final) = (r.gen, r.is_final());
        apply(&mut state, r);
        if gen == 2 && is_final {
            break gen;
        }
    };
    assert_eq!(last, 2);
    assert_eq!(state.pane(PaneId::CloudTrail).rows.len(), 6_000);
    assert_eq!(state.view.view_progress, None);
}

#[test]
fn entity_rows_are_reused_only_while_nothing_they_depend_on_changed() {
    let mut state = state_with(3_000);
    let mut cache = EntityCache::default();
    let pass = |state: &State, cache: &mut EntityCache| {
        let job = ViewJob::from_state(state, 1);
        compute_every(&job, &|| false, &mut |_| {}, Duration::ZERO, cache)
            .and_then(|r| r.entities)
            .unwrap_or_default()
    };
    let (first, total) = pass(&state, &mut cache);
    // Another pane's filter: the same entity rows.
    state.pane_mut(PaneId::CloudTrail).filter = airc::query::parse("user:bert").ok();
    let (again, total_again) = pass(&state, &mut cache);
    assert_eq!((first.len(), total), (again.len(), total_again));
    // The entities pane's own filter: recomputed.
    state.pane_mut(PaneId::Entities).filter = airc::query::parse("bert").ok();
    let (filtered, _) = pass(&state, &mut cache);
    assert!(filtered.len() < first.len() && filtered.iter().all(|r| r.entity.id.contains("bert")));
    // New data: recomputed, and the new entity is there.
    state.pane_mut(PaneId::Entities).filter = None;
    let rec = json!({"eventID": "new", "eventName": "GetObject", "eventSource": "s3.amazonaws.com",
        "eventTime": "2024-01-01T23:00:00Z", "userIdentity": {"type": "IAMUser", "userName": "zed"}});
    if let Ok((_, item)) = normalize_record(rec, &Options::default()) {
        state.view.store.insert(item);
    }
    let (grown, grown_total) = pass(&state, &mut cache);
    assert_eq!(grown_total, total + 1);
    assert!(grown.iter().any(|r| r.entity.id == "zed"));
}

#[tokio::test]
async fn rows_come_while_file_parsing_keeps_the_shared_thread_pool_busy() {
    let state = state_with(20_000);
    // Every thread of rayon's global pool (where files are parsed) busy for up to 10 s.
    let busy = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    for _ in 0..rayon::current_num_threads() * 2 {
        let busy = std::sync::Arc::clone(&busy);
        rayon::spawn(move || {
            let t = std::time::Instant::now();
            while busy.load(std::sync::atomic::Ordering::Relaxed) && t.elapsed().as_secs() < 10 {
                std::hint::spin_loop();
            }
        });
    }
    let mut worker = ViewWorker::spawn().unwrap_or_else(|e| panic!("{e}"));
    let t = std::time::Instant::now();
    worker.submit(ViewJob::from_state(&state, 1));
    let r = tokio::time::timeout(Duration::from_secs(6), worker.results.recv()).await;
    busy.store(false, std::sync::atomic::Ordering::Relaxed);
    let r = r
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no rows while the pool was busy"));
    assert_eq!(r.rows[2].len(), 20_000);
    assert!(t.elapsed() < Duration::from_secs(6));
}

/// More entities than the Entities pane keeps: the rows are exactly the riskiest
/// `MAX_ENTITY_ROWS` of all of them, in order (worst severity, then most signals, then most
/// recent, then the entity), and the total counts every entity in view. Most addresses appear
/// in one read-only call, so the pass ranks only those at or above the severity the top rows
/// reach; this checks that skipping the rest changes nothing.
#[test]
fn entity_rows_are_the_riskiest_of_more_than_the_pane_keeps() {
    use airc::model::{Entity, Severity};
    use std::collections::HashMap;
    let state = state_of(30_000, |i| {
        // 29,703 writes (low or worse) and 297 reads: more low-or-worse addresses than the pane
        // keeps, so the read-only ones cannot be among the rows and are not ranked.
        let name = match i {
            _ if i % 101 == 0 => "StopLogging",
            _ if i % 101 == 1 => "GetObject",
            _ => "DeleteObject",
        };
        json!({"eventID": format!("e{i}"), "eventName": name,
            "eventSource": "s3.amazonaws.com", "awsRegion": "us-east-1",
            "eventTime": format!("2024-01-01T{:02}:{:02}:{:02}Z", i / 3600 % 24, i / 60 % 60, i % 60),
            "sourceIPAddress": format!("198.{}.{}.{}", i / 65536 % 256, i / 256 % 256, i % 256),
            "userIdentity": {"type": "IAMUser", "userName": format!("u{}", i % 50)}})
    });
    let job = ViewJob::from_state(&state, 1);
    let done = compute_every(
        &job,
        &|| false,
        &mut |_| {},
        Duration::ZERO,
        &mut EntityCache::default(),
    )
    .unwrap_or_else(|| panic!("pass gave up"));
    let (rows, total) = done.entities.unwrap_or_default();
    // By hand: every entity of every signal, ranked.
    let mut all: HashMap<Entity, (Severity, usize, chrono::DateTime<Utc>)> = HashMap::new();
    let store = &state.view.store;
    for (i, s) in store.signals().iter().enumerate() {
        for e in store.entities_at(i) {
            let a = all.entry(e.clone()).or_insert((Severity::Info, 0, s.time));
            a.0 = a.0.max(s.severity);
            a.1 += 1;
            a.2 = a.2.max(s.time);
        }
    }
    let mut ranked: Vec<_> = all.into_iter().collect();
    ranked.sort_by(|(ea, a), (eb, b)| {
        b.0.cmp(&a.0)
            .then(b.1.cmp(&a.1))
            .then(b.2.cmp(&a.2))
            .then(ea.cmp(eb))
    });
    assert_eq!(total, ranked.len());
    assert!(total > airc::app::view::MAX_ENTITY_ROWS);
    assert_eq!(rows.len(), airc::app::view::MAX_ENTITY_ROWS);
    let want: Vec<&Entity> = ranked.iter().take(rows.len()).map(|(e, _)| e).collect();
    let got: Vec<&Entity> = rows.iter().map(|r| &r.entity).collect();
    assert_eq!(got, want);
    assert!(rows.iter().all(|r| r.max_severity >= Severity::Low));
    assert!(
        ranked.iter().any(|(_, a)| a.0 == Severity::Info),
        "some are below the floor"
    );
}
