//! The round trip a hunt depends on: every record of the Invictus files, read as Athena's JSON
//! SerDe reads it into the documented table and selected as a hunt selects it, comes back as a
//! record that the normalizer turns into the same signal as the original.

use super::schema::{Back, Ty, COLUMNS};
use super::*;
use crate::normalize::{normalize_record, Normalized, Options};
use serde_json::{Map, Value};

/// What the JSON SerDe puts in a column of type `ty` for a JSON value: keys matched in any
/// case, what the type has no field for dropped, anything under a STRING as its text.
fn serde(v: &Value, ty: &Ty) -> Value {
    match (ty, v) {
        (_, Value::Null) => Value::Null,
        (Ty::String, Value::String(s)) => Value::String(s.clone()),
        (Ty::String, other) => Value::String(other.to_string()),
        (Ty::Struct(fields), Value::Object(m)) => {
            let mut out = Map::new();
            for f in *fields {
                let found = m
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(f.name))
                    .map(|(_, v)| serde(v, &f.ty))
                    .unwrap_or(Value::Null);
                out.insert(f.name.to_ascii_lowercase(), found);
            }
            Value::Object(out)
        }
        (Ty::Array(inner), Value::Array(items)) => {
            Value::Array(items.iter().map(|i| serde(i, inner)).collect())
        }
        (Ty::Map, Value::Object(m)) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), serde(v, &Ty::String)))
                .collect(),
        ),
        _ => Value::Null,
    }
}

/// The row a hunt's SELECT returns for a record: `(lower-case column, text or NULL)`.
pub(crate) fn athena_row(rec: &Value) -> Vec<(String, Option<String>)> {
    COLUMNS
        .iter()
        .map(|(f, back)| {
            let raw = rec
                .as_object()
                .and_then(|m| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(f.name)))
                .map(|(_, v)| v)
                .unwrap_or(&Value::Null);
            let cell = match serde(raw, &f.ty) {
                Value::Null => None,
                Value::String(s) if *back != Back::Nested => Some(s),
                v => Some(v.to_string()),
            };
            (f.name.to_ascii_lowercase(), cell)
        })
        .collect()
}

fn invictus() -> Vec<Value> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/datasets/invictus-aws-dataset/CloudTrail");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|p| {
            let v: Value = serde_json::from_slice(&std::fs::read(p).unwrap_or_default())
                .unwrap_or(Value::Null);
            v["Records"].as_array().cloned().unwrap_or_default()
        })
        .collect()
}

fn signal(rec: Value) -> crate::model::Signal {
    match normalize_record(rec, &Options::without_raw()) {
        Ok((_, Normalized::Signal(a))) => a.signal,
        other => panic!("not a signal: {other:?}"),
    }
}

/// What a responder compares: id, time, severity and why, detections, entities, the texts.
fn face(s: &crate::model::Signal) -> String {
    let det: Vec<String> = s.detections().iter().map(|d| d.rule.credit()).collect();
    format!(
        "{} {} {} [{}] {:?} {:?} {} | {} | {} | {:?} {:?}",
        s.id,
        s.time.to_rfc3339(),
        s.severity.label(),
        s.severity_reason(),
        det,
        s.own_entities(),
        s.kind(),
        s.title(),
        s.summary(),
        s.account(),
        s.region()
    )
}

#[test]
fn every_invictus_record_survives_the_table_and_the_select() {
    let records = invictus();
    assert!(records.len() > 2000, "{} records", records.len());
    let mut with_detections = 0;
    for rec in records {
        let row = athena_row(&rec);
        let back = rows::record(row.iter().map(|(k, v)| (k.as_str(), v.as_deref())));
        let (a, b) = (signal(rec.clone()), signal(back.clone()));
        assert_eq!(face(&a), face(&b), "\n{rec}\n{back}");
        with_detections += usize::from(!a.detections().is_empty());
    }
    // The comparison covers detections, not only their absence.
    assert!(with_detections > 50, "{with_detections}");
}

#[test]
fn a_hunts_query_names_the_partitions_and_keeps_its_entity() {
    let t = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&chrono::Utc))
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let hunt = Hunt {
        entity: target::parse("iam_user:bert-jan").unwrap_or_else(|e| panic!("{e}")),
        window: Window::new(t("2023-07-10T11:00:00Z"), t("2023-07-10T12:00:00Z")).unwrap(),
        accounts: vec!["218007301253".into()],
        regions: vec![],
    };
    let table = Table {
        database: "default".into(),
        table: "cloudtrail".into(),
    };
    let q = hunt.query(&table).unwrap_or_else(|e| panic!("{e}"));
    assert!(q.sql.contains("FROM \"default\".\"cloudtrail\"\nWHERE \"timestamp\" BETWEEN '2023/07/10' AND '2023/07/11'\n  AND account IN ('218007301253')\n  AND eventtime >= '2023-07-10T11:00:00Z'"), "{}", q.sql);
    assert!(q.sql.ends_with("ORDER BY eventtime, eventid"));
    assert_eq!(
        q.partitions,
        "2 days (2023/07/10–2023/07/11) × 218007301253 × every region"
    );
    let mut bad = hunt.clone();
    bad.regions = vec!["us-east-1') OR (1=1".into()];
    assert!(bad.query(&table).is_err());
    let mut bad = hunt.clone();
    bad.accounts = vec!["x".into()];
    assert!(bad.query(&table).is_err());
    assert!(hunt
        .query(&Table {
            database: "x\"y".into(),
            table: "t".into()
        })
        .is_err());

    let mine = invictus()
        .into_iter()
        .map(signal)
        .filter(|s| hunt.keeps(s))
        .count();
    assert!(mine > 0);
    assert!((cost_usd(1_000_000_000_000) - 5.0).abs() < 1e-9);
}
