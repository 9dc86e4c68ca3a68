//! The store: duplicates, the entity index, id hash collisions, Health joins.
use super::*;
use crate::normalize::{normalize_record, Options};
use serde_json::json;

fn put(store: &mut Store, v: serde_json::Value) -> Insert {
    let (_, n) = normalize_record(v, &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    store.insert(n)
}

fn ct(id: &str, user: &str) -> serde_json::Value {
    json!({"eventID": id, "eventName": "GetObject", "eventSource": "s3.amazonaws.com",
           "eventTime": "2024-01-01T00:00:00Z", "userIdentity": {"type": "IAMUser", "userName": user}})
}

#[test]
fn duplicates_count_once_and_the_index_answers_per_entity() {
    let mut s = Store::default();
    assert_eq!(put(&mut s, ct("a", "alice")), Insert::New);
    assert_eq!(put(&mut s, ct("a", "alice")), Insert::Duplicate);
    assert_eq!(put(&mut s, ct("b", "alice")), Insert::New);
    assert_eq!(put(&mut s, ct("c", "bob")), Insert::New);
    assert_eq!(s.len(), 3);
    assert_eq!(s.duplicates(), 1);
    let alice = Entity::new(EntityKind::IamUser, "alice");
    let ids: Vec<String> = s.touching(&alice).map(|x| x.id.to_string()).collect();
    assert_eq!(ids, ["cloudtrail:a", "cloudtrail:b"]);
    assert_eq!(s.entity_counts().get(&EntityKind::IamUser), Some(&2));
    assert_eq!(
        s.severity_counts()[crate::model::Severity::Info as usize],
        3
    );
}

#[test]
fn ids_are_found_again_across_the_index_growing() {
    let mut s = Store::default();
    for i in 0..5_000 {
        assert_eq!(put(&mut s, ct(&format!("e{i}"), "alice")), Insert::New);
    }
    for i in (0..5_000).rev() {
        let id = format!("cloudtrail:e{i}");
        assert_eq!(s.position(&id), Some(i));
        assert_eq!(s.get(&id).map(|x| x.id.to_string()), Some(id.clone()));
        assert_eq!(
            put(&mut s, ct(&format!("e{i}"), "alice")),
            Insert::Duplicate
        );
    }
    assert_eq!(s.get("cloudtrail:e5000"), None);
    assert_eq!(s.len(), 5_000);
}

#[test]
fn a_newer_finding_replaces_the_older_and_moves_the_index() {
    let f = |updated: &str, ip: &str| {
        json!({"schemaVersion": "2.0", "id": "f", "type": "Recon:EC2/PortProbeUnprotectedPort",
        "severity": 2, "updatedAt": updated,
        "service": {"action": {"portProbeAction": {"portProbeDetails": [{"remoteIpDetails": {"ipAddressV4": ip}}]}}}})
    };
    let mut s = Store::default();
    put(&mut s, f("2024-01-02T00:00:00Z", "198.51.100.1"));
    assert_eq!(
        put(&mut s, f("2024-01-01T00:00:00Z", "198.51.100.2")),
        Insert::Duplicate
    );
    assert_eq!(
        put(&mut s, f("2024-01-03T00:00:00Z", "198.51.100.3")),
        Insert::Updated
    );
    assert_eq!(s.len(), 1);
    assert_eq!(
        s.touching(&Entity::new(EntityKind::Ip, "198.51.100.1"))
            .count(),
        0
    );
    assert_eq!(
        s.touching(&Entity::new(EntityKind::Ip, "198.51.100.3"))
            .count(),
        1
    );
    slots_name_their_entities(&s);
}

/// Every stored signal's entity numbers name entities in the table, as a snapshot reads them,
/// and the table lists the signal among those touching each.
fn slots_name_their_entities(s: &Store) {
    let snap = s.snapshot();
    for (i, sig) in snap.signals.iter().enumerate() {
        assert!(sig.held && sig.own_entities().is_none());
        let ids = snap.lists.get(i);
        assert_eq!(snap.entities_at(i).len(), ids.len());
        for (id, e) in ids.iter().zip(snap.entities_at(i)) {
            assert_eq!(snap.entities.get(*id as usize), Some(e), "{e}");
            assert_eq!(s.entity_id(e), Some(*id), "{e}");
            assert!(s.touching_positions(e).contains(&(i as u32)), "{e}");
        }
    }
}

#[test]
fn stored_entities_carry_their_table_numbers_through_duplicates_and_rebuilds() {
    let mut s = Store::default();
    for i in 0..3_000 {
        put(&mut s, ct(&format!("e{i}"), &format!("user{}", i % 700)));
    }
    put(&mut s, ct("e5", "user5"));
    slots_name_their_entities(&s);
    let gone = s.retain(|x| !x.id.to_string().ends_with('7'));
    assert_eq!(gone, 300);
    slots_name_their_entities(&s);
    assert_eq!(
        s.touching(&Entity::new(EntityKind::IamUser, "user7"))
            .count(),
        0
    );
}

#[test]
fn health_pieces_join_and_the_catalog_applies_at_the_end() {
    let arn = "arn:aws:health:global::event/BILLING/AWS_BILLING_NOTIFICATION/Q";
    let mut s = Store::default();
    put(
        &mut s,
        json!({"eventArn": arn, "entityValue": "AWS_ACCOUNT", "awsAccountId": "123456789012", "lastUpdatedTime": 1.6e9}),
    );
    put(
        &mut s,
        json!({"service": "BILLING", "code": "AWS_BILLING_NOTIFICATION", "category": "accountNotification"}),
    );
    assert_eq!(s.signals()[0].category(), None);
    s.finish();
    assert_eq!(s.signals()[0].category(), Some("accountNotification"));
    put(
        &mut s,
        json!({"arn": arn, "eventTypeCode": "AWS_BILLING_NOTIFICATION", "eventTypeCategory": "accountNotification", "startTime": 1.6e9}),
    );
    assert_eq!(s.len(), 1);
    assert_eq!(
        s.touching(&Entity::new(EntityKind::Account, "123456789012"))
            .count(),
        1
    );
}

#[test]
fn expiry_waits_for_a_tenth_of_the_store_then_drops_what_is_old() {
    let mut s = Store::default();
    for i in 0..20 {
        put(&mut s, ct(&format!("old{i}"), "alice"));
    }
    let mut recent = ct("new", "bob");
    recent["eventTime"] = json!("2026-11-30T00:00:00Z");
    put(&mut s, recent);
    let cutoff = crate::model::time::parse_str("2025-01-01T00:00:00Z").unwrap();
    assert_eq!(s.expire(cutoff), 20);
    assert_eq!(s.len(), 1);
    assert!(s.get("cloudtrail:new").is_some());
    // One old signal among many new ones waits for more.
    for i in 0..20 {
        let mut r = ct(&format!("n{i}"), "bob");
        r["eventTime"] = json!("2026-11-30T00:00:00Z");
        put(&mut s, r);
    }
    put(&mut s, ct("late-old", "carol"));
    assert_eq!(s.expire(cutoff), 0, "under a tenth: not yet");
}

#[test]
fn room_made_a_few_tables_at_a_time_while_signals_arrive_keeps_every_id_found() {
    let mut s = Store::default();
    s.reserve(200_000);
    let mut rounds = 0;
    for i in 0..3_000 {
        put(&mut s, ct(&format!("e{i}"), &format!("user{}", i % 50)));
        if i % 10 == 0 && s.prepare(4) {
            rounds += 1;
        }
    }
    assert_eq!(rounds, 256 / 4 - 1, "the last round says it is done");
    assert!(!s.prepare(4));
    for i in 0..3_000 {
        assert_eq!(s.position(&format!("cloudtrail:e{i}")), Some(i));
    }
    slots_name_their_entities(&s);
}

/// Fails on the session-16 main: a story shown to a principal who may not see some of its
/// signals kept their severity, tactics and score.
#[test]
fn a_story_seen_without_its_hidden_signals_scores_and_ranks_without_them() {
    let mut store = super::Store::default();
    // A critical finding and a low call, joined by one key.
    let f = serde_json::json!({"schemaVersion":"2.0","id":"hid1","type":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
        "arn":"arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/hid1","severity":9,
        "accountId":"111122223333","region":"us-east-1","createdAt":"2026-11-28T00:00:00Z",
        "updatedAt":"2026-11-28T00:00:00Z","title":"t","description":"d",
        "resource":{"resourceType":"AccessKey","accessKeyDetails":{"accessKeyId":"AKIASTORYSTORY000001","userName":"u","userType":"IAMUser"}}});
    let c = serde_json::json!({"eventVersion":"1.08","eventID":"st-1","eventTime":"2026-11-28T00:01:00Z",
        "eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1",
        "recipientAccountId":"111122223333","sourceIPAddress":"203.0.113.9",
        "userIdentity":{"type":"IAMUser","accountId":"111122223333","userName":"u","accessKeyId":"AKIASTORYSTORY000001"}});
    for v in [f, c] {
        let (_, n) = crate::normalize::normalize_record(v, &Default::default())
            .unwrap_or_else(|e| panic!("{e:?}"));
        store.insert(n);
    }
    store.finish();
    let stories = store.stories();
    let full = stories
        .first()
        .cloned()
        .unwrap_or_else(|| panic!("a story"));
    let (seen, steps) = store.story_view(&full, |s| s.source == crate::model::Source::GuardDuty);
    // The hidden finding is no step of it (since the session-18 review: its place in the
    // story told which key it is about), and the one step left links to nothing hidden.
    assert_eq!(steps.len(), 1);
    assert_eq!(seen.signals, 1);
    assert!(steps.iter().all(|s| !s.hidden && s.via.is_none()));
    assert!(seen.severity < full.severity, "{seen:?}");
    assert!(seen.score < full.score, "{} vs {}", seen.score, full.score);
    assert!(!seen.sources.contains(&crate::model::Source::GuardDuty));
}
