//! `airc hunt`, the real binary against the fake Athena (DuckDB running the transpiled SQL over
//! a `cloudtrail` table built from the Invictus CloudTrail files): for ten entities and two
//! windows each, the hunt returns exactly the signals a replay of the same events gives: the
//! replay's normalizer over the same files, the records naming the entity inside the window put
//! through a store in time order (ids, severities, detections, the correlation rules' included).
//! The DDL, the cap and the faults are in `hunt_faults.rs`.

use crate::common;

use common::fake_athena::{airc, lines, trail, Faces, FakeAthena};
use serde_json::Value;
use std::path::PathBuf;

/// Every record of the trail's files as the replay's normalizer makes it, in file order.
fn replay_signals() -> Vec<airc::normalize::Arriving> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(trail())
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let doc: Value = serde_json::from_slice(&std::fs::read(&f).unwrap_or_default())
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        for rec in doc["Records"].as_array().cloned().unwrap_or_default() {
            let opts = airc::normalize::Options::without_raw();
            if let Ok((_, airc::normalize::Normalized::Signal(a))) =
                airc::normalize::normalize_record(rec, &opts)
            {
                out.push(*a);
            }
        }
    }
    out
}

/// What a replay of the entity's events in the window gives: id → (severity, detections).
fn replayed(signals: &[airc::normalize::Arriving], entity: &str, from: &str, until: &str) -> Faces {
    let e = airc::hunt::target::parse(entity).unwrap_or_else(|e| panic!("{e}"));
    let t = |s: &str| airc::model::time::parse_str(s).unwrap_or_else(|| panic!("{s}"));
    let w = airc::hunt::Window::new(t(from), t(until)).unwrap_or_else(|e| panic!("{e}"));
    let mut events: Vec<&airc::normalize::Arriving> = signals
        .iter()
        .filter(|s| w.contains(s.time) && s.names(&e))
        .collect();
    // In time order (ties by event id), as the hunt's rows come.
    events.sort_by(|a, b| (a.time, &a.id).cmp(&(b.time, &b.id)));
    let mut store = airc::store::Store::default();
    for a in events {
        store.insert(airc::normalize::Normalized::Signal(Box::new(a.clone())));
    }
    store
        .signals()
        .iter()
        .map(|s| {
            (
                s.id.to_string(),
                (
                    s.severity.label().to_string(),
                    s.detections().iter().map(|d| d.rule.credit()).collect(),
                ),
            )
        })
        .collect()
}
/// What differs, briefly: ids only one side has, and faces that differ.
fn diff(got: &Faces, want: &Faces) -> String {
    let mut out = Vec::new();
    for (k, v) in got {
        match want.get(k) {
            None => out.push(format!("extra {k} {v:?}")),
            Some(w) if w != v => out.push(format!("{k}: hunt {v:?} replay {w:?}")),
            _ => {}
        }
    }
    for (k, v) in want {
        if !got.contains_key(k) {
            out.push(format!("missing {k} {v:?}"));
        }
    }
    let n = out.len();
    out.truncate(12);
    format!("{n} differences: {}", out.join("; "))
}

const ENTITIES: [&str; 10] = [
    "access_key:AKIATFQR7NSC8Q4X20BJ",
    "access_key:ASIATFQR7NSCSUD2OWV6",
    "iam_user:bert-jan",
    "iam_user:benjamin",
    "assumed_role:stratus-red-team-ec2-steal-credentials-role/i-0dbc91f429e48eeed",
    "iam_role:stratus-red-team-ec2-get-password-data-role",
    "ip:192.168.10.20",
    "ip:3.225.16.109",
    "bucket:stratus-red-team-ctlr-bucket-zqfsvooxqj",
    "instance:i-0dbc91f429e48eeed",
];

const WINDOWS: [(&str, &str); 2] = [
    ("2023-07-10T11:00:00Z", "2023-07-10T12:02:30Z"),
    ("2023-07-10T12:02:31Z", "2023-07-10T23:59:59Z"),
];

#[test]
fn hunts_return_exactly_what_a_replay_gives() {
    let Some(fake) = FakeAthena::start(&trail(), &[]) else {
        return;
    };
    let signals = replay_signals();
    let mut total = 0;
    let mut via = std::collections::BTreeSet::new();
    for entity in ENTITIES {
        for (from, until) in WINDOWS {
            let out = airc(
                &fake,
                &[
                    "hunt",
                    entity,
                    "--from",
                    from,
                    "--until",
                    until,
                    "--json",
                    "--athena-output",
                    "s3://airc-results/hunts/",
                ],
            );
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "{entity} {from}: {err}");
            let got = lines(&out.stdout);
            let want = replayed(&signals, entity, from, until);
            assert!(
                got == want,
                "{entity} {from}..{until}: {}\n{err}",
                diff(&got, &want)
            );
            total += got.len();
            via.extend(
                err.lines()
                    .filter_map(|l| l.split("read through ").nth(1))
                    .filter_map(|v| v.rsplit_once(" in ").map(|(a, _)| a))
                    .map(str::to_string),
            );
        }
    }
    assert!(total > 2000, "the hunts found {total} signals");
    // Small answers from their GetQueryResults page, large ones streamed as the CSV in S3.
    assert_eq!(
        via.into_iter().collect::<Vec<_>>(),
        ["GetQueryResults", "the CSV result in S3"]
    );
    assert!(!fake.ops("s3:GetObject").is_empty());
    // Every statement names the partitions, so none scanned the whole table.
    for b in fake.ops("StartQueryExecution") {
        let q = b["QueryString"].as_str().unwrap_or("");
        assert!(
            q.contains("\"timestamp\" BETWEEN '2023/07/10' AND '2023/07/11'"),
            "{q}"
        );
        assert_eq!(
            b["ResultReuseConfiguration"]["ResultReuseByAgeConfiguration"]["Enabled"],
            true
        );
    }
}
