use super::*;
use crate::model::detection::{Detection, RuleInfo};
use crate::model::EntityKind;
use chrono::{TimeZone, Utc};
use std::sync::Arc;

pub(super) fn rule(level: Severity, tactic: &str) -> Detection {
    Detection {
        rule: Arc::new(RuleInfo {
            title: format!("{tactic} rule"),
            id: tactic.into(),
            name: None,
            level,
            author: None,
            tactics: vec![tactic.into()],
            techniques: Vec::new(),
            file: "test".into(),
            correlation: false,
        }),
        note: None,
    }
}

pub(super) fn signal(
    id: &str,
    minute: i64,
    sev: Severity,
    tactic: Option<&str>,
    ents: &[Entity],
) -> Signal {
    Signal {
        id: id.into(),
        source: Source::CloudTrail,
        time: Utc.timestamp_opt(1_700_000_000 + minute * 60, 0).unwrap(),
        rare: crate::model::Rare {
            detections: tactic.map(|t| rule(sev, t)).into_iter().collect(),
            entities: ents.to_vec().into(),
            ..Default::default()
        }
        .boxed(),
        severity: sev,
        facets: crate::model::Facets::new(crate::model::FacetFields {
            severity_reason: Default::default(),
            kind: "X".into(),
            title: id.into(),
            account: None,
            region: None,
            category: None,
            actor: None,
            ..Default::default()
        }),
        summary: crate::model::Summary::text(""),
        held: false,
        raw: crate::model::Raw::None,
    }
}

pub(super) fn key(k: &str) -> Entity {
    Entity::new(EntityKind::AccessKey, k)
}
pub(super) fn ip(a: &str) -> Entity {
    Entity::new(EntityKind::Ip, a)
}

/// A tiny store: entity ids, touching counts, and the stories.
#[derive(Default)]
pub(super) struct Fixture {
    entities: Vec<Entity>,
    touching: Vec<usize>,
    total: usize,
    stories: Stories,
}

impl Fixture {
    pub(super) fn with(config: Config) -> Fixture {
        Fixture {
            stories: Stories::new(config),
            ..Fixture::default()
        }
    }

    pub(super) fn add(&mut self, s: &Signal) {
        let mut ids = Vec::new();
        for e in s.own_entities().unwrap_or_default() {
            let id = match self.entities.iter().position(|x| x == e) {
                Some(i) => i,
                None => {
                    self.entities.push(e.clone());
                    self.touching.push(0);
                    self.entities.len() - 1
                }
            };
            self.touching[id] += 1;
            ids.push(id as u32);
        }
        let pos = self.total as u32;
        self.total += 1;
        let touching = self.touching.clone();
        let entities = &self.entities;
        self.stories.add(
            pos,
            s,
            &ids,
            |id| entities.get(id as usize),
            |id| touching[id as usize],
            self.total,
        );
    }

    pub(super) fn settle(&mut self) {
        let touching = self.touching.clone();
        self.stories.settle(|id| touching[id as usize], self.total);
    }

    pub(super) fn settle_slice(&mut self, slice: usize) {
        let touching = self.touching.clone();
        self.stories
            .settle_slice(|id| touching[id as usize], self.total, slice);
    }

    fn list(&self) -> Vec<Story> {
        self.stories.list(|id| self.entities.get(id as usize))
    }

    /// Each story as the sorted ids of its signals (positions are the order of `add`).
    pub(super) fn groups(&self, names: &[&str]) -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = self
            .list()
            .iter()
            .map(|s| {
                let mut g: Vec<String> = self
                    .stories
                    .positions(s)
                    .iter()
                    .map(|p| names[*p as usize].to_string())
                    .collect();
                g.sort();
                g
            })
            .collect();
        out.sort();
        out
    }
}

pub(super) const H: Severity = Severity::High;
const M: Severity = Severity::Medium;

#[test]
fn signals_sharing_a_key_within_the_gap_form_one_story_in_any_order() {
    let sigs = [
        signal(
            "a",
            0,
            H,
            Some("discovery"),
            &[key("AKIAAAAAAAAAAAAAAAA1"), ip("203.0.113.5")],
        ),
        signal(
            "b",
            90,
            M,
            Some("persistence"),
            &[key("AKIAAAAAAAAAAAAAAAA1")],
        ),
        signal(
            "c",
            110,
            H,
            Some("impact"),
            &[ip("203.0.113.5"), key("AKIAAAAAAAAAAAAAAAA2")],
        ),
        // Outside the gap of everything else: its own story.
        signal("d", 500, H, Some("impact"), &[key("AKIAAAAAAAAAAAAAAAA1")]),
    ];
    let names = ["a", "b", "c", "d"];
    for order in [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]] {
        let mut f = Fixture::default();
        let mut added = Vec::new();
        for i in order {
            f.add(&sigs[i]);
            added.push(names[i]);
        }
        let groups = f.groups(&added);
        assert_eq!(
            groups,
            vec![
                vec!["a".to_string(), "b".into(), "c".into()],
                vec!["d".into()]
            ],
            "order {order:?}"
        );
        // The id comes from the earliest signal, whatever arrived first.
        let ids: Vec<String> = f.list().iter().map(|s| s.id.clone()).collect();
        assert!(ids.contains(&format!("S-{:08x}", stable_hash("a") >> 32)));
    }
}

#[test]
fn a_gap_filled_later_joins_two_stories() {
    let k = key("AKIAAAAAAAAAAAAAAAA1");
    let mut f = Fixture::default();
    f.add(&signal(
        "a",
        0,
        H,
        Some("discovery"),
        std::slice::from_ref(&k),
    ));
    f.add(&signal(
        "b",
        200,
        H,
        Some("impact"),
        std::slice::from_ref(&k),
    ));
    assert_eq!(f.list().len(), 2);
    f.add(&signal("c", 100, M, Some("persistence"), &[k]));
    let list = f.list();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].signals, 3);
    assert_eq!(list[0].tactics, vec!["persistence", "discovery", "impact"]);
}

#[test]
fn weak_entities_and_everyday_signals_join_nothing() {
    let mut f = Fixture::default();
    let acct = Entity::new(EntityKind::Account, "111122223333");
    let role = Entity::new(EntityKind::IamRole, "admin");
    f.add(&signal(
        "a",
        0,
        H,
        Some("impact"),
        &[acct.clone(), role.clone(), ip("10.0.0.1")],
    ));
    f.add(&signal(
        "b",
        1,
        H,
        Some("impact"),
        &[acct, role, ip("10.0.0.1")],
    ));
    assert_eq!(f.list().len(), 2);
    // No detection: not part of any story, even through a strong entity.
    f.add(&signal("c", 2, H, None, &[key("AKIAAAAAAAAAAAAAAAA1")]));
    f.add(&signal(
        "d",
        3,
        H,
        Some("impact"),
        &[key("AKIAAAAAAAAAAAAAAAA1")],
    ));
    assert_eq!(f.list().len(), 3);
    assert_eq!(f.stories.members(), 3);
}

#[test]
fn a_lone_medium_signal_is_not_a_story_but_two_are() {
    let mut f = Fixture::default();
    f.add(&signal(
        "a",
        0,
        M,
        Some("credential-access"),
        &[ip("198.51.100.7")],
    ));
    assert!(f.list().is_empty());
    f.add(&signal(
        "b",
        5,
        Severity::Low,
        Some("discovery"),
        &[ip("198.51.100.7")],
    ));
    assert_eq!(f.list().len(), 1);
}

#[test]
fn the_responders_own_principal_never_joins() {
    let me = key("ASIAAAAAAAAAAAAAAAA9");
    let mut f = Fixture::default();
    f.stories.exclude(me.clone());
    f.add(&signal(
        "a",
        0,
        H,
        Some("impact"),
        std::slice::from_ref(&me),
    ));
    f.add(&signal("b", 1, H, Some("impact"), &[me]));
    assert_eq!(f.list().len(), 2);
}

#[test]
fn steps_are_in_time_order_with_the_linking_entity() {
    let k = key("AKIAAAAAAAAAAAAAAAA1");
    let u = Entity::new(EntityKind::IamUser, "backdoor");
    let mut f = Fixture::default();
    f.add(&signal(
        "create",
        10,
        H,
        Some("persistence"),
        &[k.clone(), u.clone()],
    ));
    f.add(&signal("use", 20, H, Some("privilege-escalation"), &[u]));
    f.add(&signal("recon", 0, M, Some("discovery"), &[k]));
    let story = &f.list()[0];
    let steps = f.stories.steps(story);
    let order: Vec<u32> = steps.iter().map(|s| s.pos).collect();
    assert_eq!(order, vec![2, 0, 1]);
    let via: Vec<Option<&Entity>> = steps
        .iter()
        .map(|s| s.via.and_then(|id| f.entities.get(id as usize)))
        .collect();
    assert_eq!(via[0], None);
    assert_eq!(via[1].map(|e| e.kind), Some(EntityKind::AccessKey));
    assert_eq!(via[2].map(|e| e.kind), Some(EntityKind::IamUser));
    assert_eq!(story.principals.len(), 2);
}

#[test]
fn score_ranks_severity_tactics_sources_size_and_recency() {
    let base = summary::score(Severity::High, 1, 1, 1, 0);
    assert!(summary::score(Severity::Critical, 1, 1, 1, 0) > base);
    assert!(summary::score(Severity::High, 3, 1, 1, 0) > base);
    assert!(summary::score(Severity::High, 1, 2, 1, 0) > base);
    assert!(summary::score(Severity::High, 1, 1, 5, 0) > base);
    assert!(summary::score(Severity::High, 1, 1, 1, 12 * 3600) < base);
    assert_eq!(
        summary::score(Severity::High, 1, 1, 1, 48 * 3600),
        summary::score(Severity::High, 1, 1, 1, 24 * 3600)
    );
}

#[test]
fn public_documentation_addresses_are_strong_private_ones_are_not() {
    assert!(strong(&ip("203.0.113.66")));
    assert!(strong(&ip("2001:db8::1")));
    for a in [
        "10.1.2.3",
        "192.168.1.1",
        "172.16.0.1",
        "127.0.0.1",
        "100.64.0.1",
        "fd00::1",
    ] {
        assert!(!strong(&ip(a)), "{a}");
    }
    assert!(!strong(&ip("ec2.amazonaws.com")));
}

#[test]
fn a_member_keeps_its_links_inline_in_56_bytes() {
    // Every signal with a detection, finding or abuse report is a member: in a busy day's
    // replay, hundreds of thousands of them.
    assert_eq!(std::mem::size_of::<super::Member>(), 56);
    let l = super::Link::of(super::Link::MAX_ID, 2);
    assert_eq!(
        (super::Link::id(l), super::Link::rank(l)),
        (super::Link::MAX_ID, 2)
    );
}
