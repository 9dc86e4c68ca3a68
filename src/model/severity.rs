//! One severity scale shared by every source.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Ordered from least to most urgent, so `>=` comparisons read naturally.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[default]
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// GuardDuty's documented bands: Low 1.0–3.9, Medium 4.0–6.9, High 7.0–8.9,
    /// Critical 9.0–10.0. Scores below 1.0 (or not a number) are informational.
    pub fn from_guardduty(score: f64) -> Severity {
        if !score.is_finite() || score < 1.0 {
            Severity::Info
        } else if score < 4.0 {
            Severity::Low
        } else if score < 7.0 {
            Severity::Medium
        } else if score < 9.0 {
            Severity::High
        } else {
            Severity::Critical
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// A glyph that still carries severity on a monochrome terminal.
    pub fn glyph(self) -> &'static str {
        match self {
            Severity::Info => "·",
            Severity::Low => "▪",
            Severity::Medium => "◆",
            Severity::High => "▲",
            Severity::Critical => "✖",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "info" | "informational" | "i" => Ok(Severity::Info),
            "low" | "l" => Ok(Severity::Low),
            "medium" | "med" | "m" => Ok(Severity::Medium),
            "high" | "h" => Ok(Severity::High),
            "critical" | "crit" | "c" => Ok(Severity::Critical),
            other => Err(format!(
                "unknown severity '{other}' (expected info, low, medium, high or critical)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guardduty_bands_follow_the_documented_edges() {
        assert_eq!(Severity::from_guardduty(0.5), Severity::Info);
        assert_eq!(Severity::from_guardduty(1.0), Severity::Low);
        assert_eq!(Severity::from_guardduty(3.9), Severity::Low);
        assert_eq!(Severity::from_guardduty(4.0), Severity::Medium);
        assert_eq!(Severity::from_guardduty(6.9), Severity::Medium);
        assert_eq!(Severity::from_guardduty(7.0), Severity::High);
        assert_eq!(Severity::from_guardduty(8.9), Severity::High);
        assert_eq!(Severity::from_guardduty(9.0), Severity::Critical);
        assert_eq!(Severity::from_guardduty(10.0), Severity::Critical);
        assert_eq!(Severity::from_guardduty(f64::NAN), Severity::Info);
    }

    #[test]
    fn parses_and_orders() {
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("bogus".parse::<Severity>().is_err());
        assert!(Severity::Critical > Severity::High && Severity::Low > Severity::Info);
    }
}
