//! Security Hub in one region. The new Security Hub's `GetFindingsV2` (OCSF) when the account
//! has it, else `GetFindings` (ASFF, Security Hub CSPM): active findings whose workflow is not
//! RESOLVED, pages of 100, later polls only what was updated since the last (a minute of
//! overlap). From the delegated administrator with `--org`, every member account's findings;
//! otherwise the caller's account only. Calls are paced to 3 a second per account and region
//! (GetFindings' documented rate; its burst of 6 is never used).

use super::capture::CaptureBody;
use super::errors::Problem;
use super::findings::{normalize_all, outcome};
use super::poller::{self, send_items, Poll};
use super::Ctx;
use crate::model::Source;
use aws_config::SdkConfig;
use aws_sdk_securityhub::types::{
    AllowedOperators, AwsSecurityFindingFilters, CompositeFilter, DateFilter, OcsfDateField,
    OcsfDateFilter, OcsfFindingFilters, OcsfStringField, OcsfStringFilter, StringFilter,
    StringFilterComparison,
};
use aws_sdk_securityhub::Client;
use chrono::{DateTime, SecondsFormat, Utc};
use std::time::Duration;

/// GetFindings returns at most 100 a page.
pub const PAGE: i32 = 100;

/// Which API the account answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Api {
    Unknown,
    V2,
    V1,
}

struct Poller {
    s: super::findings::Setup,
    client: Client,
    api: Api,
}

pub async fn run(ctx: Ctx, cfg: SdkConfig, region: String) {
    let p = Poller {
        s: super::findings::Setup::new(&ctx, "securityhub", &region),
        client: Client::new(&cfg),
        api: Api::Unknown,
    };
    poller::run(ctx, p).await
}

fn text(comparison: StringFilterComparison, value: &str) -> StringFilter {
    StringFilter::builder()
        .comparison(comparison)
        .value(value)
        .build()
}

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// GetFindings' filters: the first poll asks for what is active and not resolved; later ones
/// for everything updated after `since` (a finding resolved or archived elsewhere, or by an
/// action here, then comes back with its new state instead of keeping its old one on the
/// row); both of `account` (none: the organization, from the delegated administrator).
pub fn filters_v1(
    since: Option<DateTime<Utc>>,
    account: Option<&str>,
) -> AwsSecurityFindingFilters {
    let mut b = AwsSecurityFindingFilters::builder();
    if since.is_none() {
        b = b
            .record_state(text(StringFilterComparison::Equals, "ACTIVE"))
            .workflow_status(text(StringFilterComparison::NotEquals, "RESOLVED"));
    }
    if let Some(t) = since {
        b = b.updated_at(
            DateFilter::builder()
                .start(iso(t))
                .end(iso(Utc::now() + chrono::Duration::days(1)))
                .build(),
        );
    }
    if let Some(a) = account {
        b = b.aws_account_id(text(StringFilterComparison::Equals, a));
    }
    b.build()
}

/// GetFindingsV2's: the same in OCSF's fields (first: status not Resolved; later: modified
/// after `since`, whatever the status).
pub fn filters_v2(since: Option<DateTime<Utc>>, account: Option<&str>) -> OcsfFindingFilters {
    let mut c = CompositeFilter::builder().operator(AllowedOperators::And);
    if since.is_none() {
        c = c.string_filters(
            OcsfStringFilter::builder()
                .field_name(OcsfStringField::Status)
                .filter(text(StringFilterComparison::NotEquals, "Resolved"))
                .build(),
        );
    }
    if let Some(a) = account {
        c = c.string_filters(
            OcsfStringFilter::builder()
                .field_name(OcsfStringField::CloudAccountUid)
                .filter(text(StringFilterComparison::Equals, a))
                .build(),
        );
    }
    if let Some(t) = since {
        c = c.date_filters(
            OcsfDateFilter::builder()
                .field_name(OcsfDateField::FindingInfoModifiedTimeDt)
                .filter(
                    DateFilter::builder()
                        .start(iso(t))
                        .end(iso(Utc::now() + chrono::Duration::days(1)))
                        .build(),
                )
                .build(),
        );
    }
    OcsfFindingFilters::builder()
        .composite_filters(c.build())
        .build()
}

impl Poller {
    /// Every page of one API; `Ok(false)` when the account does not have it.
    async fn pages(
        &mut self,
        ctx: &Ctx,
        api: Api,
        since: Option<DateTime<Utc>>,
        account: Option<&str>,
    ) -> Result<Result<(usize, Option<String>), String>, Problem> {
        let mut token: Option<String> = None;
        let mut fetched = 0;
        let mut pages = super::findings::Pages::default();
        loop {
            ctx.check_paused()?;
            ctx.findings_pacers.securityhub.acquire(self.s.pace()).await;
            let capture = CaptureBody::default();
            let next = match api {
                Api::V2 => {
                    let r = self
                        .client
                        .get_findings_v2()
                        .filters(filters_v2(since, account))
                        .max_results(PAGE)
                        .set_next_token(token.take())
                        .customize()
                        .interceptor(capture.clone())
                        .send()
                        .await;
                    match r {
                        Ok(out) => out.next_token().map(str::to_string),
                        Err(e) => {
                            return outcome(
                                e,
                                "Security Hub (GetFindingsV2)",
                                "securityhub:GetFindingsV2",
                            )
                            .map(|n| Err(n.unwrap_or_default()))
                        }
                    }
                }
                _ => {
                    let r = self
                        .client
                        .get_findings()
                        .filters(filters_v1(since, account))
                        .max_results(PAGE)
                        .set_next_token(token.take())
                        .customize()
                        .interceptor(capture.clone())
                        .send()
                        .await;
                    match r {
                        Ok(out) => out.next_token().map(str::to_string),
                        Err(e) => {
                            return outcome(e, "Security Hub", "securityhub:GetFindings")
                                .map(|n| Err(n.unwrap_or_default()))
                        }
                    }
                }
            };
            let records = capture.records("Findings").unwrap_or_default();
            fetched += records.len();
            send_items(ctx, normalize_all("Security Hub finding", records));
            match super::findings::more(next.as_deref(), &mut pages) {
                Some(t) => token = Some(t.to_string()),
                None => return Ok(Ok((fetched, pages.note("Security Hub")))),
            }
        }
    }
}

impl Poll for Poller {
    fn source(&self) -> Source {
        Source::SecurityHub
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
        // The new Security Hub first; an account without it answers GetFindings.
        let order: &[Api] = match self.api {
            Api::Unknown => &[Api::V2, Api::V1],
            Api::V2 => &[Api::V2],
            Api::V1 => &[Api::V1],
        };
        let mut note = None;
        for api in order {
            let tried = match self.pages(ctx, *api, since, scope).await {
                // Without a permission for V2 (or any other refusal of it) while the API is
                // not known yet: GetFindings may still answer.
                Err(p)
                    if self.api == Api::Unknown
                        && *api == Api::V2
                        && !matches!(p, Problem::Credentials(_) | Problem::Throttled(_)) =>
                {
                    Err(p.to_string())
                }
                other => other?,
            };
            match tried {
                Ok((n, capped)) => {
                    tracing::debug!("{}: {n} findings ({api:?})", self.s.scope);
                    self.api = *api;
                    self.s.last_poll = Some(started);
                    return Ok(capped);
                }
                Err(why) => note = Some(why),
            }
        }
        Ok(note)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_ask_for_active_unresolved_findings_of_the_account() {
        let t = DateTime::parse_from_rfc3339("2026-01-15T03:00:00Z")
            .map(|t| t.to_utc())
            .unwrap_or_default();
        let first = filters_v1(None, Some("111122223333"));
        assert_eq!(first.record_state()[0].value(), Some("ACTIVE"));
        assert_eq!(
            first.workflow_status()[0].comparison(),
            Some(&StringFilterComparison::NotEquals)
        );
        assert_eq!(first.workflow_status()[0].value(), Some("RESOLVED"));
        assert_eq!(first.aws_account_id()[0].value(), Some("111122223333"));
        // Later polls: whatever changed, resolved and archived included (review of issue 34:
        // a finding resolved elsewhere kept its old state on the row for good).
        let f = filters_v1(Some(t), Some("111122223333"));
        assert!(f.record_state().is_empty() && f.workflow_status().is_empty());
        assert_eq!(f.updated_at()[0].start(), Some("2026-01-15T03:00:00.000Z"));
        assert_eq!(f.aws_account_id()[0].value(), Some("111122223333"));
        assert!(
            filters_v1(None, None).aws_account_id().is_empty(),
            "the organization: no account filter"
        );
        let v2 = filters_v2(Some(t), None);
        let c = &v2.composite_filters()[0];
        assert_eq!(c.string_filters().len(), 0);
        assert_eq!(c.date_filters().len(), 1);
        let v2 = filters_v2(None, None);
        assert_eq!(v2.composite_filters()[0].string_filters().len(), 1);
    }
}
