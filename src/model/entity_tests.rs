//! Entities: kinds, ids, accounts and how they compare.
use super::*;

fn e(kind: EntityKind, id: &str) -> Option<Entity> {
    Some(Entity::new(kind, id))
}

#[test]
fn an_entity_is_16_bytes_and_serializes_as_kind_and_id() {
    assert_eq!(std::mem::size_of::<Entity>(), 16);
    let a = Entity::new(EntityKind::Ip, "198.51.100.7");
    let json = serde_json::to_value(&a).unwrap_or_default();
    assert_eq!(
        json,
        serde_json::json!({"kind": "ip", "id": "198.51.100.7"})
    );
    let back: Entity = serde_json::from_value(json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, a);
}

#[test]
fn users_of_two_accounts_are_two_entities_and_a_key_is_one() {
    let b = Entity::new(EntityKind::IamUser, "ci-deploy").in_account(Some("222222222222"));
    let c = Entity::new(EntityKind::IamUser, "ci-deploy").in_account(Some("333333333333"));
    assert_ne!(b, c);
    assert_eq!(b.account().as_deref(), Some("222222222222"));
    let k1 = Entity::new(EntityKind::AccessKey, "AKIAEXAMPLEEXAMPLE01");
    let k2 = k1.clone().in_account(Some("222222222222"));
    assert_eq!(k1, k2, "a key id names one key whatever the sighting knew");
    let hash = |e: &Entity| {
        use std::hash::{BuildHasher, BuildHasherDefault};
        BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(e)
    };
    assert_eq!(hash(&k1), hash(&k2));
    assert_ne!(hash(&b), hash(&c));
    assert_eq!(
        serde_json::to_value(&b).unwrap_or_default(),
        serde_json::json!({"kind": "iam_user", "account": "222222222222", "id": "ci-deploy"})
    );
    let arn = Entity::from_arn("arn:aws:iam::444455556666:role/Deploy");
    assert_eq!(
        arn.and_then(|e| e.account()).as_deref(),
        Some("444455556666")
    );
    let bucket = Entity::from_arn("arn:aws:s3:::b");
    assert_eq!(bucket.and_then(|e| e.account()), None);
    // A name without an account names every account's; with one, that account's only.
    let any = Entity::new(EntityKind::IamUser, "ci-deploy");
    assert!(b.is_named_by(&any) && c.is_named_by(&any));
    assert!(b.is_named_by(&b) && !c.is_named_by(&b));
    assert!(k1.is_named_by(&k2) && k2.is_named_by(&k1));
}

#[test]
fn recognises_bare_ids() {
    assert_eq!(
        Entity::from_id("i-0a1b2c3d4e5f60718"),
        e(EntityKind::Instance, "i-0a1b2c3d4e5f60718")
    );
    assert_eq!(
        Entity::from_id("vol-97c02b3e"),
        e(EntityKind::Volume, "vol-97c02b3e")
    );
    assert_eq!(
        Entity::from_id("snap-37beda4c"),
        e(EntityKind::Snapshot, "snap-37beda4c")
    );
    assert_eq!(
        Entity::from_id("sg-0123abcd"),
        e(EntityKind::SecurityGroup, "sg-0123abcd")
    );
    assert_eq!(
        Entity::from_id("AKIAIOSFODNN7EXAMPLE"),
        e(EntityKind::AccessKey, "AKIAIOSFODNN7EXAMPLE")
    );
    assert_eq!(
        Entity::from_id("218007301253"),
        e(EntityKind::Account, "218007301253")
    );
    assert_eq!(
        Entity::from_id("198.51.100.7"),
        e(EntityKind::Ip, "198.51.100.7")
    );
    assert_eq!(
        Entity::from_id("2001:db8::1"),
        e(EntityKind::Ip, "2001:db8::1")
    );
    assert_eq!(Entity::from_id("i-notanid"), None);
    assert_eq!(Entity::from_id("AWS Internal"), None);
    assert_eq!(Entity::from_id("HIDDEN_DUE_TO_SECURITY_REASONS"), None);
}

#[test]
fn parses_arns_to_the_most_specific_kind() {
    let in_acct = |kind, id| e(kind, id).map(|e| e.in_account(Some("123456789012")));
    assert_eq!(
        Entity::from_arn("arn:aws:iam::123456789012:user/ops/alice"),
        in_acct(EntityKind::IamUser, "alice")
    );
    assert_eq!(
        Entity::from_arn("arn:aws:iam::123456789012:role/Admin"),
        in_acct(EntityKind::IamRole, "Admin")
    );
    assert_eq!(
        Entity::from_arn("arn:aws:sts::123456789012:assumed-role/Admin/bob"),
        in_acct(EntityKind::AssumedRole, "Admin/bob")
    );
    assert_eq!(
        Entity::from_arn("arn:aws:s3:::logs-bucket/key/x"),
        e(EntityKind::Bucket, "logs-bucket")
    );
    assert_eq!(
        Entity::from_arn("arn:aws:ec2:us-east-1:123456789012:instance/i-1234abcd"),
        e(EntityKind::Instance, "i-1234abcd")
    );
    assert_eq!(
        Entity::from_arn("arn:aws:iam::123456789012:root"),
        e(EntityKind::Account, "123456789012")
    );
    assert_eq!(
        Entity::from_arn("arn:aws:lambda:us-east-1:1:function:f"),
        e(EntityKind::Other, "arn:aws:lambda:us-east-1:1:function:f")
    );
    assert_eq!(Entity::from_arn("arn:aws:s3"), None);
    assert_eq!(Entity::from_arn("not-an-arn"), None);
}

/// S3's bucket naming rules (review of issue 34: any text from a finding became a bucket).
#[test]
fn a_bucket_is_made_only_of_a_bucket_name() {
    use super::is_bucket_name;
    for ok in [
        "abc",
        "acme-prod-backups",
        "logs.example.com",
        "0ab",
        &"a".repeat(63),
    ] {
        assert!(is_bucket_name(ok), "{ok}");
        assert_eq!(
            Entity::checked(EntityKind::Bucket, ok),
            e(EntityKind::Bucket, ok)
        );
    }
    for bad in [
        "",
        "ab",
        &"a".repeat(64),
        "Logs",
        "my bucket",
        "a\u{1b}[2Jb",
        "a\nb",
        "under_score",
        "-ab",
        "ab-",
        ".ab",
        "ab.",
        "a..b",
        "192.168.5.4",
        "bücket",
    ] {
        assert!(!is_bucket_name(bad), "{bad:?}");
        assert_eq!(Entity::checked(EntityKind::Bucket, bad), None, "{bad:?}");
        assert_eq!(
            Entity::from_arn(&format!("arn:aws:s3:::{bad}/key")),
            None,
            "{bad:?}"
        );
    }
    // Surrounding spaces are trimmed, as every id is; other kinds only need an id.
    assert_eq!(
        Entity::checked(EntityKind::Bucket, " abc "),
        e(EntityKind::Bucket, "abc")
    );
    assert_eq!(
        Entity::checked(EntityKind::IamUser, "Alice Smith"),
        e(EntityKind::IamUser, "Alice Smith")
    );
    assert_eq!(Entity::checked(EntityKind::IamUser, "  "), None);
}
