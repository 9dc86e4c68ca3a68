//! An incident is a fold over its journal: replaying the entries in order gives the state the
//! console shows and the postmortem is written from.

use super::entry::{ActionCall, Entry, EntryKind, Phase, Priority, Section};
use crate::model::{Entity, Severity, Source};
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// `E1`, `E2`… in pin order: the timeline and the export refer to evidence by it.
    pub reference: String,
    pub signal_id: String,
    pub source: Source,
    pub time: DateTime<Utc>,
    pub severity: Severity,
    pub title: String,
    pub summary: String,
    pub account: Option<String>,
    pub region: Option<String>,
    pub entities: Vec<Entity>,
    pub raw: serde_json::Value,
    pub pinned_by: String,
    /// The detection rules it matched, credited.
    pub detections: Vec<String>,
    /// What kind of signal it is (shown instead of the title to a reader who may not see it).
    pub kind: String,
    /// Who may read it, when a routing rule made it sensitive (`Incident::seen_by`).
    pub sensitive: Option<super::sensitive::Sensitive>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TimelineItem {
    /// When it happened (a pinned signal: the signal's time; otherwise when it was written).
    pub at: DateTime<Utc>,
    pub text: String,
    /// note, phase, action, or the signal's source.
    pub source: String,
    pub evidence: Option<String>,
    pub by: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActionTaken {
    pub at: DateTime<Utc>,
    pub by: String,
    pub action: String,
    pub target: String,
    pub outcome: String,
    pub reversible: bool,
    pub calls: Vec<ActionCall>,
    /// Taken on a sensitive signal (`sensitive::Incident::seen_by` withholds it).
    pub sensitive: Option<super::sensitive::Sensitive>,
    /// The target as planned (without where it ran), how it ended, and where it ran.
    pub bare_target: String,
    pub status: Option<String>,
    pub account: Option<String>,
    pub region: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub id: String,
    pub title: String,
    pub severity: Priority,
    pub commander: String,
    pub responders: Vec<String>,
    /// The title names a sensitive signal (`sensitive::Incident::seen_by` withholds it).
    pub title_sensitive: Option<super::sensitive::SensitiveTitle>,
    pub phase: Phase,
    pub opened_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// First time each phase was entered.
    pub phase_times: BTreeMap<Phase, DateTime<Utc>>,
    pub timeline: Vec<TimelineItem>,
    pub evidence: Vec<Evidence>,
    pub affected: Vec<Entity>,
    /// The affected entities only sensitive signals name, with who may read them.
    pub affected_sensitive: Vec<(Entity, super::sensitive::Sensitive)>,
    pub actions: Vec<ActionTaken>,
    pub sections: BTreeMap<Section, String>,
    pub recovery: super::recovery::Checklists,
    /// Entries folded.
    pub entries: usize,
    /// Size of the journal when it was read (set by `Book::open`): a second console's writes
    /// show as growth.
    pub journal_bytes: u64,
}

impl Incident {
    /// Folds a journal. `None` when the journal does not start with an `opened` entry.
    pub fn fold(entries: &[Entry]) -> Option<Incident> {
        let first = entries.first()?;
        let EntryKind::Opened {
            id,
            title,
            severity,
            commander,
            responders,
            title_sensitive,
        } = &first.kind
        else {
            return None;
        };
        let mut inc = Incident {
            id: id.clone(),
            title: title.clone(),
            severity: *severity,
            commander: commander.clone(),
            responders: responders.clone(),
            title_sensitive: title_sensitive.clone(),
            phase: Phase::Detected,
            opened_at: first.at,
            updated_at: first.at,
            phase_times: BTreeMap::from([(Phase::Detected, first.at)]),
            timeline: Vec::new(),
            evidence: Vec::new(),
            affected: Vec::new(),
            affected_sensitive: Vec::new(),
            actions: Vec::new(),
            sections: BTreeMap::new(),
            recovery: Default::default(),
            entries: 0,
            journal_bytes: 0,
        };
        inc.timeline.push(TimelineItem {
            at: first.at,
            text: format!(
                "Incident opened: {} ({severity}), commander {commander}",
                title
            ),
            source: "incident".into(),
            evidence: None,
            by: first.by.clone(),
        });
        for e in &entries[1..] {
            inc.apply(e);
        }
        inc.entries = entries.len();
        inc.timeline.sort_by_key(|t| t.at);
        Some(inc)
    }

    fn log(&mut self, e: &Entry, text: String, source: &str) {
        self.timeline.push(TimelineItem {
            at: e.at,
            text,
            source: source.into(),
            evidence: None,
            by: e.by.clone(),
        });
    }

    fn apply(&mut self, e: &Entry) {
        self.updated_at = self.updated_at.max(e.at);
        match &e.kind {
            EntryKind::Opened { .. } => {}
            EntryKind::Updated {
                title,
                severity,
                commander,
                responders,
            } => {
                let mut changes = Vec::new();
                if let Some(t) = title {
                    // A title written since names no sensitive signal of its own.
                    self.title = t.clone();
                    self.title_sensitive = None;
                    changes.push(format!("title \"{t}\""));
                }
                if let Some(s) = severity {
                    self.severity = *s;
                    changes.push(format!("severity {s}"));
                }
                if let Some(c) = commander {
                    self.commander = c.clone();
                    changes.push(format!("commander {c}"));
                }
                if let Some(r) = responders {
                    self.responders = r.clone();
                    changes.push(format!("responders {}", r.join(", ")));
                }
                self.log(e, format!("Updated: {}", changes.join("; ")), "incident");
            }
            EntryKind::Phase { phase } if *phase == self.phase => {}
            EntryKind::Phase { phase } => {
                let text = if self.phase == Phase::Closed && *phase != Phase::Closed {
                    format!("Reopened: phase {}", phase.label())
                } else {
                    format!("Phase: {} → {}", self.phase.label(), phase.label())
                };
                self.phase = *phase;
                self.phase_times.entry(*phase).or_insert(e.at);
                self.log(e, text, "phase");
            }
            EntryKind::Note { text } => self.log(e, text.clone(), "note"),
            EntryKind::Pinned {
                signal_id,
                source,
                signal_time,
                severity,
                title,
                summary,
                account,
                region,
                entities,
                raw,
                detections,
                kind,
                sensitive,
            } => {
                // The same signal pinned again (a newer version of a finding): one line in
                // the timeline, and the evidence shows the newer version.
                if let Some(x) = self.evidence.iter_mut().find(|x| &x.signal_id == signal_id) {
                    if x.time == *signal_time && x.summary == *summary && x.raw == *raw {
                        return;
                    }
                    x.severity = *severity;
                    x.title = title.clone();
                    x.summary = summary.clone();
                    x.entities = entities.clone();
                    x.raw = raw.clone();
                    x.detections = detections.clone();
                    // The timeline keeps the earlier version's line: whoever could not read
                    // that version must not read it now, whatever the newer one's gate says.
                    x.sensitive = match (x.sensitive.take(), sensitive.clone()) {
                        (Some(earlier), newer) if !earlier.withheld => Some(match newer {
                            None => earlier,
                            Some(mut n) => {
                                n.also_allow(&earlier.rules, &earlier.allow);
                                for a in earlier.also {
                                    if !n.also.contains(&a) {
                                        n.also.push(a);
                                    }
                                }
                                n
                            }
                        }),
                        (_, newer) => newer,
                    };
                    let reference = x.reference.clone();
                    self.timeline.push(TimelineItem {
                        at: e.at,
                        text: format!("Updated: {title}: {summary}"),
                        source: source.label().into(),
                        evidence: Some(reference),
                        by: e.by.clone(),
                    });
                    return;
                }
                let reference = format!("E{}", self.evidence.len() + 1);
                self.timeline.push(TimelineItem {
                    at: *signal_time,
                    text: format!("{title}: {summary}"),
                    source: source.label().into(),
                    evidence: Some(reference.clone()),
                    by: e.by.clone(),
                });
                self.evidence.push(Evidence {
                    reference,
                    signal_id: signal_id.clone(),
                    source: *source,
                    time: *signal_time,
                    severity: *severity,
                    title: title.clone(),
                    summary: summary.clone(),
                    account: account.clone(),
                    region: region.clone(),
                    entities: entities.clone(),
                    raw: raw.clone(),
                    pinned_by: e.by.clone(),
                    detections: detections.clone(),
                    kind: if kind.is_empty() {
                        title.clone()
                    } else {
                        kind.clone()
                    },
                    sensitive: sensitive.clone(),
                });
            }
            EntryKind::Affected { entity, sensitive } => {
                if !self.affected.contains(entity) {
                    self.affected.push(entity.clone());
                    if let Some(s) = sensitive {
                        self.affected_sensitive.push((entity.clone(), s.clone()));
                    }
                    self.log(e, format!("Affected: {entity}"), "incident");
                }
            }
            EntryKind::Action {
                action,
                target,
                scope,
                outcome,
                reversible,
                calls,
                sensitive,
                status,
                account,
                region,
            } => {
                let bare_target = target.clone();
                let target = match scope {
                    Some(s) => format!("{target} in {s}"),
                    None => target.clone(),
                };
                self.actions.push(ActionTaken {
                    at: e.at,
                    by: e.by.clone(),
                    action: action.clone(),
                    target: target.clone(),
                    outcome: outcome.clone(),
                    reversible: *reversible,
                    calls: calls.clone(),
                    sensitive: sensitive.clone(),
                    bare_target,
                    status: status.clone(),
                    account: account.clone(),
                    region: region.clone(),
                });
                self.log(
                    e,
                    format!("Action {action} on {target}: {outcome}"),
                    "action",
                );
            }
            EntryKind::Recovery { .. } | EntryKind::RecoverySkip { .. } => self.apply_recovery(e),
            EntryKind::Section { section, text } => {
                let slot = self.sections.entry(*section).or_default();
                if !slot.is_empty() {
                    slot.push('\n');
                }
                slot.push_str(text);
            }
        }
    }

    /// The earliest signal pinned as evidence.
    pub fn first_signal(&self) -> Option<&Evidence> {
        self.evidence.iter().min_by_key(|e| e.time)
    }

    /// Time to detect, contain and recover, each from the first signal.
    pub fn metrics(&self) -> Metrics {
        let first = self.first_signal().map(|e| e.time);
        let since = |phase: Phase| {
            first
                .zip(self.phase_times.get(&phase).copied())
                .map(|(f, t)| t - f)
        };
        Metrics {
            detect: since(Phase::Detected),
            contain: since(Phase::Contained),
            recover: since(Phase::Recovered),
        }
    }

    fn distinct(&self, field: impl Fn(&Evidence) -> Option<String>) -> Vec<String> {
        let mut v: Vec<String> = self.evidence.iter().filter_map(field).collect();
        v.sort();
        v.dedup();
        v
    }

    /// Accounts of the evidence, each once.
    pub fn accounts(&self) -> Vec<String> {
        self.distinct(|e| e.account.clone())
    }

    /// Regions of the evidence, each once.
    pub fn regions(&self) -> Vec<String> {
        self.distinct(|e| e.region.clone())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metrics {
    pub detect: Option<Duration>,
    pub contain: Option<Duration>,
    pub recover: Option<Duration>,
}

/// "2h 05m", "12m 30s", "45s"; "—" when unknown.
pub fn human(d: Option<Duration>) -> String {
    let Some(d) = d else { return "—".into() };
    let s = d.num_seconds();
    let (sign, s) = if s < 0 { ("-", -s) } else { ("", s) };
    match s {
        s if s >= 86_400 => format!("{sign}{}d {:02}h", s / 86_400, (s % 86_400) / 3600),
        s if s >= 3600 => format!("{sign}{}h {:02}m", s / 3600, (s % 3600) / 60),
        s if s >= 60 => format!("{sign}{}m {:02}s", s / 60, s % 60),
        s => format!("{sign}{s}s"),
    }
}
