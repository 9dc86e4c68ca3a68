//! What the pollers of the detection services and monitors share: each region's pollers
//! started together, their calls paced per service and account-region, records normalized
//! through the same code as files (one shape of every finding, whichever way it came), and a
//! service that is not enabled said as a note on the pane rather than retried as a failure.

use super::errors::Problem;
use super::{Ctx, PollIntervals};
use crate::normalize::{normalize_record, Normalized, Options};
use aws_config::SdkConfig;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// Requests per second each service's calls are held to, per account and region: Security
/// Hub's documented 3 (GetFindings, burst 6; paced evenly, never bursting), the others 2 (their
/// list and get calls are documented between 2 and 10).
pub fn pacers() -> Arc<Pacers> {
    Arc::new(Pacers {
        securityhub: super::limiter::Pacer::new(3),
        other: super::limiter::Pacer::new(2),
    })
}

#[derive(Debug)]
pub struct Pacers {
    pub securityhub: super::limiter::Pacer,
    pub other: super::limiter::Pacer,
}

/// How often the detection services and monitors poll. Cost Explorer charges per request
/// (USD 0.01) and anomalies are daily: hourly by default.
pub fn interval(p: &PollIntervals, service: &str) -> Duration {
    match service {
        "costexplorer" => p.guardduty.max(Duration::from_secs(3600)),
        _ => p.guardduty,
    }
}

/// Pages one poll reads of one list at most (100,000 findings at Security Hub's 100 a page): a
/// service that kept answering with a token would otherwise hold its poller for ever; the rest
/// comes at the next poll.
pub const MAX_PAGES: usize = 1000;
/// A page token longer than this is not followed (AWS's are a few hundred bytes).
pub const MAX_TOKEN: usize = 8192;

/// The token of the next page, when there is one to follow: not empty, not over `MAX_TOKEN`,
/// and `pages` (counted here) still under `MAX_PAGES`.
pub fn more<'a>(token: Option<&'a str>, pages: &mut usize) -> Option<&'a str> {
    *pages += 1;
    token.filter(|t| !t.is_empty() && t.len() <= MAX_TOKEN && *pages < MAX_PAGES)
}

/// The records as signals; the ones the normalizer refuses are counted and said on screen.
pub fn normalize_all(what: &str, records: Vec<Value>) -> Vec<Normalized> {
    records
        .into_iter()
        .filter_map(|v| match normalize_record(v, &Options::default()) {
            Ok((_, n)) => Some(n),
            Err(e) => {
                super::skipped::record(what, e);
                None
            }
        })
        .collect()
}

/// A service that is not enabled (not subscribed, no analyzer, no account in Macie) answers with
/// these; the pane says so as a note and the poller asks again at its usual pace.
pub fn not_enabled<E>(err: &SdkError<E, Response>, service: &str) -> Option<String>
where
    E: ProvideErrorMetadata,
{
    let SdkError::ServiceError(s) = err else {
        return None;
    };
    let code = s.err().code().unwrap_or("");
    let message = crate::safe_text::line(s.err().message().unwrap_or("")).into_owned();
    let lower = message.to_ascii_lowercase();
    let says = [
        "not enabled",
        "not subscribed",
        "is not a member",
        "not been enabled",
        "not onboarded",
    ]
    .iter()
    .any(|m| lower.contains(m));
    let not_on = code == "InvalidAccessException"
        || code == "SubscriptionRequiredException"
        || (says
            && matches!(
                code,
                "AccessDeniedException"
                    | "ValidationException"
                    | "ResourceNotFoundException"
                    | "BadRequestException"
                    | "DataUnavailableException"
            ));
    not_on.then(|| format!("{service} is not enabled here ({code}: {message})"))
}

/// `classify`, with "not enabled" answers turned into a note (`Ok(Some(note))`).
pub fn outcome<E>(
    err: SdkError<E, Response>,
    service: &str,
    permission: &str,
) -> Result<Option<String>, Problem>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match not_enabled(&err, service) {
        Some(note) => Ok(Some(note)),
        None => Err(super::errors::classify(&err, permission)),
    }
}

/// Starts the pollers of one profile and region: Security Hub, Macie, Inspector, Access
/// Analyzer and CloudWatch alarms; Cost Explorer once per profile (its endpoint is global).
pub fn start(ctx: &Ctx, cfg: &SdkConfig, region: &str, first_region: bool) {
    let label = ctx.profile.clone();
    macro_rules! spawn {
        ($name:literal, $run:path) => {{
            let (c, f, r) = (ctx.clone(), cfg.clone(), region.to_string());
            super::supervise(
                ctx,
                format!("{label}/{region} {} poller", $name),
                move || $run(c.clone(), f.clone(), r.clone()),
            );
        }};
    }
    spawn!("Security Hub", super::securityhub::run);
    spawn!("Macie", super::macie::run);
    spawn!("Inspector", super::inspector::run);
    spawn!("Access Analyzer", super::access_analyzer::run);
    spawn!("CloudWatch alarms", super::cloudwatch::run);
    if first_region {
        spawn!("Cost Explorer", super::cost_explorer::run);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_stops_at_the_caps() {
        let mut pages = 0;
        assert_eq!(more(Some("t"), &mut pages), Some("t"));
        assert_eq!(more(Some(""), &mut pages), None);
        let long = "x".repeat(MAX_TOKEN + 1);
        assert_eq!(more(Some(&long), &mut pages), None);
        let mut pages = 0;
        let followed = (0..MAX_PAGES + 5)
            .take_while(|_| more(Some("t"), &mut pages).is_some())
            .count();
        assert_eq!(followed, MAX_PAGES - 1, "MAX_PAGES pages read in all");
    }
}
