//! Notifiers: SNS publish, a webhook (JSON POST) and a local command (the signal as JSON on
//! stdin). Each delivery is retried with backoff and its outcome reported — never dropped.

pub mod command;
pub mod error;
pub mod redact;
pub mod webhook;

pub use error::DeliveryError;

use crate::aws::errors::classify;
use crate::model::{EntitiesOf, Signal};
use crate::rules::{Notifier, Route};
use serde_json::{json, Value};
use std::time::Duration;

/// SNS limits: subject under 100 characters of printable ASCII; message up to 256 KiB.
pub const SNS_SUBJECT_MAX: usize = 99;
pub const SNS_MESSAGE_MAX: usize = 256 * 1024;

/// What is sent about one routed signal.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub subject: String,
    pub body: Value,
    pub source: String,
    pub severity: String,
    pub event_type: String,
    pub targets: Vec<String>,
}

impl Message {
    /// The signal as sent; a sensitive signal the principal may not see keeps only what
    /// identifies it.
    pub fn of(s: &Signal, entities: EntitiesOf, route: &Route, principal: Option<&str>) -> Message {
        let shown = route.allows(principal);
        // What a reader who may not see it is told of its route: the sensitive rules only.
        let withheld;
        let route = if shown {
            route
        } else {
            withheld = route.withheld();
            &withheld
        };
        let summary = if shown {
            s.summary().into_owned()
        } else {
            format!(
                "sensitive: details withheld (rules {}); open it in airc as an allowed principal",
                route.rules.join(", ")
            )
        };
        let subject = format!("[{}] {} {}", s.severity.label(), s.source, s.kind());
        let body = json!({
            "id": s.id, "source": s.source, "time": s.time, "severity": s.severity.label(),
            "event_type": s.kind(), "title": if shown { s.title() } else { s.kind() },
            "summary": summary,
            "account": if shown { s.account() } else { None },
            "region": if shown { s.region() } else { None },
            "entities": if shown { json!(entities.to_vec()) } else { json!([]) },
            "sensitive": route.sensitive, "rules": route.rules, "targets": route.targets,
            "suggested_actions": route.suggest,
        });
        Message {
            subject: sns_subject(&subject),
            body,
            source: s.source.label().into(),
            severity: s.severity.label().into(),
            event_type: s.kind().to_string(),
            targets: route.targets.clone(),
        }
    }

    /// An attack story that met a story rule: what it is, how bad, who and what it involves
    /// (as seen by the principal: `story` comes through the gate), and the signal that made it.
    pub fn of_story(story: &crate::stories::Story, s: &Signal, route: &Route) -> Message {
        let subject = format!(
            "[{}] attack story {}: score {}, {} tactics, {} signals",
            story.severity.label(),
            story.id,
            story.score,
            story.tactics.len(),
            story.signals
        );
        let body = json!({
            "event_type": "attack_story", "story": story.id, "score": story.score, "severity": story.severity.label(),
            "first": story.first, "last": story.last, "signals": story.signals,
            "tactics": story.tactics, "principals": story.principals, "ips": story.ips,
            "resources": story.resources, "latest_signal": s.id,
            "rules": route.rules, "targets": route.targets, "suggested_actions": route.suggest,
        });
        Message {
            subject: sns_subject(&subject),
            body,
            source: "story".into(),
            severity: story.severity.label().into(),
            event_type: "attack_story".into(),
            targets: route.targets.clone(),
        }
    }

    /// The body as text, cut to fit SNS (the summary shortened first).
    pub fn text(&self, max: usize) -> String {
        let t = self.body.to_string();
        if t.len() <= max {
            return t;
        }
        let mut b = self.body.clone();
        b["summary"] = json!("(cut: the message exceeded the notifier's size limit)");
        b["entities"] = json!([]);
        b.to_string().chars().take(max).collect()
    }
}

/// Printable ASCII only (SNS refuses the rest), under 100 characters.
pub fn sns_subject(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .collect();
    clean.chars().take(SNS_SUBJECT_MAX).collect()
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Delivery {
    pub target: String,
    pub notifier: String,
    pub ok: bool,
    pub attempts: u32,
    pub detail: String,
}

/// The name a delivery is remembered by: the target's name and the notifier's exact settings
/// (the full URL, command or topic), hashed — never the redacted description, which two
/// webhooks on one host share.
pub fn key(target: &str, n: &Notifier) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [
        Some(target),
        n.sns.as_deref(),
        n.webhook.as_deref(),
        n.command.as_deref(),
    ] {
        let p = part.unwrap_or("");
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    hex::encode(&h.finalize()[..12])
}

pub fn describe(n: &Notifier) -> String {
    match (&n.sns, &n.webhook, &n.command) {
        (Some(a), _, _) => format!("sns {a}"),
        (_, Some(u), _) => format!("webhook {}", redact::url(u)),
        (_, _, Some(c)) => format!("command {}", redact::command(c)),
        _ => "nothing (empty notifier)".into(),
    }
}

/// What deliveries are sent with: the SNS client for the topic's region, the shared HTTP client.
pub struct Senders<'a> {
    pub sns: Option<&'a aws_sdk_sns::Client>,
    pub http: &'a webhook::Http,
}

async fn once(n: &Notifier, m: &Message, with: &Senders<'_>) -> Result<String, DeliveryError> {
    let sns = with.sns;
    let deadline = n.deadline();
    if let Some(topic) = &n.sns {
        return tokio::time::timeout(deadline, publish(topic, m, sns))
            .await
            .map_err(|_| DeliveryError::SnsTimeout {
                target: describe(n),
                secs: deadline.as_secs(),
            })?;
    }
    if let Some(url) = &n.webhook {
        return webhook::post(with.http, url, &m.text(SNS_MESSAGE_MAX), deadline).await;
    }
    if let Some(cmd) = &n.command {
        return command::run(cmd, &m.body.to_string(), deadline).await;
    }
    Err(DeliveryError::NoTarget)
}

async fn publish(
    topic: &str,
    m: &Message,
    sns: Option<&aws_sdk_sns::Client>,
) -> Result<String, DeliveryError> {
    {
        let sns = sns.ok_or(DeliveryError::NoAws)?;
        let attr = |v: &str| {
            aws_sdk_sns::types::MessageAttributeValue::builder()
                .data_type("String")
                .string_value(v)
                .build()
                .map_err(|e| DeliveryError::Sns(e.to_string()))
        };
        let targets = aws_sdk_sns::types::MessageAttributeValue::builder()
            .data_type("String.Array")
            .string_value(json!(m.targets).to_string())
            .build()
            .map_err(|e| DeliveryError::Sns(e.to_string()))?;
        let out = sns
            .publish()
            .topic_arn(topic)
            .subject(&m.subject)
            .message(m.text(SNS_MESSAGE_MAX))
            .message_attributes("airc_source", attr(&m.source)?)
            .message_attributes("airc_severity", attr(&m.severity)?)
            .message_attributes("airc_event_type", attr(&m.event_type)?)
            .message_attributes("airc_targets", targets)
            .send()
            .await
            .map_err(|e| DeliveryError::Sns(classify(&e, "sns:Publish").to_string()))?;
        Ok(format!("message {}", out.message_id().unwrap_or("?")))
    }
}

/// Delivers with up to `attempts` tries, waiting `base`, 2·base, … between them.
pub async fn deliver(
    target: &str,
    n: &Notifier,
    m: &Message,
    with: &Senders<'_>,
    attempts: u32,
    base: Duration,
) -> Delivery {
    let mut last = String::new();
    for i in 1..=attempts.max(1) {
        match once(n, m, with).await {
            Ok(detail) => {
                return Delivery {
                    target: target.into(),
                    notifier: describe(n),
                    ok: true,
                    attempts: i,
                    detail,
                };
            }
            Err(e) => {
                last = e.to_string();
                // A delivery that ran out of time may have gone through, and its notifier is
                // stuck or slow: it is reported, not tried again at once.
                if e.is_timeout() {
                    return Delivery {
                        target: target.into(),
                        notifier: describe(n),
                        ok: false,
                        attempts: i,
                        detail: format!("timed out: {last}"),
                    };
                }
                if i < attempts {
                    tokio::time::sleep(base.saturating_mul(1 << (i - 1).min(6))).await;
                }
            }
        }
    }
    Delivery {
        target: target.into(),
        notifier: describe(n),
        ok: false,
        attempts: attempts.max(1),
        detail: last,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_fit_sns_and_sensitive_details_are_withheld() {
        let s = sns_subject(&format!("[HIGH] health {}\n\u{1b}[31m", "X".repeat(200)));
        assert!(s.len() <= 99 && s.chars().all(|c| c.is_ascii_graphic() || c == ' '));
        let sig = crate::model::Signal {
            id: "health:a".into(),
            source: crate::model::Source::Health,
            time: chrono::Utc::now(),
            rare: None,
            severity: crate::model::Severity::High,
            facets: crate::model::Facets::new(crate::model::FacetFields {
                severity_reason: Default::default(),
                kind: "AWS_ABUSE_DOS_REPORT".into(),
                title: "t".into(),
                account: None,
                region: None,
                category: None,
                actor: None,
                ..Default::default()
            }),
            summary: crate::model::Summary::text("victim 198.51.100.7 reports a flood"),
            held: false,
            raw: crate::model::Raw::None,
        };
        let route = Route {
            rules: vec!["abuse-dos".into()],
            targets: vec!["security".into()],
            sensitive: true,
            allow: vec!["arn:aws:iam::1:role/Security*".into()],
            ..Default::default()
        };
        let hidden = Message::of(
            &sig,
            EntitiesOf::NONE,
            &route,
            Some("arn:aws:iam::1:user/bob"),
        );
        assert!(!hidden.body.to_string().contains("198.51.100.7"));
        // The content rules that matched before the sensitive one are not named to a reader
        // who may not see it (they would say what it is about); the allowed one reads them.
        let route = Route {
            rules: vec!["mentions-victim".into(), "abuse-dos".into()],
            targets: vec!["ci-team".into(), "security".into()],
            suggest: vec!["isolate".into()],
            sensitive_rules: vec!["abuse-dos".into()],
            sensitive_targets: vec!["security".into()],
            ..route
        };
        let hidden = Message::of(
            &sig,
            EntitiesOf::NONE,
            &route,
            Some("arn:aws:iam::1:user/bob"),
        );
        assert_eq!(hidden.body["rules"], json!(["abuse-dos"]));
        assert_eq!(hidden.body["targets"], json!(["security"]));
        assert_eq!(hidden.body["suggested_actions"], json!([]));
        assert!(!hidden.body.to_string().contains("mentions-victim"));
        let allowed = Some("arn:aws:iam::1:role/SecurityOncall");
        let seen = Message::of(&sig, EntitiesOf::NONE, &route, allowed);
        assert_eq!(seen.body["rules"], json!(["mentions-victim", "abuse-dos"]));
        let shown = Message::of(
            &sig,
            EntitiesOf::NONE,
            &route,
            Some("arn:aws:iam::1:role/SecurityOncall"),
        );
        assert!(shown.body.to_string().contains("198.51.100.7"));
        let big = Message {
            body: json!({"summary": "x".repeat(300_000)}),
            ..shown
        };
        assert!(big.text(SNS_MESSAGE_MAX).len() <= SNS_MESSAGE_MAX);
    }
}
