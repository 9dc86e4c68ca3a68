//! A hunt's time window and the partitions it touches.
//!
//! CloudTrail writes a log file into the folder of the day it delivers it, a few minutes after
//! the events in it (up to about 15): the events of 23:58 can be in the next day's folder. The
//! partitions searched run from the window's first day to the day after its last, and the
//! events themselves are bounded by `eventtime` (ISO 8601 in UTC, so its text orders as time).

use super::sql::{ident, lit};
use chrono::{DateTime, Duration, NaiveDate, Timelike, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

impl Window {
    /// `from` after `until` is refused; so is a window of more than ten years (a typo of a year
    /// would otherwise name thousands of partitions).
    pub fn new(from: DateTime<Utc>, until: DateTime<Utc>) -> Result<Window, String> {
        if from > until {
            return Err(format!(
                "the window starts ({}) after it ends ({})",
                from.to_rfc3339(),
                until.to_rfc3339()
            ));
        }
        if until - from > Duration::days(3660) {
            return Err("a hunt's window is at most ten years".into());
        }
        Ok(Window { from, until })
    }

    /// The last `d` up to `now`.
    pub fn since(now: DateTime<Utc>, d: std::time::Duration) -> Result<Window, String> {
        Window::new(crate::model::time::minus(now, d), now)
    }

    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.from <= t && t <= self.until
    }

    /// The first and last day folders (`yyyy/MM/dd`) that may hold the window's events.
    pub fn days(&self) -> (NaiveDate, NaiveDate) {
        let last = self.until.date_naive();
        (
            self.from.date_naive(),
            last.succ_opt().unwrap_or(last), // the last representable day has no successor
        )
    }

    pub fn day_count(&self) -> i64 {
        let (a, b) = self.days();
        (b - a).num_days() + 1
    }

    /// `"timestamp" BETWEEN 'yyyy/MM/dd' AND 'yyyy/MM/dd'`: the projected partition's range.
    pub fn partition_predicate(&self) -> String {
        self.day_predicate("timestamp")
    }

    /// The same for a day partition of another name (`day`, `date`), all as `yyyy/MM/dd`.
    pub fn day_predicate(&self, column: &str) -> String {
        let (a, b) = self.days();
        format!(
            "{} BETWEEN {} AND {}",
            ident(column),
            lit(&a.format("%Y/%m/%d").to_string()),
            lit(&b.format("%Y/%m/%d").to_string())
        )
    }

    /// The events' own bounds, whole seconds around the window (the text of `eventtime` has no
    /// fraction): the client checks the exact bounds on each signal.
    pub fn event_predicate(&self) -> String {
        self.iso_predicate("eventtime")
    }

    /// The whole seconds around the window: the first at or before its start, the first at or
    /// after its end.
    fn seconds(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let from = self.from.with_nanosecond(0).unwrap_or(self.from);
        let mut until = self.until.with_nanosecond(0).unwrap_or(self.until);
        if until < self.until {
            until += Duration::seconds(1);
        }
        (from, until)
    }

    /// `column` (ISO 8601 text in UTC, `…Z`) within the window's whole seconds.
    pub fn iso_predicate(&self, column: &str) -> String {
        let (from, until) = self.seconds();
        let f = |t: DateTime<Utc>| lit(&t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        format!("{column} >= {} AND {column} <= {}", f(from), f(until))
    }

    /// `expr` (a TIMESTAMP) within the window's whole seconds.
    pub fn timestamp_predicate(&self, expr: &str) -> String {
        let (from, until) = self.seconds();
        let f = |t: DateTime<Utc>| format!("TIMESTAMP '{}'", t.format("%Y-%m-%d %H:%M:%S"));
        format!("{expr} BETWEEN {} AND {}", f(from), f(until))
    }

    /// `column` (whole Unix seconds) within the window: exactly the seconds it contains.
    pub fn epoch_predicate(&self, column: &str) -> String {
        let from = self.from.timestamp() + i64::from(self.from.nanosecond() > 0);
        let until = self.until.timestamp();
        format!("{} BETWEEN {from} AND {until}", ident(column))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn partitions_run_to_the_day_after_the_last() {
        let w = Window::new(t("2023-07-10T11:45:00Z"), t("2023-07-10T12:25:00.5Z")).unwrap();
        assert_eq!(
            w.partition_predicate(),
            "\"timestamp\" BETWEEN '2023/07/10' AND '2023/07/11'"
        );
        assert_eq!(
            w.event_predicate(),
            "eventtime >= '2023-07-10T11:45:00Z' AND eventtime <= '2023-07-10T12:25:01Z'"
        );
        assert_eq!(w.day_count(), 2);
        assert_eq!(
            w.day_predicate("day"),
            "\"day\" BETWEEN '2023/07/10' AND '2023/07/11'"
        );
        assert_eq!(
            w.timestamp_predicate("t"),
            "t BETWEEN TIMESTAMP '2023-07-10 11:45:00' AND TIMESTAMP '2023-07-10 12:25:01'"
        );
        // Whole seconds inside the window: 11:45:00 is in it, 12:25:00 too, 12:25:01 is not.
        assert_eq!(
            w.epoch_predicate("start"),
            "\"start\" BETWEEN 1688989500 AND 1688991900"
        );
        let w2 = Window::new(t("2023-07-10T11:45:00.2Z"), t("2023-07-10T12:25:00Z")).unwrap();
        assert!(w2
            .epoch_predicate("start")
            .contains("BETWEEN 1688989501 AND"));
        assert!(w.contains(t("2023-07-10T12:25:00Z")));
        assert!(!w.contains(t("2023-07-10T12:25:01Z")));
        let m = Window::since(
            t("2026-03-01T00:00:00Z"),
            std::time::Duration::from_secs(30 * 86400),
        )
        .unwrap();
        assert_eq!(m.days().0.to_string(), "2026-01-30");
        assert_eq!(m.day_count(), 32);
    }

    #[test]
    fn backwards_or_huge_windows_are_refused() {
        assert!(Window::new(t("2023-07-11T00:00:00Z"), t("2023-07-10T00:00:00Z")).is_err());
        assert!(Window::new(t("2003-07-11T00:00:00Z"), t("2023-07-10T00:00:00Z")).is_err());
    }
}
