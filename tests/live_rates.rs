//! Polling five accounts in three regions stays inside each API's rate: the pollers of the
//! detection services against the fake AWS, every call's arrival checked per service, account
//! and region.

#[path = "support/fake_aws/mod.rs"]
mod fake_aws;
#[path = "support/findings_world.rs"]
mod findings_world;
#[path = "support/live_session.rs"]
mod live_session;

use fake_aws::FakeAws;
use findings_world::*;
use live_session::*;
use std::time::Duration;

/// The rate each API's calls are held to per account and region, as a token bucket (per
/// second, burst): Security Hub `GetFindings`' documented 3 a second with a burst of 6; the
/// others airc's own 2 a second without burst, which is not above what their services document
/// for these reads (CloudWatch `DescribeAlarmHistory` 3, `DescribeAlarms` 9).
fn bucket(service: &str) -> (f64, f64) {
    match service {
        "securityhub" => (3.0, 6.0),
        _ => (2.0, 2.0),
    }
}

/// Whether calls arriving at `times` (sorted) stay inside a token bucket of `rate` per second
/// and `burst`: how AWS counts requests against a rate, arrivals jittered by the network and
/// a busy test machine included.
fn within(times: &[std::time::Instant], (rate, burst): (f64, f64)) -> Result<(), String> {
    let mut tokens = burst;
    let mut last = match times.first() {
        Some(t) => *t,
        None => return Ok(()),
    };
    for (i, t) in times.iter().enumerate() {
        tokens = (tokens + (*t - last).as_secs_f64() * rate).min(burst);
        last = *t;
        tokens -= 1.0;
        if tokens < -1e-6 {
            return Err(format!("call {i} of {} exceeded the rate", times.len()));
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_accounts_in_three_regions_stay_within_each_apis_rate() {
    let mut w = world();
    for n in 1..=5 {
        let account = format!("10000000000{n}");
        let arn = format!("arn:aws:iam::{account}:user/responder");
        w.identities.insert(format!("AKIAACCT{n}"), (account, arn));
    }
    let server = FakeAws::start(w);
    let mut o = opts(&server, false);
    o.profiles = (1..=5).map(|n| Some(format!("acct{n}"))).collect();
    o.regions = vec!["us-east-1".into(), "us-east-2".into(), "eu-west-1".into()];
    // Polls as often as they can: the pacers alone hold the rate.
    o.poll.guardduty = Duration::from_millis(100);
    let s = Session::start(o);
    tokio::time::sleep(Duration::from_secs(8)).await;
    drop(s);
    let log: Vec<(String, String, String, std::time::Instant)> = server.with(|w| {
        w.log
            .iter()
            .filter(|r| {
                [
                    "securityhub",
                    "macie2",
                    "inspector2",
                    "access-analyzer",
                    "monitoring",
                    "ce",
                ]
                .contains(&r.service.as_str())
            })
            .map(|r| {
                (
                    r.service.clone(),
                    r.access_key.clone(),
                    r.region.clone(),
                    r.at,
                )
            })
            .collect()
    });
    let mut groups: std::collections::HashMap<(String, String, String), Vec<std::time::Instant>> =
        Default::default();
    for (svc, key, region, at) in log {
        groups.entry((svc, key, region)).or_default().push(at);
    }
    // Every account and region was polled, for Security Hub at least.
    let hub_scopes = groups.keys().filter(|(s, _, _)| s == "securityhub").count();
    assert_eq!(hub_scopes, 15, "{:?}", groups.keys().collect::<Vec<_>>());
    let mut busiest = 0;
    for ((svc, key, region), mut times) in groups {
        times.sort();
        busiest = busiest.max(times.len());
        if let Err(e) = within(&times, bucket(&svc)) {
            panic!("{svc} for {key} in {region}: {e}");
        }
    }
    // The pacers were what held them: some scope made many calls in those 8 seconds.
    assert!(busiest >= 10, "busiest scope made {busiest} calls");
}
