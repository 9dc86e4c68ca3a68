//! The built-in demo scenario (assets/demo): one incident across every source (CloudTrail,
//! GuardDuty and its attack sequence, Health, Macie, Inspector, a billing alarm), with every
//! time shifted so the story ends a minute after the console opens. What lies in the past is
//! delivered at once; the rest arrives when its time comes, so the panes are live.

use crate::feed::Feed;
use crate::model::time;
use crate::normalize::{Normalized, Options};
use crate::source::replay::read_bytes;
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;

const FILES: &[(&str, &str)] = &[
    (
        "assets/demo/cloudtrail.json",
        include_str!("../../assets/demo/cloudtrail.json"),
    ),
    (
        "assets/demo/guardduty.json",
        include_str!("../../assets/demo/guardduty.json"),
    ),
    (
        "assets/demo/health.json",
        include_str!("../../assets/demo/health.json"),
    ),
    (
        "assets/demo/findings.json",
        include_str!("../../assets/demo/findings.json"),
    ),
];

/// How far past "now" the story runs: events in this window arrive live.
pub const LIVE_WINDOW: i64 = 60;

/// Keys whose values are times, in the shapes the files use.
const TIME_KEYS: &[&str] = &[
    "eventTime",
    "createdAt",
    "updatedAt",
    "eventFirstSeen",
    "eventLastSeen",
    "launchTime",
    "time",
    "startTime",
    "endTime",
    "lastUpdatedTime",
    "creationDate",
    "firstSeenAt",
    "lastSeenAt",
    "firstObservedAt",
    "lastObservedAt",
    "launchedAt",
    "timestamp",
    "firstSeen",
    "lastSeen",
];

fn walk_times(v: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if TIME_KEYS.contains(&k.as_str()) && (x.is_string() || x.is_number()) {
                    f(x);
                } else {
                    walk_times(x, f);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| walk_times(x, f)),
        _ => {}
    }
}

/// Moves every time in `v` by `delta`, keeping each value's format (ISO 8601 or RFC 2822).
fn shift(v: &mut Value, delta: Duration) {
    walk_times(v, &mut |x| {
        // Epoch seconds (an attack sequence's signal times, as GuardDuty's API sends them),
        // or milliseconds, kept in their unit.
        if let Some(n) = x.as_i64() {
            let ms = n > 100_000_000_000;
            let d = if ms {
                delta.num_milliseconds()
            } else {
                delta.num_seconds()
            };
            *x = Value::from(n + d);
            return;
        }
        let Some(s) = x.as_str() else { return };
        let Some(t) = time::parse_str(s) else { return };
        let moved = t + delta;
        *x = Value::String(if s.ends_with("GMT") {
            moved.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
        } else {
            moved.format("%Y-%m-%dT%H:%M:%SZ").to_string()
        });
    });
}

/// One scheduled delivery.
#[derive(Debug)]
pub struct Timed {
    pub at: DateTime<Utc>,
    pub item: Normalized,
}

fn item_time(item: &Normalized) -> Option<DateTime<Utc>> {
    match item {
        Normalized::Signal(s) => Some(s.time),
        Normalized::HealthPart { parts, .. } => crate::normalize::health::from_parts(parts, None)
            .ok()
            .map(|s| s.time),
        _ => None,
    }
}

/// What is wrong with the embedded scenario (a build defect: a test loads it).
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("{file}: {source}")]
    Json {
        file: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("demo scenario has no times")]
    NoTimes,
    #[error("{file}: {location}: {reason}")]
    Record {
        file: &'static str,
        location: String,
        reason: String,
    },
}

/// The scenario with times shifted so its last event is at `now + LIVE_WINDOW` seconds,
/// ordered by delivery time.
pub fn scenario(now: DateTime<Utc>) -> Result<Vec<Timed>, DemoError> {
    let mut docs = Vec::new();
    let mut latest: Option<DateTime<Utc>> = None;
    for (name, text) in FILES {
        let mut v: Value =
            serde_json::from_str(text).map_err(|source| DemoError::Json { file: name, source })?;
        // The walker takes `&mut` for shifting; here it only reads.
        walk_times(&mut v, &mut |x| {
            if let Some(t) = x.as_str().and_then(time::parse_str) {
                latest = Some(latest.map_or(t, |l| l.max(t)));
            }
        });
        docs.push((name, v));
    }
    let latest = latest.ok_or(DemoError::NoTimes)?;
    let delta = now + Duration::seconds(LIVE_WINDOW) - latest;
    let mut texts = Vec::new();
    for (name, mut v) in docs {
        shift(&mut v, delta);
        let bytes =
            serde_json::to_vec(&v).map_err(|source| DemoError::Json { file: name, source })?;
        texts.push((*name, bytes));
    }
    for (name, text) in super::demo_network::files(delta) {
        texts.push((name, text.into_bytes()));
    }
    let mut out = Vec::new();
    for (name, bytes) in texts {
        let file = read_bytes(name, &bytes, "", Options::default());
        if let Some(e) = file.report.errors.first() {
            return Err(DemoError::Record {
                file: name,
                location: e.location.clone(),
                reason: e.reason.clone(),
            });
        }
        for item in file.items {
            let at = item_time(&item).unwrap_or(now).max(now);
            out.push(Timed { at, item });
        }
    }
    out.sort_by_key(|t| t.at);
    Ok(out)
}

/// Feeds the scenario: the past at once, the rest on time. Ends when the receiver is gone.
pub async fn run(tx: UnboundedSender<Feed>, now: DateTime<Utc>) {
    // `now` and this instant are taken together at start-up: delays count from here.
    let start = tokio::time::Instant::now();
    let items = match scenario(now) {
        Ok(items) => items,
        Err(e) => {
            let _ = tx.send(Feed::Warning(format!("demo scenario: {e}")));
            let _ = tx.send(Feed::Loaded);
            return;
        }
    };
    let (past, future): (Vec<Timed>, Vec<Timed>) = items.into_iter().partition(|t| t.at <= now);
    let _ = tx.send(Feed::Items(past.into_iter().map(|t| t.item).collect()));
    let _ = tx.send(Feed::Pending(future.len()));
    let _ = tx.send(Feed::Loaded);
    let total = future.len();
    for (n, t) in future.into_iter().enumerate() {
        let wait = (t.at - now).to_std().unwrap_or_default();
        tokio::time::sleep_until(start + wait).await;
        if tx.send(Feed::Items(vec![t.item])).is_err()
            || tx.send(Feed::Pending(total - n - 1)).is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Severity, Source};
    use crate::store::Store;

    #[test]
    fn the_story_has_every_source_and_severity_and_ends_after_now() {
        let now = Utc::now();
        let items = scenario(now).unwrap_or_else(|e| panic!("{e}"));
        let live = items.iter().filter(|t| t.at > now).count();
        assert!((1..=15).contains(&live), "{live} live arrivals");
        let last = items.last().map(|t| t.at).unwrap_or(now);
        assert!(last <= now + Duration::seconds(LIVE_WINDOW) && last > now);
        let mut store = Store::default();
        for t in items {
            store.insert(t.item);
        }
        store.finish();
        assert!(store.count(Source::CloudTrail) >= 60);
        assert!(store.count(Source::GuardDuty) >= 8);
        assert!(store.count(Source::Health) >= 4);
        let gd: std::collections::BTreeSet<Severity> = store
            .signals()
            .iter()
            .filter(|s| s.source == Source::GuardDuty)
            .map(|s| s.severity)
            .collect();
        assert_eq!(gd.len(), 4, "GuardDuty findings of every band: {gd:?}");
        assert!(store
            .signals()
            .iter()
            .any(|s| s.kind() == "AWS_RISK_CREDENTIALS_EXPOSED"));
        assert!(store
            .signals()
            .iter()
            .any(|s| s.kind() == "AWS_ABUSE_PORT_SCANNING_REPORT"));
        // Macie on the bucket made public, Inspector on the mining instance, the billing alarm
        // watching the GPU instances, the attack sequence as a real sequence.
        let of = |src: Source| store.signals().iter().filter(|s| s.source == src).count();
        assert_eq!(
            (
                of(Source::Macie),
                of(Source::Inspector),
                of(Source::Monitors)
            ),
            (1, 1, 1)
        );
        let seq = store
            .signals()
            .iter()
            .find(|s| s.kind().starts_with("AttackSequence:"))
            .unwrap_or_else(|| panic!("the attack sequence"));
        assert_eq!(
            crate::normalize::attack_sequence::steps(&seq.raw.decoded()).len(),
            9
        );
        // Its steps' times moved with the rest: within the story's hour, not on 2026-01-15.
        for step in crate::normalize::attack_sequence::steps(&seq.raw.decoded()) {
            let t = step.first_seen.unwrap_or_default();
            assert!(
                (now - t).num_hours().abs() <= 2,
                "a step at {t}, the console at {now}"
            );
        }
        // The leaked key joins all three sources.
        let key =
            crate::model::Entity::new(crate::model::EntityKind::AccessKey, "AKIA4EXAMPLELEAKED01");
        let sources: std::collections::BTreeSet<Source> =
            store.touching(&key).map(|s| s.source).collect();
        assert_eq!(sources.len(), 3);
    }
}
