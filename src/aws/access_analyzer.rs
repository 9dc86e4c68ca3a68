//! IAM Access Analyzer in one region: `ListAnalyzers`, then `ListFindingsV2` (ACTIVE findings,
//! external and unused access) of each active analyzer of the account's zone of trust, or of
//! the organization's with `--org` (from the delegated administrator). Each record keeps its
//! analyzer's ARN (`analyzerArn`), which archiving it needs.

use super::capture::CaptureBody;
use super::errors::{classify, Problem};
use super::findings::{interval, normalize_all, outcome};
use super::poller::{self, send_items, Poll};
use super::Ctx;
use crate::model::Source;
use aws_config::SdkConfig;
use aws_sdk_accessanalyzer::types::{AnalyzerStatus, Criterion, Type};
use aws_sdk_accessanalyzer::Client;
use serde_json::Value;
use std::time::Duration;

struct Poller {
    scope: String,
    pace_key: String,
    client: Client,
    interval: Duration,
}

pub async fn run(ctx: Ctx, cfg: SdkConfig, region: String) {
    let p = Poller {
        scope: format!("accessanalyzer {}/{region}", ctx.profile),
        pace_key: format!("accessanalyzer/{}/{region}", ctx.profile),
        client: Client::new(&cfg),
        // Every poll lists the active findings anew (the API has no "updated since"): every
        // five minutes at most.
        interval: interval(&ctx.opts.poll, "accessanalyzer").max(Duration::from_secs(300)),
    };
    poller::run(ctx, p).await
}

/// The analyzers whose findings the console shows: the account's, or with `--org` the
/// organization's (external and unused access both).
pub fn wanted(t: &Type, org: bool) -> bool {
    match t {
        Type::Account | Type::AccountUnusedAccess => !org,
        Type::Organization | Type::OrganizationUnusedAccess => org,
        _ => false,
    }
}

impl Poll for Poller {
    fn source(&self) -> Source {
        Source::AccessAnalyzer
    }
    fn scope(&self) -> String {
        self.scope.clone()
    }
    fn interval(&self) -> Duration {
        self.interval
    }
    async fn poll(&mut self, ctx: &Ctx, _account: &str) -> Result<Option<String>, Problem> {
        let mut analyzers = Vec::new();
        let mut token: Option<String> = None;
        let mut pages = 0;
        loop {
            ctx.check_paused()?;
            ctx.findings_pacers.other.acquire(&self.pace_key).await;
            let out = match self
                .client
                .list_analyzers()
                .set_next_token(token.take())
                .send()
                .await
            {
                Ok(o) => o,
                Err(e) => {
                    return outcome(e, "IAM Access Analyzer", "access-analyzer:ListAnalyzers")
                }
            };
            analyzers.extend(
                out.analyzers()
                    .iter()
                    .filter(|a| {
                        *a.status() == AnalyzerStatus::Active && wanted(a.r#type(), ctx.opts.org)
                    })
                    .map(|a| a.arn().to_string()),
            );
            match super::findings::more(out.next_token(), &mut pages) {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        if analyzers.is_empty() {
            let whose = if ctx.opts.org {
                "organization"
            } else {
                "account"
            };
            return Ok(Some(format!(
                "IAM Access Analyzer has no active {whose} analyzer in this region"
            )));
        }
        for arn in &analyzers {
            let mut token: Option<String> = None;
            let mut pages = 0;
            loop {
                ctx.check_paused()?;
                ctx.findings_pacers.other.acquire(&self.pace_key).await;
                let capture = CaptureBody::default();
                let out = self
                    .client
                    .list_findings_v2()
                    .analyzer_arn(arn)
                    .filter("status", Criterion::builder().eq("ACTIVE").build())
                    .max_results(100)
                    .set_next_token(token.take())
                    .customize()
                    .interceptor(capture.clone())
                    .send()
                    .await
                    .map_err(|e| classify(&e, "access-analyzer:ListFindingsV2"))?;
                let mut records = capture.records("findings").unwrap_or_default();
                for r in &mut records {
                    if let Value::Object(m) = r {
                        m.insert("analyzerArn".into(), Value::String(arn.clone()));
                    }
                }
                send_items(ctx, normalize_all("Access Analyzer finding", records));
                match super::findings::more(out.next_token(), &mut pages) {
                    Some(t) => token = Some(t.to_string()),
                    None => break,
                }
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_s_analyzers_or_the_organization_s() {
        assert!(wanted(&Type::Account, false) && wanted(&Type::AccountUnusedAccess, false));
        assert!(!wanted(&Type::Organization, false));
        assert!(wanted(&Type::Organization, true) && !wanted(&Type::Account, true));
    }
}
