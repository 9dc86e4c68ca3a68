//! GuardDuty in one region: ListDetectors, ListFindings (not archived, at or above the minimum
//! severity, sorted by updatedAt; later polls only what was updated since the last), then
//! GetFindings in batches of 50. From a delegated administrator the member accounts' findings
//! come through the same calls, each with its own accountId.

use super::capture::CaptureBody;
use super::errors::{classify, Problem};
use super::poller::{self, send_items, Poll};
use super::Ctx;
use crate::model::Source;
use crate::normalize::{normalize_record, Normalized, Options};
use aws_config::SdkConfig;
use aws_sdk_guardduty::types::{Condition, Finding, FindingCriteria, OrderBy, SortCriteria};
use aws_sdk_guardduty::Client;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::time::Duration;

/// GetFindings takes at most 50 ids.
pub const GET_BATCH: usize = 50;

struct Poller {
    scope: String,
    client: Client,
    last_poll: Option<DateTime<Utc>>,
    interval: Duration,
}

pub async fn run(ctx: Ctx, cfg: SdkConfig, region: String) {
    let p = Poller {
        scope: format!("{}/{region}", ctx.profile),
        client: Client::new(&cfg),
        last_poll: None,
        interval: ctx.opts.poll.guardduty,
    };
    poller::run(ctx, p).await
}

/// The ListFindings criteria: not archived, severity floor, updated after `since`.
pub fn criteria(min_severity: f64, since: Option<DateTime<Utc>>) -> FindingCriteria {
    let mut b = FindingCriteria::builder().criterion(
        "service.archived",
        Condition::builder().equals("false").build(),
    );
    if min_severity > 0.0 {
        b = b.criterion(
            "severity",
            Condition::builder()
                .greater_than_or_equal(min_severity.floor() as i64)
                .build(),
        );
    }
    if let Some(t) = since {
        b = b.criterion(
            "updatedAt",
            Condition::builder()
                .greater_than(t.timestamp_millis())
                .build(),
        );
    }
    b.build()
}

/// A finding from its typed form, for when the raw body was not captured.
fn typed_json(f: &Finding) -> Value {
    json!({
        "schemaVersion": f.schema_version(), "id": f.id(), "arn": f.arn(),
        "accountId": f.account_id(), "region": f.region(), "type": f.r#type(),
        "severity": f.severity(), "title": f.title(), "description": f.description(),
        "createdAt": f.created_at(), "updatedAt": f.updated_at(), "resource": {}
    })
}

fn normalize(v: Value) -> Option<Normalized> {
    match normalize_record(v, &Options::default()) {
        Ok((_, n)) => Some(n),
        Err(e) => {
            super::skipped::record("GuardDuty finding", e);
            None
        }
    }
}

impl Poll for Poller {
    fn source(&self) -> Source {
        Source::GuardDuty
    }
    fn scope(&self) -> String {
        self.scope.clone()
    }
    fn interval(&self) -> Duration {
        self.interval
    }
    async fn poll(&mut self, ctx: &Ctx, _account: &str) -> Result<Option<String>, Problem> {
        let started = Utc::now();
        let c = &self.client;
        let mut detectors = Vec::new();
        let mut token = None;
        loop {
            let out = c
                .list_detectors()
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| classify(&e, "guardduty:ListDetectors"))?;
            detectors.extend(out.detector_ids().iter().cloned());
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        if detectors.is_empty() {
            return Ok(Some(
                "GuardDuty is not enabled in this region (no detector)".into(),
            ));
        }
        // Overlap the last poll by a minute: a finding updated as we polled is not missed.
        let since = self
            .last_poll
            .map(|t| crate::model::time::minus(t, std::time::Duration::from_secs(60)));
        let mut fetched = 0usize;
        for d in &detectors {
            let mut ids = Vec::new();
            let mut token = None;
            loop {
                let out = c
                    .list_findings()
                    .detector_id(d)
                    .finding_criteria(criteria(ctx.opts.min_severity, since))
                    .sort_criteria(
                        SortCriteria::builder()
                            .attribute_name("updatedAt")
                            .order_by(OrderBy::Desc)
                            .build(),
                    )
                    .max_results(50)
                    .set_next_token(token)
                    .send()
                    .await
                    .map_err(|e| classify(&e, "guardduty:ListFindings"))?;
                ids.extend(out.finding_ids().iter().cloned());
                token = out.next_token().map(str::to_string);
                if token.is_none() {
                    break;
                }
            }
            for chunk in ids.chunks(GET_BATCH) {
                let capture = CaptureBody::default();
                let out = c
                    .get_findings()
                    .detector_id(d)
                    .set_finding_ids(Some(chunk.to_vec()))
                    .customize()
                    .interceptor(capture.clone())
                    .send()
                    .await
                    .map_err(|e| classify(&e, "guardduty:GetFindings"))?;
                let raw: Vec<Value> = capture
                    .take()
                    .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                    .and_then(|v| v.get("findings").and_then(Value::as_array).cloned())
                    .unwrap_or_default();
                let values = if raw.len() == out.findings().len() {
                    raw
                } else {
                    out.findings().iter().map(typed_json).collect()
                };
                fetched += values.len();
                send_items(ctx, values.into_iter().filter_map(normalize).collect());
            }
        }
        self.last_poll = Some(started);
        tracing::debug!("guardduty {}: {fetched} findings", self.scope);
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criteria_hold_the_archive_severity_and_time_terms() {
        let t = DateTime::parse_from_rfc3339("2026-11-28T10:00:00Z")
            .unwrap()
            .to_utc();
        let c = criteria(4.5, Some(t));
        let m = c.criterion().unwrap();
        assert_eq!(m["service.archived"].equals(), ["false"]);
        assert_eq!(m["severity"].greater_than_or_equal(), Some(4));
        assert_eq!(m["updatedAt"].greater_than(), Some(t.timestamp_millis()));
        assert!(!criteria(0.0, None)
            .criterion()
            .unwrap()
            .contains_key("severity"));
    }
}
