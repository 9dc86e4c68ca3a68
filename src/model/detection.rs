//! A detection: a rule (Sigma) that matched a record, carried on the signal it matched.
//!
//! The rule's description is shared (`Arc`) by every signal it matched, so a rule that matches a
//! hundred thousand records costs one pointer per record.

use super::Severity;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// What a responder needs to know about a rule wherever one of its matches is shown. Sigma's
/// Detection Rule License asks that the author be credited with every match, hence `author`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleInfo {
    pub title: String,
    /// The rule's `id` (a UUID in Sigma), or its title when it has none.
    pub id: String,
    /// The rule's `name`, when it has one (the built-in pack names every rule).
    #[serde(default)]
    pub name: Option<String>,
    pub level: Severity,
    #[serde(default)]
    pub author: Option<String>,
    /// ATT&CK tactics from the tags, as Sigma writes them (`persistence`, `defense-evasion`).
    #[serde(default)]
    pub tactics: Vec<String>,
    /// ATT&CK techniques from the tags, upper case (`T1078`, `T1098.001`).
    #[serde(default)]
    pub techniques: Vec<String>,
    /// Where the rule came from: a file path, or `builtin:<file>` for the embedded pack.
    #[serde(default)]
    pub file: String,
    /// A correlation rule (it counts or orders several events).
    #[serde(default)]
    pub correlation: bool,
}

impl RuleInfo {
    /// What a filter or a routing rule may name it by: title, id, name.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        [
            Some(self.title.as_str()),
            Some(self.id.as_str()),
            self.name.as_deref(),
        ]
        .into_iter()
        .flatten()
    }

    /// "title (level, by author)" for one line of a view or a notification.
    pub fn credit(&self) -> String {
        match &self.author {
            Some(a) => format!("{} ({}, by {a})", self.title, self.level),
            None => format!("{} ({})", self.title, self.level),
        }
    }
}

/// One rule that matched one signal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detection {
    pub rule: Arc<RuleInfo>,
    /// For a correlation: what it counted ("12 events in 5m, userIdentity.arn=…").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What a correlation rule needs from one matched record, carried from the thread that matched
/// it to the store (where correlations run in arrival order): the ids of the rules it matched
/// that correlations reference, and the values of the fields they group or count by.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CorrelationInput {
    pub rules: Vec<String>,
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// The ATT&CK tactics in kill-chain order (Enterprise matrix), as Sigma tags spell them; used
/// to sort and to tell a tactic tag from a technique tag.
pub const TACTICS: &[&str] = &[
    "reconnaissance",
    "resource-development",
    "initial-access",
    "execution",
    "persistence",
    "privilege-escalation",
    "defense-evasion",
    "credential-access",
    "discovery",
    "lateral-movement",
    "collection",
    "command-and-control",
    "exfiltration",
    "impact",
];

/// Splits Sigma tags into (tactics, techniques): `attack.persistence` is a tactic,
/// `attack.t1098.001` a technique; other tags are dropped. Tactics come out in kill-chain order.
pub fn attack_tags(tags: &[String]) -> (Vec<String>, Vec<String>) {
    let mut tactics = Vec::new();
    let mut techniques = Vec::new();
    for tag in tags {
        let Some(rest) = tag.strip_prefix("attack.") else {
            continue;
        };
        let rest = rest.trim().to_ascii_lowercase().replace('_', "-");
        if TACTICS.contains(&rest.as_str()) {
            if !tactics.contains(&rest) {
                tactics.push(rest);
            }
        } else if rest.starts_with('t') && rest[1..].starts_with(|c: char| c.is_ascii_digit()) {
            let t = rest.to_ascii_uppercase();
            if !techniques.contains(&t) {
                techniques.push(t);
            }
        }
    }
    tactics.sort_by_key(|t| TACTICS.iter().position(|x| x == t));
    (tactics, techniques)
}

/// The ATT&CK tactic a GuardDuty finding type names by its threat purpose (the part before
/// the colon: `Persistence:IAMUser/...`), when it names one.
pub fn guardduty_tactic(finding_type: &str) -> Option<&'static str> {
    let purpose = finding_type.split(':').next()?;
    Some(match purpose {
        "InitialAccess" => "initial-access",
        "Execution" => "execution",
        "Persistence" => "persistence",
        "PrivilegeEscalation" => "privilege-escalation",
        "DefenseEvasion" | "Stealth" => "defense-evasion",
        "CredentialAccess" => "credential-access",
        "Discovery" | "Recon" => "discovery",
        "Exfiltration" => "exfiltration",
        "Impact" | "CryptoCurrency" | "Cryptocurrency" => "impact",
        "Backdoor" | "Trojan" => "command-and-control",
        _ => return None,
    })
}

/// The tactics of a signal: its detections' and, for a GuardDuty finding, its threat purpose's;
/// in kill-chain order, each once.
pub fn signal_tactics(s: &super::Signal) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for d in s.detections() {
        for t in &d.rule.tactics {
            if !out.contains(&t.as_str()) {
                out.push(t);
            }
        }
    }
    if s.source == super::Source::GuardDuty || s.product() == "guardduty" {
        if let Some(t) = guardduty_tactic(s.kind()) {
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    out.sort_by_key(|t| TACTICS.iter().position(|x| x == t));
    out
}

/// The highest level among the detections, if any.
pub fn top_level(detections: &[Detection]) -> Option<Severity> {
    detections.iter().map(|d| d.rule.level).max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_split_into_tactics_and_techniques_in_kill_chain_order() {
        let tags: Vec<String> = [
            "attack.defense-evasion",
            "attack.t1562.008",
            "attack.initial_access",
            "attack.T1078",
            "cve.2021-1234",
            "attack.g0016",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let (tactics, techniques) = attack_tags(&tags);
        assert_eq!(tactics, ["initial-access", "defense-evasion"]);
        assert_eq!(techniques, ["T1562.008", "T1078"]);
    }
}
