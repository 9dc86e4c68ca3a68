//! Live AWS over HTTP, when things go wrong and beyond one account: server errors, timeouts
//! and denials, the Health failover, expired and SSO credentials, the organization view,
//! CloudTrail Lake, and profiles that switch accounts. The same fake AWS as live_aws.rs.

#[path = "support/fake_aws/mod.rs"]
mod fake_aws;
#[path = "support/live_session.rs"]
mod live_session;

use airc::app::live::ScopeStatus;
use airc::model::Source;
use fake_aws::{FakeAws, Fault, FaultKind};
use live_session::*;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_timeouts_and_denials_are_named_and_the_data_stays() {
    let server = FakeAws::start(demo_world());
    let mut s = Session::start(options(&server));
    s.until(15, "first data", |st| {
        st.view.store.count(Source::GuardDuty) > 0 && st.view.store.count(Source::CloudTrail) > 0
    })
    .await;
    let kept = s.count(Source::GuardDuty);
    server.fault(Fault::new("guardduty", FaultKind::Status500));
    let scope = "alpha/us-east-1";
    s.until(10, "a 500 shown as a server error", |st| {
        matches!(
            st.session
                .live
                .as_ref()
                .unwrap()
                .scopes
                .get(&(Source::GuardDuty, scope.into()))
                .map(|x| &x.status),
            Some(ScopeStatus::Problem(airc::aws::errors::Problem::Server(_)))
        )
    })
    .await;
    assert_eq!(
        s.count(Source::GuardDuty),
        kept,
        "the pane keeps its last data"
    );
    assert!(s
        .state
        .session
        .live
        .as_ref()
        .unwrap()
        .pane(Source::GuardDuty)
        .unwrap()
        .last_ok
        .is_some());
    server.clear_faults();
    server.fault(Fault::new("guardduty", FaultKind::AccessDenied).op("ListFindings"));
    s.until(15, "access denied naming the permission", |st| {
        matches!(st.session.live.as_ref().unwrap().scopes.get(&(Source::GuardDuty, scope.into())).map(|x| &x.status),
            Some(ScopeStatus::Problem(airc::aws::errors::Problem::Denied { permission, .. })) if permission == "guardduty:ListFindings")
    })
    .await;
    server.clear_faults();
    server.fault(Fault::new(
        "cloudtrail",
        FaultKind::Delay(Duration::from_secs(5)),
    ));
    s.until(20, "a slow CloudTrail shown as timed out", |st| {
        matches!(st.session.live.as_ref().unwrap().scopes.get(&(Source::CloudTrail, scope.into())).map(|x| &x.status),
            Some(ScopeStatus::Problem(airc::aws::errors::Problem::Endpoint(m))) if m.contains("timed out"))
    })
    .await;
    assert!(s.count(Source::CloudTrail) > 0);
    server.clear_faults();
    s.until(25, "CloudTrail back", |st| {
        is_ok(
            st.session
                .live
                .as_ref()
                .unwrap()
                .scopes
                .get(&(Source::CloudTrail, scope.into()))
                .map(|x| x.status.clone()),
        )
    })
    .await;
    assert!(problem(&s, Source::CloudTrail, scope).is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_fails_over_to_us_east_2_and_reports_a_missing_subscription() {
    let server = FakeAws::start(demo_world());
    server.fault(Fault::new("health", FaultKind::Status500).region("us-east-1"));
    let mut s = Session::start(options(&server));
    s.until(15, "Health through us-east-2", |st| {
        st.view.store.count(Source::Health) == 5
    })
    .await;
    let ok_east2 = server.with(|w| {
        w.log
            .iter()
            .any(|r| r.service == "health" && r.region == "us-east-2" && r.status == 200)
    });
    assert!(ok_east2, "us-east-2 answered");
    s.until(5, "the failover note", |st| {
        matches!(st.session.live.as_ref().unwrap().scopes.get(&(Source::Health, "alpha/health".into())).map(|x| &x.status),
            Some(ScopeStatus::Ok { note: Some(n) }) if n.contains("us-east-2"))
    })
    .await;
    server.clear_faults();
    server.fault(Fault::new("health", FaultKind::SubscriptionRequired));
    s.until(15, "the subscription message", |st| {
        matches!(
            st.session
                .live
                .as_ref()
                .unwrap()
                .scopes
                .get(&(Source::Health, "alpha/health".into()))
                .map(|x| &x.status),
            Some(ScopeStatus::Problem(
                airc::aws::errors::Problem::Unsubscribed(_)
            ))
        )
    })
    .await;
    let p = s
        .state
        .session
        .live
        .as_ref()
        .unwrap()
        .pane(Source::Health)
        .unwrap();
    assert!(
        p.problems[0]
            .1
            .contains("Business, Enterprise On-Ramp or Enterprise support"),
        "{:?}",
        p.problems
    );
    assert_eq!(s.count(Source::Health), 5, "what was read stays");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_credentials_pause_everything_then_polling_resumes() {
    let server = FakeAws::start(demo_world());
    let mut s = Session::start(options(&server));
    s.until(15, "first data", |st| {
        st.view.store.count(Source::CloudTrail) > 0
    })
    .await;
    server.fault(Fault::new("sts", FaultKind::ExpiredToken));
    server.fault(Fault::new("guardduty", FaultKind::ExpiredToken));
    s.until(15, "the credentials banner", |st| {
        st.session.live.as_ref().unwrap().banner().is_some()
    })
    .await;
    let banner = s.state.session.live.as_ref().unwrap().banner().unwrap();
    assert!(banner.contains("aws configure --profile alpha"), "{banner}");
    assert!(banner.contains("ExpiredToken"), "{banner}");
    // Nothing polls while paused (a grace period for calls already under way).
    tokio::time::sleep(Duration::from_millis(800)).await;
    let n = server.with(|w| w.log.iter().filter(|r| r.service != "sts").count());
    tokio::time::sleep(Duration::from_secs(2)).await;
    let m = server.with(|w| w.log.iter().filter(|r| r.service != "sts").count());
    assert_eq!(n, m, "no data calls while credentials fail");
    server.clear_faults();
    s.until(20, "credentials work again", |st| {
        st.session.live.as_ref().unwrap().banner().is_none()
    })
    .await;
    s.until(10, "GuardDuty polls again", |st| {
        is_ok(
            st.session
                .live
                .as_ref()
                .unwrap()
                .scopes
                .get(&(Source::GuardDuty, "alpha/us-east-1".into()))
                .map(|x| x.status.clone()),
        )
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sso_profile_without_a_token_shows_the_login_command() {
    let server = FakeAws::start(demo_world());
    let mut opts = options(&server);
    opts.profiles = vec![Some("ssoprof".into())];
    let mut s = Session::start(opts);
    s.until(15, "the SSO banner", |st| {
        st.session.live.as_ref().unwrap().banner().is_some()
    })
    .await;
    let banner = s.state.session.live.as_ref().unwrap().banner().unwrap();
    assert!(
        banner.contains("aws sso login --profile ssoprof"),
        "{banner}"
    );
    assert!(
        server.with(|w| w.log.is_empty()),
        "no call goes out without credentials"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organization_view_uses_the_organization_calls_and_tags_accounts() {
    let mut world = demo_world();
    let arn = world.health_events[0]["arn"].as_str().unwrap().to_string();
    world
        .org_accounts
        .insert(arn.clone(), vec!["444455556666".into()]);
    let server = FakeAws::start(world);
    let mut opts = options(&server);
    opts.org = true;
    let mut s = Session::start(opts);
    s.until(15, "organization Health events and their counts", |st| {
        st.view.store.count(Source::Health) == 5
            && st
                .session
                .live
                .as_ref()
                .is_some_and(|l| !l.health_aggregates.is_empty())
    })
    .await;
    for op in [
        "DescribeEventsForOrganization",
        "DescribeAffectedAccountsForOrganization",
        "DescribeEventDetailsForOrganization",
        "DescribeAffectedEntitiesForOrganization",
        "DescribeEntityAggregatesForOrganization",
    ] {
        assert!(!server.requests("health", op).is_empty(), "{op}");
    }
    assert!(server.requests("health", "DescribeEvents").is_empty());
    let sig = s.state.view.store.get(&format!("health:{arn}")).unwrap();
    assert_eq!(sig.account(), Some("444455556666"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudtrail_lake_history() {
    let mut world = demo_world();
    for i in 0..7 {
        world.lake_rows.push(
            [
                ("eventID", format!("lake-{i}")),
                ("eventTime", "2026-06-01 10:00:00.000".to_string()),
                ("eventName", "CreateUser".to_string()),
                ("eventSource", "iam.amazonaws.com".to_string()),
                ("awsRegion", "us-east-1".to_string()),
                (
                    "identityArn",
                    "arn:aws:iam::111122223333:user/mallory".to_string(),
                ),
            ]
            .into_iter()
            .map(|(k, v)| std::collections::HashMap::from([(k.to_string(), v)]))
            .collect(),
        );
    }
    let server = FakeAws::start(world);
    let mut opts = options(&server);
    opts.lake = Some("arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/eds-1".into());
    let mut s = Session::start(opts);
    s.until(20, "seven Lake events", |st| {
        st.view
            .store
            .signals()
            .iter()
            .filter(|x| x.id.starts_with("cloudtrail:lake-"))
            .count()
            == 7
    })
    .await;
    let q = server.requests("cloudtrail", "StartQuery");
    assert!(q[0].body["QueryStatement"]
        .as_str()
        .unwrap()
        .contains("FROM eds-1"));
    assert!(
        server.requests("cloudtrail", "DescribeQuery").len() >= 2,
        "polled until finished"
    );
    assert!(
        server.requests("cloudtrail", "GetQueryResults").len() >= 3,
        "7 rows at 3 per page"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_switching_account_never_shows_old_data_as_new() {
    let server = FakeAws::start(demo_world());
    let mut opts = options(&server);
    opts.identity_recheck = Duration::from_secs(1);
    let mut s = Session::start(opts);
    s.until(15, "first data", |st| {
        st.view.store.count(Source::GuardDuty) > 0
    })
    .await;
    server.with(|w| {
        w.identities.insert(
            "AKIAALPHA".into(),
            (
                "999988887777".into(),
                "arn:aws:iam::999988887777:user/bob".into(),
            ),
        )
    });
    s.until(10, "the new account", |st| {
        st.session.source_label.contains("999988887777")
    })
    .await;
    assert!(
        s.state
            .view
            .store
            .signals()
            .iter()
            .all(|x| x.account() != Some("111122223333")),
        "signals of the old account are gone"
    );
    assert!(s
        .state
        .ui
        .toasts
        .iter()
        .any(|t| t.text.contains("now answers for account 999988887777")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_profiles_each_with_its_account_in_the_header() {
    let server = FakeAws::start(demo_world());
    server.with(|w| {
        w.identities.insert(
            "AKIABETA".into(),
            (
                "222233334444".into(),
                "arn:aws:iam::222233334444:user/carol".into(),
            ),
        )
    });
    let mut opts = options(&server);
    opts.profiles = vec![Some("alpha".into()), Some("beta".into())];
    let mut s = Session::start(opts);
    s.until(15, "both profiles polled", |st| {
        let live = st.session.live.as_ref().unwrap();
        live.identities.len() == 2
            && is_ok(
                live.scopes
                    .get(&(Source::GuardDuty, "beta/us-east-1".into()))
                    .map(|x| x.status.clone()),
            )
            && is_ok(
                live.scopes
                    .get(&(Source::GuardDuty, "alpha/us-east-1".into()))
                    .map(|x| x.status.clone()),
            )
    })
    .await;
    let label = &s.state.session.source_label;
    assert!(
        label.contains("alpha 111122223333 assumed-role/Responder/alice"),
        "{label}"
    );
    assert!(label.contains("beta 222233334444 user/carol"), "{label}");
    let keys: std::collections::BTreeSet<String> =
        server.with(|w| w.log.iter().map(|r| r.access_key.clone()).collect());
    assert!(
        keys.contains("AKIAALPHA") && keys.contains("AKIABETA"),
        "{keys:?}"
    );
}
