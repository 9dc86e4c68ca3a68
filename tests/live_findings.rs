//! The detection services and monitors live: the real SDK clients of Security Hub, Macie,
//! Inspector, Access Analyzer, CloudWatch and Cost Explorer against the fake AWS on 127.0.0.1,
//! through `airc::aws::start`, into the console's store. Paging, batch sizes, Security Hub's
//! filters and rate, throttling, access denied, a service not enabled, and the delegated
//! administrator's organization scope. (moto answers Security Hub's GetFindings and CloudWatch
//! too: `tests/moto_findings.rs`.)

#[path = "support/fake_aws/mod.rs"]
mod fake_aws;
#[path = "support/live_session.rs"]
mod live_session;

use airc::app::live::ScopeStatus;
use airc::model::Source;
use fake_aws::{FakeAws, Fault, FaultKind, World};
use live_session::*;
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

const MEMBER: &str = "444455556666";
const ANALYZER: &str = "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/ConsoleAnalyzer";
const ORG_ANALYZER: &str = "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/OrgAnalyzer";

fn fixture(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/findings")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap_or_default()).unwrap_or(Value::Null)
}

fn list(v: &Value, key: &str) -> Vec<Value> {
    v[key].as_array().cloned().unwrap_or_default()
}

/// The findings fixtures as the services would serve them, a member account's findings among
/// them, and enough Security Hub and Macie findings that their pages and batches are exercised.
fn world() -> World {
    let mut w = World::empty();
    let hub = list(&fixture("securityhub-get-findings.json"), "Findings");
    let control = hub[1].clone();
    w.hub = hub;
    for i in 0..8 {
        let mut c = control.clone();
        c["Id"] = json!(format!(
            "arn:aws:securityhub:us-east-1:111122223333:security-control/S3.8/finding/extra-{i}"
        ));
        w.hub.push(c);
    }
    let mut member = control.clone();
    member["Id"] =
        json!("arn:aws:securityhub:us-east-1:444455556666:security-control/S3.8/finding/member");
    member["AwsAccountId"] = json!(MEMBER);
    w.hub.push(member);
    let mut resolved = control;
    resolved["Id"] =
        json!("arn:aws:securityhub:us-east-1:111122223333:security-control/S3.8/finding/resolved");
    resolved["Workflow"] = json!({"Status": "RESOLVED"});
    w.hub.push(resolved);
    let mut gd = list(&fixture("guardduty-get-findings.json"), "findings");
    // Not archived: the poller asks for those only.
    gd[0]["service"]["archived"] = json!(false);
    w.detectors.insert(
        "us-east-1".into(),
        vec!["12abc34d567e8fa901bc2d34e56789f0".into()],
    );
    w.findings = gd;
    let macie = fixture("macie-eventbridge.json")["detail"].clone();
    for i in 0..60 {
        let mut m = macie.clone();
        m["id"] = json!(format!("macie-{i:03}"));
        w.macie.push(m);
    }
    let mut insp = list(&fixture("inspector2-list-findings.json"), "findings");
    let mut other = insp[1].clone();
    other["findingArn"] = json!("arn:aws:inspector2:us-east-1:444455556666:finding/member");
    other["awsAccountId"] = json!(MEMBER);
    insp.push(other);
    // Inspector's API sends times as epoch seconds (its files and events, as text).
    for f in &mut insp {
        for k in ["firstObservedAt", "lastObservedAt", "updatedAt"] {
            if let Some(t) = f[k]
                .as_str()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            {
                f[k] = json!(t.timestamp() as f64);
            }
        }
    }
    w.inspector = insp;
    w.analyzers = vec![
        json!({"arn": ANALYZER, "name": "ConsoleAnalyzer", "type": "ACCOUNT", "status": "ACTIVE", "createdAt": "2026-01-01T00:00:00Z"}),
        json!({"arn": ORG_ANALYZER, "name": "OrgAnalyzer", "type": "ORGANIZATION", "status": "ACTIVE", "createdAt": "2026-01-01T00:00:00Z"}),
    ];
    let aa = fixture("accessanalyzer-eventbridge.json")["detail"].clone();
    let mut org_aa = aa.clone();
    org_aa["id"] = json!("org-finding");
    org_aa["resourceOwnerAccount"] = json!(MEMBER);
    w.analyzer_findings.insert(ANALYZER.into(), vec![aa]);
    w.analyzer_findings
        .insert(ORG_ANALYZER.into(), vec![org_aa]);
    w.alarms = list(&fixture("cloudwatch-describe-alarms.json"), "MetricAlarms");
    w.alarm_history = list(
        &fixture("cloudwatch-alarm-history.json"),
        "AlarmHistoryItems",
    );
    w.anomalies = list(&fixture("ce-get-anomalies.json"), "Anomalies");
    w
}

fn opts(server: &FakeAws, org: bool) -> airc::aws::LiveOptions {
    let mut o = options(server);
    o.org = org;
    o.findings = true;
    // The fixtures are of 2026-01-15: the first alarm history reaches back to them.
    o.since = Duration::from_secs(3650 * 86_400);
    o
}

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
