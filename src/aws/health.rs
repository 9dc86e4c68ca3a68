//! AWS Health for one account: DescribeEventTypes (once), DescribeEvents (every page; later
//! polls only events updated since the last), DescribeEventDetails in batches of 10,
//! DescribeAffectedEntities per event, DescribeEntityAggregates (a count per event) and
//! DescribeEventAggregates (counts by category for the pane title).
//!
//! The Health endpoint lives in us-east-1 with us-east-2 as failover: the active endpoint is
//! used until it fails with an endpoint or server error, then the next one is.

use super::errors::{classify, Problem};
use super::health_json::{
    count_part, denied_part, details_json, entity_json, event_json, is_denied, normalized,
};
use super::poller::{self, send_items, Poll};
use super::{with_region, Ctx};
use crate::feed::LiveEvent;
use crate::model::Source;
use crate::normalize::Normalized;
use aws_config::SdkConfig;
use aws_sdk_health::types::{
    DateTimeRange, EntityFilter, EventAggregateField, EventFilter, EventStatusCode,
    EventTypeCategory,
};
use aws_sdk_health::Client;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// DescribeEventDetails takes at most 10 ARNs per call.
pub const DETAILS_BATCH: usize = 10;
/// DescribeEntityAggregates takes at most 50 ARNs per call; we use the same batches of 10.
pub const AGGREGATE_BATCH: usize = 10;

/// The user's DescribeEvents filter, from `updated_since` when given.
pub fn filter(ctx: &Ctx, updated_since: Option<DateTime<Utc>>) -> EventFilter {
    let f = &ctx.opts.health_filter;
    let mut b = EventFilter::builder()
        .set_event_status_codes(some(
            f.statuses.iter().map(|s| EventStatusCode::from(s.as_str())),
        ))
        .set_event_type_categories(some(
            f.categories
                .iter()
                .map(|s| EventTypeCategory::from(s.as_str())),
        ))
        .set_services(some(f.services.iter().cloned()))
        .set_regions(some(f.regions.iter().cloned()));
    if let Some(t) = updated_since {
        b = b.last_updated_times(
            DateTimeRange::builder()
                .from(aws_smithy_types::DateTime::from_secs(t.timestamp()))
                .build(),
        );
    }
    b.build()
}

fn some<T>(it: impl Iterator<Item = T>) -> Option<Vec<T>> {
    let v: Vec<T> = it.collect();
    (!v.is_empty()).then_some(v)
}

/// Where the first poll starts: `--since` ago; later polls overlap the last by a minute.
pub fn window_start(ctx: &Ctx, last: Option<DateTime<Utc>>) -> DateTime<Utc> {
    match last {
        Some(t) => crate::model::time::minus(t, std::time::Duration::from_secs(60)),
        None => crate::model::time::minus(Utc::now(), ctx.opts.since),
    }
}

/// The Health clients, one per endpoint region, the active one first.
pub fn clients(cfg: &SdkConfig, ctx: &Ctx) -> Vec<(String, Client)> {
    ctx.opts
        .health_regions
        .iter()
        .map(|r| (r.clone(), Client::new(&with_region(cfg, r))))
        .collect()
}

/// One profile's Health poller, for the account or (`--org`) the organization.
pub(super) struct Poller {
    profile: String,
    clients: Vec<(String, Client)>,
    active: usize,
    pub(super) last_poll: Option<DateTime<Utc>>,
    pub(super) types_loaded: bool,
    interval: Duration,
    org: bool,
    /// Organization view: each event's category, for the counts in the pane title.
    pub(super) categories: std::collections::BTreeMap<String, String>,
}

pub async fn run(ctx: Ctx, cfg: SdkConfig) {
    let p = Poller {
        profile: ctx.profile.clone(),
        clients: clients(&cfg, &ctx),
        active: 0,
        last_poll: None,
        types_loaded: false,
        interval: ctx.opts.poll.health,
        org: ctx.opts.org,
        categories: Default::default(),
    };
    poller::run(ctx, p).await
}

impl Poll for Poller {
    fn source(&self) -> Source {
        Source::Health
    }
    fn scope(&self) -> String {
        if self.org {
            format!("{}/health (organization)", self.profile)
        } else {
            format!("{}/health", self.profile)
        }
    }
    fn interval(&self) -> Duration {
        self.interval
    }
    async fn poll(&mut self, ctx: &Ctx, account: &str) -> Result<Option<String>, Problem> {
        let n = self.clients.len();
        let mut last = Problem::Other("no Health endpoint configured".into());
        for attempt in 0..n {
            let i = (self.active + attempt) % n;
            let client = self.clients[i].1.clone();
            let result = if self.org {
                super::health_org::poll_endpoint(self, ctx, &client).await
            } else {
                self.poll_endpoint(ctx, &client, account).await
            };
            match result {
                Ok(()) => {
                    let note = (i != 0).then(|| {
                        format!(
                            "via {} (failed over from {})",
                            self.clients[i].0, self.clients[0].0
                        )
                    });
                    if i != self.active {
                        ctx.send(LiveEvent::Notice {
                            text: format!(
                                "Health: endpoint {} failed; now using {}",
                                self.clients[self.active].0, self.clients[i].0
                            ),
                            error: true,
                        });
                        self.active = i;
                    }
                    return Ok(note);
                }
                Err(p) if p.is_endpoint_trouble() => last = p,
                Err(p) => return Err(p),
            }
        }
        Err(last)
    }
}

impl Poller {
    async fn poll_endpoint(&mut self, ctx: &Ctx, c: &Client, account: &str) -> Result<(), Problem> {
        let started = Utc::now();
        if !self.types_loaded {
            send_items(ctx, event_types(c).await?);
            self.types_loaded = true;
        }
        let since = window_start(ctx, self.last_poll);
        let mut events = Vec::new();
        let mut token = None;
        loop {
            let out = c
                .describe_events()
                .filter(filter(ctx, Some(since)))
                .max_results(100)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| classify(&e, "health:DescribeEvents"))?;
            events.extend(out.events().iter().cloned());
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        let arns: Vec<String> = events
            .iter()
            .filter_map(|e| e.arn().map(str::to_string))
            .collect();
        send_items(
            ctx,
            events
                .iter()
                .filter_map(|e| normalized(event_json(e, Some(account))))
                .collect(),
        );
        for chunk in arns.chunks(DETAILS_BATCH) {
            let out = c
                .describe_event_details()
                .set_event_arns(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(|e| classify(&e, "health:DescribeEventDetails"))?;
            let mut items: Vec<Normalized> = out
                .successful_set()
                .iter()
                .filter_map(|d| {
                    normalized(details_json(
                        d.event(),
                        d.event_description().and_then(|x| x.latest_description()),
                        d.event_metadata(),
                        Some(account),
                    ))
                })
                .collect();
            for f in out.failed_set() {
                if let (Some(arn), true) = (f.event_arn(), is_denied(f.error_name())) {
                    items.push(denied_part(arn, f.error_name(), f.error_message()));
                }
            }
            send_items(ctx, items);
        }
        for arn in &arns {
            ctx.check_paused()?;
            send_items(ctx, affected_entities(c, arn).await?);
        }
        for chunk in arns.chunks(AGGREGATE_BATCH) {
            let out = c
                .describe_entity_aggregates()
                .set_event_arns(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(|e| classify(&e, "health:DescribeEntityAggregates"))?;
            send_items(
                ctx,
                out.entity_aggregates()
                    .iter()
                    .filter_map(|a| a.event_arn().map(|arn| count_part(arn, a.count())))
                    .collect(),
            );
        }
        let mut counts = Vec::new();
        let mut token = None;
        loop {
            let out = c
                .describe_event_aggregates()
                .aggregate_field(EventAggregateField::EventTypeCategory)
                .filter(filter(ctx, None))
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| classify(&e, "health:DescribeEventAggregates"))?;
            for a in out.event_aggregates() {
                counts.push((
                    a.aggregate_value().unwrap_or("?").to_string(),
                    a.count().max(0) as u64,
                ));
            }
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        ctx.send(LiveEvent::HealthAggregates(counts));
        self.last_poll = Some(started);
        Ok(())
    }
}

/// Every event type (code, category): the pane's categories and the abuse classification.
pub async fn event_types(c: &Client) -> Result<Vec<Normalized>, Problem> {
    let mut items = Vec::new();
    let mut token = None;
    loop {
        let out = c
            .describe_event_types()
            .max_results(100)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| classify(&e, "health:DescribeEventTypes"))?;
        for t in out.event_types() {
            if let (Some(code), Some(cat)) = (t.code(), t.category()) {
                items.push(Normalized::EventType {
                    code: code.to_string(),
                    category: cat.as_str().to_string(),
                });
            }
        }
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(items);
        }
    }
}

async fn affected_entities(c: &Client, arn: &str) -> Result<Vec<Normalized>, Problem> {
    let filter = EntityFilter::builder()
        .event_arns(arn)
        .build()
        .map_err(|e| Problem::Other(e.to_string()))?;
    let mut items = Vec::new();
    let mut token = None;
    loop {
        let out = c
            .describe_affected_entities()
            .filter(filter.clone())
            .max_results(100)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| classify(&e, "health:DescribeAffectedEntities"))?;
        items.extend(
            out.entities()
                .iter()
                .filter_map(|a| normalized(entity_json(a))),
        );
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(items);
        }
    }
}
