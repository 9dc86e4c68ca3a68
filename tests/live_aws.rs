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
        state.live = Some(Default::default());
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
                    self.state.live,
                    self.state
                        .toasts
                        .iter()
                        .map(|t| &t.text)
                        .collect::<Vec<_>>()
                ),
            }
        }
    }

    fn count(&self, s: Source) -> usize {
        self.state.store.count(s)
    }

    fn status(&self, s: Source, scope: &str) -> Option<ScopeStatus> {
        self.state
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
        st.store.count(Source::Health) == 5
            && st
                .store
                .signals()
                .iter()
                .filter(|x| x.source == Source::Health)
                .all(|x| x.affected.is_some())
            && st
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
    let signals = s.state.store.signals();
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
    let agg = &s.state.live.as_ref().unwrap().health_aggregates;
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
