//! The loop every poller runs: wait for working credentials, poll, report, sleep; on trouble,
//! keep the data, mark the scope with the reason, back off with jitter, and recover by itself.

use super::errors::Problem;
use super::Ctx;
use crate::feed::Feed;
use crate::feed::{LiveEvent, ScopeStatus};
use crate::model::Source;
use crate::normalize::Normalized;
use std::time::Duration;

/// The longest a poller waits after repeated failures.
pub const MAX_BACKOFF: Duration = Duration::from_secs(600);

pub(crate) trait Poll {
    fn source(&self) -> Source;
    fn scope(&self) -> String;
    fn interval(&self) -> Duration;
    /// One poll. `Ok(note)`: the pane may show the note (e.g. "no detector in this region").
    async fn poll(&mut self, ctx: &Ctx, account: &str) -> Result<Option<String>, Problem>;
}

/// `base · 2^(failures-1)`, capped, then jittered down to between half and all of it so
/// pollers that failed together do not retry together.
pub fn backoff(base: Duration, failures: u32, jitter: f64) -> Duration {
    let exp = base.saturating_mul(1u32 << failures.saturating_sub(1).min(10));
    exp.min(MAX_BACKOFF)
        .mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}

pub(crate) async fn run(mut ctx: Ctx, mut p: impl Poll) {
    let mut failures = 0u32;
    let mut first = true;
    loop {
        let paused = !ctx.gate.borrow().ok;
        if paused {
            status(&ctx, &p, ScopeStatus::Paused);
        }
        let Some(account) = ctx.ready().await else {
            return;
        };
        if paused || first {
            // The first poll can take a while (every page of the window, paced): say so.
            status(&ctx, &p, ScopeStatus::Polling);
            first = false;
        }
        let wait = match p.poll(&ctx, &account).await {
            Ok(note) => {
                failures = 0;
                status(&ctx, &p, ScopeStatus::Ok { note });
                if let Some((n, last)) = super::skipped::take() {
                    ctx.send(LiveEvent::Notice {
                        text: super::skipped::notice(n, &last),
                        error: true,
                    });
                }
                p.interval()
            }
            Err(problem) => {
                failures += 1;
                tracing::warn!("{} {}: {problem}", p.source(), p.scope());
                let long = matches!(problem, Problem::Unsubscribed(_) | Problem::Denied { .. });
                if matches!(problem, Problem::Credentials(_)) {
                    // A short pause only: the loop then waits for the credentials to work.
                    // (Not none: a service refusing keys that STS accepts must not spin.)
                    ctx.credentials_failed();
                    status(&ctx, &p, ScopeStatus::Paused);
                    tokio::time::sleep(p.interval().min(Duration::from_secs(2))).await;
                    continue;
                }
                status(&ctx, &p, ScopeStatus::Problem(problem));
                let base = if long {
                    p.interval().saturating_mul(5)
                } else {
                    p.interval()
                };
                backoff(base, failures, fastrand::f64())
            }
        };
        if ctx.feed.is_closed() {
            return;
        }
        tokio::time::sleep(wait).await;
    }
}

fn status(ctx: &Ctx, p: &impl Poll, status: ScopeStatus) {
    ctx.send(LiveEvent::Status {
        source: p.source(),
        scope: p.scope(),
        status,
    });
}

/// Sends normalized items to the store (nothing when empty).
pub fn send_items(ctx: &Ctx, items: Vec<Normalized>) {
    if !items.is_empty() {
        let _ = ctx.feed.send(Feed::Items(items));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_caps_and_jitters() {
        let b = Duration::from_secs(10);
        assert_eq!(backoff(b, 1, 1.0), Duration::from_secs(10));
        assert_eq!(backoff(b, 3, 1.0), Duration::from_secs(40));
        assert_eq!(backoff(b, 3, 0.0), Duration::from_secs(20));
        assert_eq!(backoff(b, 30, 1.0), MAX_BACKOFF);
    }
}
