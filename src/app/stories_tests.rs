//! Incidents opened from a story, through the gate.

use super::*;
use crate::keymap::Keymap;
use crate::notebook::Priority;

fn record(v: serde_json::Value) -> crate::normalize::Normalized {
    crate::normalize::normalize_record(v, &Default::default())
        .unwrap_or_else(|e| panic!("{e:?}"))
        .1
}

/// Fails on the session-18 main: a story whose signals are all sensitive opened a P4
/// incident "unknown principal (0 signals)", as if it held nothing.
#[test]
fn an_incident_from_a_story_of_sensitive_signals_keeps_its_priority_and_size() {
    let mut s = State::new("demo", Keymap::default(), chrono::Utc::now());
    s.session.principal_override =
        Some("arn:aws:sts::111122223333:assumed-role/SecurityResponder/a".into());
    let key = "AKIASTORYSTORY000009";
    s.view.store.insert(record(serde_json::json!({"schemaVersion":"2.0","id":"hid9",
        "type":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
        "arn":"arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/hid9","severity":9,
        "accountId":"111122223333","region":"us-east-1","createdAt":"2026-11-28T00:00:00Z",
        "updatedAt":"2026-11-28T00:00:00Z","title":"t","description":"d",
        "resource":{"resourceType":"AccessKey","accessKeyDetails":{"accessKeyId":key,"userName":"u","userType":"IAMUser"}}})));
    s.view.store.insert(record(serde_json::json!({"eventVersion":"1.08","eventID":"c9",
        "eventTime":"2026-11-28T00:01:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser",
        "awsRegion":"us-east-1","recipientAccountId":"111122223333","sourceIPAddress":"203.0.113.9",
        "userIdentity":{"type":"IAMUser","accountId":"111122223333","userName":"u","accessKeyId":key}})));
    s.view.store.finish();
    for x in s.view.store.signals().iter() {
        s.session.routes.insert(
            x.id.to_string(),
            crate::rules::Route {
                rules: vec!["all".into()],
                targets: vec![],
                sensitive: true,
                actions: vec![],
                suggest: vec![],
                allow: vec!["arn:*:sts::*:assumed-role/Security*".into()],
                story: None,
                sensitive_rules: vec!["all".into()],
                sensitive_targets: vec![],
            },
        );
    }
    let story = s.view.store.stories().remove(0);
    let steps = steps_of(&s, Some(&story));
    assert_eq!(steps.len(), 2, "the allowed reader sees both");
    let fx = incident(&s, &story, &steps);
    let Some(Effect::Notebook(NbOp::CreateWith {
        title, severity, ..
    })) = fx.last()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(*severity, Priority::P1, "{title}");
    assert!(title.contains("2 sensitive signals"), "{title}");
    assert!(!title.contains("unknown principal"), "{title}");
    // Nothing of the sensitive signals in the title every reader sees.
    assert!(!title.contains(key) && !title.contains(" u "), "{title}");
}
