//! The built-in detection pack: every rule a responder can see has a record that matches it
//! and a near miss that must not (tests/fixtures/detections/pack_cases.json), and SigmaHQ's AWS
//! rules (../shared, when present) load and match what they should.

use crate::common;

use airc::detect::Detections;
use serde_json::{json, Value};
use std::collections::BTreeMap;

#[derive(serde::Deserialize)]
struct Case {
    #[serde(rename = "match")]
    matches: Vec<Value>,
    miss: Vec<Value>,
}

fn matched(d: &Detections, rec: &Value) -> Vec<String> {
    d.match_record(rec)
        .detections
        .iter()
        .map(|x| x.rule.name.clone().unwrap_or_else(|| x.rule.title.clone()))
        .collect()
}

#[test]
fn every_builtin_rule_matches_its_record_and_not_its_near_miss() {
    let d = Detections::builtin();
    let text = std::fs::read_to_string(common::fixtures().join("detections/pack_cases.json"))
        .unwrap_or_default();
    let cases: BTreeMap<String, Case> = serde_json::from_str(&text).unwrap_or_default();
    let mut checked = 0;
    for rule in d.rules() {
        let Some(name) = rule.name.clone() else {
            panic!("{} has no name", rule.title)
        };
        if rule.correlation
            || name.ends_with("_input")
            || rule.title.contains("(correlation input)")
        {
            continue; // counted over several events: src/detect/tests.rs
        }
        let Some(case) = cases.get(&name) else {
            panic!("no test records for {name}")
        };
        assert!(!case.matches.is_empty() && !case.miss.is_empty(), "{name}");
        for rec in &case.matches {
            assert!(
                matched(&d, rec).contains(&name),
                "{name} should match {rec}"
            );
        }
        for rec in &case.miss {
            assert!(
                !matched(&d, rec).contains(&name),
                "{name} should not match {rec}"
            );
        }
        checked += 1;
    }
    assert!(checked >= 70, "{checked} rules checked");
}

fn sigmahq() -> Option<Detections> {
    let dir = common::shared_datasets()?.join("sigma-aws/rules");
    Some(Detections::with_paths(&[dir]))
}

#[test]
fn sigmahq_aws_rules_load() {
    let Some(d) = sigmahq() else { return };
    let theirs: Vec<_> = d
        .rules()
        .iter()
        .filter(|r| !r.file.starts_with("builtin:"))
        .collect();
    let failed: Vec<_> = d
        .problems()
        .iter()
        .filter(|p| !p.file.starts_with("builtin:"))
        .collect();
    let total = theirs.len() + failed.len();
    assert!(total >= 57, "{total} SigmaHQ rules seen");
    assert!(
        theirs.len() * 100 >= total * 95,
        "{} of {total} loaded; failed: {failed:?}",
        theirs.len()
    );
    for r in &theirs {
        assert!(r.author.is_some(), "{} has no author to credit", r.title);
    }
    // They read only fields the fast CloudTrail path keeps: loading them costs no full parse.
    assert!(!d.needs_full_record());
}

/// Records built from SigmaHQ rules read by hand: each matches one rule through one feature
/// of the language, and a near miss differs only where that feature decides.
#[test]
fn sigmahq_rules_match_by_modifier() {
    let Some(d) = sigmahq() else { return };
    let has = |rec: Value, title: &str| {
        d.match_record(&rec)
            .detections
            .iter()
            .any(|x| x.rule.title == title && !x.rule.file.starts_with("builtin:"))
    };
    // Plain values and a list (eventName: [DeleteDetector, UpdateDetector]).
    let gd = "AWS GuardDuty Detector Deleted Or Updated";
    let rec = |name: &str, enable: Value| {
        json!({"eventSource": "guardduty.amazonaws.com",
        "eventName": name, "requestParameters": {"detectorId": "d", "enable": enable}})
    };
    assert!(has(rec("DeleteDetector", Value::Null), gd));
    assert!(
        has(rec("UpdateDetector", json!(false)), gd),
        "enable: 'false' against a JSON false"
    );
    assert!(!has(rec("UpdateDetector", json!(true)), gd));
    assert!(!has(rec("CreateDetector", Value::Null), gd));
    // A failed call (errorCode set) is not "deleted": 1 of selection_status_* with null.
    let mut failed = rec("DeleteDetector", Value::Null);
    failed["errorCode"] = json!("AccessDenied");
    assert!(!has(failed, gd));
    // contains (userAgent|contains: TruffleHog).
    let th = "AWS Suspicious Activity - GetCallerIdentity By TruffleHog";
    let ua = |ua: &str| json!({"eventSource": "sts.amazonaws.com", "eventName": "GetCallerIdentity", "userAgent": ua});
    if d.rules().iter().any(|r| r.title == th) {
        assert!(has(ua("Boto3/1.0 TruffleHog"), th));
        assert!(!has(ua("Boto3/1.0 Truffle-Hog"), th));
    }
    // null / 1 of selection_status_* (errorCode: null means the call succeeded).
    let vers = "AWS S3 Bucket Versioning Disable";
    let v = |status: Value| {
        json!({"eventSource": "s3.amazonaws.com", "eventName": "PutBucketVersioning",
        "requestParameters": {"VersioningConfiguration": {"Status": "Suspended"}}, "errorCode": status})
    };
    if d.rules().iter().any(|r| r.title == vers) {
        assert!(has(v(Value::Null), vers));
    }
}
