//! The detection services and monitors live: the real SDK clients of Security Hub, Macie,
//! Inspector, Access Analyzer, CloudWatch and Cost Explorer against the fake AWS on 127.0.0.1,
//! through `airc::aws::start`, into the console's store. Paging, batch sizes, Security Hub's
//! filters and rate, throttling, access denied, a service not enabled, and the delegated
//! administrator's organization scope. (moto answers Security Hub's GetFindings and CloudWatch
//! too: `tests/moto_findings.rs`.)

#[path = "support/fake_aws/mod.rs"]
mod fake_aws;
#[path = "support/findings_world.rs"]
mod findings_world;
#[path = "support/live_session.rs"]
mod live_session;

use airc::app::live::ScopeStatus;
use airc::model::Source;
use fake_aws::{FakeAws, Fault, FaultKind};
use findings_world::*;
use live_session::*;
use serde_json::json;
use std::time::Duration;

fn scope(service: &str) -> String {
    format!("{service} alpha/us-east-1")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_service_feeds_the_findings_and_health_panes_for_the_account() {
    let server = FakeAws::start(world());
    let mut s = Session::start(opts(&server, false));
    s.until(40, "every source's signals", |st| {
        let c = |x| st.view.store.count(x);
        c(Source::SecurityHub) >= 9
            && c(Source::Macie) == 60
            && c(Source::Inspector) == 2
            && c(Source::AccessAnalyzer) == 1
            && c(Source::Monitors) >= 3
            && c(Source::GuardDuty) == 1
            && st
                .view
                .store
                .get("guardduty:0acd8be146e4099030f970583f9d52f9")
                .is_some_and(|g| g.workflow().is_some())
    })
    .await;
    let store = &s.state.view.store;
    // Security Hub: the control and its 8 copies; not the member's, not the resolved one; the
    // GuardDuty and Inspector findings it relays merged into their own services' rows.
    assert_eq!(store.count(Source::SecurityHub), 9);
    let gd = store
        .get("guardduty:0acd8be146e4099030f970583f9d52f9")
        .unwrap_or_else(|| panic!("GuardDuty row"));
    assert_eq!(
        (gd.source, gd.workflow()),
        (Source::GuardDuty, Some("NOTIFIED"))
    );
    assert!(
        store.signals().iter().all(|x| x.account() != Some(MEMBER)),
        "only the caller's account"
    );
    let finds = server.requests("securityhub", "GetFindings");
    assert!(
        finds.len() >= 4,
        "12 findings at 3 a page: {} pages",
        finds.len()
    );
    let first = &finds[0].body;
    assert_eq!(first["MaxResults"], 100);
    assert_eq!(
        first["Filters"]["RecordState"][0],
        json!({"Comparison": "EQUALS", "Value": "ACTIVE"})
    );
    assert_eq!(
        first["Filters"]["WorkflowStatus"][0],
        json!({"Comparison": "NOT_EQUALS", "Value": "RESOLVED"})
    );
    assert_eq!(first["Filters"]["AwsAccountId"][0]["Value"], "111122223333");
    assert!(finds[1].body["NextToken"].is_string());
    // The new Security Hub was asked first; without it, GetFindings answers (and V2 is not
    // asked again).
    assert_eq!(server.requests("securityhub", "GetFindingsV2").len(), 1);
    // Never more than 3 Security Hub calls in any second.
    let times: Vec<_> = server.with(|w| {
        w.log
            .iter()
            .filter(|r| r.service == "securityhub")
            .map(|r| r.at)
            .collect()
    });
    for w4 in times.windows(4) {
        assert!(
            w4[3] - w4[0] >= Duration::from_millis(950),
            "4 Security Hub calls inside a second"
        );
    }
    // Macie: 60 ids, GetFindings for at most 50 a call.
    let gets = server.requests("macie2", "GetFindings");
    assert!(gets
        .iter()
        .all(|r| r.body["findingIds"].as_array().map_or(0, Vec::len) <= 50));
    assert_eq!(server.with(|w| w.max_batch_asked), 50);
    assert_eq!(
        server.requests("macie2", "ListFindings")[0].body["findingCriteria"]["criterion"]
            ["accountId"]["eq"],
        json!(["111122223333"])
    );
    // Access Analyzer: the account's analyzer only, each record keeping its analyzer.
    let aa: Vec<_> = server.requests("access-analyzer", "ListFindingsV2");
    assert!(
        aa.iter().all(|r| r.body["analyzerArn"] == ANALYZER),
        "{:?}",
        aa.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
    let found = store
        .signals()
        .iter()
        .find(|x| x.source == Source::AccessAnalyzer)
        .map(|x| x.raw.decoded());
    assert_eq!(
        found.map(|v| v["analyzerArn"].clone()),
        Some(json!(ANALYZER))
    );
    // Alarms: the two in ALARM and the history's episode (the billing alarm's, one row);
    // the anomaly.
    let titles: Vec<&str> = store
        .signals()
        .iter()
        .filter(|x| x.source == Source::Monitors)
        .map(|x| x.title())
        .collect();
    assert!(
        titles.contains(&"gpu-spend") && titles.contains(&"api-health"),
        "{titles:?}"
    );
    assert_eq!(titles.iter().filter(|t| **t == "gpu-spend").count(), 1);
    assert!(
        titles.iter().any(|t| t.starts_with("Cost anomaly")),
        "{titles:?}"
    );
    assert!(is_ok(s.status(Source::SecurityHub, &scope("securityhub"))));
    assert!(is_ok(s.status(Source::Monitors, &scope("cloudwatch"))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn as_delegated_administrator_with_org_every_member_account() {
    let server = FakeAws::start(world());
    let mut s = Session::start(opts(&server, true));
    s.until(40, "the member account's findings", |st| {
        let member = |src| {
            st.view
                .store
                .signals()
                .iter()
                .any(|x| x.source == src && x.account() == Some(MEMBER))
        };
        member(Source::SecurityHub) && member(Source::Inspector) && member(Source::AccessAnalyzer)
    })
    .await;
    let finds = server.requests("securityhub", "GetFindings");
    assert!(
        finds
            .iter()
            .all(|r| r.body["Filters"]["AwsAccountId"].is_null()),
        "no account filter"
    );
    let aa = server.requests("access-analyzer", "ListFindingsV2");
    assert!(
        aa.iter().all(|r| r.body["analyzerArn"] == ORG_ANALYZER),
        "the organization's analyzer"
    );
    assert!(
        server.requests("macie2", "ListFindings")[0].body["findingCriteria"]["criterion"]
            ["accountId"]
            .is_null()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_access_denied_and_a_service_not_enabled_are_said_and_recovered() {
    let mut w = world();
    w.not_enabled = vec!["macie2".into()];
    let server = FakeAws::start(w);
    server.fault(
        Fault::new("securityhub", FaultKind::Throttle)
            .op("GetFindings")
            .times(2),
    );
    server.fault(Fault::new("inspector2", FaultKind::AccessDenied));
    let mut s = Session::start(opts(&server, false));
    s.until(30, "Inspector denied, Macie not enabled", |st| {
        let live = st.session.live.as_ref();
        let status = |src, sc: &str| {
            live.and_then(|l| l.scopes.get(&(src, sc.to_string())))
                .map(|x| x.status.clone())
        };
        matches!(
            status(Source::Inspector, &scope("inspector")),
            Some(ScopeStatus::Problem(_))
        ) && matches!(
            status(Source::Macie, &scope("macie")),
            Some(ScopeStatus::Ok { note: Some(_) })
        )
    })
    .await;
    match problem(&s, Source::Inspector, &scope("inspector")) {
        Some(airc::aws::errors::Problem::Denied { permission, .. }) => {
            assert_eq!(permission, "inspector2:ListFindings")
        }
        other => panic!("{other:?}"),
    }
    match s.status(Source::Macie, &scope("macie")) {
        Some(ScopeStatus::Ok { note: Some(n) }) => {
            assert!(n.contains("Macie is not enabled"), "{n}")
        }
        other => panic!("{other:?}"),
    }
    // Security Hub was throttled twice and then answered: its findings arrive, its scope is ok.
    s.until(30, "Security Hub recovered", |st| {
        st.view.store.count(Source::SecurityHub) >= 9
    })
    .await;
    s.until(10, "its scope ok", |st| {
        st.session
            .live
            .as_ref()
            .and_then(|l| l.scopes.get(&(Source::SecurityHub, scope("securityhub"))))
            .is_some_and(|x| matches!(x.status, ScopeStatus::Ok { .. }))
    })
    .await;
    let answered: Vec<u16> = server
        .requests("securityhub", "GetFindings")
        .iter()
        .map(|r| r.status)
        .collect();
    assert!(
        answered.starts_with(&[429, 429]) || answered.iter().filter(|x| **x == 429).count() == 2,
        "{answered:?}"
    );
}

/// Fails on the session-18 main (pace keyed by profile): two profiles of one account each
/// called Security Hub three times a second, six in all, over the account's quota.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_profiles_of_one_account_share_its_pace() {
    let server = FakeAws::start(world());
    let mut o = opts(&server, false);
    o.profiles = vec![Some("alpha".into()), Some("beta".into())];
    let mut s = Session::start(o);
    s.until(40, "many Security Hub pages", |_| {
        server.requests("securityhub", "GetFindings").len() >= 24
    })
    .await;
    let times: Vec<_> = server.with(|w| {
        w.log
            .iter()
            .filter(|r| r.service == "securityhub")
            .map(|r| r.at)
            .collect()
    });
    for w4 in times.windows(4) {
        assert!(
            w4[3] - w4[0] >= Duration::from_millis(950),
            "4 Security Hub calls of one account inside a second"
        );
    }
}

/// Review of issue 34: Macie's later polls asked for `archived = false` and Inspector's for
/// ACTIVE findings only, so a finding archived or closed elsewhere kept its old state on the
/// row for good. Later polls ask for everything updated since; the row takes the new state.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finding_archived_or_closed_elsewhere_takes_its_new_state() {
    let server = FakeAws::start(world());
    let mut s = Session::start(opts(&server, false));
    let inspector_id = "inspector:arn:aws:inspector2:us-east-1:111122223333:finding/11aa22bb";
    s.until(40, "the first Macie and Inspector findings", |st| {
        st.view.store.get("macie:macie-000").is_some() && st.view.store.get(inspector_id).is_some()
    })
    .await;
    assert!(!reason(&s.state, "macie:macie-000").contains("archived"));
    assert!(reason(&s.state, inspector_id).contains("status ACTIVE"));
    // The first polls asked for what is open.
    let macie = server.requests("macie2", "ListFindings");
    assert_eq!(
        macie[0].body["findingCriteria"]["criterion"]["archived"]["eq"],
        json!(["false"])
    );
    let insp = server.requests("inspector2", "ListFindings");
    assert_eq!(
        insp[0].body["filterCriteria"]["findingStatus"][0]["value"],
        "ACTIVE"
    );
    // Archived in Macie's console, closed in Inspector's, a moment later.
    let now = chrono::Utc::now();
    server.with(|w| {
        if let Some(m) = w.macie.iter_mut().find(|m| m["id"] == "macie-000") {
            m["archived"] = json!(true);
            m["updatedAt"] = json!(now.to_rfc3339());
        }
        if let Some(f) = w.inspector.iter_mut().find(|f| {
            f["findingArn"]
                .as_str()
                .is_some_and(|a| a.ends_with("11aa22bb"))
        }) {
            f["status"] = json!("CLOSED");
            f["updatedAt"] = json!(now.timestamp() as f64);
        }
    });
    s.until(30, "the archived and closed states on the rows", |st| {
        reason(st, "macie:macie-000").ends_with("; archived")
            && reason(st, inspector_id).ends_with("status CLOSED")
    })
    .await;
    // Later polls: no state filter, only "updated since".
    let last = &last_asked(&server, "macie2", "ListFindings")["findingCriteria"]["criterion"];
    assert!(
        last["archived"].is_null() && last["updatedAt"]["gte"].is_number(),
        "{last}"
    );
    let last = &last_asked(&server, "inspector2", "ListFindings")["filterCriteria"];
    assert!(
        last["findingStatus"].is_null() && last["updatedAt"].is_array(),
        "{last}"
    );
    assert_eq!(s.count(Source::Macie), 60, "one row, updated, no copy");
}

/// The new Security Hub (`GetFindingsV2`, OCSF): read in pages instead of `GetFindings`; the
/// first poll asks for what is not Resolved, later ones for whatever was modified since, so a
/// finding resolved elsewhere takes its new workflow on the row (e203b57, for V2).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_new_security_hub_is_read_through_get_findings_v2() {
    let w = world_v2();
    let server = FakeAws::start(w);
    let mut s = Session::start(opts(&server, false));
    let gd = "guardduty:e4ddf9b9c28ee907072235c28fcd7f40";
    let control = "securityhub:arn:aws:securityhub:us-east-1:111122223333:security-control/EC2.19";
    let open = |i: usize| format!("{control}/finding/open-{i}");
    s.until(40, "the V2 findings", |st| {
        st.view.store.get(gd).is_some() && (0..4).all(|i| st.view.store.get(&open(i)).is_some())
    })
    .await;
    let store = &s.state.view.store;
    // The resolved control is not asked for at first; the GuardDuty copy is one row.
    assert!(store.get(&format!("{control}/finding/aa11")).is_none());
    assert_eq!(
        store.get(gd).and_then(|x| x.workflow().map(str::to_string)),
        Some("NEW".into())
    );
    let asked = server.requests("securityhub", "GetFindingsV2");
    assert!(
        asked.len() >= 2,
        "6 findings at 3 a page: {} pages",
        asked.len()
    );
    assert!(asked[1].body["NextToken"].is_string());
    assert_eq!(asked[0].body["MaxResults"], 100);
    assert!(
        server.requests("securityhub", "GetFindings").is_empty(),
        "GetFindings is not asked in an account with the new Security Hub"
    );
    // Resolved elsewhere, a moment later: the row takes the new workflow.
    let now = chrono::Utc::now().to_rfc3339();
    server.with(|w| {
        for f in w.hub_v2.iter_mut().flatten() {
            if f["finding_info"]["uid"]
                .as_str()
                .is_some_and(|u| u.contains("/finding/e4ddf9b9"))
            {
                f["status"] = json!("Resolved");
                f["finding_info"]["modified_time_dt"] = json!(now);
            }
        }
    });
    s.until(30, "the resolved workflow on the row", |st| {
        st.view.store.get(gd).and_then(|x| x.workflow()) == Some("RESOLVED")
    })
    .await;
    let last =
        &last_asked(&server, "securityhub", "GetFindingsV2")["Filters"]["CompositeFilters"][0];
    assert!(
        last["StringFilters"]
            .as_array()
            .is_none_or(|f| f.iter().all(|x| x["FieldName"] != "status")),
        "{last}"
    );
    assert!(
        last["DateFilters"][0]["Filter"]["Start"].is_string(),
        "{last}"
    );
}
