//! Detections: Sigma rules matched against CloudTrail records.
//!
//! The rules are parsed and evaluated by `rsigma-parser` / `rsigma-eval` (MIT; the maintained
//! Rust Sigma implementation that loads all of SigmaHQ's AWS rules, with modifiers, correlation
//! rules and an inverted index over rules). What is written here is what the console needs on
//! top: which rules apply (AWS CloudTrail log sources only), where each came from, what failed
//! and why, the ATT&CK tags split out, and a match turned into a `Detection` on the signal.
//!
//! Single-event rules run where records are normalized (the replay reader threads, the live
//! pollers); correlation rules run where signals enter the store, one event at a time
//! (`Correlator`), so they are incremental and never re-scan the store.

mod correlate;
mod event;
mod fields;
mod gate;
mod index;
pub mod load;
pub mod network;
mod ordered;
pub mod pack;
pub mod record;
mod requires;

use crate::model::detection::{CorrelationInput, Detection, RuleInfo};
use rsigma_parser::{CorrelationRule, SigmaRule};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// The matching path's maps are read once or more per record: a fast hasher (foldhash, seeded
/// per process), not SipHash, which showed in the load profile.
pub(crate) type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
pub(crate) type FastSet<K> = HashSet<K, foldhash::fast::RandomState>;
use std::sync::{Arc, OnceLock};

pub use correlate::Correlator;
pub use fields::FAST_FIELDS;
pub use load::{Problem, Skipped};

/// A loaded rule set: the compiled single-event rules, the correlation rules, and the report of
/// what loaded, what did not and why.
pub struct Detections {
    engine: index::Engines,
    /// Rule id (or title when it has none) → what a match shows.
    infos: FastMap<String, Arc<RuleInfo>>,
    /// Every rule that loaded, in load order (correlations included).
    loaded: Vec<Arc<RuleInfo>>,
    problems: Vec<Problem>,
    skipped: Vec<Skipped>,
    /// Correlation rules and the detection rules they reference (for each store's correlator).
    correlations: Vec<CorrelationRule>,
    referenced: Vec<SigmaRule>,
    /// Ids of the rules correlations reference, and the fields they group or count by.
    referenced_ids: FastSet<String>,
    /// Rules referenced only by correlations that do not `generate` their matches: they feed
    /// the correlation and are not shown on their own.
    silent_ids: FastSet<String>,
    /// Per rule correlations reference: the fields they read from its events.
    correlation_fields: FastMap<String, Vec<String>>,
    /// A rule reads a top-level field the fast CloudTrail path does not keep (or searches
    /// keywords across the whole record): records then take the general path.
    needs_full_record: bool,
    /// Later steps of ordered correlations, evaluated only for open groups.
    ordered: ordered::Ordered,
}

/// The result of matching one record.
#[derive(Debug, Default)]
pub struct Matched {
    pub detections: Vec<Detection>,
    /// What correlation rules need, when a matched rule feeds one.
    pub correlation_input: Option<Box<CorrelationInput>>,
}

impl Detections {
    /// No rules at all (`--no-detections`, and the bench's baseline).
    pub fn none() -> Detections {
        load::Builder::default().finish()
    }

    /// The built-in pack alone.
    pub fn builtin() -> Detections {
        let mut b = load::Builder::default();
        b.add_builtin();
        b.finish()
    }

    /// The built-in pack, then every `.yml`/`.yaml` file under each path (a file or a folder).
    pub fn with_paths(paths: &[std::path::PathBuf]) -> Detections {
        let mut b = load::Builder::default();
        b.add_builtin();
        for p in paths {
            b.add_path(p);
        }
        b.finish()
    }

    pub fn rules(&self) -> &[Arc<RuleInfo>] {
        &self.loaded
    }

    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped
    }

    pub fn needs_full_record(&self) -> bool {
        self.needs_full_record
    }

    /// The single-event rules that match a CloudTrail record.
    pub fn match_record(&self, record: &Value) -> Matched {
        if self.engine.rule_count() == 0 {
            return Matched::default();
        }
        self.match_event(&event::RecordEvent::new(record))
    }

    /// The single-event rules that match a record read field by field (or parsed whole).
    pub fn match_fields(&self, record: &record::Record) -> Matched {
        if self.engine.rule_count() == 0 {
            return Matched::default();
        }
        self.match_event(&event::RecordEvent::of(record))
    }

    fn match_event(&self, event: &event::RecordEvent) -> Matched {
        let mut results = self.engine.evaluate(event);
        if !results.is_empty() && !self.ordered.leads.is_empty() {
            let ids: Vec<&str> = results
                .iter()
                .map(|r| r.header.rule_id.as_deref().unwrap_or(&r.header.rule_title))
                .collect();
            self.ordered.opened_by(event, &ids);
        }
        if self.ordered.may_follow(event) {
            results.extend(self.ordered.followers.evaluate(event));
        }
        if results.is_empty() {
            return Matched::default();
        }
        let mut out = Matched::default();
        let mut feeds = Vec::new();
        for r in &results {
            let key = r.header.rule_id.as_deref().unwrap_or(&r.header.rule_title);
            let Some(info) = self.infos.get(key) else {
                continue;
            };
            if self.referenced_ids.contains(&info.id) {
                feeds.push(info.id.clone());
            }
            if self.silent_ids.contains(&info.id) {
                continue;
            }
            if !out.detections.iter().any(|d| d.rule.id == info.id) {
                out.detections.push(Detection {
                    rule: info.clone(),
                    note: None,
                });
            }
        }
        out.detections
            .sort_by_key(|d| std::cmp::Reverse(d.rule.level));
        if !feeds.is_empty() {
            let mut m = Map::new();
            let wanted = feeds
                .iter()
                .filter_map(|id| self.correlation_fields.get(id))
                .flatten();
            for f in wanted {
                if let Some(v) = fields::scalar_string(event.value(f)) {
                    m.insert(f.clone(), Value::String(v));
                }
            }
            out.correlation_input = Some(Box::new(CorrelationInput {
                rules: feeds,
                fields: m,
            }));
        }
        out
    }

    /// A fresh correlation state for one store (empty when no correlation rule loaded).
    pub fn correlator(&self) -> Correlator {
        Correlator::new(self)
    }
}

/// Which rules this process loads: `None` is no rules at all, otherwise the built-in pack and
/// these paths.
static CONFIGURED: OnceLock<Option<Vec<std::path::PathBuf>>> = OnceLock::new();
static INSTALLED: OnceLock<Detections> = OnceLock::new();

/// The rule set this process matches with, loaded on first use (commands that read no records
/// never pay for compiling it): what `configure` named, the built-in pack when nothing was.
/// One per process, like the allocator: every source and store must judge records by the same
/// rules.
pub fn installed() -> &'static Detections {
    INSTALLED.get_or_init(|| match CONFIGURED.get() {
        Some(None) => Detections::none(),
        Some(Some(paths)) => Detections::with_paths(paths),
        None => Detections::builtin(),
    })
}

/// One line for start-up when rules did not load: how many, the first, and where to see all.
pub fn problems_line() -> Option<String> {
    let d = installed();
    let first = d.problems().first()?;
    Some(format!(
        "{} detection rule(s) or file(s) did not load, e.g. {}: {} (airc detections list shows all)",
        d.problems().len(),
        first.file,
        first.reason
    ))
}

/// Names the rules to load (`None`: none at all); `false` when the rules were already
/// configured or used.
pub fn configure(paths: Option<Vec<std::path::PathBuf>>) -> bool {
    INSTALLED.get().is_none() && CONFIGURED.set(paths).is_ok()
}

#[cfg(test)]
mod tests;
