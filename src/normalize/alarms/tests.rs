use super::*;
use serde_json::json;

fn event(state: &str, previous: &str, at: &str) -> Value {
    json!({
        "version": "0", "id": "c4c1c1c9-6542-e61b-6ef0-8c4d36933a92",
        "detail-type": "CloudWatch Alarm State Change", "source": "aws.cloudwatch",
        "account": "111122223333", "time": at, "region": "us-east-1",
        "resources": ["arn:aws:cloudwatch:us-east-1:111122223333:alarm:gpu-spend"],
        "detail": {
            "alarmName": "gpu-spend",
            "state": {"value": state, "reason": "Threshold Crossed: 1 datapoint [412.0] was greater than the threshold (200.0).", "timestamp": at},
            "previousState": {"value": previous, "timestamp": "2026-11-28T08:00:00.000+0000"},
            "configuration": {"metrics": [{"id": "m1", "metricStat": {"metric": {"namespace": "AWS/Billing",
                "name": "EstimatedCharges", "dimensions": {"Currency": "USD", "LinkedAccount": "111122223333"}},
                "period": 21600, "stat": "Maximum"}, "returnData": true}]}
        }
    })
}

#[test]
fn a_billing_alarm_event_describe_and_history_are_one_episode() {
    let at = "2026-11-28T09:20:00.000+0000";
    let ev = from_event(&event("ALARM", "OK", at)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ev.source, Source::Monitors);
    assert_eq!(
        (ev.severity, ev.kind(), ev.product()),
        (
            Severity::High,
            "CloudWatchAlarm:AWS/Billing/EstimatedCharges",
            "cloudwatch"
        )
    );
    assert_eq!(ev.category(), Some("billing"));
    assert_eq!(
        (ev.account(), ev.region()),
        (Some("111122223333"), Some("us-east-1"))
    );
    assert!(
        ev.summary()
            .starts_with("ALARM (was OK): Threshold Crossed"),
        "{}",
        ev.summary()
    );
    let ents: Vec<String> = ev
        .own_entities()
        .unwrap_or_default()
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(ents, ["account:111122223333"]);

    let described = json!({"AlarmName": "gpu-spend", "AlarmArn": "arn:aws:cloudwatch:us-east-1:111122223333:alarm:gpu-spend",
        "StateValue": "ALARM", "StateReason": "Threshold Crossed", "StateUpdatedTimestamp": "2026-11-28T09:20:00.000Z",
        "MetricName": "EstimatedCharges", "Namespace": "AWS/Billing", "Dimensions": [{"Name": "Currency", "Value": "USD"}]});
    assert!(is_alarm(&described));
    let d = from_describe(&described, &Envelope::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.id, ev.id);
    let history = json!({"AlarmName": "gpu-spend", "AlarmType": "MetricAlarm", "Timestamp": "2026-11-28T09:20:00Z",
        "HistoryItemType": "StateUpdate", "HistorySummary": "Alarm updated from OK to ALARM",
        "HistoryData": "{\"version\":\"1.0\",\"oldState\":{\"stateValue\":\"OK\"},\"newState\":{\"stateValue\":\"ALARM\",\"stateReason\":\"Threshold Crossed\"}}"});
    assert!(is_history_item(&history));
    let h = from_history(&history, &Envelope::default()).unwrap_or_else(|e| panic!("{e}"));
    let h = h.unwrap_or_else(|| panic!("a state update is an episode"));
    assert_eq!(h.id, ev.id);
    assert!(
        h.updated().is_none() && d.updated().is_some(),
        "the described alarm replaces the history item"
    );
    let config = json!({"AlarmName": "gpu-spend", "Timestamp": "2026-11-28T09:00:00Z", "HistoryItemType": "ConfigurationUpdate"});
    assert!(from_history(&config, &Envelope::default()).is_ok_and(|s| s.is_none()));
}

#[test]
fn a_recovery_is_informational_and_route53_health_checks_are_named() {
    let ok = from_event(&event("OK", "ALARM", "2026-11-28T10:00:00.000+0000"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ok.severity, Severity::Info);
    let hc = json!({"AlarmName": "api-health", "StateValue": "ALARM", "StateUpdatedTimestamp": "2026-11-28T09:00:00Z",
        "Namespace": "AWS/Route53", "MetricName": "HealthCheckStatus",
        "Dimensions": [{"Name": "HealthCheckId", "Value": "abcdef01-2345-6789-abcd-ef0123456789"}]});
    let s = from_describe(&hc, &Envelope::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (s.severity, s.category()),
        (Severity::High, Some("route53-health-check"))
    );
    let ents: Vec<String> = s
        .own_entities()
        .unwrap_or_default()
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(
        ents,
        ["other:route53-healthcheck/abcdef01-2345-6789-abcd-ef0123456789"]
    );
}

#[test]
fn a_billing_alarm_that_also_watches_the_gpu_instances_names_them() {
    let mut ev = event("ALARM", "OK", "2026-11-28T09:20:00.000+0000");
    if let Some(m) = ev["detail"]["configuration"]["metrics"].as_array_mut() {
        m.insert(0, json!({"id": "cpu1", "metricStat": {"metric": {"namespace": "AWS/EC2", "name": "CPUUtilization",
            "dimensions": {"InstanceId": "i-0c0ffee0c0ffee001"}}, "period": 300, "stat": "Average"}, "returnData": false}));
    }
    let s = from_event(&ev).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (s.category(), s.severity),
        (Some("billing"), Severity::High)
    );
    let ents: Vec<String> = s
        .own_entities()
        .unwrap_or_default()
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(
        ents,
        ["instance:i-0c0ffee0c0ffee001", "account:111122223333"]
    );
}
