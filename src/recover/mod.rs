//! Recovery from an attack story: every change the story's CloudTrail records made, each with
//! its inverse as ordinary response plans (`respond`), or the reason it needs a decision, or
//! "attempted, nothing to undo" when AWS refused the call. Pure: the records in, the checklist
//! out; nothing is called here.
//!
//! Every name taken from a record (user, policy, group, trail, key pair) is checked against
//! AWS's naming rules by the same parser `airc respond` uses: a record whose text is no such name
//! becomes a decision, never a target.

mod inverse;
#[cfg(test)]
mod tests;

use crate::model::Signal;
use crate::respond::{Action, Target};
use serde::Serialize;

/// One change in the story and how it is undone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub signal: String,
    pub time: chrono::DateTime<chrono::Utc>,
    /// The account and region the change was made in (`recipientAccountId`, `awsRegion`): the
    /// plans are bound to them.
    pub account: Option<String>,
    pub region: Option<String>,
    /// `iam:CreateAccessKey`.
    pub call: String,
    /// Who made it, as the record names them.
    pub actor: String,
    pub undo: Undo,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Undo {
    /// The plans that undo it, in order (an instance: snapshot, then stop).
    Plans {
        #[serde(serialize_with = "steps_ser")]
        steps: Vec<(Action, Target)>,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// No plan can undo it without a responder's decision: why, and what to look at.
    Decision { why: String },
    /// AWS refused the call (its error code): nothing changed, nothing to undo.
    Attempted { error: String },
}

fn steps_ser<S: serde::Serializer>(v: &[(Action, Target)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(v.len()))?;
    for (a, t) in v {
        seq.serialize_element(&serde_json::json!({"action": a.name(), "target": t.label()}))?;
    }
    seq.end()
}

impl Undo {
    /// One line for the checklist.
    pub fn describe(&self) -> String {
        match self {
            Undo::Plans { steps, note } => {
                let mut s = steps
                    .iter()
                    .map(|(a, t)| format!("{a} {}", t.label()))
                    .collect::<Vec<_>>()
                    .join(", then ");
                if let Some(n) = note {
                    s.push_str(&format!(" ({n})"));
                }
                s
            }
            Undo::Decision { why } => format!("needs a decision: {why}"),
            Undo::Attempted { error } => format!("attempted, nothing to undo ({error})"),
        }
    }
}

/// The checklist for these signals (a story's steps), oldest first: one item per change a
/// CloudTrail record says was made or attempted. Reads, sign-ins and records without their
/// original (`Raw::None`) are left out.
pub fn checklist<'a>(signals: impl IntoIterator<Item = &'a Signal>) -> Vec<Item> {
    let mut out: Vec<Item> = signals
        .into_iter()
        .filter(|s| s.source == crate::model::Source::CloudTrail && !s.raw.is_none())
        .filter_map(|s| {
            let v = s.raw.decoded();
            let (call, undo) = inverse::undo_of(&v)?;
            let text = |k: &str| v[k].as_str().map(short);
            Some(Item {
                signal: s.id.to_string(),
                time: s.time,
                account: text("recipientAccountId").or_else(|| s.account().map(String::from)),
                region: text("awsRegion"),
                call,
                actor: short(
                    v["userIdentity"]["arn"]
                        .as_str()
                        .or(v["userIdentity"]["userName"].as_str())
                        .unwrap_or("unknown"),
                ),
                undo,
            })
        })
        .collect();
    out.sort_by(|a, b| a.time.cmp(&b.time).then(a.signal.cmp(&b.signal)));
    out
}

/// Record text as one bounded, printable line.
fn short(s: &str) -> String {
    crate::safe_text::bounded(crate::safe_text::line(s).into_owned(), 256)
}

/// The checklist as the incident's journal keeps it.
pub fn journal_lines(items: &[Item]) -> Vec<crate::notebook::recovery::RecoveryLine> {
    items
        .iter()
        .map(|i| crate::notebook::recovery::RecoveryLine {
            signal: i.signal.clone(),
            at: i.time,
            call: i.call.clone(),
            kind: match i.undo {
                Undo::Plans { .. } => "plans",
                Undo::Decision { .. } => "decision",
                Undo::Attempted { .. } => "attempted",
            }
            .into(),
            undo: i.undo.describe(),
            plans: match &i.undo {
                Undo::Plans { steps, .. } => steps
                    .iter()
                    .map(|(a, t)| (a.name().to_string(), t.label()))
                    .collect(),
                _ => Vec::new(),
            },
            account: i.account.clone(),
            region: i.region.clone(),
        })
        .collect()
}
