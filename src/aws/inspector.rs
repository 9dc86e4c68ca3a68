//! Amazon Inspector (inspector2) in one region: `ListFindings` with the findings themselves in
//! each page (first ACTIVE, then whatever was updated since the last poll, closed and
//! suppressed included; the caller's account unless `--org` from the delegated
//! administrator), 100 a page.

use super::capture::CaptureBody;
use super::errors::Problem;
use super::findings::{normalize_all, outcome};
use super::poller::{self, send_items, Poll};
use super::Ctx;
use crate::model::Source;
use aws_config::SdkConfig;
use aws_sdk_inspector2::types::{DateFilter, FilterCriteria, StringComparison, StringFilter};
use aws_sdk_inspector2::Client;
use chrono::{DateTime, Utc};
use std::time::Duration;

struct Poller {
    s: super::findings::Setup,
    client: Client,
}

pub async fn run(ctx: Ctx, cfg: SdkConfig, region: String) {
    let p = Poller {
        s: super::findings::Setup::new(&ctx, "inspector", &region),
        client: Client::new(&cfg),
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

/// ListFindings' criteria: the first poll asks for what is active; later ones for everything
/// updated after `since`, whatever its status (a finding closed or suppressed elsewhere then
/// comes back with its new status instead of keeping its old one on the row); both of
/// `account` (none: the organization).
pub fn criteria(since: Option<DateTime<Utc>>, account: Option<&str>) -> FilterCriteria {
    let mut b = FilterCriteria::builder();
    if since.is_none() {
        b = b.set_finding_status(equals("ACTIVE").map(|f| vec![f]));
    }
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
        self.s.scope.clone()
    }
    fn interval(&self) -> Duration {
        self.s.interval
    }
    async fn poll(&mut self, ctx: &Ctx, account: &str) -> Result<Option<String>, Problem> {
        self.s.at(account);
        let started = Utc::now();
        let since = self.s.since();
        let scope = (!ctx.opts.org).then_some(account);
        let mut token: Option<String> = None;
        let mut pages = super::findings::Pages::default();
        loop {
            ctx.check_paused()?;
            ctx.findings_pacers.other.acquire(self.s.pace()).await;
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
        self.s.last_poll = Some(started);
        Ok(pages.note("Inspector ListFindings"))
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
        // Later polls: whatever changed, closed and suppressed included.
        let later = criteria(Some(chrono::Utc::now()), Some("111122223333"));
        assert!(later.finding_status().is_empty());
        assert_eq!(later.updated_at().len(), 1);
        assert_eq!(later.aws_account_id()[0].value(), "111122223333");
    }
}
