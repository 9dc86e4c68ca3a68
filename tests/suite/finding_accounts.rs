//! Every detection service's entities carry the account their record names, so an action on
//! them binds to that account (issue 33's rule, for issue 34's sources): a finding's resources
//! are the finding's account's, an ARN keeps its own account, and what a finding names outside
//! its account (a caller's key, an external principal) is never given the finding's.

use airc::model::{Entity, EntityKind, Source};
use std::path::Path;

const ACCOUNT: &str = "111122223333";

fn load(path: &str) -> airc::inspect::Report {
    airc::inspect::run(&[Path::new(env!("CARGO_MANIFEST_DIR")).join(path)])
}

/// The entities that signals of `sources` touch.
fn entities_of(report: &airc::inspect::Report, sources: &[Source]) -> Vec<Entity> {
    let store = &report.loaded.store;
    store
        .entities()
        .filter(|(e, _)| store.touching(e).any(|s| sources.contains(&s.source)))
        .map(|(e, _)| e.clone())
        .collect()
}

fn find<'a>(all: &'a [Entity], kind: EntityKind, id: &str) -> Vec<&'a Entity> {
    all.iter()
        .filter(|e| e.kind == kind && &*e.id == id)
        .collect()
}

#[test]
fn resources_of_every_service_are_in_the_findings_account() {
    let report = load("tests/fixtures/findings");
    let sources = [
        Source::SecurityHub,
        Source::Macie,
        Source::Inspector,
        Source::AccessAnalyzer,
        Source::Monitors,
    ];
    let all = entities_of(&report, &sources);
    assert!(all.len() > 10, "{all:?}");
    // The bucket (Macie, Access Analyzer, Security Hub), the instance (Inspector, alarms).
    for (kind, id) in [
        (EntityKind::Bucket, "acme-prod-backups"),
        (EntityKind::Instance, "i-0c0ffee0c0ffee002"),
    ] {
        let found = find(&all, kind, id);
        assert!(!found.is_empty(), "{kind:?} {id} not found in {all:?}");
        for e in found {
            assert_eq!(e.account().as_deref(), Some(ACCOUNT), "{e:?}");
        }
    }
    // Every resource-like entity (not an address, an account or a key a caller used) names
    // one account.
    let unbound: Vec<&Entity> = all
        .iter()
        .filter(|e| !matches!(e.kind, EntityKind::Ip | EntityKind::Account))
        .filter(|e| e.kind != EntityKind::AccessKey && e.kind != EntityKind::Other)
        .filter(|e| e.account().is_none())
        .collect();
    assert!(
        unbound.is_empty(),
        "entities without an account: {unbound:?}"
    );
}

#[test]
fn an_external_principal_is_not_given_the_analyzed_account() {
    let f = serde_json::json!({"id": "ext-1", "principal": {"AWS": "arn:aws:iam::444455556666:role/Partner"},
        "action": ["s3:GetObject"], "resource": "arn:aws:s3:::acme-prod-backups", "isPublic": false,
        "resourceType": "AWS::S3::Bucket", "createdAt": "2026-01-15T03:05:00Z",
        "updatedAt": "2026-01-15T03:05:00Z", "analyzedAt": "2026-01-15T03:05:00Z",
        "status": "ACTIVE", "resourceOwnerAccount": ACCOUNT,
        "analyzerArn": "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/a"});
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("aa.json");
    std::fs::write(&file, serde_json::json!({"findings": [f]}).to_string())
        .unwrap_or_else(|e| panic!("{e}"));
    let report = airc::inspect::run(&[file]);
    let all = entities_of(&report, &[Source::AccessAnalyzer]);
    let bucket = find(&all, EntityKind::Bucket, "acme-prod-backups");
    assert_eq!(bucket.len(), 1, "{all:?}");
    assert_eq!(bucket[0].account().as_deref(), Some(ACCOUNT));
    let partner = find(&all, EntityKind::IamRole, "Partner");
    assert_eq!(partner.len(), 1, "{all:?}");
    assert_eq!(partner[0].account().as_deref(), Some("444455556666"));
}

#[test]
fn an_attack_sequences_actors_and_resources_carry_their_accounts() {
    let report = load("assets/demo/guardduty.json");
    let store = &report.loaded.store;
    let seq = store
        .signals()
        .iter()
        .find(|s| s.kind().starts_with("AttackSequence:"))
        .unwrap_or_else(|| panic!("no attack sequence in the demo"));
    let ents: Vec<&Entity> = store.entities_of(seq).into_iter().collect();
    assert!(ents.len() > 3, "{ents:?}");
    let unbound: Vec<&&Entity> = ents
        .iter()
        .filter(|e| !matches!(e.kind, EntityKind::Ip | EntityKind::Account))
        .filter(|e| e.account().is_none())
        .collect();
    assert!(
        unbound.is_empty(),
        "sequence entities without an account: {unbound:?}"
    );
    assert!(
        ents.iter()
            .any(|e| e.kind == EntityKind::IamUser && e.account().as_deref() == Some(ACCOUNT)),
        "{ents:?}"
    );
}
