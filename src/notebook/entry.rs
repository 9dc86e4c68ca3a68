//! Journal entries: one JSON object per line, appended, never rewritten.

use crate::model::{Entity, Severity, Source};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Incident priority, P1 (most urgent) to P4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Priority {
    P1,
    P2,
    P3,
    P4,
}

impl FromStr for Priority {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "P1" | "1" => Ok(Priority::P1),
            "P2" | "2" => Ok(Priority::P2),
            "P3" | "3" => Ok(Priority::P3),
            "P4" | "4" => Ok(Priority::P4),
            other => Err(format!("'{other}' is not a priority (P1, P2, P3 or P4)")),
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

/// The phases of NIST SP 800-61.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Detected,
    Analysing,
    Contained,
    Eradicated,
    Recovered,
    Closed,
}

impl Phase {
    pub const ALL: [Phase; 6] = [
        Phase::Detected,
        Phase::Analysing,
        Phase::Contained,
        Phase::Eradicated,
        Phase::Recovered,
        Phase::Closed,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Phase::Detected => "detected",
            Phase::Analysing => "analysing",
            Phase::Contained => "contained",
            Phase::Eradicated => "eradicated",
            Phase::Recovered => "recovered",
            Phase::Closed => "closed",
        }
    }
}

impl FromStr for Phase {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s
            .trim()
            .to_ascii_lowercase()
            .replace("analyzing", "analysing");
        Phase::ALL.into_iter().find(|p| p.label() == s).ok_or_else(|| {
            format!("'{s}' is not a phase (detected, analysing, contained, eradicated, recovered, closed)")
        })
    }
}

/// The postmortem's prose sections a responder writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Summary,
    RootCause,
    WentWell,
    WentBadly,
    Lucky,
    DetectionGaps,
    ActionItems,
}

impl Section {
    pub const ALL: [Section; 7] = [
        Section::Summary,
        Section::RootCause,
        Section::WentWell,
        Section::WentBadly,
        Section::Lucky,
        Section::DetectionGaps,
        Section::ActionItems,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Section::Summary => "summary",
            Section::RootCause => "root_cause",
            Section::WentWell => "went_well",
            Section::WentBadly => "went_badly",
            Section::Lucky => "lucky",
            Section::DetectionGaps => "detection_gaps",
            Section::ActionItems => "action_items",
        }
    }
}

impl FromStr for Section {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let k = s.trim().to_ascii_lowercase().replace('-', "_");
        Section::ALL
            .into_iter()
            .find(|x| x.key() == k)
            .ok_or_else(|| {
                let keys: Vec<&str> = Section::ALL.iter().map(|x| x.key()).collect();
                format!("'{s}' is not a section ({})", keys.join(", "))
            })
    }
}

/// One API call of a response action, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionCall {
    pub operation: String,
    pub parameters: serde_json::Value,
    pub result: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EntryKind {
    Opened {
        id: String,
        title: String,
        severity: Priority,
        commander: String,
        responders: Vec<String>,
        /// The title names a sensitive signal (an incident `airc watch` opened from it): a
        /// reader its rules do not allow reads the title it holds instead (the signal's kind).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title_sensitive: Option<super::sensitive::SensitiveTitle>,
    },
    Updated {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        severity: Option<Priority>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        commander: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        responders: Option<Vec<String>>,
    },
    Phase {
        phase: Phase,
    },
    Note {
        text: String,
    },
    /// A signal kept as evidence, with its raw JSON.
    Pinned {
        signal_id: String,
        source: Source,
        signal_time: DateTime<Utc>,
        severity: Severity,
        title: String,
        summary: String,
        #[serde(default)]
        account: Option<String>,
        #[serde(default)]
        region: Option<String>,
        #[serde(default)]
        entities: Vec<Entity>,
        raw: serde_json::Value,
        /// The detection rules the signal matched, credited ("title (level, by author)").
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        detections: Vec<String>,
        /// What kind of signal it is (an event type, a finding type, an API call): what a
        /// reader who may not see a sensitive pin is shown.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        kind: String,
        /// Set when a routing rule made the signal sensitive: who may read this pin.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sensitive: Option<super::sensitive::Sensitive>,
    },
    Affected {
        entity: Entity,
        /// Only sensitive signals name it: who may read it (`Incident::seen_by`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sensitive: Option<super::sensitive::Sensitive>,
    },
    Action {
        action: String,
        target: String,
        /// Where it ran: `account 111122223333 (profile prod) · eu-west-1`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scope: Option<String>,
        outcome: String,
        reversible: bool,
        calls: Vec<ActionCall>,
        /// Taken on a sensitive signal: only the readers its rules allow see the target,
        /// the outcome and the calls.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sensitive: Option<super::sensitive::Sensitive>,
        /// How it ended (`done`, `not_verified`, `partial`, `failed`, `refused`) and where it
        /// ran, for what reads the journal (the recovery checklist) rather than the text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        account: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        region: Option<String>,
    },
    Section {
        section: Section,
        text: String,
    },
    /// An attack story's recovery checklist (`notebook::recovery`).
    Recovery {
        story: String,
        items: Vec<super::recovery::RecoveryLine>,
    },
    /// A recovery item a responder decided not to undo (or decided by hand), and why.
    RecoverySkip {
        signal: String,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub at: DateTime<Utc>,
    /// Who wrote it: `user@host`.
    pub by: String,
    #[serde(flatten)]
    pub kind: EntryKind,
}

/// `user@host` of the running process, for the `by` field. Found once per process (it reads
/// the environment and /etc/hostname) and kept.
pub fn author() -> String {
    static AUTHOR: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    AUTHOR.get_or_init(find_author).clone()
}

fn find_author() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default();
    if host.is_empty() {
        user
    } else {
        format!("{user}@{host}")
    }
}

impl Entry {
    /// An entry at a given time by a given author (the console passes its clock and operator:
    /// its `update` reads neither).
    pub fn by(at: DateTime<Utc>, by: &str, kind: EntryKind) -> Entry {
        Entry {
            at,
            by: by.to_string(),
            kind,
        }
    }

    pub fn now(kind: EntryKind) -> Entry {
        Entry {
            at: Utc::now(),
            by: author(),
            kind,
        }
    }

    /// The entry for pinning a signal as evidence, as the gate allows: `shown` says whether
    /// the principal pinning may see the signal (a sensitive one they may not is kept as its
    /// id, kind and severity only); `sensitive` is who may read it (from the routing rule).
    /// Every path that pins (the console, `airc watch`) comes through here with both.
    pub fn pin(
        s: &crate::model::Signal,
        entities: crate::model::EntitiesOf,
        sensitive: Option<super::sensitive::Sensitive>,
        shown: bool,
    ) -> EntryKind {
        if !shown {
            return EntryKind::Pinned {
                signal_id: s.id.to_string(),
                source: s.source,
                signal_time: s.time,
                severity: s.severity,
                title: s.kind().to_string(),
                summary: super::sensitive::WITHHELD.into(),
                account: None,
                region: None,
                entities: Vec::new(),
                raw: serde_json::Value::Null,
                detections: Vec::new(),
                kind: s.kind().to_string(),
                sensitive: Some(sensitive.unwrap_or_default().withheld()),
            };
        }
        EntryKind::Pinned {
            signal_id: s.id.to_string(),
            source: s.source,
            signal_time: s.time,
            severity: s.severity,
            title: s.title().to_string(),
            summary: s.summary().into_owned(),
            account: s.account().map(str::to_string),
            region: s.region().map(str::to_string),
            entities: entities.to_vec(),
            raw: s.raw.decoded(),
            detections: s.detections().iter().map(|d| d.rule.credit()).collect(),
            kind: s.kind().to_string(),
            sensitive,
        }
    }
}
