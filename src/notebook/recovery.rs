//! The incident's recovery checklist: the changes of an attack story to undo (`airc recover`,
//! `U` in the console), each one planned, done (its undo plans ran and verified), skipped with
//! a reason, or attempted by the attacker and refused (nothing to undo). The postmortem's
//! "Eradication and recovery" section is written from it, and the incident moves to
//! `recovered` when every item is resolved.

use super::entry::{Entry, EntryKind};
use super::incident::{Incident, TimelineItem};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One change of the story, as the journal keeps it (plain text: the notebook knows nothing of
/// the actions themselves).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecoveryLine {
    /// The change's signal id: what the item is known by.
    pub signal: String,
    pub at: DateTime<Utc>,
    /// `iam:AttachUserPolicy`.
    pub call: String,
    /// `plans`, `decision` or `attempted`.
    pub kind: String,
    /// How it is undone, in one line.
    pub undo: String,
    /// Its undo plans as the journal's action entries name them: (action, target).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plans: Vec<(String, String)>,
    /// Where the change was made: an undo counts only where it ran there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// Its plans have not all run and verified yet.
    Planned,
    /// Needs a responder's decision (no record says what was there before).
    Decision,
    /// Every plan ran and was verified (the time of the last).
    Done(DateTime<Utc>),
    Skipped(String),
    /// AWS refused the attacker's call: nothing to undo.
    Attempted,
}

impl Status {
    pub fn resolved(&self) -> bool {
        matches!(
            self,
            Status::Done(_) | Status::Skipped(_) | Status::Attempted
        )
    }
}

/// The checklists of the incident (one per story), in the order they were written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checklists {
    pub stories: Vec<(String, Vec<RecoveryLine>)>,
    /// Signal id → the reason it was skipped.
    pub skipped: Vec<(String, String)>,
}

impl Incident {
    pub(super) fn apply_recovery(&mut self, e: &Entry) {
        match &e.kind {
            EntryKind::Recovery { story, items } => {
                // Written again (a second `U`): the newer list replaces the story's.
                let list = &mut self.recovery.stories;
                match list.iter_mut().find(|(s, _)| s == story) {
                    Some((_, old)) => *old = items.clone(),
                    None => list.push((story.clone(), items.clone())),
                }
                self.timeline.push(TimelineItem {
                    at: e.at,
                    text: format!(
                        "Recovery checklist of story {story}: {} changes",
                        items.len()
                    ),
                    source: "recovery".into(),
                    evidence: None,
                    by: e.by.clone(),
                });
            }
            EntryKind::RecoverySkip { signal, reason } => {
                self.recovery.skipped.retain(|(s, _)| s != signal);
                self.recovery.skipped.push((signal.clone(), reason.clone()));
                self.timeline.push(TimelineItem {
                    at: e.at,
                    text: format!("Recovery item skipped ({signal}): {reason}"),
                    source: "recovery".into(),
                    evidence: None,
                    by: e.by.clone(),
                });
            }
            _ => {}
        }
    }

    /// Where one item stands: its plans matched against the actions the incident recorded.
    pub fn recovery_status(&self, line: &RecoveryLine) -> Status {
        if let Some((_, why)) = self
            .recovery
            .skipped
            .iter()
            .find(|(s, _)| *s == line.signal)
        {
            return Status::Skipped(why.clone());
        }
        match line.kind.as_str() {
            "attempted" => Status::Attempted,
            "plans" if !line.plans.is_empty() => {
                let mut last = None;
                for (action, target) in &line.plans {
                    // The same action on the same target, where the change was made (account
                    // and region), after it, that ended done (verified where it reads back).
                    let done = self.actions.iter().filter(|a| {
                        a.action == *action
                            && a.bare_target == *target
                            && a.status.as_deref() == Some("done")
                            && line.account.is_some()
                            && a.account == line.account
                            && (line.region.is_none() || a.region == line.region)
                            && a.at >= line.at
                    });
                    match done.map(|a| a.at).max() {
                        Some(at) => last = last.max(Some(at)),
                        None => return Status::Planned,
                    }
                }
                last.map_or(Status::Planned, Status::Done)
            }
            _ => Status::Decision,
        }
    }

    /// Every item of every checklist is resolved (and there is at least one).
    pub fn recovery_complete(&self) -> bool {
        let mut lines = self.recovery.stories.iter().flat_map(|(_, l)| l).peekable();
        lines.peek().is_some() && lines.all(|l| self.recovery_status(l).resolved())
    }
}

/// The postmortem's "Eradication and recovery" section (markdown).
pub fn section(inc: &Incident) -> String {
    if inc.recovery.stories.is_empty() {
        return "_No recovery checklist: `U` on a story in the console, or `airc recover STORY --incident ID`._".into();
    }
    let md = super::markdown::text;
    let mut out = String::new();
    for (story, lines) in &inc.recovery.stories {
        let resolved = lines
            .iter()
            .filter(|l| inc.recovery_status(l).resolved())
            .count();
        out.push_str(&format!(
            "Story {}: {resolved} of {} changes resolved.\n\n",
            md(story),
            lines.len()
        ));
        for l in lines {
            let st = inc.recovery_status(l);
            let (mark, how) = match &st {
                Status::Done(at) => (
                    "x",
                    format!("done and verified {}", at.format("%Y-%m-%d %H:%M UTC")),
                ),
                Status::Skipped(why) => ("x", format!("skipped: {}", md(why))),
                Status::Attempted => (
                    "x",
                    "attempted by the attacker, refused by AWS: nothing to undo".into(),
                ),
                Status::Planned => (" ", "planned".into()),
                Status::Decision => (" ", "needs a decision".into()),
            };
            out.push_str(&format!(
                "- [{mark}] {} `{}` — {} ({how})\n",
                l.at.format("%H:%M:%S"),
                md(&l.call).replace('`', "'"),
                md(&l.undo)
            ));
        }
        out.push('\n');
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notebook::entry::{Phase, Priority};

    fn line(signal: &str, kind: &str, plans: &[(&str, &str)], at: DateTime<Utc>) -> RecoveryLine {
        RecoveryLine {
            signal: signal.into(),
            at,
            call: format!("iam:{signal}"),
            kind: kind.into(),
            undo: "u".into(),
            plans: plans
                .iter()
                .map(|(a, t)| (a.to_string(), t.to_string()))
                .collect(),
            account: Some("111122223333".into()),
            region: Some("eu-west-1".into()),
        }
    }

    fn action(action: &str, target: &str, status: &str, region: &str) -> EntryKind {
        EntryKind::Action {
            action: action.into(),
            target: target.into(),
            scope: Some(format!("account 111122223333 (profile p) · {region}")),
            // The text says done whatever the status: only the status counts.
            outcome: format!("{action} on {target}: done"),
            reversible: true,
            calls: vec![],
            sensitive: None,
            status: Some(status.into()),
            account: Some("111122223333".into()),
            region: Some(region.into()),
        }
    }

    /// Hostile review of issue 37 (session 20): items were ticked by an action of the same
    /// name and label in another region, by a failed one whose text said ": done", and by one
    /// from before the change.
    #[test]
    fn an_item_is_done_only_by_its_actions_where_and_after_the_change_was_made() {
        let t0 = Utc::now();
        let later = t0 + chrono::Duration::minutes(5);
        let e = |at: DateTime<Utc>, k: EntryKind| Entry::by(at, "a", k);
        let mut entries = vec![
            e(
                t0 - chrono::Duration::hours(1),
                EntryKind::Opened {
                    id: "IR-20261208-1".into(),
                    title: "t".into(),
                    severity: Priority::P1,
                    commander: "a".into(),
                    responders: vec![],
                    title_sensitive: None,
                },
            ),
            // Before the change: does not count.
            e(
                t0 - chrono::Duration::minutes(1),
                action("delete-key-pair", "key pair miner", "done", "eu-west-1"),
            ),
            e(
                t0,
                EntryKind::Recovery {
                    story: "S-1".into(),
                    items: vec![
                        line("key", "plans", &[("delete-key-pair", "key pair miner")], t0),
                        line(
                            "run",
                            "plans",
                            &[("snapshot", "instance i-1"), ("stop", "instance i-1")],
                            t0,
                        ),
                        line("policy", "decision", &[], t0),
                        line("denied", "attempted", &[], t0),
                    ],
                },
            ),
            e(
                later,
                action("delete-key-pair", "key pair miner", "done", "us-west-2"),
            ),
            e(
                later,
                action("delete-key-pair", "key pair miner", "failed", "eu-west-1"),
            ),
            e(
                later,
                action(
                    "delete-key-pair",
                    "key pair miner",
                    "not_verified",
                    "eu-west-1",
                ),
            ),
            e(
                later,
                action("snapshot", "instance i-1", "done", "eu-west-1"),
            ),
        ];
        let inc = Incident::fold(&entries).unwrap();
        let st: Vec<Status> = inc.recovery.stories[0]
            .1
            .iter()
            .map(|l| inc.recovery_status(l))
            .collect();
        assert_eq!(
            st[0],
            Status::Planned,
            "another region, failed, not verified, earlier"
        );
        assert_eq!(st[1], Status::Planned, "stop has not run");
        assert_eq!(st[2], Status::Decision);
        assert_eq!(st[3], Status::Attempted);
        assert!(!inc.recovery_complete());
        entries.push(e(
            later,
            action("delete-key-pair", "key pair miner", "done", "eu-west-1"),
        ));
        entries.push(e(
            later,
            action("stop", "instance i-1", "done", "eu-west-1"),
        ));
        entries.push(e(
            later,
            EntryKind::RecoverySkip {
                signal: "policy".into(),
                reason: "the policy was ours".into(),
            },
        ));
        let inc = Incident::fold(&entries).unwrap();
        assert!(inc.recovery.stories[0]
            .1
            .iter()
            .all(|l| inc.recovery_status(l).resolved()));
        assert!(inc.recovery_complete());
        assert_eq!(inc.phase, Phase::Detected, "never moved by itself");
        let md = section(&inc);
        assert!(md.contains("4 of 4 changes resolved"), "{md}");
        assert!(
            md.contains("skipped: the policy was ours") && md.contains("nothing to undo"),
            "{md}"
        );
    }
}
