//! The live-AWS test session: SDK settings pointed at files of this test run, the fake AWS's
//! demo world, options for `airc::aws::start`, and a state fed by what the pollers send.

#![allow(dead_code)]

use super::fake_aws::{FakeAws, World};
use airc::app::live::ScopeStatus;
use airc::app::{update, Feed, Msg, State};
use airc::aws::{LiveOptions, Lookup, PollIntervals};
use airc::model::Source;
use std::path::Path;
use std::sync::Once;
use std::time::{Duration, Instant};

static ENV: Once = Once::new();

/// Credentials for the SDK (never a real account), and no instance-metadata lookups.
pub fn test_env() {
    ENV.call_once(|| {
        // Under the target's own temporary folder (cleaned with the build), not /tmp.
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("airc-live-test-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let creds = dir.join("credentials");
        let config = dir.join("config");
        let _ = std::fs::write(
            &creds,
            "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = x\n\
             [alpha]\naws_access_key_id = AKIAALPHA\naws_secret_access_key = x\n\
             [beta]\naws_access_key_id = AKIABETA\naws_secret_access_key = x\n\
             [acct1]\naws_access_key_id = AKIAACCT1\naws_secret_access_key = x\n\
             [acct2]\naws_access_key_id = AKIAACCT2\naws_secret_access_key = x\n\
             [acct3]\naws_access_key_id = AKIAACCT3\naws_secret_access_key = x\n\
             [acct4]\naws_access_key_id = AKIAACCT4\naws_secret_access_key = x\n\
             [acct5]\naws_access_key_id = AKIAACCT5\naws_secret_access_key = x\n",
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

pub fn demo_world() -> World {
    World::demo(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo"))
}

pub fn options(server: &FakeAws) -> LiveOptions {
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
pub struct Session {
    pub state: State,
    pub rx: tokio::sync::mpsc::UnboundedReceiver<Feed>,
    pub lookups: tokio::sync::mpsc::UnboundedSender<Lookup>,
}

impl Session {
    pub fn start(opts: LiveOptions) -> Session {
        test_env();
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let lookups = airc::aws::start(opts, tx);
        let mut state = State::new("live", airc::keymap::Keymap::default(), chrono::Utc::now());
        state.session.live = Some(Default::default());
        Session { state, rx, lookups }
    }

    /// Applies feed messages until `pred` holds (or panics after `secs`).
    pub async fn until(&mut self, secs: u64, what: &str, pred: impl Fn(&State) -> bool) {
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

    pub fn count(&self, s: Source) -> usize {
        self.state.view.store.count(s)
    }

    pub fn status(&self, s: Source, scope: &str) -> Option<ScopeStatus> {
        self.state
            .session
            .live
            .as_ref()?
            .scopes
            .get(&(s, scope.to_string()))
            .map(|x| x.status.clone())
    }
}

pub fn is_ok(s: Option<ScopeStatus>) -> bool {
    matches!(s, Some(ScopeStatus::Ok { .. }))
}

pub fn problem(s: &Session, src: Source, scope: &str) -> Option<airc::aws::errors::Problem> {
    match s.status(src, scope) {
        Some(ScopeStatus::Problem(p)) => Some(p),
        _ => None,
    }
}
