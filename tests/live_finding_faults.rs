//! Every detection service and monitor, faulted: each one denied names the permission it
//! needs on its own pane, the others go on; each one throttled is asked again and its findings
//! arrive. (`tests/live_findings.rs` has one service of each fault; this file
//! has them all.) A file of its own: the SDK's credentials are set in the process environment.

#[path = "support/fake_aws/mod.rs"]
mod fake_aws;
#[path = "support/findings_world.rs"]
mod findings_world;
#[path = "support/live_session.rs"]
mod live_session;

use airc::app::live::ScopeStatus;
use airc::aws::errors::Problem;
use airc::model::Source;
use fake_aws::{FakeAws, Fault, FaultKind};
use findings_world::*;
use live_session::*;

/// Each poller: its source, its scope's service, the fake's service and the call it makes
/// first (the one faulted), with the permission a denial of it names.
const POLLERS: &[(Source, &str, &str, &str, &str)] = &[
    (
        Source::SecurityHub,
        "securityhub",
        "securityhub",
        "GetFindings",
        "securityhub:GetFindings",
    ),
    (
        Source::Macie,
        "macie",
        "macie2",
        "ListFindings",
        "macie2:ListFindings",
    ),
    (
        Source::Inspector,
        "inspector",
        "inspector2",
        "ListFindings",
        "inspector2:ListFindings",
    ),
    (
        Source::AccessAnalyzer,
        "accessanalyzer",
        "access-analyzer",
        "ListAnalyzers",
        "access-analyzer:ListAnalyzers",
    ),
    (
        Source::Monitors,
        "cloudwatch",
        "monitoring",
        "DescribeAlarms",
        "cloudwatch:DescribeAlarms",
    ),
    (
        Source::Monitors,
        "costexplorer",
        "ce",
        "GetAnomalies",
        "ce:GetAnomalies",
    ),
];

fn status(st: &airc::app::State, src: Source, service: &str) -> Option<ScopeStatus> {
    let scope = format!("{service} alpha/us-east-1");
    st.session
        .live
        .as_ref()?
        .scopes
        .get(&(src, scope))
        .map(|x| x.status.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_service_denied_names_its_permission() {
    let server = FakeAws::start(world());
    for (_, _, service, op, _) in POLLERS {
        server.fault(Fault::new(service, FaultKind::AccessDenied).op(op));
    }
    let mut s = Session::start(opts(&server, false));
    s.until(40, "every poller denied", |st| {
        POLLERS.iter().all(|(src, scope, ..)| {
            matches!(status(st, *src, scope), Some(ScopeStatus::Problem(_)))
        })
    })
    .await;
    for (src, scope, _, _, permission) in POLLERS {
        match status(&s.state, *src, scope) {
            Some(ScopeStatus::Problem(Problem::Denied { permission: p, .. })) => {
                assert_eq!(p, *permission, "{scope}")
            }
            other => panic!("{scope}: {other:?}"),
        }
    }
    // The others go on: GuardDuty's finding arrives beside the denials.
    s.until(20, "GuardDuty's finding", |st| {
        st.view.store.count(Source::GuardDuty) == 1
    })
    .await;
}

/// With the SDK's own retries (three attempts, as airc runs by default), a throttled call is
/// asked again within the poll. (Without them the poller backs off by its interval: Cost
/// Explorer's is an hour, as it charges per request.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_service_throttled_is_asked_again_and_its_findings_arrive() {
    let server = FakeAws::start(world());
    for (_, _, service, op, _) in POLLERS {
        server.fault(Fault::new(service, FaultKind::Throttle).op(op).times(1));
    }
    let mut o = opts(&server, false);
    o.sdk_attempts = airc::aws::LiveOptions::default().sdk_attempts;
    assert_eq!(o.sdk_attempts, 3);
    let mut s = Session::start(o);
    s.until(60, "every service's findings after a throttle", |st| {
        let c = |x| st.view.store.count(x);
        c(Source::SecurityHub) >= 9
            && c(Source::Macie) == 60
            && c(Source::Inspector) == 2
            && c(Source::AccessAnalyzer) == 1
            && st
                .view
                .store
                .signals()
                .iter()
                .any(|x| x.title().starts_with("Cost anomaly"))
            && st
                .view
                .store
                .signals()
                .iter()
                .any(|x| x.title() == "gpu-spend")
    })
    .await;
    s.until(20, "every scope ok", |st| {
        POLLERS
            .iter()
            .all(|(src, scope, ..)| is_ok(status(st, *src, scope)))
    })
    .await;
    for (_, scope, service, op, _) in POLLERS {
        let answered: Vec<u16> = server
            .requests(service, op)
            .iter()
            .map(|r| r.status)
            .collect();
        assert!(
            answered.first().is_some_and(|s| *s >= 400)
                && answered.iter().skip(1).any(|s| *s == 200),
            "{scope}: throttled first, answered later: {answered:?}"
        );
    }
}
