//! CloudTrail LookupEvents in one region: every page of the `--since` window, then a tail that
//! asks only for events newer than the newest seen. Pivot lookups (by access key, user name,
//! resource name or event name, one attribute per call) share the tail's pacer: no caller
//! exceeds 2 requests per second per account and region.

use super::errors::{classify, Problem};
use super::poller::{self, send_items, Poll};
use super::{Ctx, Lookup, LookupKey};
use crate::feed::{LiveEvent, ScopeStatus};
use crate::model::Source;
use crate::normalize::{normalize_record, Normalized, Options};
use aws_config::SdkConfig;
use aws_sdk_cloudtrail::types::{Event, LookupAttribute, LookupAttributeKey};
use aws_sdk_cloudtrail::Client;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::time::Duration;

/// A pivot lookup reads at most this many pages (50 events each) per region.
pub const MAX_LOOKUP_PAGES: usize = 20;
/// A page is asked again this many times (about a minute and a half of trouble) before the
/// poll gives up and the poller's own backoff takes over.
const MAX_PAGE_RETRIES: u32 = 24;

#[derive(Clone, Debug)]
pub struct Regional {
    pub region: String,
    pub client: Client,
}

impl Regional {
    /// The SDK's own retries are off for CloudTrail: they would send a retried LookupEvents
    /// without waiting for the pacer (three requests inside one second). `pages` retries a
    /// failed page itself, through the pacer, from its own token.
    pub fn new(cfg: &SdkConfig, region: &str) -> Regional {
        let conf = aws_sdk_cloudtrail::config::Builder::from(cfg)
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .build();
        Regional {
            region: region.to_string(),
            client: Client::from_conf(conf),
        }
    }
}

/// How long a page waits before it is asked again after a throttle or a server error: 1 s,
/// doubling to 4 s, with jitter (half to all of it).
pub fn page_backoff(failures: u32, jitter: f64) -> Duration {
    let base = Duration::from_secs(1).saturating_mul(1 << failures.saturating_sub(1).min(2));
    base.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}

/// Throttling and server or network trouble pass; a page that met them is asked again.
fn transient(p: &Problem) -> bool {
    matches!(
        p,
        Problem::Throttled(_) | Problem::Server(_) | Problem::Endpoint(_)
    )
}

/// The record inside a LookupEvents event (its CloudTrailEvent JSON), normalized.
pub fn normalize_event(e: &Event) -> Option<(Normalized, Option<DateTime<Utc>>)> {
    let when = e
        .event_time()
        .and_then(|t| DateTime::from_timestamp(t.secs(), t.subsec_nanos()));
    let record = match serde_json::from_str::<Value>(e.cloud_trail_event()?) {
        Ok(v) => v,
        Err(err) => {
            super::skipped::record("CloudTrail event", format!("not JSON: {err}"));
            return None;
        }
    };
    match normalize_record(record, &Options::default()) {
        Ok((_, n)) => Some((n, when)),
        Err(err) => {
            super::skipped::record("CloudTrail event", err);
            None
        }
    }
}

fn attribute(l: &Lookup) -> Result<LookupAttribute, Problem> {
    let key = match l.key {
        LookupKey::AccessKeyId => LookupAttributeKey::AccessKeyId,
        LookupKey::Username => LookupAttributeKey::Username,
        LookupKey::ResourceName => LookupAttributeKey::ResourceName,
        LookupKey::EventName => LookupAttributeKey::EventName,
    };
    LookupAttribute::builder()
        .attribute_key(key)
        .attribute_value(&l.value)
        .build()
        .map_err(|e| Problem::Other(e.to_string()))
}

/// Reads pages (each after the pacer's turn) and sends their events; returns how many and the
/// newest event time.
async fn pages(
    ctx: &Ctx,
    r: &Regional,
    account: &str,
    start: Option<DateTime<Utc>>,
    attr: Option<LookupAttribute>,
    max_pages: usize,
) -> Result<(usize, Option<DateTime<Utc>>), Problem> {
    let key = format!("{account}/{}", r.region);
    let mut token: Option<String> = None;
    let mut count = 0;
    let mut newest: Option<DateTime<Utc>> = None;
    // The tail says on its pane that it waits, and that it goes on; lookups say it in their
    // notice at the end.
    let scope = format!("{}/{}", ctx.profile, r.region);
    let say = |status: ScopeStatus| {
        if attr.is_none() {
            ctx.send(LiveEvent::Status {
                source: Source::CloudTrail,
                scope: scope.clone(),
                status,
            });
        }
    };
    let mut failures = 0u32;
    let mut page = 0;
    while page < max_pages {
        ctx.pacer.acquire(&key).await;
        ctx.check_paused()?;
        let sent = r
            .client
            .lookup_events()
            .set_start_time(start.map(|t| aws_smithy_types::DateTime::from_secs(t.timestamp())))
            .set_lookup_attributes(attr.clone().map(|a| vec![a]))
            .max_results(50)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| classify(&e, "cloudtrail:LookupEvents"));
        let out = match sent {
            Ok(out) => {
                if failures > 0 {
                    failures = 0;
                    say(ScopeStatus::Ok {
                        note: Some("resumed where it was throttled".into()),
                    });
                }
                out
            }
            // The same page again, from its own token, after a pause: never the window over.
            Err(p) if transient(&p) && failures < MAX_PAGE_RETRIES => {
                failures += 1;
                say(ScopeStatus::Problem(p));
                tokio::time::sleep(page_backoff(failures, fastrand::f64())).await;
                continue;
            }
            Err(p) => return Err(p),
        };
        page += 1;
        let mut items = Vec::new();
        for e in out.events() {
            if let Some((n, when)) = normalize_event(e) {
                newest = newest.max(when);
                items.push(n);
            }
        }
        count += items.len();
        send_items(ctx, items);
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    Ok((count, newest))
}

struct Tail {
    scope: String,
    r: Regional,
    newest: Option<DateTime<Utc>>,
    interval: Duration,
}

pub async fn tail(ctx: Ctx, r: Regional) {
    let p = Tail {
        scope: format!("{}/{}", ctx.profile, r.region),
        r,
        newest: None,
        interval: ctx.opts.poll.cloudtrail,
    };
    poller::run(ctx, p).await
}

impl Poll for Tail {
    fn source(&self) -> Source {
        Source::CloudTrail
    }
    fn scope(&self) -> String {
        self.scope.clone()
    }
    fn interval(&self) -> Duration {
        self.interval
    }
    async fn poll(&mut self, ctx: &Ctx, account: &str) -> Result<Option<String>, Problem> {
        // From the newest event seen (inclusive: the store keeps one copy of each eventID).
        let start = self
            .newest
            .unwrap_or_else(|| crate::model::time::minus(Utc::now(), ctx.opts.since));
        let (_, newest) = pages(ctx, &self.r, account, Some(start), None, usize::MAX).await?;
        self.newest = self.newest.max(newest).or(Some(start));
        Ok(None)
    }
}

/// A pivot lookup in one region; the result (or the failure) is a notice in the console.
pub async fn lookup(mut ctx: Ctx, r: Regional, l: Lookup) {
    let Some(account) = ctx.ready().await else {
        return;
    };
    let what = format!("{}={}", l.key.label(), l.value);
    let result = match attribute(&l) {
        Ok(a) => pages(&ctx, &r, &account, None, Some(a), MAX_LOOKUP_PAGES).await,
        Err(p) => Err(p),
    };
    let (text, error) = match result {
        Ok((n, _)) => (
            format!(
                "CloudTrail {what} in {}/{}: {n} events",
                ctx.profile, r.region
            ),
            false,
        ),
        Err(p) => (
            format!("CloudTrail {what} in {}/{}: {p}", ctx.profile, r.region),
            true,
        ),
    };
    ctx.send(LiveEvent::Notice { text, error });
}
