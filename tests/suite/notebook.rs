//! The notebook's postmortem export: the golden file, parsed as markdown, hostile strings, and
//! the shell commands with a template override. Durability is in notebook_durability.rs.

use crate::common;

use airc::model::{Entity, EntityKind};
use airc::notebook::entry::ActionCall;
use airc::notebook::{export, Entry, EntryKind, Incident, Phase, Priority, Section};
use chrono::{Duration, TimeZone, Utc};
use common::{airc_in as airc, new_incident, run_ok};

const HOSTILE: &str = "<img src=x onerror=alert(1)> | col ``` # not a heading [link](http://evil.example) \u{1b}]0;pwn\u{7}";

/// A scripted incident with fixed times: the leaked-key story with every kind of entry.
fn scripted() -> Incident {
    let t0 = Utc
        .with_ymd_and_hms(2026, 1, 15, 2, 0, 0)
        .single()
        .unwrap_or_default();
    let at = |m: i64| t0 + Duration::minutes(m);
    let e = |m: i64, kind: EntryKind| Entry {
        at: at(m),
        by: "alice@ir-host".into(),
        kind,
    };
    let signal = |m: i64, id: &str, title: &str, summary: &str| EntryKind::Pinned {
        signal_id: id.into(),
        source: airc::model::Source::CloudTrail,
        signal_time: at(m),
        severity: airc::model::Severity::High,
        title: title.into(),
        summary: summary.into(),
        account: Some("111122223333".into()),
        region: Some("us-east-1".into()),
        entities: vec![Entity::new(EntityKind::AccessKey, "AKIA4EXAMPLELEAKED01")],
        raw: serde_json::json!({"eventName": title, "sourceIPAddress": "203.0.113.66"}),
        detections: if title.contains("CreateAccessKey") {
            vec!["Access key created (high, by airc contributors)".into()]
        } else {
            vec![]
        },
        kind: title.into(),
        sensitive: None,
    };
    let entries = vec![
        e(
            30,
            EntryKind::Opened {
                id: "IR-20260115-1".into(),
                title: "Leaked CI key used for crypto-mining".into(),
                severity: Priority::P1,
                commander: "alice".into(),
                responders: vec!["bob".into(), "carol".into()],
                title_sensitive: None,
            },
        ),
        e(
            31,
            signal(
                10,
                "cloudtrail:1",
                "sts:GetCallerIdentity",
                "ci-deploy called sts:GetCallerIdentity from 203.0.113.66",
            ),
        ),
        e(
            32,
            signal(
                23,
                "cloudtrail:2",
                "iam:CreateAccessKey",
                "ci-deploy called iam:CreateAccessKey on iam_user:svc-backup2 from 203.0.113.66",
            ),
        ),
        e(33, signal(45, "cloudtrail:3", "ec2:RunInstances", HOSTILE)),
        e(
            34,
            EntryKind::Affected {
                entity: Entity::new(EntityKind::AccessKey, "AKIA4EXAMPLELEAKED01"),
                sensitive: None,
            },
        ),
        e(
            35,
            EntryKind::Phase {
                phase: Phase::Analysing,
            },
        ),
        e(
            36,
            EntryKind::Note {
                text: format!("Attacker note: {HOSTILE}"),
            },
        ),
        e(
            40,
            EntryKind::Action {
                action: "deactivate_access_key".into(),
                target: "AKIA4EXAMPLELEAKED01".into(),
                scope: None,
                outcome: "succeeded".into(),
                reversible: true,
                calls: vec![ActionCall {
                    operation: "iam:UpdateAccessKey".into(),
                    parameters: serde_json::json!({"Status": "Inactive"}),
                    result: "200 OK".into(),
                }],
                sensitive: None,
                status: None,
                account: None,
                region: None,
            },
        ),
        e(
            41,
            EntryKind::Phase {
                phase: Phase::Contained,
            },
        ),
        e(
            50,
            EntryKind::Section {
                section: Section::Summary,
                text: "A CI access key leaked and was used to mine.\nContained in 41 minutes."
                    .into(),
            },
        ),
        e(
            51,
            EntryKind::Section {
                section: Section::RootCause,
                text: format!("Key committed to a public repo. {HOSTILE}"),
            },
        ),
        e(
            90,
            EntryKind::Phase {
                phase: Phase::Recovered,
            },
        ),
        e(
            95,
            EntryKind::Phase {
                phase: Phase::Closed,
            },
        ),
    ];
    Incident::fold(&entries).unwrap_or_else(|| panic!("fold"))
}

#[test]
fn golden_postmortem() {
    let md = export::render(&scripted(), export::TEMPLATE, false).unwrap_or_else(|e| panic!("{e}"));
    insta::assert_snapshot!("postmortem_golden", md);
    let redacted =
        export::render(&scripted(), export::TEMPLATE, true).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !redacted.contains("111122223333")
            && !redacted.contains("AKIA4EXAMPLELEAKED01")
            && !redacted.contains("203.0.113.66")
    );
    insta::assert_snapshot!("postmortem_golden_redacted", redacted);
}

#[test]
fn the_export_parses_as_markdown_with_every_section_and_hostile_strings_as_text() {
    use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
    let inc = scripted();
    let m = inc.metrics();
    assert_eq!(
        (m.detect, m.contain, m.recover),
        (
            Some(Duration::minutes(20)),
            Some(Duration::minutes(31)),
            Some(Duration::minutes(80))
        )
    );
    let md = export::render(&inc, export::TEMPLATE, false).unwrap_or_else(|e| panic!("{e}"));
    let mut headings = Vec::new();
    let mut in_heading = false;
    let mut text = String::new();
    let mut table_rows: Vec<usize> = Vec::new();
    let mut tables: Vec<Vec<usize>> = Vec::new();
    let mut cells = 0;
    for ev in Parser::new_ext(&md, Options::ENABLE_TABLES) {
        match ev {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                ..
            }) => {
                in_heading = true;
                text.clear();
            }
            Event::End(TagEnd::Heading(_)) if in_heading => {
                headings.push(text.clone());
                in_heading = false;
            }
            Event::Text(t) if in_heading => text.push_str(&t),
            Event::Html(h) | Event::InlineHtml(h) => panic!("raw HTML in the export: {h}"),
            Event::Start(Tag::Link { dest_url, .. }) => {
                panic!("a link formed from data: {dest_url}")
            }
            Event::Start(Tag::Table(_)) => table_rows.clear(),
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => cells = 0,
            Event::Start(Tag::TableCell) => cells += 1,
            Event::End(TagEnd::TableHead) | Event::End(TagEnd::TableRow) => table_rows.push(cells),
            Event::End(TagEnd::Table) => tables.push(table_rows.clone()),
            Event::Start(Tag::CodeBlock(_)) => panic!("a code block formed from data"),
            _ => {}
        }
    }
    assert_eq!(
        headings,
        [
            "Summary",
            "Impact",
            "Detection",
            "Timeline (UTC)",
            "Response actions taken",
            "Eradication and recovery",
            "Root cause and contributing factors",
            "What went well",
            "What went badly",
            "Where we got lucky",
            "Detection gaps",
            "Action items",
            "Metrics",
            "Evidence"
        ]
    );
    // Header, timeline, actions, metrics, evidence: every row as wide as its header.
    assert_eq!(tables.len(), 5, "{tables:?}");
    for t in &tables {
        assert!(t.iter().all(|n| *n == t[0]), "ragged table {t:?}");
    }
    assert_eq!(tables[1].len(), 1 + inc.timeline.len());
    // The hostile string's pieces are in the rendered text, as text.
    let plain: String = Parser::new_ext(&md, Options::ENABLE_TABLES)
        .filter_map(|e| match e {
            Event::Text(t) => Some(t.into_string()),
            _ => None,
        })
        .collect();
    assert!(
        plain.contains("<img src=x onerror=alert(1)>")
            && plain.contains("[link](http://evil.example)"),
        "{plain}"
    );
    assert!(!md.contains('\u{1b}'));
    // Unwritten sections are present with a prompt.
    assert!(md.contains("_Not written yet: what helped the response"));
}

#[test]
fn the_shell_commands_and_a_template_override() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let d = dir.path();
    let id = new_incident(d);
    let run = |args: &[&str]| run_ok(d, args);
    run(&["incident", "note", &id, "first", "look"]);
    run(&[
        "incident",
        "note",
        &id,
        "--section",
        "root_cause",
        "a",
        "leaked",
        "key",
    ]);
    run(&["incident", "phase", &id, "contained"]);
    run(&[
        "incident",
        "update",
        &id,
        "--commander",
        "carol",
        "--responder",
        "dave",
    ]);
    run(&["incident", "phase", &id, "closed"]);
    run(&["incident", "phase", &id, "analysing"]);
    let show = run(&["incident", "show", &id]);
    assert!(
        show.contains("Reopened: phase analysing")
            && show.contains("first look")
            && show.contains("commander carol"),
        "{show}"
    );
    assert!(run(&["incident", "list"]).contains(&format!("{id}  P1  analysing  durability")));
    // A template in the config dir replaces the embedded one.
    std::fs::write(
        d.join("postmortem.md"),
        "# {{title}} for the board\n\n{{root_cause}}\n\n{{metrics}}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = d.join("pm.md");
    run(&["incident", "export", &id, "-o", &out.display().to_string()]);
    let md = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(
        md.starts_with("# durability for the board\n\na leaked key"),
        "{md}"
    );
    // Bad input is an error with a reason, not a crash.
    let bad = airc(d)
        .args(["incident", "phase", &id, "done"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not a phase"));
    let missing = airc(d)
        .args(["incident", "note", "IR-20200101-99", "x"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no incident IR-20200101-99"));
    let malformed = airc(d)
        .args(["incident", "note", "../IR-nope", "x"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(String::from_utf8_lossy(&malformed.stderr).contains("not an incident id"));
}

/// A journal whose inner id is not its file name (`../../x` inside `IR-…-1.jsonl`) is refused
/// wherever it is opened, naming the file: nothing is ever named after the inner id.
#[test]
fn a_crafted_journal_id_is_refused_naming_the_file() {
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let id = new_incident(data.path());
    let path = data.path().join("incidents").join(format!("{id}.jsonl"));
    let journal = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&path, journal.replace(&format!("\"{id}\""), "\"../../x\""))
        .unwrap_or_else(|e| panic!("{e}"));
    for args in [
        vec!["incident", "show", &id],
        vec!["incident", "export", &id, "--redact"],
    ] {
        let out = airc(data.path())
            .args(&args)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}: {out:?}");
        assert!(
            stderr.contains(&path.display().to_string()) && stderr.contains("'../../x'"),
            "{args:?}: {stderr}"
        );
    }
    let listed = airc(data.path())
        .args(["incident", "list"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        String::from_utf8_lossy(&listed.stderr).contains("refused"),
        "{listed:?}"
    );
    assert!(!data.path().join("x.evidence").exists());
}
