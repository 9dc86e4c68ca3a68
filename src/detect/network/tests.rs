use super::*;
use crate::model::{AccountId, EntityKind};

const T0: i64 = 1_795_856_400;

fn rules_of(signals: &[Signal]) -> Vec<String> {
    let mut out: Vec<String> = signals
        .iter()
        .flat_map(|s| s.detections().iter().filter_map(|d| d.rule.name.clone()))
        .collect();
    out.sort();
    out
}

fn access(bucket: &str, requester: Option<Entity>, op: &str, status: u16, t: i64) -> Access {
    Access {
        time: t,
        bucket: bucket.into(),
        bucket_account: AccountId::parse("111122223333"),
        requester,
        ip: Some("203.0.113.66".into()),
        operation: op.into(),
        status,
    }
}

#[test]
fn every_rule_has_attack_tactics_and_techniques() {
    for (name, ..) in RULES {
        let r = rule(name).unwrap_or_else(|| panic!("{name}"));
        assert!(!r.tactics.is_empty() && !r.techniques.is_empty(), "{name}");
        for t in &r.tactics {
            assert!(
                crate::model::detection::TACTICS.contains(&t.as_str()),
                "{t}"
            );
        }
    }
}

#[test]
fn bucket_rules_anonymous_cross_account_get_volume_and_403_bursts() {
    let own = Entity::new(EntityKind::IamRole, "Backup").in_account(Some("111122223333"));
    let other = Entity::new(EntityKind::IamRole, "Reader").in_account(Some("444455556666"));
    let mut recs = vec![
        access("backups", None, "REST.GET.OBJECT", 200, T0),
        // Anonymous but refused: not access.
        access("backups", None, "REST.GET.OBJECT", 403, T0 + 5),
        access(
            "backups",
            Some(other.clone()),
            "REST.GET.OBJECT",
            200,
            T0 + 10,
        ),
        access(
            "backups",
            Some(own.clone()),
            "REST.PUT.OBJECT",
            200,
            T0 + 20,
        ),
    ];
    let quiet = run(&Default::default(), &recs, &[]);
    assert_eq!(
        rules_of(&quiet),
        ["anonymous_bucket_access", "cross_account_bucket_access"]
    );
    assert!(quiet.iter().all(|s| s.severity >= Severity::Medium));
    // 1,000 GETs by one requester in an hour; 49 then 50 403s in ten minutes.
    for i in 0..1000 {
        recs.push(access(
            "backups",
            Some(own.clone()),
            "REST.GET.OBJECT",
            200,
            T0 + 100 + i,
        ));
    }
    for i in 0..49 {
        recs.push(access(
            &format!("b{i}"),
            Some(other.clone()),
            "REST.HEAD.BUCKET",
            403,
            T0 + 30,
        ));
    }
    let s = run(&Default::default(), &recs, &[]);
    assert!(
        !rules_of(&s).contains(&"bucket_403_burst".to_string()),
        "49 is below"
    );
    recs.push(access("b49", Some(other), "REST.HEAD.BUCKET", 403, T0 + 40));
    let s = run(&Default::default(), &recs, &[]);
    assert_eq!(
        rules_of(&s),
        [
            "anonymous_bucket_access",
            "bucket_403_burst",
            "bucket_get_volume",
            "cross_account_bucket_access"
        ]
    );
    // Ids name the rule and window, never the subject: a hidden signal keeps its id.
    for sig in &s {
        let id = sig.id.to_string();
        assert!(!id.contains("b49") && !id.contains('.'), "{id}");
    }
    let ids = |v: &[Signal]| {
        let mut ids: Vec<String> = v.iter().map(|x| x.id.to_string()).collect();
        ids.sort();
        ids
    };
    assert_eq!(
        ids(&s),
        ids(&run(&Default::default(), &recs, &[])),
        "stable"
    );
    // The bucket's account unknown: no cross-account claim.
    for r in &mut recs {
        r.bucket_account = AccountId::UNKNOWN;
    }
    let s = run(&Default::default(), &recs, &[]);
    assert!(!rules_of(&s).contains(&"cross_account_bucket_access".to_string()));
}

fn query(name: &str, t: i64) -> Query {
    Query {
        time: t,
        name: name.into(),
        source: Entity::new(EntityKind::Instance, "i-0c0ffee0c0ffee001"),
        account: Some("111122223333".into()),
    }
}

#[test]
fn dns_tunnelling_needs_many_distinct_names_under_few_domains_and_pools_match_subdomains() {
    // 1,000 lookups of one API name: a chatty service, not a tunnel.
    let chatty: Vec<Query> = (0..1000)
        .map(|i| query("sqs.us-east-1.amazonaws.com", T0 + i))
        .collect();
    assert!(run(&Default::default(), &[], &chatty).is_empty());
    // 1,000 distinct names under one domain within the hour.
    let tunnel: Vec<Query> = (0..1000)
        .map(|i| query(&format!("{i:x}a9f3c.t.exfil-example.net"), T0 + i))
        .collect();
    let s = run(&Default::default(), &[], &tunnel);
    assert_eq!(rules_of(&s), ["dns_tunnelling"]);
    assert_eq!(s[0].severity, Severity::High);
    // 999 is below the threshold.
    assert!(run(&Default::default(), &[], &tunnel[..999]).is_empty());
    let pool = [
        query("xmr-eu1.nanopool.org", T0),
        query("notnanopool.org", T0),
    ];
    let s = run(&Default::default(), &[], &pool);
    assert_eq!(rules_of(&s), ["mining_pool"]);
    assert_eq!(dns::registered("a.b.example.co.uk"), "example.co.uk");
    assert_eq!(dns::registered("x.y.example.com"), "example.com");
    assert_eq!(dns::registered("localhost"), "localhost");
}
