//! Timestamps in every shape the sources use: ISO 8601 / RFC 3339 (with `T` or a space),
//! RFC 2822 ("Thu, 2 Jun 2022 00:02:24 GMT"), epoch seconds (float), epoch milliseconds, and
//! the `{"__class__": "datetime", ...}` objects that placebo recordings write.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde_json::Value;

/// Epoch values above this are milliseconds (1e11 s is the year 5138).
const MILLIS_THRESHOLD: f64 = 1e11;

pub fn parse_value(v: &Value) -> Option<DateTime<Utc>> {
    match v {
        Value::String(s) => parse_str(s),
        Value::Number(n) => n.as_f64().and_then(from_epoch),
        Value::Object(map) => {
            if map.get("__class__").and_then(Value::as_str) != Some("datetime") {
                return None;
            }
            let get = |k: &str| map.get(k).and_then(Value::as_u64).unwrap_or(0);
            let date = NaiveDate::from_ymd_opt(
                get("year") as i32,
                get("month") as u32,
                get("day") as u32,
            )?;
            let t = date.and_hms_micro_opt(
                get("hour") as u32,
                get("minute") as u32,
                get("second") as u32,
                get("microsecond") as u32,
            )?;
            Some(Utc.from_utc_datetime(&t))
        }
        _ => None,
    }
}

pub fn from_epoch(secs: f64) -> Option<DateTime<Utc>> {
    if !secs.is_finite() || secs < 0.0 {
        return None;
    }
    let secs = if secs > MILLIS_THRESHOLD {
        secs / 1000.0
    } else {
        secs
    };
    let whole = secs.trunc() as i64;
    // Microsecond precision: float epochs (1589077890.53) carry binary noise below that.
    let nanos = ((secs - secs.trunc()) * 1e6).round().clamp(0.0, 999_999.0) as u32 * 1000;
    DateTime::from_timestamp(whole, nanos)
}

pub fn parse_str(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    parse_exact(s).or_else(|| {
        // Template files carry markers after the time ("2018-11-27T01:30:00Z <<fill …>>").
        s.split_whitespace()
            .next()
            .filter(|first| *first != s)
            .and_then(parse_exact)
    })
}

fn parse_exact(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(s) {
        return Some(t.with_timezone(&Utc));
    }
    // Python's str(datetime): "2022-02-08 09:23:37+11:00", optionally with fractions.
    for fmt in [
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M:%S%:z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(s, fmt) {
            return Some(t.with_timezone(&Utc));
        }
    }
    // No zone at all: AWS writes UTC.
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(Utc.from_utc_datetime(&t));
        }
    }
    if s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return s.parse::<f64>().ok().and_then(from_epoch);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn iso(v: Value) -> String {
        parse_value(&v).map(|t| t.to_rfc3339()).unwrap_or_default()
    }

    #[test]
    fn every_shape_in_the_datasets() {
        assert_eq!(
            iso(json!("2023-07-10T11:45:03Z")),
            "2023-07-10T11:45:03+00:00"
        );
        assert_eq!(
            iso(json!("2016-08-02T02:05:06.000Z")),
            "2016-08-02T02:05:06+00:00"
        );
        assert_eq!(
            iso(json!("Thu, 2 Jun 2022 00:02:24 GMT")),
            "2022-06-02T00:02:24+00:00"
        );
        assert_eq!(
            iso(json!("2022-02-08 09:23:37+11:00")),
            "2022-02-07T22:23:37+00:00"
        );
        assert_eq!(iso(json!(1589077890.53)), "2020-05-10T02:31:30.530+00:00");
        assert_eq!(
            iso(json!(1455204717646u64)),
            "2016-02-11T15:31:57.646+00:00"
        );
        assert_eq!(iso(json!("1455204717")), "2016-02-11T15:31:57+00:00");
        assert_eq!(
            iso(json!("2018-11-27T01:30:00Z <<fill this time in GMT>>")),
            "2018-11-27T01:30:00+00:00"
        );
        assert_eq!(
            iso(
                json!({"__class__": "datetime", "year": 2017, "month": 1, "day": 31,
                       "hour": 20, "minute": 36, "second": 31, "microsecond": 0})
            ),
            "2017-01-31T20:36:31+00:00"
        );
    }

    #[test]
    fn rejects_garbage_without_panicking() {
        for v in [
            json!("yesterday"),
            json!(-5),
            json!(f64::MAX),
            json!(null),
            json!([1]),
            json!({"__class__": "datetime", "year": 2017, "month": 13, "day": 1}),
        ] {
            assert_eq!(parse_value(&v), None, "{v}");
        }
    }
}

/// Short relative age: "12s", "3m", "2h", "5d"; "+5s" for times in the future.
/// `t - d`, saturating at the earliest time chrono holds instead of panicking: `d` may come
/// from the keyboard (`since:100000000d`) or the command line (`--since 300000y`).
pub fn minus(t: DateTime<Utc>, d: std::time::Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(d)
        .ok()
        .and_then(|d| t.checked_sub_signed(d))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

pub fn ago(now: DateTime<Utc>, t: DateTime<Utc>) -> String {
    let secs = (now - t).num_seconds();
    let (sign, secs) = if secs < 0 { ("+", -secs) } else { ("", secs) };
    let body = match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    };
    format!("{sign}{body}")
}

/// Where the time of a record that has none of its own comes from (a trimmed Macie example, a
/// hand-made export): never the start of time, which would sort it first and read as 1970.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undated {
    /// Its file's last modification: the record existed by then.
    FileModified,
    /// When airc read it (an API answer, a file without a modification time).
    Read,
}

impl Undated {
    /// "its file's modification time", "the time it was read".
    pub fn label(self) -> &'static str {
        match self {
            Undated::FileModified => "its file's modification time",
            Undated::Read => "the time it was read",
        }
    }
}

/// When a record was received: the time given to one that has none of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    pub at: DateTime<Utc>,
    pub how: Undated,
}

impl Received {
    /// Read now.
    pub fn now() -> Received {
        Received {
            at: Utc::now(),
            how: Undated::Read,
        }
    }
}

#[cfg(test)]
mod ago_tests {
    use super::*;

    #[test]
    fn short_relative_ages() {
        let now = Utc
            .with_ymd_and_hms(2026, 1, 15, 3, 0, 0)
            .single()
            .unwrap_or_default();
        assert_eq!(
            minus(now, std::time::Duration::from_secs(60)),
            now - chrono::Duration::seconds(60)
        );
        let far = std::time::Duration::from_secs(300_000 * 366 * 86400);
        assert_eq!(minus(now, far), DateTime::<Utc>::MIN_UTC);
        assert_eq!(
            minus(DateTime::<Utc>::MIN_UTC, std::time::Duration::from_secs(1)),
            DateTime::<Utc>::MIN_UTC
        );
        assert_eq!(ago(now, now - chrono::Duration::seconds(12)), "12s");
        assert_eq!(ago(now, now - chrono::Duration::minutes(3)), "3m");
        assert_eq!(ago(now, now - chrono::Duration::hours(2)), "2h");
        assert_eq!(ago(now, now - chrono::Duration::days(5)), "5d");
        assert_eq!(ago(now, now + chrono::Duration::seconds(5)), "+5s");
    }
}
