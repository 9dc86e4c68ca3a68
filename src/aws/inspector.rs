//! Amazon Inspector (inspector2) in one region: `ListFindings` with the findings themselves in
//! each page (ACTIVE, updated since the last poll, the caller's account unless `--org` from the
//! delegated administrator), 100 a page.

use super::capture::CaptureBody;
use super::errors::Problem;
use super::findings::{interval, normalize_all, outcome};
use super::poller::{self, send_items, Poll};
use super::Ctx;
use crate::model::Source;
use aws_config::SdkConfig;
use aws_sdk_inspector2::types::{DateFilter, FilterCriteria, StringComparison, StringFilter};
use aws_sdk_inspector2::Client;
use chrono::{DateTime, Utc};
use std::time::Duration;

struct Poller {
    scope: String,
    pace_key: String,
    client: Client,
    last_poll: Option<DateTime<Utc>>,
    interval: Duration,
}

pub async fn run(ctx: Ctx, cfg: SdkConfig, region: String) {
    let p = Poller {
        scope: format!("inspector {}/{region}", ctx.profile),
        pace_key: format!("inspector/{}/{region}", ctx.profile),
        client: Client::new(&cfg),
        last_poll: None,
        interval: interval(&ctx.opts.poll, "inspector"),
    };
    poller::run(ctx, p).await
}

fn equals(v: &str) -> Option<StringFilter> {
    StringFilter::builder()
        .comparison(StringComparison::Equals)
        .value(v)
        .build()
        .ok()
}

/// ListFindings' criteria: active, updated after `since`, of `account` (none: the organization).
pub fn criteria(since: Option<DateTime<Utc>>, account: Option<&str>) -> FilterCriteria {
    let mut b = FilterCriteria::builder().set_finding_status(equals("ACTIVE").map(|f| vec![f]));
    if let Some(t) = since {
        b = b.updated_at(
            DateFilter::builder()
                .start_inclusive(aws_smithy_types::DateTime::from_millis(
                    t.timestamp_millis(),
                ))
                .build(),
        );
    }
    if let Some(f) = account.and_then(equals) {
        b = b.aws_account_id(f);
    }
    b.build()
}

impl Poll for Poller {
    fn source(&self) -> Source {
        Source::Inspector
    }
    fn scope(&self) -> String {
        self.scope.clone()
    }
    fn interval(&self) -> Duration {
        self.interval
    }
    async fn poll(&mut self, ctx: &Ctx, account: &str) -> Result<Option<String>, Problem> {
        let started = Utc::now();
        let since = self
            .last_poll
            .map(|t| crate::model::time::minus(t, Duration::from_secs(60)));
        let scope = (!ctx.opts.org).then_some(account);
        let mut token: Option<String> = None;
        let mut pages = 0;
        loop {
            ctx.check_paused()?;
            ctx.findings_pacers.other.acquire(&self.pace_key).await;
            let capture = CaptureBody::default();
            let out = match self
                .client
                .list_findings()
                .filter_criteria(criteria(since, scope))
                .max_results(100)
                .set_next_token(token.take())
                .customize()
                .interceptor(capture.clone())
                .send()
                .await
            {
                Ok(o) => o,
                Err(e) => return outcome(e, "Inspector", "inspector2:ListFindings"),
            };
            let records = capture.records("findings").unwrap_or_default();
            send_items(ctx, normalize_all("Inspector finding", records));
            match super::findings::more(out.next_token(), &mut pages) {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        self.last_poll = Some(started);
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criteria_ask_for_active_findings_of_the_account() {
        let c = criteria(None, Some("111122223333"));
        assert_eq!(c.finding_status()[0].value(), "ACTIVE");
        assert_eq!(c.aws_account_id()[0].value(), "111122223333");
        assert!(criteria(None, None).aws_account_id().is_empty());
    }
}
