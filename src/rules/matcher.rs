//! One rule's `match` table, compiled: every given key must hold.

use super::MatchDef;
use crate::model::{EntitiesOf, Severity, Signal, Source};
use crate::query::glob::Glob;

#[derive(Debug, Clone, Default)]
pub struct Compiled {
    source: Option<Source>,
    event_type: Option<Glob>,
    abuse: Option<Glob>,
    severity: Option<Severity>,
    service: Option<Glob>,
    region: Option<Glob>,
    account: Option<Glob>,
    entity_kind: Option<String>,
    entity: Option<Glob>,
    tag: Option<(String, String)>,
    text: Option<String>,
    detection: Option<Glob>,
    tactic: Option<Glob>,
    story_score: Option<u32>,
    story_tactics: Option<usize>,
    product: Option<Glob>,
    workflow: Option<Glob>,
}

/// A `match` value that means nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MatchError {
    #[error("source '{0}' is not health, guardduty, cloudtrail, securityhub, macie, inspector, accessanalyzer or monitors")]
    Source(String),
    #[error("severity '{0}' is not info, low, medium, high or critical")]
    Severity(String),
    #[error("tag '{0}' is not key=value")]
    Tag(String),
}

impl Compiled {
    pub fn new(d: &MatchDef) -> Result<Compiled, MatchError> {
        let g = |v: &Option<String>| v.as_deref().map(Glob::new);
        let source = match d.source.as_deref() {
            None => None,
            Some(s) => Some(
                Source::ALL
                    .into_iter()
                    .find(|x| x.label() == s.to_ascii_lowercase())
                    .ok_or_else(|| MatchError::Source(s.to_string()))?,
            ),
        };
        let severity = match d.severity.as_deref() {
            None => None,
            Some(s) => Some(
                s.parse::<Severity>()
                    .map_err(|_| MatchError::Severity(s.to_string()))?,
            ),
        };
        let tag = match d.tag.as_deref() {
            None => None,
            Some(t) => {
                let (k, v) = t
                    .split_once('=')
                    .ok_or_else(|| MatchError::Tag(t.to_string()))?;
                Some((k.to_string(), v.to_string()))
            }
        };
        Ok(Compiled {
            source,
            event_type: g(&d.event_type),
            abuse: g(&d.abuse),
            severity,
            service: g(&d.service),
            region: g(&d.region),
            account: g(&d.account),
            entity_kind: d.entity_kind.as_ref().map(|k| k.to_ascii_lowercase()),
            entity: g(&d.entity),
            tag,
            text: d.text.as_ref().map(|t| t.to_lowercase()),
            detection: g(&d.detection),
            tactic: g(&d.tactic),
            story_score: d.story_score,
            story_tactics: d.story_tactics,
            product: g(&d.product),
            workflow: g(&d.workflow),
        })
    }

    /// The rule reads the original record (tags): it needs it in memory.
    pub fn needs_record(&self) -> bool {
        self.tag.is_some()
    }

    /// The rule asks about the signal's attack story.
    pub fn needs_story(&self) -> bool {
        self.story_score.is_some() || self.story_tactics.is_some()
    }

    /// `matches`, with the signal's story for the story keys (a story key never holds
    /// without one).
    pub fn matches_in(
        &self,
        s: &Signal,
        entities: EntitiesOf,
        story: Option<&crate::stories::Story>,
    ) -> bool {
        let story_ok = match story {
            None => !self.needs_story(),
            Some(st) => {
                self.story_score.is_none_or(|min| st.score >= min)
                    && self.story_tactics.is_none_or(|min| st.tactics.len() >= min)
            }
        };
        story_ok && self.matches(s, entities)
    }

    fn matches(&self, s: &Signal, entities: EntitiesOf) -> bool {
        let opt = |g: &Option<Glob>, v: Option<&str>| {
            g.as_ref().is_none_or(|g| v.is_some_and(|v| g.is_match(v)))
        };
        // `securityhub` also holds for a finding merged with its copy there, as in filters.
        self.source
            .is_none_or(|x| x == s.source || (x == Source::SecurityHub && s.via_securityhub()))
            && opt(&self.event_type, Some(s.kind()))
            && opt(&self.product, Some(s.product()))
            && opt(&self.workflow, s.workflow())
            && self.abuse.as_ref().is_none_or(|g| {
                s.abuse()
                    .is_some_and(|a| g.is_match(&format!("{a:?}")) || g.is_match(a.label()))
            })
            && self.severity.is_none_or(|min| s.severity >= min)
            && opt(&self.service, service_of(s).as_deref())
            && opt(&self.region, s.region())
            // The signal's account; a signal that names none (an organization Health event
            // affecting several) matches by the accounts it names. A signal of one account
            // never matches by another it mentions (a finding's remote caller).
            && self.account.as_ref().is_none_or(|g| match s.account() {
                Some(a) => g.is_match(a),
                None => entities
                    .iter()
                    .any(|e| e.kind == crate::model::EntityKind::Account && g.is_match(&e.id)),
            })
            && self
                .entity_kind
                .as_ref()
                .is_none_or(|k| entities.iter().any(|e| e.kind.label() == k))
            && self
                .entity
                .as_ref()
                .is_none_or(|g| entities.iter().any(|e| g.is_match(&e.id)))
            && self
                .tag
                .as_ref()
                .is_none_or(|(k, v)| has_tag(&s.raw.decoded(), k, v))
            && self.text.as_ref().is_none_or(|t| {
                s.title().to_lowercase().contains(t) || s.summary().to_lowercase().contains(t)
            })
            && self.detection.as_ref().is_none_or(|g| {
                s.detections()
                    .iter()
                    .any(|d| d.rule.names().any(|n| g.is_match(n)))
            })
            && self.tactic.as_ref().is_none_or(|g| {
                crate::model::detection::signal_tactics(s)
                    .iter()
                    .any(|t| g.is_match(t))
            })
    }
}

/// The AWS service a signal is about: `EC2` from `AWS_EC2_…`, `ec2` from `ec2:RunInstances`,
/// `EC2` from `Recon:EC2/PortProbe…`.
pub fn service_of(s: &Signal) -> Option<String> {
    match s.source {
        Source::Health => s
            .kind()
            .strip_prefix("AWS_")
            .and_then(|r| r.split('_').next())
            .map(String::from),
        Source::CloudTrail => s.title().split_once(':').map(|(svc, _)| svc.to_string()),
        Source::GuardDuty => guardduty_service(s.kind()),
        Source::SecurityHub if s.product() == "guardduty" => guardduty_service(s.kind()),
        Source::Macie | Source::S3Access => Some("S3".into()),
        Source::Dns => Some("Route53Resolver".into()),
        Source::Network => Some("VPC".into()),
        Source::SecurityHub | Source::Inspector | Source::AccessAnalyzer => {
            s.category().and_then(service_of_resource_type)
        }
        // `CloudWatchAlarm:AWS/EC2/CPUUtilization` → EC2, `CostAnomaly:Amazon EC2` → Amazon EC2.
        Source::Monitors => s.kind().split_once(':').map(|(_, r)| {
            let r = r.strip_prefix("AWS/").unwrap_or(r);
            r.split('/').next().unwrap_or(r).to_string()
        }),
    }
}

fn guardduty_service(kind: &str) -> Option<String> {
    kind.split_once(':')
        .and_then(|(_, r)| r.split('/').next())
        .map(String::from)
}

/// `AWS::S3::Bucket`, `AWS_EC2_INSTANCE`, `AwsEc2Instance` → S3, EC2, EC2.
fn service_of_resource_type(t: &str) -> Option<String> {
    if let Some(rest) = t.strip_prefix("AWS::") {
        return rest.split("::").next().map(String::from);
    }
    if let Some(rest) = t.strip_prefix("AWS_") {
        return rest.split('_').next().map(String::from);
    }
    let rest = t.strip_prefix("Aws")?;
    let end = rest
        .char_indices()
        .skip(1)
        .find(|(_, c)| c.is_ascii_uppercase())
        .map_or(rest.len(), |(i, _)| i);
    Some(rest[..end].to_ascii_uppercase())
}

/// A `tags` (or `Tags`) object, or a list of `{Key, Value}`, anywhere in the record.
fn has_tag(v: &serde_json::Value, key: &str, value: &str) -> bool {
    use serde_json::Value;
    match v {
        Value::Object(m) => m.iter().any(|(k, x)| {
            let here = k.eq_ignore_ascii_case("tags")
                && match x {
                    Value::Object(t) => t.get(key).and_then(Value::as_str) == Some(value),
                    Value::Array(a) => a.iter().any(|t| {
                        let get = |n: &str| {
                            t.get(n)
                                .or_else(|| t.get(n.to_lowercase()))
                                .and_then(Value::as_str)
                        };
                        get("Key") == Some(key) && get("Value") == Some(value)
                    }),
                    _ => false,
                };
            here || has_tag(x, key, value)
        }),
        Value::Array(a) => a.iter().any(|x| has_tag(x, key, value)),
        _ => false,
    }
}
