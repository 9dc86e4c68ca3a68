//! Amazon Macie in one region: `ListFindings` (first not archived, then whatever was updated
//! since the last poll, archived included; the caller's account unless `--org` from the Macie
//! administrator), then `GetFindings` for at most
//! 50 ids a call. The findings name where sensitive data is and how much, never the data
//! itself; airc never calls `GetSensitiveDataOccurrences`.

use super::capture::CaptureBody;
use super::errors::{classify, Problem};
use super::findings::{normalize_all, outcome};
use super::poller::{self, send_items, Poll};
use super::Ctx;
use crate::model::Source;
use aws_config::SdkConfig;
use aws_sdk_macie2::types::{CriterionAdditionalProperties, FindingCriteria};
use aws_sdk_macie2::Client;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// GetFindings takes at most 50 ids.
pub const GET_BATCH: usize = 50;

struct Poller {
    s: super::findings::Setup,
    client: Client,
}

pub async fn run(ctx: Ctx, cfg: SdkConfig, region: String) {
    let p = Poller {
        s: super::findings::Setup::new(&ctx, "macie", &region),
        client: Client::new(&cfg),
    };
    poller::run(ctx, p).await
}

/// ListFindings' criteria: the first poll asks for what is not archived; later ones for
/// everything updated after `since`, archived included (a finding archived elsewhere then
/// comes back with its new state instead of keeping its old one on the row); both of
/// `account` (none: every member, from the administrator).
pub fn criteria(since: Option<DateTime<Utc>>, account: Option<&str>) -> FindingCriteria {
    let mut b = FindingCriteria::builder();
    if since.is_none() {
        b = b.criterion(
            "archived",
            CriterionAdditionalProperties::builder().eq("false").build(),
        );
    }
    if let Some(t) = since {
        b = b.criterion(
            "updatedAt",
            CriterionAdditionalProperties::builder()
                .gte(t.timestamp_millis())
                .build(),
        );
    }
    if let Some(a) = account {
        b = b.criterion(
            "accountId",
            CriterionAdditionalProperties::builder().eq(a).build(),
        );
    }
    b.build()
}

impl Poll for Poller {
    fn source(&self) -> Source {
        Source::Macie
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
        let mut ids = Vec::new();
        let mut token: Option<String> = None;
        let mut pages = super::findings::Pages::default();
        loop {
            ctx.check_paused()?;
            ctx.findings_pacers.other.acquire(self.s.pace()).await;
            let out = match self
                .client
                .list_findings()
                .finding_criteria(criteria(since, scope))
                .max_results(50)
                .set_next_token(token.take())
                .send()
                .await
            {
                Ok(o) => o,
                Err(e) => return outcome(e, "Macie", "macie2:ListFindings"),
            };
            ids.extend(out.finding_ids().iter().cloned());
            match super::findings::more(out.next_token(), &mut pages) {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        for chunk in ids.chunks(GET_BATCH) {
            ctx.check_paused()?;
            ctx.findings_pacers.other.acquire(self.s.pace()).await;
            let capture = CaptureBody::default();
            self.client
                .get_findings()
                .set_finding_ids(Some(chunk.to_vec()))
                .customize()
                .interceptor(capture.clone())
                .send()
                .await
                .map_err(|e| classify(&e, "macie2:GetFindings"))?;
            let records = capture.records("findings").unwrap_or_default();
            send_items(ctx, normalize_all("Macie finding", records));
        }
        tracing::debug!("{}: {} findings", self.s.scope, ids.len());
        self.s.last_poll = Some(started);
        Ok(pages.note("Macie ListFindings"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criteria_ask_for_unarchived_findings_of_the_account() {
        let t = DateTime::parse_from_rfc3339("2026-01-15T03:00:00Z")
            .map(|t| t.to_utc())
            .unwrap_or_default();
        let first = criteria(None, Some("111122223333"));
        let m = first.criterion().cloned().unwrap_or_default();
        assert_eq!(m["archived"].eq(), ["false"]);
        assert_eq!(m["accountId"].eq(), ["111122223333"]);
        // Later polls: whatever changed, archived included.
        let c = criteria(Some(t), Some("111122223333"));
        let m = c.criterion().cloned().unwrap_or_default();
        assert!(!m.contains_key("archived"));
        assert_eq!(m["updatedAt"].gte(), Some(t.timestamp_millis()));
        assert_eq!(m["accountId"].eq(), ["111122223333"]);
        assert!(!criteria(None, None)
            .criterion()
            .cloned()
            .unwrap_or_default()
            .contains_key("accountId"));
    }
}
