//! The detail view's section for findings and monitors: each format's own fields in a readable
//! layout (Security Hub's workflow, compliance and remediation; Macie's bucket, object and the
//! kinds of data found; Inspector's CVE, packages and fixes; Access Analyzer's principal and
//! actions; an alarm's metric and state; an anomaly's spend and root causes), and a GuardDuty
//! attack sequence's steps in time order, each linked to the rows the console holds for it.

use super::detail_formats as formats;
use crate::model::{Signal, Source};
use crate::normalize::attack_sequence;
use crate::normalize::json_path::{array_at, get, str_at};
use crate::safe_text::line;
use serde_json::Value;

/// A row a step of an attack sequence names, asked of the store.
pub enum Link<'a> {
    /// A GuardDuty finding, by id.
    Finding(&'a str),
    /// CloudTrail calls of `name` made with one of `keys`.
    Calls { name: &'a str, keys: &'a [String] },
}

pub(super) fn field(out: &mut Vec<String>, label: &str, value: impl AsRef<str>) {
    let v = value.as_ref();
    if !v.is_empty() {
        out.push(format!("  {label:<13}{}", line(v)));
    }
}

pub(super) fn strings(v: &Value, keys: &[&str], n: usize) -> String {
    let all: Vec<&str> = array_at(v, keys).iter().filter_map(Value::as_str).collect();
    let mut s = all.iter().take(n).copied().collect::<Vec<_>>().join(", ");
    if all.len() > n {
        s.push_str(&format!(" (+{} more)", all.len() - n));
    }
    s
}

/// The record the signal's source wrote (the finding inside an EventBridge envelope).
fn record(raw: &Value) -> &Value {
    let detail = get(raw, "detail");
    match detail.map(|d| array_at(d, &["findings"])) {
        Some([one]) => one,
        _ => detail.filter(|d| d.is_object()).unwrap_or(raw),
    }
}

/// The section's lines (empty for CloudTrail and Health, which the view shows as before).
pub fn lines(s: &Signal, raw: &Value, link: &dyn Fn(Link) -> Option<String>) -> Vec<String> {
    let mut out = Vec::new();
    let r = record(raw);
    let title = match s.source {
        Source::SecurityHub if r.get("finding_info").is_some() => formats::ocsf(r, &mut out),
        Source::SecurityHub => formats::asff(r, &mut out),
        Source::Macie => formats::macie(r, &mut out),
        Source::Inspector => formats::inspector(r, &mut out),
        Source::AccessAnalyzer => formats::access(r, &mut out),
        Source::Monitors if s.product() == "costanomaly" => formats::anomaly(r, &mut out),
        Source::Monitors => formats::alarm(r, &mut out),
        Source::GuardDuty => guardduty(s, r, &mut out, link),
        Source::Health | Source::CloudTrail | Source::S3Access | Source::Dns | Source::Network => {
            return out
        }
    };
    if s.source != Source::SecurityHub {
        if let Some(w) = s.workflow() {
            out.insert(
                0,
                format!(
                    "  {:<13}{} (the finding's copy in Security Hub)",
                    "Workflow",
                    line(w)
                ),
            );
        }
    }
    if !out.is_empty() {
        out.insert(0, title.to_string());
        out.insert(0, String::new());
    }
    out
}

fn guardduty(
    s: &Signal,
    f: &Value,
    out: &mut Vec<String>,
    link: &dyn Fn(Link) -> Option<String>,
) -> &'static str {
    let steps = attack_sequence::steps(f);
    if steps.is_empty() {
        return "GuardDuty";
    }
    let seq = attack_sequence::sequence(f);
    field(
        out,
        "Sequence",
        seq.and_then(|q| str_at(q, &["description"]))
            .unwrap_or(s.title()),
    );
    out.push(format!(
        "  {} steps, in the order GuardDuty first saw them:",
        steps.len()
    ));
    for (n, st) in steps.iter().enumerate() {
        let when = st
            .first_seen
            .map(|t| t.format("%m-%d %H:%M:%S").to_string())
            .unwrap_or_else(|| "?".into());
        out.push(
            line(&format!(
                "  {:>2}. {when}  {} {} ×{}",
                n + 1,
                st.kind,
                st.name,
                st.count
            ))
            .into_owned(),
        );
        let who: Vec<String> = [&st.actors, &st.resources, &st.endpoints]
            .iter()
            .filter(|l| !l.is_empty())
            .map(|l| l.join(", "))
            .collect();
        if !st.description.is_empty() {
            out.push(line(&format!("        {}", st.description)).into_owned());
        }
        if !who.is_empty() {
            out.push(line(&format!("        {}", who.join(" · "))).into_owned());
        }
        if !st.indicators.is_empty() {
            out.push(line(&format!("        {}", st.indicators.join("; "))).into_owned());
        }
        let linked = match attack_sequence::finding_id(st) {
            Some(id) => link(Link::Finding(id)),
            None if st.kind == "CLOUD_TRAIL" => link(Link::Calls {
                name: &st.name,
                keys: &st.keys,
            }),
            None => None,
        };
        if let Some(l) = linked {
            out.push(line(&format!("        ↳ {l}")).into_owned());
        }
    }
    "GuardDuty attack sequence"
}

/// The rows an attack sequence's step names, as the store holds them: a signal the gate hides
/// is neither named nor counted.
pub(super) fn link(state: &super::state::State, l: Link) -> Option<String> {
    use crate::model::{Entity, EntityKind, Source};
    let store = &state.view.store;
    let shown = |x: &crate::model::Signal| super::routing::hiding(state, x).is_none();
    match l {
        Link::Finding(id) => store
            .get(&format!("guardduty:{id}"))
            .filter(|f| shown(f))
            .map(|f| format!("in Findings: {}", f.title())),
        Link::Calls { name, keys } => {
            let n: usize = keys
                .iter()
                .map(|k| {
                    store
                        .touching(&Entity::new(EntityKind::AccessKey, k.as_str()))
                        .filter(|x| x.source == Source::CloudTrail && x.kind() == name && shown(x))
                        .count()
                })
                .sum();
            (n > 0).then(|| format!("in CloudTrail: {n} {name} calls with {}", keys.join(", ")))
        }
    }
}
