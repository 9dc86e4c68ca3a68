//! GuardDuty, Health and CloudTrail build their signals by hand, not through the findings'
//! `Draft::build`: their texts are cut to the same bounds (`normalize::text_bounds`). Review of
//! issue 34: a megabyte title, description, user agent, region or error code was kept whole
//! in the signal for as long as it lived.

use airc::model::Signal;
use airc::normalize::text_bounds::{MAX_FIELD, MAX_SUMMARY};
use airc::normalize::{health, normalize_record, Normalized, Options};
use serde_json::{json, Value};

const MB: usize = 1 << 20;

fn big(c: char) -> String {
    std::iter::repeat_n(c, MB).collect()
}

fn normalized(v: Value) -> Signal {
    match normalize_record(v, &Options::without_raw()) {
        Ok((_, Normalized::Signal(s))) => s.signal,
        Ok((_, Normalized::HealthPart { parts, .. })) => {
            health::from_parts(&parts, None).unwrap_or_else(|e| panic!("{e}"))
        }
        other => panic!("{other:?}"),
    }
}

/// Every text the signal keeps is within its bound; the ones named in `cut` were cut and end in
/// "…"; all of them together are a few kilobytes (a megabyte was fed to each).
fn assert_bounded(what: &str, s: &Signal, cut: &[&str]) {
    let fields = [
        ("kind", Some(s.kind())),
        ("title", Some(s.title())),
        ("severity_reason", Some(s.severity_reason())),
        ("account", s.account()),
        ("region", s.region()),
        ("category", s.category()),
        ("actor", s.actor()),
        ("product", Some(s.product())),
        ("workflow", s.workflow()),
    ];
    let mut total = 0;
    for (name, value) in fields {
        let v = value.unwrap_or("");
        assert!(v.len() <= MAX_FIELD, "{what} {name}: {} bytes", v.len());
        if cut.contains(&name) {
            assert!(v.ends_with('…'), "{what} {name} is not marked as cut");
        }
        total += v.len();
    }
    let summary = s.summary();
    // A CloudTrail call's summary is put together from its bounded pieces.
    assert!(
        summary.len() <= MAX_SUMMARY + 4 * MAX_FIELD,
        "{what} summary: {} bytes",
        summary.len()
    );
    if cut.contains(&"summary") {
        assert!(summary.contains('…'), "{what} summary is not marked as cut");
    }
    total += summary.len();
    assert!(total < 16 * 1024, "{what}: {total} bytes of text kept");
}

#[test]
fn guardduty_health_and_cloudtrail_texts_are_bounded_and_marked_as_cut() {
    let t = "2026-01-15T03:00:00Z";
    let gd = json!({"schemaVersion": "2.0", "id": "f00d", "type": "UnauthorizedAccess:IAMUser/MaliciousIPCaller",
        "severity": 5, "accountId": "111122223333", "region": big('r'), "updatedAt": t,
        "title": big('T'), "description": big('D'),
        "resource": {"resourceType": big('R'), "accessKeyDetails": {"userName": big('u')}},
        "service": {"archived": false, "action": {"actionType": "AWS_API_CALL",
            "awsApiCallAction": {"api": "ListBuckets", "userAgent": big('U')}}}});
    let s = normalized(gd);
    assert_bounded("GuardDuty", &s, &["title", "region", "category", "summary"]);
    let health = json!({"version": "0", "id": "e1", "detail-type": "AWS Health Event", "source": "aws.health",
        "account": "111122223333", "time": t, "region": "us-east-1", "resources": [],
        "detail": {"eventArn": "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/e1",
            "service": "EC2", "eventTypeCode": big('C'), "eventTypeCategory": big('K'), "startTime": t,
            "eventDescription": [{"language": "en_US", "latestDescription": big('L')}]}});
    let s = normalized(health);
    assert_bounded("Health", &s, &["kind", "title", "category", "summary"]);
    let trail = json!({"eventVersion": "1.08", "eventID": "c0ffee", "eventName": big('N'),
        "eventSource": "s3.amazonaws.com", "eventTime": t, "awsRegion": big('g'),
        "eventType": big('E'), "sourceIPAddress": big('S'), "userAgent": big('U'),
        "errorCode": big('X'), "recipientAccountId": "111122223333",
        "userIdentity": {"type": "IAMUser", "accountId": "111122223333", "userName": big('u')}});
    let s = normalized(trail);
    assert_bounded(
        "CloudTrail",
        &s,
        &["kind", "title", "region", "category", "actor"],
    );
    let summary = s.summary();
    assert!(
        summary.contains("…") && summary.matches('…').count() >= 4,
        "who, what, from and error each cut: {} bytes",
        summary.len()
    );
}
