//! Routing rules over real events: the licensed dataset copies, ../shared/datasets when it is
//! there, and the demo scenario. Every default rule routes at least one real event, and each
//! lands where the seed says it should.

use crate::common;

use airc::model::{EntitiesOf, Signal};
use airc::rules::Rules;
use airc::source::replay::{load, Progress};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn signals(paths: &[PathBuf]) -> Vec<Signal> {
    let loaded = load(paths, Default::default(), &Progress::default());
    let store = &loaded.store;
    store.signals().iter().map(|s| store.detached(s)).collect()
}

/// The entities of a signal `signals` detached from its store.
fn own(s: &Signal) -> EntitiesOf<'_> {
    EntitiesOf::Own(s.own_entities().expect("detached"))
}

fn demo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/demo")
}

#[test]
fn every_default_rule_routes_real_events_where_the_seed_says() {
    let rules = Rules::defaults();
    assert!(rules.rules.len() >= 7, "the embedded rules parse");
    let mut paths = vec![common::datasets_fixture(), demo()];
    paths.extend(common::shared_datasets());
    let all = signals(&paths);
    let mut by_rule: BTreeMap<String, Vec<&Signal>> = BTreeMap::new();
    for s in &all {
        if let Some(r) = rules.route(s, own(s)) {
            for name in &r.rules {
                by_rule.entry(name.clone()).or_default().push(s);
            }
        }
    }
    let counts: BTreeMap<&String, usize> = by_rule.iter().map(|(k, v)| (k, v.len())).collect();
    eprintln!("routed by rule: {counts:?}");
    // DoS reports: network on-call and security, sensitive, nothing else matched after.
    let dos = &by_rule["abuse-dos"];
    for s in dos {
        let r = rules.route(s, own(s)).unwrap();
        assert_eq!(
            r.targets,
            vec!["network-oncall", "security"],
            "{}",
            s.kind()
        );
        assert!(r.sensitive && r.rules == vec!["abuse-dos"]);
    }
    // Port scanning (the demo) falls to the abuse catch-all: security.
    let other = &by_rule["abuse-other"];
    assert!(other
        .iter()
        .any(|s| s.kind().starts_with("AWS_ABUSE_PORT_SCANNING")));
    // Exposed credentials: security, deactivation suggested, an incident opened and pinned.
    let creds = &by_rule["credentials-exposed"];
    let r = rules.route(creds[0], own(creds[0])).unwrap();
    assert_eq!(r.targets, vec!["security"]);
    assert_eq!(r.suggest, vec!["deactivate-key"]);
    assert_eq!(
        r.actions
            .iter()
            .map(|(_, a)| a.as_str())
            .collect::<Vec<_>>(),
        vec!["open-incident", "pin"]
    );
    // GuardDuty High and Critical: security; Medium does not match.
    let gd = &by_rule["guardduty-high"];
    assert!(gd.len() >= 5);
    assert!(gd.iter().all(|s| s.severity >= airc::model::Severity::High));
    assert!(all
        .iter()
        .any(|s| s.source == airc::model::Source::GuardDuty
            && s.severity < airc::model::Severity::High
            && rules.route(s, own(s)).is_none()));
    // Macie High (the demo's bucket made public): security.
    let macie = &by_rule["macie-high"];
    assert!(!macie.is_empty() && macie.iter().all(|s| s.product() == "macie"));
    // CloudTrail events are not routed by the defaults.
    assert!(all
        .iter()
        .filter(|s| s.source == airc::model::Source::CloudTrail)
        .all(|s| rules.route(s, own(s)).is_none()));
}

#[test]
fn abuse_types_route_to_their_owner_from_the_real_catalog_codes() {
    // The AWS Health event type catalog in the fixtures lists every abuse code; an event of each
    // type (as DescribeEvents returns it) routes by its abuse type.
    let rules = Rules::defaults();
    let event = |code: &str| {
        let v = serde_json::json!({"arn": format!("arn:aws:health:global::event/ABUSE/{code}/{code}_1"),
            "eventTypeCode": code, "eventTypeCategory": "issue", "service": "ABUSE",
            "region": "global", "startTime": "2026-11-28T00:00:00Z"});
        let (_, n) = airc::normalize::normalize_record(v, &Default::default()).unwrap();
        let mut store = airc::store::Store::default();
        store.insert(n);
        store.detached(&store.signals()[0])
    };
    let cases = [
        (
            "AWS_ABUSE_PHISHING_REPORT",
            "abuse-phishing-malware",
            vec!["security"],
        ),
        (
            "AWS_ABUSE_MALWARE_WEBSITE_REPORT",
            "abuse-malware-hosting",
            vec!["security"],
        ),
        (
            "AWS_ABUSE_EMAIL_SPAM_REPORT",
            "abuse-spam",
            vec!["app-owner"],
        ),
        (
            "AWS_ABUSE_FORUM_SPAM_REPORT",
            "abuse-spam",
            vec!["app-owner"],
        ),
        (
            "AWS_ABUSE_DOS_REPORT",
            "abuse-dos",
            vec!["network-oncall", "security"],
        ),
        (
            "AWS_ABUSE_INTRUSION_ATTEMPT_REPORT",
            "abuse-other",
            vec!["security"],
        ),
    ];
    let catalog = std::fs::read_to_string(
        common::datasets_fixture()
            .join("aws-health-tools")
            .join("all_events.json"),
    )
    .expect("the catalog fixture");
    for (code, rule, targets) in cases {
        if !catalog.is_empty() {
            assert!(catalog.contains(code), "{code} is a real catalog code");
        }
        let r = rules
            .route(&event(code), own(&event(code)))
            .unwrap_or_else(|| panic!("{code} not routed"));
        assert_eq!(r.rules, vec![rule], "{code}");
        assert_eq!(r.targets, targets, "{code}");
        assert!(r.sensitive);
    }
}

#[test]
fn a_bad_rules_file_names_file_line_and_rule() {
    let e = Rules::parse(
        "[targets.a]\n[[rule]]\nname = \"x\"\nroute = [\"b\"]\n",
        "my.toml",
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("my.toml line 3") && e.contains("rule 'x'") && e.contains("unknown target 'b'"),
        "{e}"
    );
    let e = Rules::parse(
        "[[rule]]\nname = \"y\"\nmatch = { severity = \"huge\" }\n",
        "my.toml",
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("rule 'y'") && e.contains("severity 'huge'"),
        "{e}"
    );
    let e = Rules::parse(
        "[targets.a]\n[[rule]]\nname = \"z\"\nroute = [\"a\"]\nactions = [\"isolate\"]\n",
        "my.toml",
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("allow_destructive"), "{e}");
    let e = Rules::parse("[[rule]]\nname = 3\n", "my.toml", None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("my.toml line 2"), "{e}");
    // A user file with only targets keeps the default rules and adds notifiers.
    let r = Rules::parse(
        "[targets.security]\nnotify = [{ webhook = \"http://127.0.0.1:1/x\" }]\n",
        "user.toml",
        Some(&Rules::defaults()),
    )
    .unwrap();
    assert_eq!(r.rules.len(), Rules::defaults().rules.len());
    assert_eq!(r.targets["security"].notify.len(), 1);
}

/// `allow` matches the role, never the session name; a rule that stops routing cannot make a
/// sensitive signal visible; the defaults hide credential exposure from everyone else.
#[test]
fn sensitivity_holds_against_session_names_and_stop() {
    let s = signals(&[demo()])
        .into_iter()
        .find(|s| s.kind().contains("AWS_RISK_CREDENTIALS_EXPOSED"))
        .expect("the demo's exposed key");
    let defaults = Rules::defaults();
    let r = defaults.route(&s, own(&s)).expect("routed");
    assert!(r.sensitive);
    assert!(r.allows(Some(
        "arn:aws:sts::111122223333:assumed-role/SecurityResponder/alice"
    )));
    assert!(
        !r.allows(Some(
            "arn:aws:sts::111122223333:assumed-role/Developer/Security"
        )),
        "a session named Security is not a security role"
    );
    assert!(!r.allows(Some("arn:aws:iam::111122223333:user/Security")));
    assert!(!r.allows(None));
    // An earlier catch-all rule with stop = true: still sensitive, with the later rule's allow.
    let user = Rules::parse(
        "[targets.ops]\n[targets.security]\n\
         [[rule]]\nname = \"everything-to-ops\"\nroute = [\"ops\"]\nstop = true\n\
         [[rule]]\nname = \"creds\"\nmatch = { event_type = \"AWS_RISK_*\" }\nroute = [\"security\"]\n\
         sensitive = true\nallow = [\"arn:*:sts::*:assumed-role/IR-*\"]\n",
        "user.toml",
        None,
    )
    .unwrap();
    let r = user.route(&s, own(&s)).expect("routed");
    assert_eq!(
        r.rules,
        vec!["everything-to-ops".to_string()],
        "routing stopped"
    );
    assert!(r.sensitive, "sensitivity did not");
    assert!(!r.allows(Some("arn:aws:iam::111122223333:user/bob")));
    assert!(r.allows(Some("arn:aws:sts::111122223333:assumed-role/IR-oncall/x")));
}

#[test]
fn product_and_workflow_route_findings_of_every_service() {
    let rules = Rules::parse(
        r#"
[targets.data]
[targets.triage]
[[rule]]
name = "macie"
match = { product = "macie", severity = "high" }
route = ["data"]
[[rule]]
name = "new-in-security-hub"
match = { source = "securityhub", workflow = "N*" }
route = ["triage"]
"#,
        "test",
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let all = signals(&[common::fixtures().join("findings")]);
    let routed = |rule: &str| -> Vec<String> {
        let mut v: Vec<String> = all
            .iter()
            .filter(|s| {
                rules
                    .route(s, own(s))
                    .is_some_and(|r| r.rules.iter().any(|n| n == rule))
            })
            .map(|s| format!("{}:{}", s.product(), s.workflow().unwrap_or("-")))
            .collect();
        v.sort();
        v
    };
    assert_eq!(routed("macie"), ["macie:-"]);
    // NEW and NOTIFIED findings through Security Hub, the GuardDuty one merged with its own copy
    // among them; the RESOLVED one and findings never in Security Hub are not.
    assert_eq!(
        routed("new-in-security-hub"),
        [
            "acme scanner:NEW",
            "guardduty:NEW",
            "guardduty:NOTIFIED",
            "inspector:NEW",
            "securityhub:NEW"
        ]
    );
}
