//! Parsing the filter text into terms. Errors name the term and say what was expected.

use super::glob::Glob;
use super::{Cmp, Cond, Query, Term, FIELDS};
use crate::model::{EntityKind, Severity, Source};
use chrono::Duration;

/// Splits on whitespace, keeping `"quoted values"` (also after `field:`) together.
fn tokens(input: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in input.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Why filter text does not parse; shown under the filter line as typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("{0}: needs a value")]
    NoValue(String),
    #[error("unknown field '{field}' (fields: {known})")]
    UnknownField { field: String, known: String },
    #[error("source:{0}: expected health, guardduty, cloudtrail, securityhub, macie, inspector, accessanalyzer or monitors")]
    Source(String),
    #[error("since:{value}: {why}")]
    Since { value: String, why: String },
    #[error("{0}")]
    Severity(String),
    #[error("{field}:{value}: {why}")]
    Value {
        field: String,
        value: String,
        why: String,
    },
}

fn since_error(value: &str, why: impl Into<String>) -> ParseError {
    ParseError::Since {
        value: value.to_string(),
        why: why.into(),
    }
}

fn duration(v: &str) -> Result<Duration, ParseError> {
    let (num, unit) = v.split_at(v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len()));
    let n: i64 = num
        .parse()
        .map_err(|_| since_error(v, "expected a number and a unit, e.g. 2h"))?;
    let d = match unit {
        "s" => Duration::try_seconds(n),
        "m" | "" => Duration::try_minutes(n),
        "h" => Duration::try_hours(n),
        "d" => Duration::try_days(n),
        "w" => Duration::try_weeks(n),
        _ => return Err(since_error(v, "unit must be s, m, h, d or w")),
    };
    // A filter reaching back past any log is a typo; it must be said, not overflow.
    d.filter(|d| *d <= Duration::days(MAX_SINCE_DAYS))
        .ok_or_else(|| since_error(v, format!("too large (at most {MAX_SINCE_DAYS}d)")))
}

/// 100 years.
const MAX_SINCE_DAYS: i64 = 36_525;

fn severity(v: &str) -> Result<Cond, ParseError> {
    let (cmp, rest) = if let Some(r) = v.strip_prefix(">=") {
        (Cmp::Ge, r)
    } else if let Some(r) = v.strip_prefix("<=") {
        (Cmp::Le, r)
    } else if let Some(r) = v.strip_prefix('>') {
        (Cmp::Gt, r)
    } else if let Some(r) = v.strip_prefix('<') {
        (Cmp::Lt, r)
    } else if let Some(r) = v.strip_prefix('=') {
        (Cmp::Eq, r)
    } else {
        (Cmp::Eq, v)
    };
    Ok(Cond::Severity(
        cmp,
        rest.parse::<Severity>().map_err(ParseError::Severity)?,
    ))
}

fn cond(field: &str, value: &str) -> Result<Cond, ParseError> {
    if value.is_empty() {
        return Err(ParseError::NoValue(field.to_string()));
    }
    let g = || Glob::new(value);
    Ok(match field.to_ascii_lowercase().as_str() {
        "sev" | "severity" => severity(value)?,
        "type" | "kind" | "name" | "event" => Cond::Kind(g()),
        "user" | "actor" | "principal" | "role" => Cond::User(g()),
        "key" | "accesskey" => Cond::Entity(Some(EntityKind::AccessKey), g()),
        "ip" => Cond::Entity(Some(EntityKind::Ip), g()),
        "instance" | "i" => Cond::Entity(Some(EntityKind::Instance), g()),
        "bucket" => Cond::Entity(Some(EntityKind::Bucket), g()),
        "entity" | "e" => Cond::Entity(None, g()),
        "region" => Cond::Region(g()),
        "account" | "acct" => Cond::Account(g()),
        "source" | "src" => {
            let v = value.to_ascii_lowercase();
            let src = Source::ALL
                .into_iter()
                .find(|s| {
                    s.label().starts_with(&v)
                        || (v == "gd" && *s == Source::GuardDuty)
                        || (v == "ct" && *s == Source::CloudTrail)
                        || (v == "sh" && *s == Source::SecurityHub)
                        || (v == "aa" && *s == Source::AccessAnalyzer)
                })
                .ok_or_else(|| ParseError::Source(value.to_string()))?;
            Cond::Source(src)
        }
        "id" => Cond::Id(g()),
        "since" => Cond::Since(duration(value)?),
        "abuse" => Cond::Abuse(g()),
        "category" | "cat" => Cond::Category(g()),
        "rule" | "detection" | "det" => Cond::Rule(g()),
        "tactic" => Cond::Tactic(g()),
        "technique" | "ttp" => Cond::Technique(g()),
        "product" | "prod" => Cond::Product(g()),
        "workflow" | "wf" => Cond::Workflow(g()),
        "domain" | "dns" => Cond::Entity(Some(EntityKind::Domain), g()),
        "port" => super::flow::port(value)?,
        "proto" | "protocol" => super::flow::proto(value)?,
        "action" => super::flow::action(value)?,
        "bytes" => super::flow::bytes(value)?,
        other => {
            let names: Vec<&str> = FIELDS.iter().map(|(n, _)| *n).collect();
            return Err(ParseError::UnknownField {
                field: other.to_string(),
                known: names.join(", "),
            });
        }
    })
}

/// Parses filter text. Words without `field:` are fuzzy text; `-field:value` excludes.
pub fn parse(input: &str) -> Result<Query, ParseError> {
    let mut q = Query {
        text: input.to_string(),
        ..Query::default()
    };
    let mut fuzzy = Vec::new();
    for tok in tokens(input) {
        let (negate, body) = match tok.strip_prefix('-') {
            Some(rest) if rest.contains(':') => (true, rest),
            _ => (false, tok.as_str()),
        };
        match body.split_once(':') {
            // "arn:aws:..." or a time like "12:30" typed as text stays fuzzy text.
            Some((field, value))
                if field.chars().all(|c| c.is_ascii_alphabetic()) && field != "arn" =>
            {
                q.terms.push(Term {
                    negate,
                    cond: cond(field, value)?,
                });
            }
            _ => fuzzy.push(tok),
        }
    }
    q.fuzzy = fuzzy.join(" ");
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntitiesOf, Entity, Signal};
    use crate::query::matcher;
    use chrono::{TimeZone, Utc};

    fn signal() -> Signal {
        Signal {
            id: "cloudtrail:1".into(),
            source: Source::CloudTrail,
            time: Utc
                .with_ymd_and_hms(2024, 1, 1, 12, 0, 0)
                .single()
                .unwrap_or_default(),
            rare: crate::model::Rare {
                detections: thin_vec::thin_vec![crate::model::detection::Detection {
                    rule: std::sync::Arc::new(crate::model::detection::RuleInfo {
                        title: "Access key created".into(),
                        id: "5d1e…".into(),
                        name: Some("aws_iam_create_access_key".into()),
                        level: Severity::High,
                        author: Some("airc contributors".into()),
                        tactics: vec!["persistence".into()],
                        techniques: vec!["T1098.001".into()],
                        file: "builtin:persistence.yml".into(),
                        correlation: false,
                    }),
                    note: None,
                }],
                entities: thin_vec::thin_vec![
                    Entity::new(EntityKind::AccessKey, "AKIAEXAMPLEEXAMPLE12"),
                    Entity::new(EntityKind::IamUser, "alice"),
                    Entity::new(EntityKind::Ip, "203.0.113.9"),
                ],
                ..Default::default()
            }
            .boxed(),
            severity: Severity::High,
            facets: crate::model::Facets::new(crate::model::FacetFields {
                severity_reason: Default::default(),
                kind: "CreateAccessKey".into(),
                title: "iam:CreateAccessKey".into(),
                account: Some("111122223333".into()),
                region: Some("us-east-1".into()),
                category: Some("AwsApiCall".into()),
                actor: Some("alice".into()),
                ..Default::default()
            }),
            summary: crate::model::Summary::text(
                "alice called iam:CreateAccessKey on iam_user:mallory from 203.0.113.9",
            ),
            held: false,
            raw: crate::model::Raw::None,
        }
    }

    /// A signal no store holds: its own entities.
    fn own(s: &Signal) -> EntitiesOf<'_> {
        EntitiesOf::Own(s.own_entities().unwrap_or_default())
    }

    fn hit(q: &str) -> bool {
        let now = Utc
            .with_ymd_and_hms(2024, 1, 1, 13, 0, 0)
            .single()
            .unwrap_or_default();
        let s = signal();
        parse(q)
            .unwrap_or_else(|e| panic!("{q}: {e}"))
            .matches(&s, own(&s), now, &matcher())
            .is_some()
    }

    #[test]
    fn field_terms() {
        assert!(hit("sev:>=high"));
        assert!(!hit("sev:critical"));
        assert!(hit("sev:>medium"));
        assert!(hit("type:Create*"));
        assert!(!hit("type:Recon*"));
        assert!(hit("user:alice key:AKIA*"));
        assert!(hit("region:us-east-1 account:1111*"));
        assert!(hit("ip:203.0.113.9 source:ct"));
        assert!(hit("since:2h"));
        assert!(!hit("since:30m"));
        assert!(!hit("-user:alice"));
        assert!(hit("-source:health"));
        assert!(hit("user:\"alice\""));
        assert!(hit("tactic:persistence") && !hit("tactic:impact"));
        assert!(hit("technique:T1098*") && hit("technique:t1098.001") && !hit("technique:T1078*"));
        assert!(hit("rule:*access*key*") && hit("rule:aws_iam_create_access_key"));
        assert!(!hit("rule:StopLogging") && hit("-rule:StopLogging"));
    }

    #[test]
    fn product_workflow_and_security_hub_terms() {
        let mut s = signal();
        s.source = Source::GuardDuty;
        let hits = |s: &Signal, q: &str| {
            parse(q)
                .unwrap_or_else(|e| panic!("{q}: {e}"))
                .matches(s, own(s), Utc::now(), &matcher())
                .is_some()
        };
        // A GuardDuty finding of its own: its product is its source's, no workflow.
        assert!(hits(&s, "product:guardduty") && !hits(&s, "product:macie"));
        assert!(!hits(&s, "workflow:*") && !hits(&s, "source:securityhub"));
        // Merged with its Security Hub copy: Security Hub's workflow, and `source:sh` finds it.
        s.facets_mut().workflow = Some("NOTIFIED".into());
        assert!(hits(&s, "workflow:notified") && hits(&s, "-workflow:resolved"));
        assert!(hits(&s, "source:sh") && hits(&s, "source:guardduty"));
        s.source = Source::SecurityHub;
        s.facets_mut().product = Some("macie".into());
        assert!(hits(&s, "source:securityhub product:Macie") && !hits(&s, "source:macie"));
        assert!(hits(&s, "prod:mac* wf:NOT*"));
    }

    #[test]
    fn fuzzy_text_and_highlight_positions() {
        let now = Utc::now();
        let q = parse("mallory sev:high").unwrap_or_default();
        assert_eq!(q.fuzzy, "mallory");
        let s = signal();
        let h = q.matches(&s, own(&s), now, &matcher()).unwrap_or_default();
        let s = signal().summary().into_owned();
        let picked: String = h
            .summary_positions
            .iter()
            .filter_map(|i| s.chars().nth(*i))
            .collect();
        assert_eq!(picked, "mallory");
        assert!(hit("crtacckey"));
        assert!(!hit("zzzz"));
        // An ARN typed as text is not a field.
        assert_eq!(parse("arn:aws:iam::1:user/x").map(|q| q.terms.len()), Ok(0));
    }

    #[test]
    fn errors_say_what_was_expected() {
        assert!(parse("sev:urgent")
            .unwrap_err()
            .to_string()
            .contains("unknown severity"));
        assert!(parse("colour:red")
            .unwrap_err()
            .to_string()
            .contains("unknown field 'colour'"));
        assert!(parse("since:2y")
            .unwrap_err()
            .to_string()
            .contains("unit must be"));
        assert!(parse("since:100000000d")
            .unwrap_err()
            .to_string()
            .contains("too large"));
        assert!(parse("since:99999999999999999999w").is_err());
        assert!(parse("since:36525d").is_ok());
        assert!(parse("source:s3").is_ok(), "s3access");
        assert!(parse("source:nfs")
            .unwrap_err()
            .to_string()
            .contains("expected health"));
        assert!(parse("user:")
            .unwrap_err()
            .to_string()
            .contains("needs a value"));
    }
}
