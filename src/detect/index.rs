//! Rules bucketed by the CloudTrail `eventName` they require (or, for the few that require
//! none, their `errorCode`, `userIdentity.type`, `eventSource` or `userAgent`, or else the
//! presence of an `errorCode`), so a record is evaluated only against the rules that could
//! match it.
//!
//! `rsigma-eval` has an inverted index of its own, but it gives up on any rule with a filter
//! that has no exact value (`filter: userAgent|contains: …`, which most CloudTrail rules have)
//! and then evaluates that rule for every record; measured on the 1M-event corpus, the built-in
//! pack and SigmaHQ's rules took matching from 9.6 s to 21 s. Almost every CloudTrail rule names
//! its event, so reading which event names a rule's condition requires (conservatively: a rule
//! whose condition does not require one goes into the bucket evaluated for every record) and
//! keeping one engine per event name costs one hash lookup per record.

use super::event::RecordEvent;
use super::requires::{required_values, requires_field};
use rsigma_eval::{Engine, EvaluationResult};
use rsigma_parser::SigmaRule;

/// The fields rules are bucketed by, in order of preference: a rule goes under the first one
/// whose values its condition requires (almost always the event name; the rest catch rules
/// about errors, kinds of principal, a whole service or a tool's user agent).
const KEYS: [&str; 5] = [
    "eventName",
    "errorCode",
    "userIdentity.type",
    "eventSource",
    "userAgent",
];

/// A rule that requires no value of a key field but cannot match without `errorCode` (`errorCode
/// |contains: AccessDenied`) is evaluated only for records that have one: most calls succeed.
const PRESENT: &str = "errorCode";

/// The engines: per key field, one per value; one for rules that need an error code; one for
/// rules any record may match.
pub struct Engines {
    any: Engine,
    with_error: Engine,
    by_key: [super::FastMap<String, Engine>; KEYS.len()],
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
            with_error: Engine::new(),
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
            None if requires_field(rule, PRESENT) => {
                self.with_error.add_rule(rule).map_err(|e| e.to_string())?
            }
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

    /// Every rule that matches the event.
    pub fn evaluate(&self, event: &RecordEvent) -> Vec<EvaluationResult> {
        let mut out = if self.any.rule_count() > 0 {
            self.any.evaluate(event)
        } else {
            Vec::new()
        };
        if self.with_error.rule_count() > 0 && event.value(PRESENT).is_some_and(|v| !v.is_null()) {
            out.extend(self.with_error.evaluate(event));
        }
        for (k, field) in KEYS.iter().enumerate() {
            if self.by_key[k].is_empty() {
                continue;
            }
            let value = event.value(field).and_then(|v| v.as_str());
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
            let b = titles(many.evaluate(&ev));
            matched += usize::from(!a.is_empty());
            assert_eq!(a, b, "{rec}");
        }
        assert!(matched > 300, "{matched} records matched");
    }
}
