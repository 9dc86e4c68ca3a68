//! Rules bucketed by the CloudTrail `eventName` they require (or, for the few that require
//! none, their `errorCode`, `userIdentity.type` or `eventSource`), so a record is evaluated
//! only against the rules that could match it.
//!
//! `rsigma-eval` has an inverted index of its own, but it gives up on any rule with a filter
//! that has no exact value (`filter: userAgent|contains: …`, which most CloudTrail rules have)
//! and then evaluates that rule for every record; measured on the 1M-event corpus, the built-in
//! pack and SigmaHQ's rules took matching from 9.6 s to 21 s. Almost every CloudTrail rule names
//! its event, so reading which event names a rule's condition requires (conservatively: a rule
//! whose condition does not require one goes into the bucket evaluated for every record) and
//! keeping one engine per event name costs one hash lookup per record.

use rsigma_eval::{Engine, EvaluationResult, Event};
use rsigma_parser::{ConditionExpr, Detection, Quantifier, SelectorPattern, SigmaRule, SigmaValue};
use std::collections::HashSet;

/// Lower-case event names a detection or condition requires (None: it does not require one).
type Names = Option<HashSet<String>>;

fn both(a: Names, b: Names) -> Names {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.intersection(&b).cloned().collect()),
        (x, None) | (None, x) => x,
    }
}

fn either(a: Names, b: Names) -> Names {
    match (a, b) {
        (Some(mut a), Some(b)) => {
            a.extend(b);
            Some(a)
        }
        _ => None,
    }
}

fn plain(v: &SigmaValue) -> Option<String> {
    match v {
        SigmaValue::String(s) if !s.original.contains(['*', '?', '\\']) => {
            Some(s.original.to_ascii_lowercase())
        }
        _ => None,
    }
}

fn detection_names(d: &Detection, field: &str) -> Names {
    match d {
        Detection::AllOf(items) => items
            .iter()
            .filter(|i| i.field.name.as_deref() == Some(field) && i.field.modifiers.is_empty())
            .map(|i| {
                i.values
                    .iter()
                    .map(plain)
                    .collect::<Option<HashSet<String>>>()
            })
            .fold(None, both),
        Detection::AnyOf(ds) => {
            let mut it = ds.iter().map(|d| detection_names(d, field));
            let first = it.next().flatten();
            it.fold(first, either)
        }
        Detection::And(ds) => ds
            .iter()
            .map(|d| detection_names(d, field))
            .fold(None, both),
        _ => None,
    }
}

fn glob_match(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((pre, post)) => {
            name.len() >= pre.len() + post.len() && name.starts_with(pre) && name.ends_with(post)
        }
    }
}

fn condition_names(c: &ConditionExpr, rule: &SigmaRule, field: &str) -> Names {
    let named = &rule.detection.named;
    match c {
        ConditionExpr::Identifier(id) => named.get(id).and_then(|d| detection_names(d, field)),
        ConditionExpr::And(xs) => xs
            .iter()
            .map(|x| condition_names(x, rule, field))
            .fold(None, both),
        ConditionExpr::Or(xs) => {
            let mut it = xs.iter().map(|x| condition_names(x, rule, field));
            let first = it.next().flatten();
            it.fold(first, either)
        }
        ConditionExpr::Not(_) => None,
        ConditionExpr::Selector {
            quantifier,
            pattern,
        } => {
            let mut ids: Vec<&String> = named
                .keys()
                .filter(|k| match pattern {
                    SelectorPattern::Them => !k.starts_with('_'),
                    SelectorPattern::Pattern(p) => glob_match(p, k),
                })
                .collect();
            ids.sort();
            let mut sets = ids
                .into_iter()
                .map(|k| named.get(k).and_then(|d| detection_names(d, field)));
            match quantifier {
                Quantifier::All => sets.fold(None, both),
                _ => {
                    let first = sets.next().flatten();
                    sets.fold(first, either)
                }
            }
        }
    }
}

/// The values (lower case) `field` must have for the rule to match, or None when it could
/// match any.
pub fn required_values(rule: &SigmaRule, field: &str) -> Names {
    let mut it = rule
        .detection
        .conditions
        .iter()
        .map(|c| condition_names(c, rule, field));
    let first = it.next().flatten();
    it.fold(first, either).filter(|s| !s.is_empty())
}

/// The event names (lower case) a rule can match, or None when it could match any.
#[cfg(test)]
pub fn required_event_names(rule: &SigmaRule) -> Names {
    required_values(rule, "eventName")
}

/// The fields rules are bucketed by, in order of preference: a rule goes under the first one
/// whose values its condition requires (almost always the event name; the rest catch rules
/// about errors, kinds of principal or a whole service).
const KEYS: [&str; 4] = ["eventName", "errorCode", "userIdentity.type", "eventSource"];

/// The engines: per key field, one per value; and one for rules any record may match.
pub struct Engines {
    any: Engine,
    by_key: [super::FastMap<String, Engine>; 4],
    count: usize,
}

/// The engine for a value, compared in lower case (as Sigma compares); lowered on the stack,
/// since this runs for every record.
fn lookup<'a>(map: &'a super::FastMap<String, Engine>, v: &str) -> Option<&'a Engine> {
    if !v.bytes().any(|b| b.is_ascii_uppercase()) {
        return map.get(v);
    }
    let mut buf = [0u8; 96];
    match buf.get_mut(..v.len()) {
        Some(b) => {
            b.copy_from_slice(v.as_bytes());
            b.make_ascii_lowercase();
            std::str::from_utf8(b).ok().and_then(|s| map.get(s))
        }
        None => map.get(&v.to_ascii_lowercase()),
    }
}

impl Engines {
    pub fn new() -> Engines {
        Engines {
            any: Engine::new(),
            by_key: Default::default(),
            count: 0,
        }
    }

    /// Adds a rule to the engines it belongs in; the error is the engine's (it does not load).
    pub fn add(&mut self, rule: &SigmaRule) -> Result<(), String> {
        // Compiled once first, so a rule that does not load is one error, not one per value.
        Engine::new().add_rule(rule).map_err(|e| e.to_string())?;
        let keyed = KEYS
            .iter()
            .enumerate()
            .find_map(|(k, f)| required_values(rule, f).map(|v| (k, v)));
        match keyed {
            None => self.any.add_rule(rule).map_err(|e| e.to_string())?,
            Some((k, values)) => {
                for v in values {
                    self.by_key[k]
                        .entry(v)
                        .or_default()
                        .add_rule(rule)
                        .map_err(|e| e.to_string())?;
                }
            }
        }
        self.count += 1;
        Ok(())
    }

    pub fn rule_count(&self) -> usize {
        self.count
    }

    /// Every rule that matches the event (`record` is the same record, for the key fields).
    pub fn evaluate(
        &self,
        event: &impl Event,
        record: &serde_json::Value,
    ) -> Vec<EvaluationResult> {
        let mut out = if self.any.rule_count() > 0 {
            self.any.evaluate(event)
        } else {
            Vec::new()
        };
        for (k, field) in KEYS.iter().enumerate() {
            if self.by_key[k].is_empty() {
                continue;
            }
            let value = super::fields::value_at(record, field).and_then(|v| v.as_str());
            if let Some(engine) = value.and_then(|v| lookup(&self.by_key[k], v)) {
                out.extend(engine.evaluate(event));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(yaml: &str) -> SigmaRule {
        let c = rsigma_parser::parse_sigma_yaml(yaml).unwrap();
        c.rules.into_iter().next().unwrap()
    }

    fn names(yaml: &str) -> Option<Vec<String>> {
        required_event_names(&rule(yaml)).map(|s| {
            let mut v: Vec<String> = s.into_iter().collect();
            v.sort();
            v
        })
    }

    const HEAD: &str = "title: t\nlogsource: {product: aws, service: cloudtrail}\n";

    #[test]
    fn event_names_a_condition_requires() {
        let n = |det: &str| names(&format!("{HEAD}detection:\n{det}"));
        assert_eq!(
            n("  sel: {eventName: [CreateUser, DeleteUser]}\n  filter: {userAgent|contains: x}\n  condition: sel and not filter\n"),
            Some(vec!["createuser".into(), "deleteuser".into()])
        );
        assert_eq!(
            n("  a: {eventName: StopLogging}\n  b: {eventName: DeleteTrail}\n  condition: a or b\n"),
            Some(vec!["deletetrail".into(), "stoplogging".into()])
        );
        assert_eq!(
            n("  sel_a: {eventName: StopLogging}\n  sel_b: {eventName: DeleteTrail}\n  condition: 1 of sel_*\n"),
            Some(vec!["deletetrail".into(), "stoplogging".into()])
        );
        // Not required: an OR branch without a name, a wildcard, a modifier, a negation.
        assert_eq!(
            n("  a: {eventName: X}\n  b: {errorCode: AccessDenied}\n  condition: a or b\n"),
            None
        );
        assert_eq!(n("  a: {eventName: 'Delete*'}\n  condition: a\n"), None);
        assert_eq!(
            n("  a: {eventName|contains: Delete}\n  condition: a\n"),
            None
        );
        assert_eq!(n("  a: {eventName: X}\n  condition: not a\n"), None);
        assert_eq!(
            n("  a: {eventName: X}\n  b: {errorCode: AccessDenied}\n  condition: a and b\n"),
            Some(vec!["x".into()])
        );
    }

    /// The buckets change which rules are evaluated, never what matches: the same matches as
    /// one engine holding every rule, over the pack's cases and the real datasets (and
    /// SigmaHQ's AWS rules when ../shared has them).
    #[test]
    fn bucketed_engines_match_exactly_what_one_engine_matches() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut rules: Vec<SigmaRule> = Vec::new();
        for (_, text) in crate::detect::pack::FILES {
            rules.extend(rsigma_parser::parse_sigma_yaml(text).unwrap().rules);
        }
        let sigma = root.join("../shared/datasets/sigma-aws/rules");
        for e in walkdir::WalkDir::new(&sigma).into_iter().flatten() {
            if e.path().extension().is_some_and(|x| x == "yml") {
                let text = std::fs::read_to_string(e.path()).unwrap();
                if let Ok(c) = rsigma_parser::parse_sigma_yaml(&text) {
                    rules.extend(c.rules);
                }
            }
        }
        let mut one = Engine::new();
        let mut many = Engines::new();
        let mut keyed = 0;
        for r in &rules {
            if one.add_rule(r).is_ok() {
                many.add(r).unwrap();
                keyed += usize::from(KEYS.iter().any(|f| required_values(r, f).is_some()));
            }
        }
        assert!(
            keyed * 10 >= rules.len() * 8,
            "{keyed} of {} rules keyed",
            rules.len()
        );
        let mut records: Vec<serde_json::Value> = Vec::new();
        let cases: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(root.join("tests/fixtures/detections/pack_cases.json"))
                .unwrap(),
        )
        .unwrap();
        for c in cases.as_object().unwrap().values() {
            for k in ["match", "miss"] {
                records.extend(c[k].as_array().cloned().unwrap_or_default());
            }
        }
        let data = root.join("tests/fixtures/datasets/invictus-aws-dataset/CloudTrail");
        for e in std::fs::read_dir(data).unwrap().flatten() {
            let v: serde_json::Value =
                serde_json::from_slice(&std::fs::read(e.path()).unwrap()).unwrap();
            records.extend(v["Records"].as_array().cloned().unwrap_or_default());
        }
        let mut matched = 0;
        for rec in &records {
            let ev = crate::detect::event::RecordEvent::new(rec);
            let titles = |r: Vec<EvaluationResult>| {
                let mut t: Vec<String> = r.into_iter().map(|x| x.header.rule_title).collect();
                t.sort();
                t
            };
            let a = titles(one.evaluate(&ev));
            let b = titles(many.evaluate(&ev, rec));
            matched += usize::from(!a.is_empty());
            assert_eq!(a, b, "{rec}");
        }
        assert!(matched > 300, "{matched} records matched");
    }
}
