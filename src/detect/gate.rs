//! A gate in front of the correlation engine for ordered correlations: an event that can only be
//! a later step of a `temporal_ordered` correlation ("a key created, then used") matters only
//! when an earlier step opened a window for its group. Without the gate every call signed with
//! an IAM user's key went through the engine (three quarters of a typical trail), which made the
//! built-in pack cost 60% of load time on the 1M-event corpus. The gate only drops events the
//! engine could not use (no earlier step for that group within the timespan, either way in
//! time), so what the correlations find is unchanged; `rsigma-eval` has no such pre-check.

use crate::model::detection::CorrelationInput;
use rsigma_parser::{CorrelationRule, CorrelationType, SigmaRule};
use std::collections::HashSet;

/// More open windows than this and the gate stops dropping anything (exactness over savings).
const MAX_OPEN: usize = 200_000;

use super::ordered::Role;

#[derive(Debug, Default)]
pub struct Gate {
    pub(super) leads: super::FastMap<String, Vec<Role>>,
    /// Rules that are only ever a later step of ordered correlations.
    pub(super) follows: super::FastMap<String, Vec<Role>>,
    spans: Vec<i64>,
    /// Windows opened: a hash of (correlation, group values) → newest time. A collision only
    /// lets an event through that the engine then judges itself.
    opened: super::FastMap<u64, i64>,
    overflow: bool,
    hasher: foldhash::fast::RandomState,
}

impl Gate {
    /// `referenced`: the detection rules correlations reference; ids as `RuleInfo::id`.
    pub fn new(correlations: &[CorrelationRule], referenced: &[SigmaRule]) -> Gate {
        let id_of = |reference: &str| {
            referenced
                .iter()
                .find(|r| {
                    r.name.as_deref() == Some(reference) || r.id.as_deref() == Some(reference)
                })
                .map(|r| r.id.clone().unwrap_or_else(|| r.title.clone()))
        };
        let mut g = Gate::default();
        let mut elsewhere: HashSet<String> = HashSet::new();
        for (i, c) in correlations.iter().enumerate() {
            g.spans.push(c.timespan.seconds.min(i64::MAX as u64) as i64);
            let ordered = c.correlation_type == CorrelationType::TemporalOrdered;
            for (k, reference) in c.rules.iter().enumerate() {
                let Some(id) = id_of(reference) else { continue };
                let role = (i, super::fields::group_fields(c, reference));
                if ordered && k > 0 {
                    g.follows.entry(id).or_default().push(role);
                } else {
                    if ordered {
                        g.leads.entry(id.clone()).or_default().push(role);
                    }
                    elsewhere.insert(id);
                }
            }
        }
        g.follows.retain(|id, _| !elsewhere.contains(id));
        g
    }

    fn key(
        hasher: &foldhash::fast::RandomState,
        c: usize,
        values: &serde_json::Map<String, serde_json::Value>,
        fields: &[String],
    ) -> u64 {
        use std::hash::{BuildHasher, Hash, Hasher};
        let mut h = hasher.build_hasher();
        c.hash(&mut h);
        for f in fields {
            values
                .get(f)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .hash(&mut h);
        }
        h.finish()
    }

    /// Records the windows this event opens and drops the later-step rules no window is open
    /// for. False when nothing is left for the engine.
    pub fn pass(&mut self, time: i64, input: &mut CorrelationInput) -> bool {
        for id in &input.rules {
            for (c, fields) in self.leads.get(id).into_iter().flatten() {
                let k = Self::key(&self.hasher, *c, &input.fields, fields);
                let t = self.opened.entry(k).or_insert(time);
                *t = (*t).max(time);
            }
        }
        if self.opened.len() > MAX_OPEN {
            let newest = self.opened.values().copied().max().unwrap_or(time);
            let span = self.spans.iter().copied().max().unwrap_or(0);
            self.opened.retain(|_, t| newest - *t <= span);
            self.overflow |= self.opened.len() > MAX_OPEN;
        }
        if !self.overflow {
            let (follows, opened, spans, hasher) =
                (&self.follows, &self.opened, &self.spans, &self.hasher);
            let values = &input.fields;
            input.rules.retain(|id| {
                let Some(roles) = follows.get(id) else {
                    return true;
                };
                roles.iter().any(|(c, fields)| {
                    opened
                        .get(&Self::key(hasher, *c, values, fields))
                        .is_some_and(|t| (time - t).abs() <= spans[*c])
                })
            });
        }
        !input.rules.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(rule: &str, fields: serde_json::Value) -> CorrelationInput {
        CorrelationInput {
            rules: vec![rule.to_string()],
            fields: fields.as_object().cloned().unwrap_or_default(),
        }
    }

    #[test]
    fn a_later_step_passes_only_after_an_earlier_one_for_its_group() {
        let d = crate::detect::Detections::builtin();
        let mut g = Gate::new(&d.correlations, &d.referenced);
        let id = |name: &str| {
            d.referenced
                .iter()
                .find(|r| r.name.as_deref() == Some(name))
                .and_then(|r| r.id.clone())
                .unwrap_or_else(|| panic!("{name} not referenced"))
        };
        let (created, used) = (
            id("aws_access_key_created_for_user"),
            id("aws_long_term_key_used"),
        );
        let use_of = |k: &str| input(&used, json!({"userIdentity.accessKeyId": k}));
        // A use of a key nobody created here: dropped.
        assert!(!g.pass(1_000, &mut use_of("AKIAOLDKEY0000000001")));
        let mut c = input(
            &created,
            json!({"responseElements.accessKey.accessKeyId": "AKIANEWKEY0000000001"}),
        );
        assert!(
            g.pass(2_000, &mut c),
            "the first step always goes to the engine"
        );
        assert!(g.pass(3_000, &mut use_of("AKIANEWKEY0000000001")));
        assert!(!g.pass(3_000, &mut use_of("AKIAOLDKEY0000000001")));
        // Past the 24 h timespan: dropped again.
        assert!(!g.pass(2_000 + 25 * 3600, &mut use_of("AKIANEWKEY0000000001")));
        // A rule that also counts elsewhere (access denied bursts) is never gated.
        let denied = id("aws_access_denied");
        assert!(g.pass(4_000, &mut input(&denied, json!({}))));
    }
}
