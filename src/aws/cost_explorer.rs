//! Cost Anomaly Detection (`ce:GetAnomalies`), once per profile: the anomalies of the `--since`
//! window and since, every monitor of the account (or of the organization, from the
//! management account). Cost Explorer charges USD 0.01 a request and anomalies are daily, so it
//! polls hourly at most (`findings::interval`).

use super::capture::CaptureBody;
use super::errors::Problem;
use super::findings::{interval, normalize_all, outcome};
use super::poller::{self, send_items, Poll};
use super::Ctx;
use crate::model::Source;
use aws_config::SdkConfig;
use aws_sdk_costexplorer::types::AnomalyDateInterval;
use aws_sdk_costexplorer::Client;
use chrono::Utc;
use std::time::Duration;

struct Poller {
    scope: String,
    pace_key: String,
    client: Client,
    interval: Duration,
}

pub async fn run(ctx: Ctx, cfg: SdkConfig, _region: String) {
    let p = Poller {
        scope: format!("costexplorer {}", ctx.profile),
        pace_key: format!("costexplorer/{}", ctx.profile),
        client: Client::new(&cfg),
        interval: interval(&ctx.opts.poll, "costexplorer"),
    };
    poller::run(ctx, p).await
}

/// The days GetAnomalies is asked about: from the start of the `since` window to today (the
/// builder fails only without a start date, which is always given).
pub fn days(since: Duration) -> Option<AnomalyDateInterval> {
    let now = Utc::now();
    let start = crate::model::time::minus(now, since);
    AnomalyDateInterval::builder()
        .start_date(start.format("%Y-%m-%d").to_string())
        .end_date(now.format("%Y-%m-%d").to_string())
        .build()
        .ok()
}

impl Poll for Poller {
    fn source(&self) -> Source {
        Source::Monitors
    }
    fn scope(&self) -> String {
        self.scope.clone()
    }
    fn interval(&self) -> Duration {
        self.interval
    }
    async fn poll(&mut self, ctx: &Ctx, _account: &str) -> Result<Option<String>, Problem> {
        let mut token: Option<String> = None;
        let mut pages = 0;
        loop {
            ctx.check_paused()?;
            ctx.findings_pacers.other.acquire(&self.pace_key).await;
            let capture = CaptureBody::default();
            let out = match self
                .client
                .get_anomalies()
                .set_date_interval(days(ctx.opts.since.max(Duration::from_secs(86_400))))
                .max_results(100)
                .set_next_page_token(token.take())
                .customize()
                .interceptor(capture.clone())
                .send()
                .await
            {
                Ok(o) => o,
                Err(e) => return outcome(e, "Cost Explorer", "ce:GetAnomalies"),
            };
            let records = capture.records("Anomalies").unwrap_or_default();
            send_items(ctx, normalize_all("cost anomaly", records));
            match super::findings::more(out.next_page_token(), &mut pages) {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_whole_days_up_to_today() {
        let d = days(Duration::from_secs(3 * 86_400)).unwrap_or_else(|| panic!("an interval"));
        let today = Utc::now().format("%Y-%m-%d").to_string();
        assert_eq!(d.end_date(), Some(today.as_str()));
        assert_eq!(d.start_date().len(), 10);
        assert!(d.start_date() < today.as_str());
    }
}
