//! CloudTrail summaries are put together when read (`model::Summary`): over every real record
//! of the Invictus dataset they read as the written-out line did, and a fuzzy filter accepts
//! exactly the signals the skim matcher matches in that line (or in title, principal and id).

use airc::model::{EntitiesOf, EntityKind, Signal};
use airc::normalize::{normalize_record, Normalized, Options};
use fuzzy_matcher::FuzzyMatcher;
use serde_json::Value;

fn signals() -> Vec<(Signal, Value)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/datasets/invictus-aws-dataset/CloudTrail");
    let mut out = Vec::new();
    for f in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let v: Value = serde_json::from_slice(&std::fs::read(f.path()).unwrap_or_default())
            .unwrap_or_default();
        for rec in v["Records"].as_array().cloned().unwrap_or_default() {
            if let Ok((_, Normalized::Signal(s))) =
                normalize_record(rec.clone(), &Options::default())
            {
                out.push((s.signal, rec));
            }
        }
    }
    out
}

/// The line as it used to be written out when the record was read.
fn written_out(s: &Signal, rec: &Value) -> String {
    let who = s.actor().unwrap_or("unknown principal");
    let mut line = format!("{who} called {}", s.title());
    let caller = [
        EntityKind::AccessKey,
        EntityKind::Ip,
        EntityKind::AssumedRole,
    ];
    if let Some(t) = s.own_entities().unwrap_or_default().iter().find(|e| {
        !caller.contains(&e.kind)
            && Some(e.id.as_str()) != s.actor()
            && !who.starts_with(e.id.as_str())
    }) {
        line.push_str(&format!(" on {t}"));
    }
    if let Some(ip) = rec["sourceIPAddress"].as_str() {
        line.push_str(&format!(" from {ip}"));
    }
    if let Some(err) = rec["errorCode"].as_str() {
        line.push_str(&format!(" → {err}"));
    }
    line
}

#[test]
fn summaries_read_as_written_and_filter_as_the_skim_matcher() {
    let all = signals();
    assert!(all.len() > 1000, "{} records", all.len());
    let skim = fuzzy_matcher::skim::SkimMatcherV2::default().ignore_case();
    let now = chrono::Utc::now();
    let needles = [
        "bert",
        "benjamin",
        "s3get",
        "fromk",
        "denied",
        "10.248",
        "ec2desc",
        "zzqx",
        "on bucket",
    ];
    let mut accepted = 0;
    for (s, rec) in &all {
        let line = written_out(s, rec);
        assert_eq!(s.summary(), line, "{rec}");
        for n in needles {
            let q = airc::query::parse(n).unwrap_or_else(|e| panic!("{e}"));
            let other = format!("{} {} {}", s.title(), s.actor().unwrap_or(""), s.id);
            let want =
                skim.fuzzy_match(&line, n).is_some() || skim.fuzzy_match(&other, n).is_some();
            let entities = EntitiesOf::Own(s.own_entities().unwrap_or_default());
            assert_eq!(q.accepts(s, entities, now), want, "{n:?} in {line:?}");
            accepted += usize::from(want);
        }
    }
    assert!(accepted > 100, "the needles match something: {accepted}");
}
