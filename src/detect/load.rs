//! Loading rules: the built-in pack, then the user's files; every rule that cannot load is
//! reported with its file and the reason, never silently dropped.

use super::{fields, pack, Detections};
use crate::model::detection::{attack_tags, RuleInfo};
use crate::model::Severity;
use rsigma_eval::{CorrelationConfig, CorrelationEngine};
use rsigma_parser::{parse_sigma_yaml, CorrelationRule, Level, LogSource, SigmaRule};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

/// A rule file is text a person wrote; anything this large is not one.
const MAX_FILE_BYTES: u64 = 1 << 20;

/// A rule (or a whole file) that did not load.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Problem {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    pub reason: String,
}

/// A rule that loaded but is not for AWS CloudTrail (so it never runs here).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Skipped {
    pub file: String,
    pub rule: String,
    pub logsource: String,
}

#[derive(Default)]
pub struct Builder {
    rules: Vec<(String, SigmaRule)>,
    correlations: Vec<(String, CorrelationRule)>,
    problems: Vec<Problem>,
    skipped: Vec<Skipped>,
}

fn problem(file: &str, rule: Option<&str>, reason: impl Into<String>) -> Problem {
    Problem {
        file: file.to_string(),
        rule: rule.map(str::to_string),
        reason: reason.into(),
    }
}

fn is_cloudtrail(ls: &LogSource) -> bool {
    let eq =
        |v: &Option<String>, want: &str| v.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(want));
    eq(&ls.product, "aws") && eq(&ls.service, "cloudtrail")
}

fn describe(ls: &LogSource) -> String {
    [
        ("product", &ls.product),
        ("service", &ls.service),
        ("category", &ls.category),
    ]
    .iter()
    .filter_map(|(k, v)| v.as_deref().map(|v| format!("{k}: {v}")))
    .collect::<Vec<_>>()
    .join(", ")
}

pub fn severity(level: Option<Level>) -> Severity {
    match level {
        Some(Level::Informational) => Severity::Info,
        Some(Level::Low) => Severity::Low,
        // A rule that states no level is taken as Sigma's usual default.
        Some(Level::Medium) | None => Severity::Medium,
        Some(Level::High) => Severity::High,
        Some(Level::Critical) => Severity::Critical,
    }
}

impl Builder {
    pub fn add_builtin(&mut self) {
        for (name, text) in pack::FILES {
            self.add_text(&format!("builtin:{name}"), text);
        }
    }

    /// A file, or every `.yml`/`.yaml` file under a folder (in name order).
    pub fn add_path(&mut self, path: &Path) {
        if path.is_dir() {
            let mut files: Vec<_> = walkdir::WalkDir::new(path)
                .follow_links(true)
                .max_depth(8)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path())
                .filter(|p| {
                    p.extension().is_some_and(|x| {
                        x.eq_ignore_ascii_case("yml") || x.eq_ignore_ascii_case("yaml")
                    })
                })
                .collect();
            files.sort();
            for f in files {
                self.add_file(&f);
            }
        } else {
            self.add_file(path);
        }
    }

    fn add_file(&mut self, path: &Path) {
        let label = path.display().to_string();
        match std::fs::metadata(path) {
            Ok(m) if m.len() > MAX_FILE_BYTES => {
                let reason = format!("{} bytes: larger than a rule file can be (1 MiB)", m.len());
                self.problems.push(problem(&label, None, reason));
            }
            Ok(_) => match std::fs::read_to_string(path) {
                Ok(text) => self.add_text(&label, &text),
                Err(e) => self
                    .problems
                    .push(problem(&label, None, format!("cannot read: {e}"))),
            },
            Err(e) => self
                .problems
                .push(problem(&label, None, format!("cannot read: {e}"))),
        }
    }

    pub fn add_text(&mut self, file: &str, text: &str) {
        let collection = match parse_sigma_yaml(text) {
            Ok(c) => c,
            Err(e) => {
                self.problems.push(problem(file, None, e.to_string()));
                return;
            }
        };
        for e in collection.errors {
            self.problems.push(problem(file, None, e));
        }
        for f in collection.filters {
            let reason = "Sigma filter rules are not supported (write the filter into the rule)";
            self.problems.push(problem(file, Some(&f.title), reason));
        }
        for r in collection.rules {
            if is_cloudtrail(&r.logsource) {
                self.rules.push((file.to_string(), r));
            } else {
                self.skipped.push(Skipped {
                    file: file.to_string(),
                    rule: r.title.clone(),
                    logsource: describe(&r.logsource),
                });
            }
        }
        for c in collection.correlations {
            self.correlations.push((file.to_string(), c));
        }
    }

    pub fn finish(self) -> Detections {
        let mut engine = super::index::Engines::new();
        let mut problems = self.problems;
        let mut infos = super::FastMap::default();
        let mut loaded = Vec::new();
        let mut by_ref: HashMap<String, (String, SigmaRule)> = HashMap::new();
        let mut needs_full_record = false;
        // Rules that are only ever a later step of ordered correlations are kept aside
        // (`ordered.rs`); they go into the engines once the correlations are known.
        let mut later_refs: HashSet<&str> = HashSet::new();
        let mut other_refs: HashSet<&str> = HashSet::new();
        for (_, c) in &self.correlations {
            let ordered = c.correlation_type == rsigma_parser::CorrelationType::TemporalOrdered;
            for (k, r) in c.rules.iter().enumerate() {
                if ordered && k > 0 {
                    later_refs.insert(r);
                } else {
                    other_refs.insert(r);
                }
            }
        }
        let later_only = |r: &SigmaRule| {
            let refs: Vec<&str> = [r.name.as_deref(), r.id.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            refs.iter().any(|x| later_refs.contains(x))
                && !refs.iter().any(|x| other_refs.contains(x))
        };
        let mut later: Vec<SigmaRule> = Vec::new();
        for (file, rule) in self.rules {
            let id = rule.id.clone().unwrap_or_else(|| rule.title.clone());
            if infos.contains_key(&id) {
                let reason = format!("duplicate id {id}: the rule loaded first is kept");
                problems.push(problem(&file, Some(&rule.title), reason));
                continue;
            }
            let added = if later_only(&rule) {
                let checked = rsigma_eval::Engine::new()
                    .add_rule(&rule)
                    .map_err(|e| e.to_string());
                checked.map(|_| later.push(rule.clone()))
            } else {
                engine.add(&rule)
            };
            if let Err(e) = added {
                problems.push(problem(&file, Some(&rule.title), e));
                continue;
            }
            needs_full_record |= !fields::fast_path_covers(&rule);
            let (tactics, techniques) = attack_tags(&rule.tags);
            let info = Arc::new(RuleInfo {
                title: rule.title.clone(),
                id: id.clone(),
                name: rule.name.clone(),
                level: severity(rule.level),
                author: rule.author.clone(),
                tactics,
                techniques,
                file: file.clone(),
                correlation: false,
            });
            infos.insert(id.clone(), info.clone());
            loaded.push(info);
            if rule.id.is_some() {
                if let Some(name) = &rule.name {
                    by_ref.insert(name.clone(), (id.clone(), rule.clone()));
                }
                by_ref.insert(id, (file, rule));
            }
        }
        let mut d = Detections {
            engine,
            infos,
            loaded,
            problems,
            skipped: self.skipped,
            correlations: Vec::new(),
            referenced: Vec::new(),
            referenced_ids: Default::default(),
            silent_ids: Default::default(),
            correlation_fields: Default::default(),
            needs_full_record,
            ordered: Default::default(),
        };
        let correlations = self.correlations;
        add_correlations(&mut d, correlations, &by_ref);
        let gate = super::gate::Gate::new(&d.correlations, &d.referenced);
        for rule in later {
            let id = rule.id.clone().unwrap_or_else(|| rule.title.clone());
            // Its correlation did not load: it runs as a rule of its own.
            let into = if gate.follows.contains_key(&id) {
                &mut d.ordered.followers
            } else {
                &mut d.engine
            };
            if let Err(e) = into.add(&rule) {
                tracing::warn!("rule {} not loaded: {e}", rule.title);
            }
        }
        d.ordered.leads = gate.leads.clone();
        for roles in gate.follows.values() {
            for r in roles {
                if !d.ordered.follow_roles.contains(r) {
                    d.ordered.follow_roles.push(r.clone());
                }
            }
        }
        d
    }
}

/// Correlations whose referenced rules all loaded (with ids) and which the correlation engine
/// accepts; the rest are problems.
fn add_correlations(
    d: &mut Detections,
    correlations: Vec<(String, CorrelationRule)>,
    by_ref: &HashMap<String, (String, SigmaRule)>,
) {
    let mut generating: HashSet<String> = HashSet::new();
    for (file, corr) in correlations {
        let mut refs = Vec::new();
        for r in &corr.rules {
            match by_ref.get(r) {
                Some((id, rule)) => refs.push((id.clone(), rule.clone())),
                None => {
                    let reason = format!(
                        "references rule {r}, which is not a loaded CloudTrail rule with an id"
                    );
                    d.problems.push(problem(&file, Some(&corr.title), reason));
                }
            }
        }
        if refs.len() != corr.rules.len() {
            continue;
        }
        // Validate with the engine that will run it.
        let mut check = CorrelationEngine::new(CorrelationConfig::default());
        let compiled = refs
            .iter()
            .try_for_each(|(_, r)| check.add_rule(r))
            .and_then(|_| check.add_correlation(&corr));
        if let Err(e) = compiled {
            d.problems
                .push(problem(&file, Some(&corr.title), e.to_string()));
            continue;
        }
        let id = corr.id.clone().unwrap_or_else(|| corr.title.clone());
        if d.infos.contains_key(&id) {
            let reason = format!("duplicate id {id}: the rule loaded first is kept");
            d.problems.push(problem(&file, Some(&corr.title), reason));
            continue;
        }
        for ((rid, _), reference) in refs.iter().zip(&corr.rules) {
            let wanted = d.correlation_fields.entry(rid.clone()).or_default();
            for f in fields::correlation_fields(&corr, reference) {
                if !wanted.contains(&f) {
                    wanted.push(f);
                }
            }
        }
        for (rid, rule) in refs {
            if corr.generate {
                generating.insert(rid.clone());
            }
            if d.referenced_ids.insert(rid) {
                d.referenced.push(rule);
            }
        }
        let (tactics, techniques) = attack_tags(&corr.tags);
        let info = Arc::new(RuleInfo {
            title: corr.title.clone(),
            id: id.clone(),
            name: corr.name.clone(),
            level: severity(corr.level),
            author: corr.author.clone(),
            tactics,
            techniques,
            file,
            correlation: true,
        });
        d.infos.insert(id, info.clone());
        d.loaded.push(info);
        d.correlations.push(corr);
    }
    d.silent_ids = d
        .referenced_ids
        .iter()
        .filter(|id| !generating.contains(*id))
        .cloned()
        .collect();
}
