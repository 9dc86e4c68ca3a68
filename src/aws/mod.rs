//! Live AWS: pollers for Health, GuardDuty, CloudTrail and the other detection services and
//! monitors (`findings`) over the official SDK, feeding the
//! same signals and store as the demo and replay. Every poller runs on its own task; the UI
//! only ever receives messages, so no frame waits on the network.

pub mod access_analyzer;
pub mod capture;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod cost_explorer;
pub mod errors;
pub mod findings;
pub mod guardduty;
pub mod health;
pub mod health_json;
pub mod health_org;
pub mod inspector;
pub mod lake;
pub mod limiter;
pub mod macie;
pub mod poller;
pub mod securityhub;
pub mod session;
pub mod skipped;

use crate::feed::Feed;
use crate::feed::{Identity, LiveEvent};
use aws_config::SdkConfig;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::sync::watch;

/// How often each source polls.
#[derive(Debug, Clone, PartialEq)]
pub struct PollIntervals {
    pub health: Duration,
    pub guardduty: Duration,
    pub cloudtrail: Duration,
}

impl Default for PollIntervals {
    fn default() -> Self {
        PollIntervals {
            health: Duration::from_secs(60),
            guardduty: Duration::from_secs(60),
            cloudtrail: Duration::from_secs(30),
        }
    }
}

/// DescribeEvents filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HealthFilter {
    pub statuses: Vec<String>,
    pub categories: Vec<String>,
    pub services: Vec<String>,
    pub regions: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct LiveOptions {
    /// Profiles to watch; `None` is the default credential chain.
    pub profiles: Vec<Option<String>>,
    pub regions: Vec<String>,
    pub endpoint_url: Option<String>,
    /// Health through the *ForOrganization calls.
    pub org: bool,
    /// CloudTrail Lake event data store (ARN or id) for history.
    pub lake: Option<String>,
    /// How far back the first poll reaches.
    pub since: Duration,
    pub poll: PollIntervals,
    /// GuardDuty findings below this severity are not fetched.
    pub min_severity: f64,
    pub health_filter: HealthFilter,
    /// Per-attempt and connect timeout of every call.
    pub timeout: Duration,
    /// Attempts the SDK makes per call before a poller backs off on its own.
    pub sdk_attempts: u32,
    /// How often credentials are re-checked while they work (and every 10 s while they do not).
    pub identity_recheck: Duration,
    /// How long a live session keeps signals (`--retain`, at least `since`).
    pub retain: Duration,
    /// The Health endpoints' regions: the first is active, the next are failovers.
    pub health_regions: Vec<String>,
    /// Response actions that change anything are refused.
    pub read_only: bool,
    /// Poll Security Hub, Macie, Inspector, Access Analyzer, CloudWatch alarms and Cost Explorer
    /// besides Health, GuardDuty and CloudTrail.
    pub findings: bool,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions {
            profiles: vec![None],
            regions: Vec::new(),
            endpoint_url: None,
            org: false,
            lake: None,
            since: Duration::from_secs(24 * 3600),
            poll: PollIntervals::default(),
            min_severity: 0.0,
            health_filter: HealthFilter::default(),
            timeout: Duration::from_secs(20),
            sdk_attempts: 3,
            identity_recheck: Duration::from_secs(300),
            retain: Duration::from_secs(7 * 86_400),
            health_regions: vec!["us-east-1".into(), "us-east-2".into()],
            read_only: false,
            findings: true,
        }
    }
}

/// One attribute per LookupEvents call, as the API allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupKey {
    AccessKeyId,
    Username,
    ResourceName,
    EventName,
}

impl LookupKey {
    pub fn label(self) -> &'static str {
        match self {
            LookupKey::AccessKeyId => "AccessKeyId",
            LookupKey::Username => "Username",
            LookupKey::ResourceName => "ResourceName",
            LookupKey::EventName => "EventName",
        }
    }
}

/// A pivot query from the console: LookupEvents by one attribute in every watched region.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    pub key: LookupKey,
    pub value: String,
}

/// Credentials state of one profile, shared with its pollers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gate {
    pub account: Option<String>,
    pub ok: bool,
}

/// What pollers share: where to report, the credentials gate, the LookupEvents pacer.
#[derive(Clone)]
pub struct Ctx {
    pub feed: UnboundedSender<Feed>,
    pub opts: Arc<LiveOptions>,
    pub profile: String,
    pub gate: watch::Receiver<Gate>,
    pub gate_tx: Arc<watch::Sender<Gate>>,
    pub pacer: Arc<limiter::Pacer>,
    /// The detection services' and monitors' pacers (`findings::pacers`).
    pub findings_pacers: Arc<findings::Pacers>,
}

impl Ctx {
    pub fn send(&self, ev: LiveEvent) {
        let _ = self.feed.send(Feed::Live(ev));
    }

    /// Waits until the profile's credentials work; returns its account id.
    pub async fn ready(&mut self) -> Option<String> {
        let g = self.gate.wait_for(|g| g.ok).await.ok()?;
        g.account.clone()
    }

    /// Credentials are known not to work: a long poll stops between calls.
    pub fn check_paused(&self) -> Result<(), errors::Problem> {
        if self.gate.borrow().ok {
            Ok(())
        } else {
            Err(errors::Problem::Credentials(
                "paused until the credentials work again".into(),
            ))
        }
    }

    /// A call failed for credentials: pause everyone on this profile until they work again.
    pub fn credentials_failed(&self) {
        self.gate_tx.send_modify(|g| g.ok = false);
    }
}

/// Starts every poller. Returns where to send pivot lookups.
pub fn start(opts: LiveOptions, feed: UnboundedSender<Feed>) -> UnboundedSender<Lookup> {
    let (lookup_tx, lookup_rx) = unbounded_channel();
    tokio::spawn(run(Arc::new(opts), feed, lookup_rx));
    lookup_tx
}

async fn run(
    opts: Arc<LiveOptions>,
    feed: UnboundedSender<Feed>,
    mut lookups: UnboundedReceiver<Lookup>,
) {
    let pacer = Arc::new(limiter::Pacer::new(2));
    let findings_pacers = findings::pacers();
    let mut lookup_targets: Vec<(Ctx, Vec<cloudtrail::Regional>)> = Vec::new();
    for profile in opts.profiles.clone() {
        let region = opts.regions.first().map(String::as_str);
        let cfg = session::load(profile.as_deref(), region, &opts).await;
        let (gate_tx, gate) = watch::channel(Gate::default());
        let ctx = Ctx {
            feed: feed.clone(),
            opts: opts.clone(),
            profile: session::label(profile.as_deref()),
            gate,
            gate_tx: Arc::new(gate_tx),
            pacer: pacer.clone(),
            findings_pacers: findings_pacers.clone(),
        };
        let label = ctx.profile.clone();
        let (c, f, p) = (ctx.clone(), cfg.clone(), profile.clone());
        supervise(&ctx, format!("{label} identity check"), move || {
            watch_identity(c.clone(), f.clone(), p.clone())
        });
        let (c, f) = (ctx.clone(), cfg.clone());
        supervise(&ctx, format!("{label} Health poller"), move || {
            health::run(c.clone(), f.clone())
        });
        let mut regional = Vec::new();
        for (n, r) in session::regions(&cfg, &opts).into_iter().enumerate() {
            let rcfg = with_region(&cfg, &r);
            if opts.findings {
                findings::start(&ctx, &rcfg, &r, n == 0);
            }
            let (c, f, rr) = (ctx.clone(), rcfg.clone(), r.clone());
            supervise(&ctx, format!("{label}/{r} GuardDuty poller"), move || {
                guardduty::run(c.clone(), f.clone(), rr.clone())
            });
            let ct = cloudtrail::Regional::new(&rcfg, &r);
            let (c, t) = (ctx.clone(), ct.clone());
            supervise(&ctx, format!("{label}/{r} CloudTrail poller"), move || {
                cloudtrail::tail(c.clone(), t.clone())
            });
            regional.push(ct);
        }
        if let Some(store) = opts.lake.clone() {
            let (c, f) = (ctx.clone(), cfg.clone());
            supervise(&ctx, format!("{label} CloudTrail Lake query"), move || {
                lake::run(c.clone(), f.clone(), store.clone())
            });
        }
        lookup_targets.push((ctx, regional));
    }
    while let Some(l) = lookups.recv().await {
        for (ctx, regions) in &lookup_targets {
            for r in regions {
                tokio::spawn(cloudtrail::lookup(ctx.clone(), r.clone(), l.clone()));
            }
        }
    }
}

pub fn with_region(cfg: &SdkConfig, region: &str) -> SdkConfig {
    cfg.clone()
        .into_builder()
        .region(aws_config::Region::new(region.to_string()))
        .build()
}

/// Runs one poller as its own task; when it panics (a bug, hostile data), the console says so
/// in one line and the poller starts again after a pause. The panic itself is in the log.
fn supervise<F, Fut>(ctx: &Ctx, what: String, make: F)
where
    F: Fn() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let ctx = ctx.clone();
    tokio::spawn(async move {
        loop {
            match tokio::spawn(make()).await {
                Err(e) if e.is_panic() => {
                    let why = crate::panics::panic_message(&*e.into_panic());
                    ctx.send(LiveEvent::Notice {
                        text: format!("{what} failed ({why}); restarting it in 5 s"),
                        error: true,
                    });
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
                _ => return,
            }
        }
    });
}

/// Checks who the credentials belong to, at start, every `identity_recheck`, and every 10 s
/// (or at once when a poller reports trouble) while they fail.
async fn watch_identity(ctx: Ctx, cfg: SdkConfig, profile: Option<String>) {
    let mut changes = ctx.gate_tx.subscribe();
    loop {
        let result = session::identity(&cfg).await;
        let ok = result.is_ok();
        let id = match result {
            Ok((account, arn)) => {
                ctx.gate_tx.send_replace(Gate {
                    account: Some(account.clone()),
                    ok: true,
                });
                Identity {
                    profile: ctx.profile.clone(),
                    account: Some(account),
                    principal: Some(arn),
                    problem: None,
                }
            }
            Err(p) => {
                ctx.gate_tx.send_modify(|g| g.ok = false);
                let fix = match &p {
                    errors::Problem::Credentials(_) => session::fix_for(profile.as_deref()).await,
                    errors::Problem::Denied { .. } => "allow sts:GetCallerIdentity".into(),
                    _ => "check the network and --endpoint-url".into(),
                };
                Identity {
                    profile: ctx.profile.clone(),
                    account: None,
                    principal: None,
                    problem: Some((p.to_string(), fix)),
                }
            }
        };
        ctx.send(LiveEvent::Identity(id));
        changes.mark_unchanged();
        let wait = if ok {
            ctx.opts.identity_recheck
        } else {
            Duration::from_secs(10)
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            r = changes.wait_for(|g| !g.ok), if ok => { if r.is_err() { return; } }
        }
        if ctx.feed.is_closed() {
            return;
        }
    }
}
