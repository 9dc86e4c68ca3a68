//! Routing rules: which team, person or system each signal goes to, what is done automatically,
//! and which signals are sensitive. Defaults are embedded from `assets/rules.toml`; the user's
//! `<config>/rules.toml` or `--rules FILE` replaces the rules and merges targets by name.

pub mod gate;
pub mod matcher;
mod route;

use crate::model::EntitiesOf;
use crate::respond::Action;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

pub const DEFAULT_RULES: &str = include_str!("../../assets/rules.toml");

/// Automatic actions a rule may run without `allow_destructive`.
pub const SAFE_ACTIONS: &[&str] = &["open-incident", "pin", "tag", "snapshot", "notify"];

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Notifier {
    pub sns: Option<String>,
    pub webhook: Option<String>,
    pub command: Option<String>,
    /// How long one delivery may take, all of it (`"8s"`, `"1m"`; default 8 s): the HTTP
    /// answer, SNS's, or a command with its output pipes and children.
    pub timeout: Option<String>,
}

/// A delivery's deadline when the notifier sets none.
pub const DELIVERY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(8);

impl Notifier {
    pub fn deadline(&self) -> std::time::Duration {
        self.timeout
            .as_deref()
            .and_then(|t| humantime::parse_duration(t).ok())
            .filter(|d| !d.is_zero())
            .unwrap_or(DELIVERY_TIMEOUT)
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Target {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub notify: Vec<Notifier>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MatchDef {
    pub source: Option<String>,
    pub event_type: Option<String>,
    pub abuse: Option<String>,
    pub severity: Option<String>,
    pub service: Option<String>,
    pub region: Option<String>,
    pub account: Option<String>,
    pub entity_kind: Option<String>,
    pub entity: Option<String>,
    pub tag: Option<String>,
    pub text: Option<String>,
    /// A detection rule that matched the signal (title, name or id; `*` wildcards).
    pub detection: Option<String>,
    /// An ATT&CK tactic of the signal (its detections', or a GuardDuty finding's purpose).
    pub tactic: Option<String>,
    /// The signal's attack story scores at least this much (`airc watch`: sent once per story).
    pub story_score: Option<u32>,
    /// The signal's attack story spans at least this many ATT&CK tactics (sent once per story).
    pub story_tactics: Option<usize>,
    /// The product that made a finding (`macie`, `inspector`, `guardduty`; `*` wildcards).
    pub product: Option<String>,
    /// Security Hub's workflow status of a finding seen through it (`NEW`, `NOTIFIED`…).
    pub workflow: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub name: String,
    #[serde(rename = "match", default)]
    pub when: MatchDef,
    #[serde(default)]
    pub route: Vec<String>,
    #[serde(default)]
    pub stop: bool,
    #[serde(default)]
    pub sensitive: bool,
    /// Principals (ARN globs) allowed to see a sensitive signal's details.
    #[serde(default)]
    pub allow: Vec<String>,
    #[serde(default)]
    pub actions: Vec<String>,
    #[serde(default)]
    pub allow_destructive: bool,
    /// Actions suggested to the responder (never run automatically).
    #[serde(default)]
    pub suggest: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDef {
    #[serde(default)]
    targets: BTreeMap<String, Target>,
    #[serde(default, rename = "rule")]
    rules: Vec<RuleDef>,
}

/// A rule ready to match.
#[derive(Debug, Clone)]
pub struct Rule {
    pub def: RuleDef,
    pub(crate) m: matcher::Compiled,
}

#[derive(Debug, Clone, Default)]
pub struct Rules {
    pub rules: Vec<Rule>,
    pub targets: BTreeMap<String, Target>,
    /// Where the rules came from (for messages).
    pub origin: String,
}

/// Where a signal goes and what happens with it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Route {
    /// Names of the rules that matched, in order.
    pub rules: Vec<String>,
    pub targets: Vec<String>,
    pub sensitive: bool,
    /// (rule, action) to run automatically.
    pub actions: Vec<(String, String)>,
    pub suggest: Vec<String>,
    /// ARN globs allowed to see details (any matching rule's list).
    pub allow: Vec<String>,
    /// The attack story a story rule (`story_score`, `story_tactics`) matched, by id.
    pub story: Option<String>,
    /// The sensitive rules that matched and their targets: all a reader who may not see the
    /// signal is told of its route (`withheld`).
    pub sensitive_rules: Vec<String>,
    pub sensitive_targets: Vec<String>,
}

fn line_of(text: &str, needle: &str) -> usize {
    text.find(needle)
        .map(|i| text[..i].lines().count().max(1))
        .unwrap_or(0)
}

/// What is wrong with a rules file, naming the file, the line and the rule.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("{path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{origin}{}: {message}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Syntax {
        origin: String,
        line: Option<usize>,
        message: String,
    },
    #[error("{origin} line {line}: rule '{rule}': {problem}")]
    Rule {
        origin: String,
        line: usize,
        rule: String,
        problem: RuleProblem,
    },
}

/// What is wrong with one rule.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RuleProblem {
    #[error("routes to unknown target '{0}' (define [targets.{0}])")]
    UnknownTarget(String),
    #[error("unknown action '{0}'")]
    UnknownAction(String),
    #[error("allow entry '{0}' is not an ARN or an ARN glob (arn:*:iam::*:role/Security*)")]
    NotAnArn(String),
    #[error("'{0}' changes resources: it runs automatically only with allow_destructive = true")]
    Destructive(String),
    #[error("{0}")]
    Match(#[from] matcher::MatchError),
}

fn parse_file(text: &str, origin: &str) -> Result<FileDef, Error> {
    toml::from_str(text).map_err(|e| Error::Syntax {
        origin: origin.to_string(),
        line: e
            .span()
            .map(|s| text[..s.start.min(text.len())].lines().count().max(1)),
        message: e.message().to_string(),
    })
}

impl Rules {
    /// The embedded defaults.
    pub fn defaults() -> Rules {
        // The embedded file is checked by a test; an error here is a build defect.
        Rules::parse(DEFAULT_RULES, "assets/rules.toml", None).unwrap_or_default()
    }

    /// Parses a rules file; `base` supplies targets the file does not define (and the rules,
    /// when the file has none).
    pub fn parse(text: &str, origin: &str, base: Option<&Rules>) -> Result<Rules, Error> {
        let file = parse_file(text, origin)?;
        for (name, t) in &file.targets {
            for n in &t.notify {
                if let Some(bad) = n
                    .timeout
                    .as_deref()
                    .filter(|v| humantime::parse_duration(v).map_or(true, |d| d.is_zero()))
                {
                    return Err(Error::Syntax {
                        origin: origin.to_string(),
                        line: Some(line_of(text, &format!("[targets.{name}]"))),
                        message: format!(
                            "target '{name}': timeout '{bad}' is not a duration (8s, 30s, 1m)"
                        ),
                    });
                }
            }
        }
        let mut targets = base.map(|b| b.targets.clone()).unwrap_or_default();
        targets.extend(file.targets);
        let defs = if file.rules.is_empty() {
            base.map(|b| b.rules.iter().map(|r| r.def.clone()).collect())
                .unwrap_or_default()
        } else {
            file.rules
        };
        let mut rules = Vec::new();
        for mut def in defs {
            // The earlier short forms (`*:role/X`, `*:assumed-role/X`) are read as the ARN
            // globs they meant: a rules file written for them keeps its sensitivity.
            for a in def.allow.iter_mut() {
                if let Some(r) = a.strip_prefix("*:role/") {
                    *a = format!("arn:*:iam::*:role/{r}");
                } else if let Some(r) = a.strip_prefix("*:assumed-role/") {
                    *a = format!("arn:*:sts::*:assumed-role/{r}");
                }
            }
            let at = |problem: RuleProblem| Error::Rule {
                origin: origin.to_string(),
                line: line_of(text, &format!("\"{}\"", def.name)),
                rule: def.name.clone(),
                problem,
            };
            for t in &def.route {
                if !targets.contains_key(t) {
                    return Err(at(RuleProblem::UnknownTarget(t.clone())));
                }
            }
            for a in def.actions.iter().chain(&def.suggest) {
                let known = SAFE_ACTIONS.contains(&a.as_str()) || Action::from_name(a).is_some();
                if !known {
                    return Err(at(RuleProblem::UnknownAction(a.clone())));
                }
            }
            // An `allow` entry is an ARN or an ARN glob, field by field (`model::principal`):
            // anything else would match no one, silently.
            if let Some(bad) = def
                .allow
                .iter()
                .find(|a| !crate::model::principal::is_arn_pattern(a))
            {
                return Err(at(RuleProblem::NotAnArn(bad.clone())));
            }
            for a in &def.actions {
                if !SAFE_ACTIONS.contains(&a.as_str()) && !def.allow_destructive {
                    return Err(at(RuleProblem::Destructive(a.clone())));
                }
            }
            let m = matcher::Compiled::new(&def.when).map_err(|e| at(e.into()))?;
            rules.push(Rule { def, m });
        }
        Ok(Rules {
            rules,
            targets,
            origin: origin.to_string(),
        })
    }

    /// `--rules FILE`, else `<config>/rules.toml`, else the defaults.
    pub fn load(explicit: Option<&Path>, config_dir: Option<&Path>) -> Result<Rules, Error> {
        let defaults = Rules::defaults();
        let path = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => config_dir
                .map(|d| d.join("rules.toml"))
                .filter(|p| p.exists()),
        };
        match path {
            None => Ok(defaults),
            Some(p) => {
                let text = std::fs::read_to_string(&p).map_err(|e| Error::Read {
                    path: p.display().to_string(),
                    reason: e.to_string(),
                })?;
                Rules::parse(&text, &p.display().to_string(), Some(&defaults))
            }
        }
    }

    /// Where a signal goes. Rules about its story (`story_score`, `story_tactics`) never
    /// match here: `route_story` asks them.
    /// Some rule matches tags, which live in the original records: a replay for these rules
    /// keeps the records in memory rather than their places in files.
    pub fn read_records(&self) -> bool {
        self.rules.iter().any(|r| r.m.needs_record())
    }

    /// Some rule is about attack stories (`story_score`, `story_tactics`).
    pub fn has_story_rules(&self) -> bool {
        self.rules.iter().any(|r| r.m.needs_story())
    }

    pub fn route(&self, s: &crate::model::Signal, entities: EntitiesOf) -> Option<Route> {
        self.route_in(s, entities, None, false)
    }

    /// The rules about a signal's story that its story now meets (only those), with the story
    /// id on the route: `airc watch` sends this once per story and rule.
    pub fn route_story(
        &self,
        s: &crate::model::Signal,
        entities: EntitiesOf,
        story: &crate::stories::Story,
    ) -> Option<Route> {
        let mut r = self.route_in(s, entities, Some(story), true)?;
        r.story = Some(story.id.clone());
        Some(r)
    }

    fn route_in(
        &self,
        s: &crate::model::Signal,
        entities: EntitiesOf,
        story: Option<&crate::stories::Story>,
        story_rules_only: bool,
    ) -> Option<Route> {
        let mut r = Route::default();
        let mut stopped = false;
        for rule in &self.rules {
            if !rule.m.matches_in(s, entities, story) {
                continue;
            }
            if story_rules_only && !rule.m.needs_story() {
                // Sensitivity still comes from every rule the signal matches.
                r.note_sensitive(&rule.def);
                continue;
            }
            // Sensitivity is decided by every matching rule, before and regardless of `stop`:
            // an earlier rule that stops routing must not make a secret visible.
            r.note_sensitive(&rule.def);
            if stopped {
                continue;
            }
            r.rules.push(rule.def.name.clone());
            for t in &rule.def.route {
                if !r.targets.contains(t) {
                    r.targets.push(t.clone());
                }
            }
            r.actions.extend(
                rule.def
                    .actions
                    .iter()
                    .map(|a| (rule.def.name.clone(), a.clone())),
            );
            r.suggest.extend(rule.def.suggest.iter().cloned());
            if rule.def.stop {
                stopped = true;
            }
        }
        (!r.rules.is_empty()).then_some(r)
    }
}
