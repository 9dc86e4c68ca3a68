//! The findings fixtures as the fake AWS serves them, for the live tests of the detection
//! services (`tests/live_findings.rs`, `tests/live_rates.rs`).

#![allow(dead_code)]

use super::fake_aws::{FakeAws, World};
use super::live_session::options;
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

pub const MEMBER: &str = "444455556666";
pub const ANALYZER: &str =
    "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/ConsoleAnalyzer";
pub const ORG_ANALYZER: &str =
    "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/OrgAnalyzer";

pub fn fixture(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/findings")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap_or_default()).unwrap_or(Value::Null)
}

pub fn list(v: &Value, key: &str) -> Vec<Value> {
    v[key].as_array().cloned().unwrap_or_default()
}

/// The findings fixtures as the services would serve them, a member account's findings among
/// them, and enough Security Hub and Macie findings that their pages and batches are exercised.
pub fn world() -> World {
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

pub fn opts(server: &FakeAws, org: bool) -> airc::aws::LiveOptions {
    let mut o = options(server);
    o.org = org;
    o.findings = true;
    // The fixtures are of 2026-01-15: the first alarm history reaches back to them.
    o.since = Duration::from_secs(3650 * 86_400);
    o
}

/// `world()` in an account with the new Security Hub (`GetFindingsV2`): the OCSF fixtures (a
/// GuardDuty finding, a resolved control) and four open controls, two pages' worth.
pub fn world_v2() -> World {
    let mut w = world();
    let mut v2 = list(&fixture("securityhub-get-findings-v2.json"), "Findings");
    let control = v2[1].clone();
    for i in 0..4 {
        let mut c = control.clone();
        c["finding_info"]["uid"] = json!(format!(
            "arn:aws:securityhub:us-east-1:111122223333:security-control/EC2.19/finding/open-{i}"
        ));
        c["status"] = json!("New");
        v2.push(c);
    }
    w.hub_v2 = Some(v2);
    w
}

/// A signal's severity reason (where Macie and Inspector say archived, closed).
pub fn reason(st: &airc::app::State, id: &str) -> String {
    let s = st.view.store.get(id);
    s.map(|x| x.severity_reason().to_string())
        .unwrap_or_default()
}

/// The body of the last `op` request.
pub fn last_asked(server: &FakeAws, service: &str, op: &str) -> Value {
    let asked = server.requests(service, op);
    asked.last().map(|r| r.body.clone()).unwrap_or_default()
}
