//! GuardDuty attack sequences (`AttackSequence:*` findings, Extended Threat Detection): the
//! sequence GuardDuty correlated — its signals (findings it raised, API calls, S3 data events),
//! actors, resources and network endpoints, and indicators (ATT&CK tactics and techniques,
//! high-risk APIs, malicious IPs) under `service.detection.sequence`.
//!
//! The sequence's principals, keys, resources and addresses become the finding's entities, so it
//! joins the rows and stories it names; its tactics and techniques become a detection carried on
//! the signal (the same one gate answers `tactic:`, routing and stories); `steps` lays the
//! signals out in time for the detail view.

use super::json_path::{array_at, f64_at, get, path, str_at};
use crate::model::detection::{Detection, RuleInfo, TACTICS};
use crate::model::{time, Entity, EntityKind, Severity};
use serde_json::Value;
use std::sync::Arc;

/// The sequence of a finding, when it is an attack sequence.
pub fn sequence(f: &Value) -> Option<&Value> {
    path(f, &["service", "detection", "sequence"]).filter(|s| s.is_object())
}

/// The entities the sequence names: actors' users and keys, resources, endpoints' addresses.
pub fn add_entities(f: &Value, out: &mut Vec<Entity>) {
    let Some(seq) = sequence(f) else {
        return;
    };
    let mut push = |e: Option<Entity>| {
        if let Some(e) = e.filter(|e| !e.id.is_empty()) {
            if !out.contains(&e) && out.len() < 4 * crate::model::signal::MAX_ENTITIES {
                out.push(e);
            }
        }
    };
    // Each actor and resource in the account its record names; a resource that names none is
    // the finding's.
    let finding_account = str_at(f, &["accountId"]);
    for actor in array_at(seq, &["actors"]) {
        let user = get(actor, "user");
        let account = user.and_then(|u| str_at(u, &["account", "uid"]));
        let kind = match user.and_then(|u| str_at(u, &["type"])) {
            Some(t) if t.contains("Role") => EntityKind::IamRole,
            Some("Root") => EntityKind::Account,
            _ => EntityKind::IamUser,
        };
        if kind != EntityKind::Account {
            push(
                user.and_then(|u| str_at(u, &["name"]))
                    .map(|n| Entity::new(kind, n).in_account(account)),
            );
        }
        push(
            user.and_then(|u| str_at(u, &["credentialUid"]))
                .and_then(Entity::from_id)
                .map(|k| k.in_account(account)),
        );
    }
    for r in array_at(seq, &["resources"]) {
        let uid = str_at(r, &["uid"]);
        let named = match str_at(r, &["resourceType"]).unwrap_or("") {
            "S3_BUCKET" if uid.is_some_and(|u| !u.starts_with("arn:")) => {
                // A name that is no bucket's is no entity (not even `other`).
                let Some(b) = uid.and_then(|u| Entity::checked(EntityKind::Bucket, u)) else {
                    continue;
                };
                Some(b)
            }
            "ACCESS_KEY" => uid.and_then(Entity::from_id),
            _ => None,
        };
        push(
            named
                .or_else(|| uid.and_then(super::finding_parts::resource))
                .map(|e| match e.kind {
                    EntityKind::Account | EntityKind::Ip => e,
                    _ => e.in_account(str_at(r, &["accountId"]).or(finding_account)),
                }),
        );
    }
    for ep in array_at(seq, &["endpoints"]) {
        push(
            str_at(ep, &["ip"])
                .and_then(Entity::from_id)
                .filter(|e| e.kind == EntityKind::Ip),
        );
    }
}

/// `ATTACK_TACTIC` values as ATT&CK's tactic names (`Defense Evasion` → `defense-evasion`).
fn tactic(v: &str) -> Option<&'static str> {
    let t = v.trim().to_ascii_lowercase().replace([' ', '_'], "-");
    TACTICS.iter().copied().find(|x| *x == t)
}

/// `ATTACK_TECHNIQUE` values: a technique id at their start (`T1078`, `T1098.001 - Account
/// Manipulation`), else none.
fn technique(v: &str) -> Option<String> {
    let id = v.trim().split([' ', ':']).next()?.to_ascii_uppercase();
    let digits = id.strip_prefix('T')?;
    (digits.len() >= 4 && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')).then_some(id)
}

/// The sequence's tactics and techniques as a detection on the finding, so `tactic:`, routing
/// rules and stories read them like any rule's.
pub fn detections(f: &Value) -> thin_vec::ThinVec<Detection> {
    let mut out = thin_vec::ThinVec::new();
    let Some(seq) = sequence(f) else {
        return out;
    };
    let mut tactics: Vec<String> = Vec::new();
    let mut techniques: Vec<String> = Vec::new();
    for ind in array_at(seq, &["sequenceIndicators"]) {
        let values = array_at(ind, &["values"]).iter().filter_map(Value::as_str);
        match str_at(ind, &["key"]) {
            Some("ATTACK_TACTIC") => tactics.extend(values.filter_map(tactic).map(String::from)),
            Some("ATTACK_TECHNIQUE") => techniques.extend(values.filter_map(technique)),
            _ => {}
        }
    }
    tactics.sort_by_key(|t| TACTICS.iter().position(|x| x == t));
    tactics.dedup();
    techniques.dedup();
    let level = Severity::from_guardduty(f64_at(f, &["severity"]).unwrap_or(0.0));
    out.push(Detection {
        rule: Arc::new(RuleInfo {
            title: format!(
                "GuardDuty attack sequence ({} signals)",
                array_at(seq, &["signals"]).len()
            ),
            id: str_at(seq, &["uid"])
                .unwrap_or("attack-sequence")
                .to_string(),
            name: str_at(f, &["type"]).map(str::to_string),
            level,
            author: Some("Amazon GuardDuty".into()),
            tactics,
            techniques,
            file: "guardduty:attack-sequence".into(),
            correlation: true,
        }),
        note: None,
    });
    out
}

/// One signal of a sequence, as the detail view lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub first_seen: Option<chrono::DateTime<chrono::Utc>>,
    /// FINDING, CLOUD_TRAIL, S3_DATA_EVENTS…
    pub kind: String,
    /// The finding type or the API called.
    pub name: String,
    pub description: String,
    pub count: u64,
    /// The signal's own id (a finding's id for FINDING signals).
    pub uid: String,
    /// Who, on what, from where: the sequence's actors, resources and endpoints it names.
    pub actors: Vec<String>,
    /// The access keys of its actors (to find their calls in CloudTrail).
    pub keys: Vec<String>,
    pub resources: Vec<String>,
    pub endpoints: Vec<String>,
    /// The signal's indicators: "MALICIOUS_IP 203.0.113.66", "ATTACK_TACTIC Persistence".
    pub indicators: Vec<String>,
}

/// The sequence's signals in the order they were first seen.
pub fn steps(f: &Value) -> Vec<Step> {
    let Some(seq) = sequence(f) else {
        return Vec::new();
    };
    let lookup = |list: &str,
                  id_key: &str,
                  show: &dyn Fn(&Value) -> Option<String>,
                  ids: &[Value]|
     -> Vec<String> {
        ids.iter()
            .filter_map(Value::as_str)
            .map(|id| {
                array_at(seq, &[list])
                    .iter()
                    .find(|x| str_at(x, &[id_key]) == Some(id))
                    .and_then(show)
                    .unwrap_or_else(|| id.to_string())
            })
            .collect()
    };
    let actor = |a: &Value| {
        let name = path(a, &["user", "name"]).and_then(Value::as_str)?;
        Some(
            match path(a, &["user", "credentialUid"]).and_then(Value::as_str) {
                Some(k) => format!("{name} ({k})"),
                None => name.to_string(),
            },
        )
    };
    let resource = |r: &Value| {
        str_at(r, &["name"])
            .or(str_at(r, &["uid"]))
            .map(str::to_string)
    };
    let endpoint = |e: &Value| {
        let ip = str_at(e, &["ip"]).or(str_at(e, &["domain"]))?;
        Some(
            match path(e, &["location", "country"]).and_then(Value::as_str) {
                Some(c) => format!("{ip} ({c})"),
                None => ip.to_string(),
            },
        )
    };
    let mut out: Vec<Step> = array_at(seq, &["signals"])
        .iter()
        .map(|s| Step {
            first_seen: get(s, "firstSeenAt")
                .or(get(s, "createdAt"))
                .and_then(time::parse_value),
            kind: str_at(s, &["type"]).unwrap_or("SIGNAL").to_string(),
            name: str_at(s, &["name"]).unwrap_or("?").to_string(),
            description: str_at(s, &["description"]).unwrap_or("").to_string(),
            count: f64_at(s, &["count"]).unwrap_or(1.0).max(0.0) as u64,
            uid: str_at(s, &["uid"]).unwrap_or("").to_string(),
            actors: lookup("actors", "id", &actor, array_at(s, &["actorIds"])),
            keys: array_at(s, &["actorIds"])
                .iter()
                .filter_map(Value::as_str)
                .filter_map(|id| {
                    let a = array_at(seq, &["actors"])
                        .iter()
                        .find(|a| str_at(a, &["id"]) == Some(id))?;
                    str_at(a, &["user", "credentialUid"]).map(str::to_string)
                })
                .collect(),
            resources: lookup(
                "resources",
                "uid",
                &resource,
                array_at(s, &["resourceUids"]),
            ),
            endpoints: lookup("endpoints", "id", &endpoint, array_at(s, &["endpointIds"])),
            indicators: array_at(s, &["signalIndicators"])
                .iter()
                .filter_map(|i| {
                    let key = str_at(i, &["key"])?;
                    let values: Vec<&str> = array_at(i, &["values"])
                        .iter()
                        .filter_map(Value::as_str)
                        .collect();
                    Some(format!("{key} {}", values.join(", ")).trim().to_string())
                })
                .collect(),
        })
        .collect();
    out.sort_by_key(|s| s.first_seen);
    out
}

/// The GuardDuty finding id a FINDING step names (its uid is the finding's id or ARN), to link
/// it to the finding's own row.
pub fn finding_id(step: &Step) -> Option<&str> {
    if step.kind != "FINDING" || step.uid.is_empty() {
        return None;
    }
    Some(
        step.uid
            .rsplit_once("/finding/")
            .map_or(step.uid.as_str(), |(_, id)| id),
    )
}

#[cfg(test)]
mod tests;
