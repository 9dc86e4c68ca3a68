//! Attack stories on the demo and the real datasets, against groupings verified by reading the
//! events (see each test), stable between runs, and `airc stories` from the shell.

use crate::common;

use airc::model::Signal;
use airc::normalize::Options;
use airc::source::replay::{load, Progress};
use airc::store::Store;
use airc::stories::Story;
use std::collections::BTreeSet;

fn load_dir(path: &std::path::Path) -> Store {
    load(
        &[path.to_path_buf()],
        Options::without_raw(),
        &Progress::default(),
    )
    .store
}

fn demo() -> Store {
    let items = airc::source::demo::scenario(chrono::Utc::now()).unwrap_or_else(|e| panic!("{e}"));
    let mut store = Store::default();
    for t in items {
        store.insert(t.item);
    }
    store.finish();
    store
}

fn signals_of<'a>(store: &'a Store, story: &Story) -> Vec<&'a Signal> {
    store
        .story_positions(story)
        .iter()
        .filter_map(|p| store.signals().get(*p as usize))
        .collect()
}

fn actor(s: &Signal) -> &str {
    s.actor().unwrap_or("")
}

/// The demo: one attacker (the leaked ci-deploy key from 203.0.113.66, the backdoor user
/// svc-backup2, the ops-admin/sync-job session it assumed, the instances it launched, the
/// bucket it opened) and everyday work by alice and bob.
#[test]
fn the_demo_forms_exactly_one_story_from_the_leaked_key_to_the_public_bucket() {
    let store = demo();
    let stories = store.stories();
    assert_eq!(stories.len(), 1, "{stories:#?}");
    let story = &stories[0];
    let members = signals_of(&store, story);
    let ids: BTreeSet<&airc::model::SignalId> = members.iter().map(|s| &s.id).collect();
    // Every attacker step with a detection or a finding is in it…
    let attacker = ["ci-deploy", "svc-backup2", "ops-admin/sync-job"];
    for s in store.signals().iter() {
        let by_attacker = attacker.iter().any(|a| actor(s).contains(a));
        if by_attacker && !s.detections().is_empty() {
            assert!(ids.contains(&s.id), "attacker step left out: {}", s.title());
        }
        // …and nothing alice or bob did.
        if actor(s).contains("alice") || actor(s).ends_with("bob") {
            assert!(
                !ids.contains(&s.id),
                "background in the story: {}",
                s.summary()
            );
        }
    }
    let first = members.iter().min_by_key(|s| s.time).map(|s| s.kind());
    assert_eq!(
        first,
        Some("GetCallerIdentity"),
        "it starts with the leaked key's first call"
    );
    assert!(
        members.iter().any(|s| s.kind() == "PutBucketPolicy"),
        "it reaches the public bucket"
    );
    assert!(members
        .iter()
        .any(|s| s.source == airc::model::Source::GuardDuty));
    for t in ["persistence", "defense-evasion", "impact"] {
        assert!(story.tactics.contains(&t), "{:?}", story.tactics);
    }
    let names: Vec<String> = story.principals.iter().map(|e| e.to_string()).collect();
    for p in ["access_key:AKIA4EXAMPLELEAKED01", "iam_user:svc-backup2"] {
        assert!(names.iter().any(|n| n == p), "{names:?}");
    }
    assert_eq!(story.severity, airc::model::Severity::Critical);
    // The other services' view of the same attack is in it: Macie on the bucket made public,
    // Inspector on the mining instance, the billing alarm watching the GPU instances, and
    // GuardDuty's attack sequence with the tactics it names.
    use airc::model::Source;
    for (src, what) in [
        (Source::Macie, "Policy:IAMUser/S3BucketPublic"),
        (Source::Inspector, "CVE-2024-6387"),
        (
            Source::Monitors,
            "CloudWatchAlarm:AWS/Billing/EstimatedCharges",
        ),
        (
            Source::GuardDuty,
            "AttackSequence:IAM/CompromisedCredentials",
        ),
    ] {
        assert!(
            members.iter().any(|s| s.source == src && s.kind() == what),
            "{what} not in the story"
        );
    }
    assert!(
        story.tactics.contains(&"privilege-escalation"),
        "{:?}",
        story.tactics
    );
}

/// The demo's network evidence: the mining instances' flows to the pool and the probe that
/// found their SSH, their Resolver queries for the pool, and the attacker's anonymous downloads
/// from the bucket it made public, each read by the same readers as a file, and the rules they
/// raise (mining pool, port scan, anonymous bucket access) in the one story.
#[test]
fn the_demo_story_holds_the_mining_flows_dns_and_the_buckets_access_lines() {
    use airc::model::{EntityKind, Source};
    use airc::source::demo_network::{ATTACKER_IP, BUCKET, MINERS, POOL, POOL_IP, PROBER_IP};
    let store = demo();
    // Flows: each miner's conversations with the pool, and the probe's rejects.
    let flows = store.flows();
    assert_eq!(flows.records, 2 * 20 * 2 + 13, "every record summed");
    for (_, eni, ip) in MINERS {
        let to_pool = flows
            .iter()
            .filter(|c| {
                c.interface == Some(eni)
                    && c.src.map(|a| a.to_string()).as_deref() == Some(ip)
                    && c.dst.map(|a| a.to_string()).as_deref() == Some(POOL_IP)
                    && c.port == 3333
            })
            .count();
        assert_eq!(
            to_pool, 20,
            "{ip}: a conversation a minute from 02:47 to 03:06"
        );
    }
    let rejected: u32 = flows
        .iter()
        .filter(|c| c.src.map(|a| a.to_string()).as_deref() == Some(PROBER_IP))
        .filter(|c| c.action == airc::model::flow::FlowAction::Reject)
        .map(|c| c.totals.records)
        .sum();
    assert_eq!(rejected, 12);
    // DNS queries for the pool, naming the instance and the pool's address.
    let queries: Vec<&Signal> = store
        .signals()
        .iter()
        .filter(|s| s.source == Source::Dns)
        .collect();
    assert_eq!(queries.len(), 8);
    assert!(queries
        .iter()
        .all(|q| q.summary().contains(POOL) && q.summary().contains(POOL_IP)));
    // The bucket's access log lines, all from the attacker's address.
    let lines: Vec<&Signal> = store
        .signals()
        .iter()
        .filter(|s| s.source == Source::S3Access)
        .collect();
    assert_eq!(lines.len(), 8);
    // At the scenario's times: the story's last two hours, none in the future.
    let now = chrono::Utc::now();
    for s in queries.iter().chain(&lines) {
        assert!(
            s.time > now - chrono::Duration::hours(2) && s.time <= now,
            "{}",
            s.summary()
        );
    }
    for l in &lines {
        let ents = store.entities_of(l);
        assert!(ents
            .iter()
            .any(|e| e.kind == EntityKind::Ip && &*e.id == ATTACKER_IP));
        assert!(ents
            .iter()
            .any(|e| e.kind == EntityKind::Bucket && &*e.id == BUCKET));
    }
    // The rules they raise are in the one story, with what they are about.
    let stories = store.stories();
    assert_eq!(stories.len(), 1, "{stories:#?}");
    let members = signals_of(&store, &stories[0]);
    let rule = |name: &str| {
        members
            .iter()
            .filter(|s| s.source == Source::Network)
            .filter(|s| {
                s.detections()
                    .iter()
                    .any(|d| d.rule.name.as_deref() == Some(name))
            })
            .map(|s| {
                store
                    .entities_of(s)
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    };
    let mining = rule("mining_pool");
    for (inst, _, _) in MINERS {
        assert!(
            mining
                .iter()
                .any(|e| e.contains(&format!("instance:{inst}"))),
            "{inst}: {mining:?}"
        );
    }
    let scan = rule("port_scan");
    assert!(
        scan.iter().any(|e| e.contains(&format!("ip:{PROBER_IP}"))),
        "{scan:?}"
    );
    let anonymous = rule("anonymous_bucket_access");
    assert!(
        anonymous
            .iter()
            .any(|e| e.contains(&format!("bucket:{BUCKET}"))
                && e.contains(&format!("ip:{ATTACKER_IP}"))),
        "{anonymous:?}"
    );
    // The refused listing before the bucket was public is a burst of nothing: three 403s.
    assert!(rule("bucket_403_burst").is_empty());
}

/// Invictus (Stratus Red Team run by the IAM user bert-jan from 192.168.10.20, a private
/// address): bert-jan's key runs each technique and assumes the stratus-red-team-* roles whose
/// sessions run the rest, so one story holds bert-jan and every stratus session (linked by the
/// AssumeRole that issued each session's key). benjamin's two IAM reads at 11:43, before the
/// attack and from another address, are a story of their own. The one detection left out is a
/// console sign-in of the IAM user stratus-red-team-nmfalu-… from the private address, whose
/// creation is not in these files: it shares nothing that may join, and a lone medium signal is
/// not a story.
#[test]
fn invictus_is_one_attack_story_and_benjamins_reads() {
    let store = load_dir(&common::datasets_fixture().join("invictus-aws-dataset"));
    let stories = store.stories();
    assert_eq!(stories.len(), 2, "{stories:#?}");
    let main = &stories[0];
    let members = signals_of(&store, main);
    assert!(main.principals.iter().any(|e| e.id == "bert-jan"));
    let sessions: BTreeSet<&airc::model::SignalId> = store
        .signals()
        .iter()
        .filter(|s| {
            !s.detections().is_empty()
                && store.entities_of(s).iter().any(|e| {
                    e.kind == airc::model::EntityKind::AssumedRole
                        && e.id.starts_with("stratus-red-team")
                })
        })
        .map(|s| &s.id)
        .collect();
    assert!(sessions.len() >= 10, "{}", sessions.len());
    let in_main: BTreeSet<&airc::model::SignalId> = members.iter().map(|s| &s.id).collect();
    for id in &sessions {
        assert!(
            in_main.contains(id),
            "a stratus session's detection outside the story: {id}"
        );
    }
    assert!(main.tactics.len() >= 6, "{:?}", main.tactics);
    let in_any: BTreeSet<u32> = stories
        .iter()
        .flat_map(|s| store.story_positions(s))
        .collect();
    let outside: Vec<&Signal> = store
        .signals()
        .iter()
        .enumerate()
        .filter(|(i, s)| !s.detections().is_empty() && !in_any.contains(&(*i as u32)))
        .map(|(_, s)| s)
        .collect();
    assert_eq!(outside.len(), 1);
    assert_eq!(outside[0].kind(), "ConsoleLogin");
    assert!(actor(outside[0]).contains("stratus-red-team-nmfalu"));
    assert!(members.iter().all(|s| !actor(s).contains("benjamin")));
    let other = signals_of(&store, &stories[1]);
    let kinds: BTreeSet<&str> = other.iter().map(|s| s.kind()).collect();
    assert_eq!(
        kinds,
        BTreeSet::from(["GetAccountAuthorizationDetails", "ListUsers"])
    );
    assert!(other.iter().all(|s| actor(s).contains("benjamin")));
}

/// OTRF "cloud bank breach": EC2 assumes the instance profile role (AssumeRole by
/// ec2.amazonaws.com issues the session key ASIA5FLZVX4OPVKKVBMX), and that session, used from
/// outside, lists every bucket twice before reading objects. pedro's console browsing of EC2 is
/// everyday work and stays out.
#[test]
fn otrf_is_one_story_of_the_stolen_instance_credentials() {
    let file = common::datasets_fixture().join(
        "otrf-security-datasets/datasets/atomic/aws/collection/ec2_proxy_s3_exfiltration_2020-09-14011940.json",
    );
    let store = load_dir(&file);
    let stories = store.stories();
    assert_eq!(stories.len(), 1, "{stories:#?}");
    let members = signals_of(&store, &stories[0]);
    let buckets = members.iter().filter(|s| s.kind() == "ListBuckets").count();
    assert_eq!(buckets, 2);
    assert!(members.iter().any(|s| s.kind() == "AssumeRole"));
    assert!(members.iter().all(|s| !actor(s).contains("pedro")));
    assert!(stories[0]
        .principals
        .iter()
        .any(|e| e.id == "ASIA5FLZVX4OPVKKVBMX"));
}

fn fingerprint(stories: &[Story]) -> Vec<(String, usize, u32)> {
    stories
        .iter()
        .map(|s| (s.id.clone(), s.signals, s.score))
        .collect()
}

#[test]
fn stories_are_the_same_in_every_run_and_arrival_order() {
    let dir = common::datasets_fixture().join("invictus-aws-dataset");
    let a = fingerprint(&load_dir(&dir).stories());
    for _ in 0..3 {
        // Parallel readers: the files arrive in another order each time.
        assert_eq!(fingerprint(&load_dir(&dir).stories()), a);
    }
    // The demo's signals backwards give the same story and id.
    let now = chrono::Utc::now();
    let items = || airc::source::demo::scenario(now).unwrap_or_else(|e| panic!("{e}"));
    let mut forward = Store::default();
    let mut backward = Store::default();
    for t in items() {
        forward.insert(t.item);
    }
    for t in items().into_iter().rev() {
        backward.insert(t.item);
    }
    forward.finish();
    backward.finish();
    assert_eq!(
        fingerprint(&forward.stories()),
        fingerprint(&backward.stories())
    );
}

#[test]
fn airc_stories_prints_them_as_text_and_json() {
    let out = common::airc(&["stories", "--demo", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = common::json_of(&out);
    let stories = v["stories"].as_array().cloned().unwrap_or_default();
    assert_eq!(stories.len(), 1, "{v}");
    let steps = stories[0]["steps"].as_array().cloned().unwrap_or_default();
    assert!(steps.len() >= 40, "{} steps", steps.len());
    // The risk notification is sensitive by the default rules: for a command line (no
    // principal) it is no step of the story at all (being there would tell what it is about).
    assert!(
        !steps
            .iter()
            .any(|s| s["kind"] == "AWS_RISK_CREDENTIALS_EXPOSED"),
        "{v}"
    );

    let dir = common::datasets_fixture().join("invictus-aws-dataset");
    let out = common::airc(&["stories", &dir.display().to_string(), "--steps", "3"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("2 stories in 2301 signals"), "{text}");
    assert!(
        text.contains("tactics") && text.contains("more steps (--steps N)"),
        "{text}"
    );

    let out = common::airc(&["stories"]);
    assert!(!out.status.success(), "paths or --demo are required");
}
