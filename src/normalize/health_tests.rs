//! Health events normalized: parts joined, severities, entities and their accounts.

use super::*;
use serde_json::json;

#[test]
fn pieces_join_by_arn_in_any_order() {
    let arn = "arn:aws:health:us-east-1::event/EC2/AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED/X1";
    let ent = part(
        PART_ENTITIES,
        json!({"eventArn": arn, "entityValue": "i-0123456789abcdef0", "awsAccountId": "123456789012", "lastUpdatedTime": 1589077999.5}),
    );
    let ev = part(
        PART_EVENT,
        json!({"arn": arn, "eventTypeCode": "AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED",
        "eventTypeCategory": "scheduledChange", "service": "EC2", "region": "us-east-1", "startTime": 1589077890.0}),
    );
    let det = part(
        PART_DETAILS,
        json!({"event": {"arn": arn}, "eventDescription": {"latestDescription": "Your instance will be retired.\nMore."}}),
    );

    let only_entities = from_parts(&ent, None).unwrap_or_else(|e| panic!("{e}"));
    assert!(only_entities
        .summary()
        .contains("known only from DescribeAffectedEntities"));
    assert_eq!(
        only_entities.kind(),
        "AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED"
    );

    let mut merged = ent.clone();
    merge_parts(&mut merged, det.clone());
    merge_parts(&mut merged, ev.clone());
    let mut other_order = ev;
    merge_parts(&mut other_order, ent);
    merge_parts(&mut other_order, det);
    let a = from_parts(&merged, None).unwrap_or_else(|e| panic!("{e}"));
    let b = from_parts(&other_order, None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (a.summary(), a.severity, a.account()),
        (b.summary(), b.severity, b.account())
    );
    assert_eq!(a.summary(), "EC2: Your instance will be retired.");
    assert_eq!(a.severity, Severity::Low);
    assert_eq!(
        a.own_entities(),
        Some(&[Entity::new(EntityKind::Instance, "i-0123456789abcdef0")][..])
    );
}

#[test]
fn abuse_and_credential_exposure_are_at_least_high() {
    assert_eq!(
        severity_of("AWS_ABUSE_PORT_SCANNING_REPORT", Some("issue")).0,
        Severity::High
    );
    assert_eq!(
        severity_of("AWS_RISK_CREDENTIALS_EXPOSED", Some("accountNotification")).0,
        Severity::Critical
    );
    assert!(
        severity_of("AWS_EC2_OPERATIONAL_ISSUE", Some("issue")).0
            > severity_of("X", Some("scheduledChange")).0
    );
    assert!(
        severity_of("X", Some("scheduledChange")).0
            > severity_of("X", Some("accountNotification")).0
    );
}

#[test]
fn catalog_fills_a_missing_category() {
    let arn = "arn:aws:health:global::event/BILLING/AWS_BILLING_NOTIFICATION/Z";
    let ent = part(
        PART_ENTITIES,
        json!({"eventArn": arn, "entityValue": "AWS_ACCOUNT", "awsAccountId": "123456789012", "lastUpdatedTime": 1588356454.08}),
    );
    let cat: Catalog = [(
        "AWS_BILLING_NOTIFICATION".to_string(),
        "accountNotification".to_string(),
    )]
    .into();
    let s = from_parts(&ent, Some(&cat)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.category(), Some("accountNotification"));
    assert_eq!(
        s.own_entities(),
        Some(&[Entity::new(EntityKind::Account, "123456789012")][..])
    );
    assert_eq!(s.region(), Some("global"));
}

/// An organization event that affects two accounts names neither as the signal's account: each
/// is an entity, and each affected entity is in its own account.
#[test]
fn an_organization_event_of_two_accounts_holds_both_and_names_neither() {
    let arn = "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/org2";
    let parts = json!({
        PART_EVENT: {"arn": arn, "eventTypeCode": "AWS_EC2_OPERATIONAL_ISSUE", "service": "EC2",
            "startTime": "2026-11-28T00:00:00Z", "affectedAccount": "111111111111",
            "affectedAccounts": ["111111111111", "222222222222"]},
        PART_ENTITIES: [
            {"eventArn": arn, "entityValue": "i-0123456789abcdef0", "awsAccountId": "222222222222"}
        ]
    });
    let s = from_parts(&parts, None).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(s.account(), None);
    let ents = s.own_entities().unwrap_or_default();
    let accounts: Vec<String> = ents
        .iter()
        .filter(|e| e.kind == EntityKind::Account)
        .map(|e| e.id.to_string())
        .collect();
    assert_eq!(accounts, ["111111111111", "222222222222"]);
    let i = ents.iter().find(|e| e.kind == EntityKind::Instance);
    assert_eq!(i.and_then(Entity::account).as_deref(), Some("222222222222"));
}
