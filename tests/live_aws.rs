//! Live AWS over HTTP: the real SDK clients against the fake AWS on 127.0.0.1 (Health in CBOR,
//! GuardDuty restJson1, CloudTrail awsJson1.1, STS query), through `airc::aws::start`, into the
//! same state and store the console uses.

#[path = "support/fake_aws/mod.rs"]
mod fake_aws;

use airc::app::live::ScopeStatus;
use airc::app::{update, Feed, Msg, State};
use airc::aws::{LiveOptions, Lookup, LookupKey, PollIntervals};
use airc::model::Source;
use fake_aws::{FakeAws, Fault, FaultKind, World};
use std::path::Path;
use std::sync::Once;
use std::time::{Duration, Instant};

static ENV: Once = Once::new();

/// Credentials for the SDK (never a real account), and no instance-metadata lookups.
pub fn test_env() {
    ENV.call_once(|| {
        let dir = std::env::temp_dir().join(format!("airc-live-test-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let creds = dir.join("credentials");
        let config = dir.join("config");
        let _ = std::fs::write(
            &creds,
            "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = x\n\
             [alpha]\naws_access_key_id = AKIAALPHA\naws_secret_access_key = x\n\
             [beta]\naws_access_key_id = AKIABETA\naws_secret_access_key = x\n",
        );
        let _ = std::fs::write(
            &config,
            "[default]\nregion = us-east-1\n[profile alpha]\nregion = us-east-1\n\
             [profile beta]\nregion = us-east-1\n\
             [profile ssoprof]\nsso_session = corp\nsso_account_id = 111122223333\n\
             sso_role_name = Responder\nregion = us-east-1\n\
             [sso-session corp]\nsso_start_url = https://example.invalid/start\nsso_region = us-east-1\n",
        );
        // Set once, before any SDK client exists, to the same values for every test.
        std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", &creds);
        std::env::set_var("AWS_CONFIG_FILE", &config);
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
        std::env::remove_var("AWS_ACCESS_KEY_ID");
        std::env::remove_var("AWS_SECRET_ACCESS_KEY");
        std::env::remove_var("AWS_SESSION_TOKEN");
        std::env::remove_var("AWS_PROFILE");
        std::env::set_var("HOME", &dir);
    });
}

fn demo_world() -> World {
    World::demo(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo"))
}

fn options(server: &FakeAws) -> LiveOptions {
    LiveOptions {
        profiles: vec![Some("alpha".into())],
        regions: vec!["us-east-1".into()],
        endpoint_url: Some(server.url.clone()),
        poll: PollIntervals {
            health: Duration::from_millis(700),
            guardduty: Duration::from_millis(700),
            cloudtrail: Duration::from_millis(700),
        },
        timeout: Duration::from_secs(3),
        sdk_attempts: 1,
        ..LiveOptions::default()
    }
}

/// A live session: the console's state fed by the pollers.
struct Session {
    state: State,
    rx: tokio::sync::mpsc::UnboundedReceiver<Feed>,
    lookups: tokio::sync::mpsc::UnboundedSender<Lookup>,
}

impl Session {
    fn start(opts: LiveOptions) -> Session {
        test_env();
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let lookups = airc::aws::start(opts, tx);
        let mut state = State::new("live", airc::keymap::Keymap::default(), chrono::Utc::now());
        state.session.live = Some(Default::default());
        Session { state, rx, lookups }
    }

    /// Applies feed messages until `pred` holds (or panics after `secs`).
    async fn until(&mut self, secs: u64, what: &str, pred: impl Fn(&State) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while !pred(&self.state) {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.rx.recv()).await {
                Ok(Some(f)) => {
                    self.state.now = chrono::Utc::now();
                    update(&mut self.state, Msg::Feed(f));
                }
                _ => panic!(
                    "timed out waiting for {what}; live status: {:#?}; toasts: {:?}",
                    self.state.session.live,
                    self.state
                        .ui
                        .toasts
                        .iter()
                        .map(|t| &t.text)
                        .collect::<Vec<_>>()
                ),
            }
        }
    }

    fn count(&self, s: Source) -> usize {
        self.state.view.store.count(s)
    }

    fn status(&self, s: Source, scope: &str) -> Option<ScopeStatus> {
        self.state
            .session
            .live
            .as_ref()?
            .scopes
            .get(&(s, scope.to_string()))
            .map(|x| x.status.clone())
    }
}

fn is_ok(s: Option<ScopeStatus>) -> bool {
    matches!(s, Some(ScopeStatus::Ok { .. }))
}

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
                .all(|x| x.affected.is_some())
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
            .find(|x| x.kind == code)
            .unwrap_or_else(|| panic!("{code}"))
    };
    let exposed = sig(restricted);
    assert!(
        exposed.summary.contains("restricted"),
        "{}",
        exposed.summary
    );
    let retire = sig("AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED");
    assert!(!retire.entities.is_empty(), "affected entities joined");
    assert_eq!(retire.affected, Some(retire.entities.len() as u32));
    assert_eq!(retire.account.as_deref(), Some("111122223333"));
    assert!(!retire.summary.contains("restricted"));
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
    assert_eq!(m.account.as_deref(), Some("444455556666"));
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

fn problem(s: &Session, src: Source, scope: &str) -> Option<airc::aws::errors::Problem> {
    match s.status(src, scope) {
        Some(ScopeStatus::Problem(p)) => Some(p),
        _ => None,
    }
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_timeouts_and_denials_are_named_and_the_data_stays() {
    let server = FakeAws::start(demo_world());
    let mut s = Session::start(options(&server));
    s.until(15, "first data", |st| {
        st.view.store.count(Source::GuardDuty) > 0 && st.view.store.count(Source::CloudTrail) > 0
    })
    .await;
    let kept = s.count(Source::GuardDuty);
    server.fault(Fault::new("guardduty", FaultKind::Status500));
    let scope = "alpha/us-east-1";
    s.until(10, "a 500 shown as a server error", |st| {
        matches!(
            st.session
                .live
                .as_ref()
                .unwrap()
                .scopes
                .get(&(Source::GuardDuty, scope.into()))
                .map(|x| &x.status),
            Some(ScopeStatus::Problem(airc::aws::errors::Problem::Server(_)))
        )
    })
    .await;
    assert_eq!(
        s.count(Source::GuardDuty),
        kept,
        "the pane keeps its last data"
    );
    assert!(s
        .state
        .session
        .live
        .as_ref()
        .unwrap()
        .pane(Source::GuardDuty)
        .unwrap()
        .last_ok
        .is_some());
    server.clear_faults();
    server.fault(Fault::new("guardduty", FaultKind::AccessDenied).op("ListFindings"));
    s.until(15, "access denied naming the permission", |st| {
        matches!(st.session.live.as_ref().unwrap().scopes.get(&(Source::GuardDuty, scope.into())).map(|x| &x.status),
            Some(ScopeStatus::Problem(airc::aws::errors::Problem::Denied { permission, .. })) if permission == "guardduty:ListFindings")
    })
    .await;
    server.clear_faults();
    server.fault(Fault::new(
        "cloudtrail",
        FaultKind::Delay(Duration::from_secs(5)),
    ));
    s.until(20, "a slow CloudTrail shown as timed out", |st| {
        matches!(st.session.live.as_ref().unwrap().scopes.get(&(Source::CloudTrail, scope.into())).map(|x| &x.status),
            Some(ScopeStatus::Problem(airc::aws::errors::Problem::Endpoint(m))) if m.contains("timed out"))
    })
    .await;
    assert!(s.count(Source::CloudTrail) > 0);
    server.clear_faults();
    s.until(25, "CloudTrail back", |st| {
        is_ok(
            st.session
                .live
                .as_ref()
                .unwrap()
                .scopes
                .get(&(Source::CloudTrail, scope.into()))
                .map(|x| x.status.clone()),
        )
    })
    .await;
    assert!(problem(&s, Source::CloudTrail, scope).is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_fails_over_to_us_east_2_and_reports_a_missing_subscription() {
    let server = FakeAws::start(demo_world());
    server.fault(Fault::new("health", FaultKind::Status500).region("us-east-1"));
    let mut s = Session::start(options(&server));
    s.until(15, "Health through us-east-2", |st| {
        st.view.store.count(Source::Health) == 5
    })
    .await;
    let ok_east2 = server.with(|w| {
        w.log
            .iter()
            .any(|r| r.service == "health" && r.region == "us-east-2" && r.status == 200)
    });
    assert!(ok_east2, "us-east-2 answered");
    s.until(5, "the failover note", |st| {
        matches!(st.session.live.as_ref().unwrap().scopes.get(&(Source::Health, "alpha/health".into())).map(|x| &x.status),
            Some(ScopeStatus::Ok { note: Some(n) }) if n.contains("us-east-2"))
    })
    .await;
    server.clear_faults();
    server.fault(Fault::new("health", FaultKind::SubscriptionRequired));
    s.until(15, "the subscription message", |st| {
        matches!(
            st.session
                .live
                .as_ref()
                .unwrap()
                .scopes
                .get(&(Source::Health, "alpha/health".into()))
                .map(|x| &x.status),
            Some(ScopeStatus::Problem(
                airc::aws::errors::Problem::Unsubscribed(_)
            ))
        )
    })
    .await;
    let p = s
        .state
        .session
        .live
        .as_ref()
        .unwrap()
        .pane(Source::Health)
        .unwrap();
    assert!(
        p.problems[0]
            .1
            .contains("Business, Enterprise On-Ramp or Enterprise support"),
        "{:?}",
        p.problems
    );
    assert_eq!(s.count(Source::Health), 5, "what was read stays");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_credentials_pause_everything_then_polling_resumes() {
    let server = FakeAws::start(demo_world());
    let mut s = Session::start(options(&server));
    s.until(15, "first data", |st| {
        st.view.store.count(Source::CloudTrail) > 0
    })
    .await;
    server.fault(Fault::new("sts", FaultKind::ExpiredToken));
    server.fault(Fault::new("guardduty", FaultKind::ExpiredToken));
    s.until(15, "the credentials banner", |st| {
        st.session.live.as_ref().unwrap().banner().is_some()
    })
    .await;
    let banner = s.state.session.live.as_ref().unwrap().banner().unwrap();
    assert!(banner.contains("aws configure --profile alpha"), "{banner}");
    assert!(banner.contains("ExpiredToken"), "{banner}");
    // Nothing polls while paused (a grace period for calls already under way).
    tokio::time::sleep(Duration::from_millis(800)).await;
    let n = server.with(|w| w.log.iter().filter(|r| r.service != "sts").count());
    tokio::time::sleep(Duration::from_secs(2)).await;
    let m = server.with(|w| w.log.iter().filter(|r| r.service != "sts").count());
    assert_eq!(n, m, "no data calls while credentials fail");
    server.clear_faults();
    s.until(20, "credentials work again", |st| {
        st.session.live.as_ref().unwrap().banner().is_none()
    })
    .await;
    s.until(10, "GuardDuty polls again", |st| {
        is_ok(
            st.session
                .live
                .as_ref()
                .unwrap()
                .scopes
                .get(&(Source::GuardDuty, "alpha/us-east-1".into()))
                .map(|x| x.status.clone()),
        )
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sso_profile_without_a_token_shows_the_login_command() {
    let server = FakeAws::start(demo_world());
    let mut opts = options(&server);
    opts.profiles = vec![Some("ssoprof".into())];
    let mut s = Session::start(opts);
    s.until(15, "the SSO banner", |st| {
        st.session.live.as_ref().unwrap().banner().is_some()
    })
    .await;
    let banner = s.state.session.live.as_ref().unwrap().banner().unwrap();
    assert!(
        banner.contains("aws sso login --profile ssoprof"),
        "{banner}"
    );
    assert!(
        server.with(|w| w.log.is_empty()),
        "no call goes out without credentials"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organization_view_uses_the_organization_calls_and_tags_accounts() {
    let mut world = demo_world();
    let arn = world.health_events[0]["arn"].as_str().unwrap().to_string();
    world
        .org_accounts
        .insert(arn.clone(), vec!["444455556666".into()]);
    let server = FakeAws::start(world);
    let mut opts = options(&server);
    opts.org = true;
    let mut s = Session::start(opts);
    s.until(15, "organization Health events and their counts", |st| {
        st.view.store.count(Source::Health) == 5
            && st
                .session
                .live
                .as_ref()
                .is_some_and(|l| !l.health_aggregates.is_empty())
    })
    .await;
    for op in [
        "DescribeEventsForOrganization",
        "DescribeAffectedAccountsForOrganization",
        "DescribeEventDetailsForOrganization",
        "DescribeAffectedEntitiesForOrganization",
        "DescribeEntityAggregatesForOrganization",
    ] {
        assert!(!server.requests("health", op).is_empty(), "{op}");
    }
    assert!(server.requests("health", "DescribeEvents").is_empty());
    let sig = s.state.view.store.get(&format!("health:{arn}")).unwrap();
    assert_eq!(sig.account.as_deref(), Some("444455556666"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudtrail_lake_history() {
    let mut world = demo_world();
    for i in 0..7 {
        world.lake_rows.push(
            [
                ("eventID", format!("lake-{i}")),
                ("eventTime", "2026-06-01 10:00:00.000".to_string()),
                ("eventName", "CreateUser".to_string()),
                ("eventSource", "iam.amazonaws.com".to_string()),
                ("awsRegion", "us-east-1".to_string()),
                (
                    "identityArn",
                    "arn:aws:iam::111122223333:user/mallory".to_string(),
                ),
            ]
            .into_iter()
            .map(|(k, v)| std::collections::HashMap::from([(k.to_string(), v)]))
            .collect(),
        );
    }
    let server = FakeAws::start(world);
    let mut opts = options(&server);
    opts.lake = Some("arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/eds-1".into());
    let mut s = Session::start(opts);
    s.until(20, "seven Lake events", |st| {
        st.view
            .store
            .signals()
            .iter()
            .filter(|x| x.id.starts_with("cloudtrail:lake-"))
            .count()
            == 7
    })
    .await;
    let q = server.requests("cloudtrail", "StartQuery");
    assert!(q[0].body["QueryStatement"]
        .as_str()
        .unwrap()
        .contains("FROM eds-1"));
    assert!(
        server.requests("cloudtrail", "DescribeQuery").len() >= 2,
        "polled until finished"
    );
    assert!(
        server.requests("cloudtrail", "GetQueryResults").len() >= 3,
        "7 rows at 3 per page"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_switching_account_never_shows_old_data_as_new() {
    let server = FakeAws::start(demo_world());
    let mut opts = options(&server);
    opts.identity_recheck = Duration::from_secs(1);
    let mut s = Session::start(opts);
    s.until(15, "first data", |st| {
        st.view.store.count(Source::GuardDuty) > 0
    })
    .await;
    server.with(|w| {
        w.identities.insert(
            "AKIAALPHA".into(),
            (
                "999988887777".into(),
                "arn:aws:iam::999988887777:user/bob".into(),
            ),
        )
    });
    s.until(10, "the new account", |st| {
        st.session.source_label.contains("999988887777")
    })
    .await;
    assert!(
        s.state
            .view
            .store
            .signals()
            .iter()
            .all(|x| x.account.as_deref() != Some("111122223333")),
        "signals of the old account are gone"
    );
    assert!(s
        .state
        .ui
        .toasts
        .iter()
        .any(|t| t.text.contains("now answers for account 999988887777")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_profiles_each_with_its_account_in_the_header() {
    let server = FakeAws::start(demo_world());
    server.with(|w| {
        w.identities.insert(
            "AKIABETA".into(),
            (
                "222233334444".into(),
                "arn:aws:iam::222233334444:user/carol".into(),
            ),
        )
    });
    let mut opts = options(&server);
    opts.profiles = vec![Some("alpha".into()), Some("beta".into())];
    let mut s = Session::start(opts);
    s.until(15, "both profiles polled", |st| {
        let live = st.session.live.as_ref().unwrap();
        live.identities.len() == 2
            && is_ok(
                live.scopes
                    .get(&(Source::GuardDuty, "beta/us-east-1".into()))
                    .map(|x| x.status.clone()),
            )
            && is_ok(
                live.scopes
                    .get(&(Source::GuardDuty, "alpha/us-east-1".into()))
                    .map(|x| x.status.clone()),
            )
    })
    .await;
    let label = &s.state.session.source_label;
    assert!(
        label.contains("alpha 111122223333 assumed-role/Responder/alice"),
        "{label}"
    );
    assert!(label.contains("beta 222233334444 user/carol"), "{label}");
    let keys: std::collections::BTreeSet<String> =
        server.with(|w| w.log.iter().map(|r| r.access_key.clone()).collect());
    assert!(
        keys.contains("AKIAALPHA") && keys.contains("AKIABETA"),
        "{keys:?}"
    );
}
