//! A CloudTrail backfill against the fake AWS, throttled for 8 s in the middle: it resumes from
//! the throttled page (never the window over) soon after the throttling ends, the pane's
//! warning clears on the first success, and no second ever holds more than 2 LookupEvents —
//! the SDK's own retries included.

#[path = "support/fake_aws/mod.rs"]
mod fake_aws;

use airc::app::live::{LiveEvent, ScopeStatus};
use airc::app::Feed;
use airc::aws::{LiveOptions, PollIntervals};
use airc::model::Source;
use fake_aws::{FakeAws, Fault, FaultKind, World};
use std::time::{Duration, Instant};

fn token(r: &fake_aws::Req) -> String {
    r.body["NextToken"]
        .as_str()
        .unwrap_or("(first page)")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_backfill_resumes_from_its_page() {
    std::env::set_var("AWS_ACCESS_KEY_ID", "AKIARESUMETEST000001");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "x");
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    std::env::remove_var("AWS_PROFILE");
    let mut world =
        World::demo(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo"));
    world.page_size = 4;
    let server = FakeAws::start(world);
    let want = server.with(|w| w.trail.len());
    let opts = LiveOptions {
        profiles: vec![None],
        regions: vec!["us-east-1".into()],
        endpoint_url: Some(server.url.clone()),
        poll: PollIntervals {
            health: Duration::from_secs(600),
            guardduty: Duration::from_secs(600),
            cloudtrail: Duration::from_secs(600),
        },
        timeout: Duration::from_secs(3),
        // Would allow the SDK to retry a throttled call by itself, outside the pacer.
        sdk_attempts: 3,
        since: Duration::from_secs(7 * 86400),
        ..LiveOptions::default()
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let _lookups = airc::aws::start(opts, tx);
    let lookups = || server.requests("cloudtrail", "LookupEvents");
    // Throttle from the third page on, for 8 s.
    let deadline = Instant::now() + Duration::from_secs(20);
    while lookups().iter().filter(|r| r.status == 200).count() < 2 {
        assert!(Instant::now() < deadline, "the backfill did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.fault(Fault::new("cloudtrail", FaultKind::Throttle).op("LookupEvents"));
    let throttled_from = Instant::now();
    let mut statuses: Vec<(Instant, ScopeStatus)> = Vec::new();
    let mut events = 0usize;
    let mut cleared: Option<Instant> = None;
    let end = Instant::now() + Duration::from_secs(60);
    while events < want {
        if cleared.is_none() && throttled_from.elapsed() >= Duration::from_secs(8) {
            server.clear_faults();
            cleared = Some(Instant::now());
        }
        assert!(
            Instant::now() < end,
            "{events} of {want} events; statuses {statuses:?}"
        );
        match tokio::time::timeout(Duration::from_millis(100), rx.recv()).await {
            Ok(Some(Feed::Items(items))) => {
                events += items
                    .iter()
                    .filter(|i| matches!(i, airc::normalize::Normalized::Signal(s) if s.source == Source::CloudTrail))
                    .count()
            }
            Ok(Some(Feed::Live(LiveEvent::Status { source: Source::CloudTrail, status, .. }))) => {
                statuses.push((Instant::now(), status))
            }
            Ok(Some(_)) | Err(_) => {}
            Ok(None) => panic!("the feed closed"),
        }
    }
    let cleared = cleared.expect("the throttling window ended before the backfill did");
    let reqs = lookups();
    let ok_tokens: Vec<String> = reqs.iter().filter(|r| r.status == 200).map(token).collect();
    let mut unique = ok_tokens.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        ok_tokens.len(),
        "a page read twice: {ok_tokens:?}"
    );
    let first_throttled = reqs
        .iter()
        .find(|r| r.status != 200)
        .expect("throttled requests");
    let resumed = reqs
        .iter()
        .find(|r| r.status == 200 && r.at > cleared)
        .expect("a page after the window");
    assert_eq!(
        token(resumed),
        token(first_throttled),
        "resumed from the throttled page"
    );
    let after = resumed.at.duration_since(cleared);
    assert!(
        after < Duration::from_secs(5),
        "resumed {after:?} after the window"
    );
    // The warning came, and cleared on the first success (not at the end of the backfill).
    let warned = statuses
        .iter()
        .position(|(_, s)| {
            matches!(
                s,
                ScopeStatus::Problem(airc::aws::errors::Problem::Throttled(_))
            )
        })
        .expect("the pane was told it is throttled");
    assert!(
        statuses[warned..]
            .iter()
            .any(|(at, s)| matches!(s, ScopeStatus::Ok { .. })
                && *at < resumed.at + Duration::from_secs(2)),
        "{statuses:?}"
    );
    // Never more than 2 LookupEvents in any second, throttled ones included.
    for (i, r) in reqs.iter().enumerate() {
        let n = reqs[i..]
            .iter()
            .take_while(|x| x.at.duration_since(r.at) < Duration::from_millis(990))
            .count();
        assert!(n <= 2, "{n} LookupEvents within one second");
    }
}
