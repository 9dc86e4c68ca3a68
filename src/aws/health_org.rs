//! AWS Health for an organization (`--org`, one poll of `health::Poller`), from the management
//! or delegated-admin account:
//! the *ForOrganization calls, each signal tagged with the affected account. There is no
//! organization form of DescribeEventAggregates, so the category counts are made from the
//! events read.

use super::errors::{classify, Problem};
use super::health::Poller;
use super::health::{event_types, window_start, AGGREGATE_BATCH, DETAILS_BATCH};
use super::health_json::{
    count_part, denied_part, details_json, entity_json, is_denied, normalized, org_event_json,
};
use super::poller::send_items;
use super::Ctx;
use crate::feed::LiveEvent;
use aws_sdk_health::types::{
    DateTimeRange, EntityAccountFilter, EventAccountFilter, EventStatusCode, EventTypeCategory,
    OrganizationEvent, OrganizationEventFilter,
};
use aws_sdk_health::Client;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

fn org_filter(ctx: &Ctx, since: DateTime<Utc>) -> OrganizationEventFilter {
    let f = &ctx.opts.health_filter;
    let mut b = OrganizationEventFilter::builder().last_updated_time(
        DateTimeRange::builder()
            .from(aws_smithy_types::DateTime::from_secs(since.timestamp()))
            .build(),
    );
    for s in &f.statuses {
        b = b.event_status_codes(EventStatusCode::from(s.as_str()));
    }
    for c in &f.categories {
        b = b.event_type_categories(EventTypeCategory::from(c.as_str()));
    }
    for s in &f.services {
        b = b.services(s);
    }
    for r in &f.regions {
        b = b.regions(r);
    }
    b.build()
}

fn err(e: impl std::fmt::Display) -> Problem {
    Problem::Other(e.to_string())
}

/// One organization poll through one endpoint.
pub(super) async fn poll_endpoint(p: &mut Poller, ctx: &Ctx, c: &Client) -> Result<(), Problem> {
    let started = Utc::now();
    if !p.types_loaded {
        send_items(ctx, event_types(c).await?);
        p.types_loaded = true;
    }
    let since = window_start(ctx, p.last_poll);
    let mut events: Vec<OrganizationEvent> = Vec::new();
    let mut token = None;
    loop {
        let out = c
            .describe_events_for_organization()
            .filter(org_filter(ctx, since))
            .max_results(100)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| classify(&e, "health:DescribeEventsForOrganization"))?;
        events.extend(out.events().iter().cloned());
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    // (event ARN, account) for every affected account.
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut items = Vec::new();
    for e in &events {
        let Some(arn) = e.arn() else { continue };
        let accounts = affected_accounts(c, arn).await?;
        if let Some(cat) = e.event_type_category() {
            p.categories
                .insert(arn.to_string(), cat.as_str().to_string());
        }
        let mut event = org_event_json(e, accounts.first().map(String::as_str));
        event["affectedAccounts"] = serde_json::json!(accounts);
        items.extend(normalized(event));
        pairs.extend(accounts.into_iter().map(|a| (arn.to_string(), a)));
    }
    send_items(ctx, items);
    for chunk in pairs.chunks(DETAILS_BATCH) {
        let filters = chunk
            .iter()
            .map(|(arn, acct)| {
                EventAccountFilter::builder()
                    .event_arn(arn)
                    .aws_account_id(acct)
                    .build()
                    .map_err(err)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let out = c
            .describe_event_details_for_organization()
            .set_organization_event_detail_filters(Some(filters))
            .send()
            .await
            .map_err(|e| classify(&e, "health:DescribeEventDetailsForOrganization"))?;
        let mut items: Vec<_> = out
            .successful_set()
            .iter()
            .filter_map(|d| {
                normalized(details_json(
                    d.event(),
                    d.event_description().and_then(|x| x.latest_description()),
                    d.event_metadata(),
                    d.aws_account_id(),
                ))
            })
            .collect();
        for f in out.failed_set() {
            if let (Some(arn), true) = (f.event_arn(), is_denied(f.error_name())) {
                items.push(denied_part(arn, f.error_name(), f.error_message()));
            }
        }
        send_items(ctx, items);
        let filters = chunk
            .iter()
            .map(|(arn, acct)| {
                EntityAccountFilter::builder()
                    .event_arn(arn)
                    .aws_account_id(acct)
                    .build()
                    .map_err(err)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut token = None;
        loop {
            let out = c
                .describe_affected_entities_for_organization()
                .set_organization_entity_account_filters(Some(filters.clone()))
                .max_results(100)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| classify(&e, "health:DescribeAffectedEntitiesForOrganization"))?;
            send_items(
                ctx,
                out.entities()
                    .iter()
                    .filter_map(|a| normalized(entity_json(a)))
                    .collect(),
            );
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
    }
    let arns: Vec<String> = events
        .iter()
        .filter_map(|e| e.arn().map(str::to_string))
        .collect();
    for chunk in arns.chunks(AGGREGATE_BATCH) {
        let out = c
            .describe_entity_aggregates_for_organization()
            .set_event_arns(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|e| classify(&e, "health:DescribeEntityAggregatesForOrganization"))?;
        send_items(
            ctx,
            out.organization_entity_aggregates()
                .iter()
                .filter_map(|a| a.event_arn().map(|arn| count_part(arn, a.count())))
                .collect(),
        );
    }
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for cat in p.categories.values() {
        *counts.entry(cat.clone()).or_default() += 1;
    }
    ctx.send(LiveEvent::HealthAggregates(counts.into_iter().collect()));
    p.last_poll = Some(started);
    Ok(())
}

async fn affected_accounts(c: &Client, arn: &str) -> Result<Vec<String>, Problem> {
    let mut out_accounts = Vec::new();
    let mut token = None;
    loop {
        let out = c
            .describe_affected_accounts_for_organization()
            .event_arn(arn)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| classify(&e, "health:DescribeAffectedAccountsForOrganization"))?;
        out_accounts.extend(out.affected_accounts().iter().cloned());
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(out_accounts);
        }
    }
}
