//! Live AWS over HTTP: the real SDK clients against the fake AWS on 127.0.0.1 (Health in CBOR,
//! GuardDuty restJson1, CloudTrail awsJson1.1, STS query), through `airc::aws::start`, into the
//! same state and store the console uses. Polling, batching, rate limits and throttling here;
//! failures, credentials, the organization view and accounts in live_faults.rs.

#[path = "support/fake_aws/mod.rs"]
mod fake_aws;
#[path = "support/live_session.rs"]
mod live_session;

use airc::app::live::ScopeStatus;
use airc::aws::{Lookup, LookupKey};
use airc::model::Source;
use fake_aws::{FakeAws, Fault, FaultKind, World};
use live_session::*;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_every_call_feeds_the_health_pane() {
    let server = FakeAws::start(demo_world());
    let restricted = "AWS_RISK_CREDENTIALS_EXPOSED";
    server.with(|w| w.restricted_types.push(restricted.into()));
    let mut s = Session::start(options(&server));
    s.until(20, "5 Health signals with details and counts", |st| {
        st.view.store.count(Source::Health) == 5
            && st
                .view
                .store
                .signals()
                .iter()
                .filter(|x| x.source == Source::Health)
                .all(|x| x.affected().is_some())
            && st
                .session
                .live
                .as_ref()
                .is_some_and(|l| !l.health_aggregates.is_empty())
    })
    .await;
    let types = server.requests("health", "DescribeEventTypes");
    assert!(!types.is_empty());
    let events = server.requests("health", "DescribeEvents");
    assert!(events.len() >= 2, "5 events at 3 per page take two pages");
    assert!(
        events[1].body["nextToken"].is_string(),
        "the second page asks with the token"
    );
    let details = server.requests("health", "DescribeEventDetails");
    assert!(!details.is_empty());
    for d in &details {
        let n = d.body["eventArns"].as_array().map(Vec::len).unwrap_or(0);
        assert!(
            (1..=10).contains(&n),
            "details batches hold 1 to 10 ARNs, saw {n}"
        );
    }
    assert!(
        server.requests("health", "DescribeAffectedEntities").len() >= 5,
        "one per event"
    );
    assert!(!server
        .requests("health", "DescribeEntityAggregates")
        .is_empty());
    assert!(!server
        .requests("health", "DescribeEventAggregates")
        .is_empty());
    let signals = s.state.view.store.signals();
    let sig = |code: &str| {
        signals
            .iter()
            .find(|x| x.kind() == code)
            .unwrap_or_else(|| panic!("{code}"))
    };
    let exposed = sig(restricted);
    assert!(
        exposed.summary().contains("restricted"),
        "{}",
        exposed.summary()
    );
    let retire = sig("AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED");
    let entities = s.state.view.store.entities_of(retire);
    assert!(!entities.is_empty(), "affected entities joined");
    assert_eq!(retire.affected(), Some(entities.len() as u32));
    assert_eq!(retire.account(), Some("111122223333"));
    assert!(!retire.summary().contains("restricted"));
    let agg = &s.state.session.live.as_ref().unwrap().health_aggregates;
    assert_eq!(agg.iter().map(|(_, n)| n).sum::<u64>(), 5);
    // Later polls ask only for what changed since the last poll.
    s.until(10, "a second DescribeEvents poll", |_| {
        server.requests("health", "DescribeEvents").len() > events.len()
    })
    .await;
    let later = server.requests("health", "DescribeEvents");
    let from = |r: &fake_aws::Req| {
        r.body["filter"]["lastUpdatedTimes"][0]["from"]
            .as_f64()
            .unwrap_or(0.0)
    };
    assert!(
        from(later.last().unwrap()) > from(&later[0]),
        "the window moves forward"
    );
}

fn many_findings(w: &mut World, n: usize) {
    let base = w.findings[0].clone();
    for i in 0..n {
        let mut f = base.clone();
        f["id"] = serde_json::json!(format!("gen{i:04}"));
        f["severity"] = serde_json::json!(if i % 2 == 0 { 8.0 } else { 2.0 });
        w.findings.push(f);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guardduty_batches_of_50_and_incremental_polls() {
    let mut world = demo_world();
    many_findings(&mut world, 130);
    // From a delegated administrator, a member account's finding comes with its own account.
    let mut member = world.findings[0].clone();
    member["id"] = serde_json::json!("member-finding");
    member["accountId"] = serde_json::json!("444455556666");
    member["severity"] = serde_json::json!(7.5);
    world.findings.push(member);
    world.page_size = 40;
    let server = FakeAws::start(world);
    let mut opts = options(&server);
    opts.min_severity = 4.0;
    let mut s = Session::start(opts);
    let want = server.with(|w| {
        w.findings
            .iter()
            .filter(|f| f["severity"].as_f64().unwrap_or(0.0) >= 4.0)
            .count()
    });
    s.until(20, "every finding at or above severity 4", |st| {
        st.view.store.count(Source::GuardDuty) == want
    })
    .await;
    assert!(want > 60 && want < 140, "{want}");
    s.until(10, "a second GuardDuty poll", |_| {
        server.requests("guardduty", "ListFindings").len() >= 4
    })
    .await;
    let gets = server.requests("guardduty", "GetFindings");
    let sizes: Vec<usize> = gets
        .iter()
        .map(|r| r.body["findingIds"].as_array().map(Vec::len).unwrap_or(0))
        .collect();
    assert!(sizes.iter().all(|n| *n <= 50), "{sizes:?}");
    assert!(sizes.contains(&50), "full batches of 50: {sizes:?}");
    let lists = server.requests("guardduty", "ListFindings");
    let crit = |r: &fake_aws::Req| r.body["findingCriteria"]["criterion"].clone();
    assert_eq!(crit(&lists[0])["severity"]["greaterThanOrEqual"], 4);
    assert_eq!(crit(&lists[0])["service.archived"]["equals"][0], "false");
    assert!(
        crit(&lists[0])["updatedAt"].is_null(),
        "the first poll reads everything"
    );
    assert_eq!(lists[0].body["sortCriteria"]["attributeName"], "updatedAt");
    let last = lists.last().unwrap();
    assert!(
        crit(last)["updatedAt"]["greaterThan"].as_i64().unwrap_or(0) > 0,
        "later polls: only updates"
    );
    let m = s
        .state
        .view
        .store
        .get("guardduty:member-finding")
        .expect("member finding");
    assert_eq!(m.account(), Some("444455556666"));
    // Raw JSON kept as GuardDuty sent it, for the detail view.
    let f = s
        .state
        .view
        .store
        .signals()
        .iter()
        .find(|x| x.source == Source::GuardDuty)
        .unwrap();
    assert!(f.raw.decoded().get("resource").is_some());
}

/// At most `n` requests in any window of `window` (per access key and region).
fn max_in_window(reqs: &[fake_aws::Req], window: Duration) -> usize {
    let mut best = 0;
    for (i, r) in reqs.iter().enumerate() {
        let n = reqs[i..]
            .iter()
            .filter(|x| x.region == r.region && x.access_key == r.access_key)
            .take_while(|x| x.at.duration_since(r.at) < window)
            .count();
        best = best.max(n);
    }
    best
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudtrail_tail_lookups_and_the_two_per_second_limit() {
    let mut world = demo_world();
    world.page_size = 10;
    let server = FakeAws::start(world);
    let want = server.with(|w| w.trail.len());
    let mut s = Session::start(options(&server));
    // Pivot lookups while the first window is still being read: they wait their turn.
    for (key, value) in [
        (LookupKey::AccessKeyId, "AKIA4EXAMPLELEAKED01"),
        (LookupKey::Username, "svc-backup2"),
        (LookupKey::EventName, "CreateAccessKey"),
        (LookupKey::ResourceName, "acme-prod-backups"),
    ] {
        s.lookups
            .send(Lookup {
                key,
                value: value.into(),
            })
            .unwrap();
    }
    s.until(30, "every CloudTrail event and four lookup notices", |st| {
        st.view.store.count(Source::CloudTrail) == want
            && st
                .ui
                .toasts
                .iter()
                .filter(|t| t.text.starts_with("CloudTrail "))
                .count()
                >= 4
    })
    .await;
    let lookups = server.requests("cloudtrail", "LookupEvents");
    assert!(lookups.len() >= 7 + 4, "{} requests", lookups.len());
    let n = max_in_window(&lookups, Duration::from_millis(980));
    assert!(n <= 2, "{n} LookupEvents requests inside one second");
    let by_key = lookups
        .iter()
        .find(|r| r.body["LookupAttributes"][0]["AttributeKey"] == "AccessKeyId")
        .expect("a lookup by access key");
    assert_eq!(
        by_key.body["LookupAttributes"][0]["AttributeValue"],
        "AKIA4EXAMPLELEAKED01"
    );
    assert_eq!(
        by_key.body["LookupAttributes"].as_array().unwrap().len(),
        1,
        "one attribute per call"
    );
    assert!(s
        .state
        .ui
        .toasts
        .iter()
        .any(|t| t.text.contains("Username=svc-backup2") && t.text.contains("events")));
    // The tail asks only for events from the newest seen.
    let newest = server.with(|w| {
        w.trail
            .iter()
            .filter_map(|r| r["eventTime"].as_str().and_then(fake_aws::wire::epoch))
            .fold(0.0, f64::max)
    });
    s.until(10, "a tail poll", |_| {
        server
            .requests("cloudtrail", "LookupEvents")
            .iter()
            .any(|r| r.body["StartTime"].as_f64().unwrap_or(0.0) >= newest - 1.0)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_region_throttled_while_another_works_then_recovers() {
    let mut world = demo_world();
    world
        .detectors
        .insert("eu-west-1".into(), vec!["eudetector".into()]);
    let server = FakeAws::start(world);
    server.fault(Fault::new("guardduty", FaultKind::Throttle).region("eu-west-1"));
    let mut opts = options(&server);
    opts.regions = vec!["us-east-1".into(), "eu-west-1".into()];
    let mut s = Session::start(opts);
    s.until(15, "eu-west-1 throttled, us-east-1 fine", |st| {
        let live = st.session.live.as_ref().unwrap();
        let gd = |r: &str| {
            live.scopes
                .get(&(Source::GuardDuty, format!("alpha/{r}")))
                .map(|x| x.status.clone())
        };
        matches!(
            gd("eu-west-1"),
            Some(ScopeStatus::Problem(airc::aws::errors::Problem::Throttled(
                _
            )))
        ) && is_ok(gd("us-east-1"))
    })
    .await;
    assert!(
        s.count(Source::GuardDuty) > 0,
        "the working region's findings are shown"
    );
    let pane = s
        .state
        .session
        .live
        .as_ref()
        .unwrap()
        .pane(Source::GuardDuty)
        .unwrap();
    assert_eq!(pane.problems.len(), 1);
    assert!(
        pane.problems[0].1.contains("throttled"),
        "{:?}",
        pane.problems
    );
    let before = s.count(Source::GuardDuty);
    server.clear_faults();
    s.until(20, "eu-west-1 recovered", |st| {
        is_ok(
            st.session
                .live
                .as_ref()
                .unwrap()
                .scopes
                .get(&(Source::GuardDuty, "alpha/eu-west-1".into()))
                .map(|x| x.status.clone()),
        )
    })
    .await;
    assert!(s
        .state
        .ui
        .toasts
        .iter()
        .any(|t| t.text.contains("recovered")));
    assert_eq!(
        s.count(Source::GuardDuty),
        before,
        "nothing lost or doubled"
    );
}

/// A record the normalizer refuses (here: one without eventName) is skipped, the page goes on, and the
/// console says so on screen; it used to be only in the log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_that_cannot_be_read_is_skipped_and_said() {
    let mut world = demo_world();
    let mut bad = world.trail[0].clone();
    bad["eventID"] = serde_json::json!("bad-record-1");
    if let Some(o) = bad.as_object_mut() {
        o.remove("eventName");
    }
    world.trail.push(bad);
    let server = FakeAws::start(world);
    let want = server.with(|w| w.trail.len()) - 1;
    let mut s = Session::start(options(&server));
    s.until(30, "the readable events and a notice for the other", |st| {
        st.view.store.count(Source::CloudTrail) == want
            && st.ui.toasts.iter().any(|t| {
                t.error
                    && t.text.contains("1 live record(s)")
                    && t.text.contains("CloudTrail event")
            })
    })
    .await;
}
