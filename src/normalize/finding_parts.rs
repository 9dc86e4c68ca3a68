//! What the findings of Security Hub, Macie, Inspector, Access Analyzer and the monitors share
//! on their way to a `Signal`: a draft with the fields every source fills, entities gathered up
//! to a cap, resource ids of every shape these services write, and the id under which a finding
//! seen both in its own service and through Security Hub becomes one row.

use crate::model::{time, Entity, EntityKind, FacetFields, Facets, Rare, Severity, Signal, Source};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// The fields one record fills; `build` makes the signal.
#[derive(Debug, Default)]
pub struct Draft {
    pub id: String,
    pub time: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
    pub severity: Severity,
    pub kind: String,
    pub title: String,
    pub reason: String,
    pub account: Option<String>,
    pub region: Option<String>,
    pub category: Option<String>,
    pub actor: Option<String>,
    pub product: Option<String>,
    pub workflow: Option<String>,
    pub summary: String,
    pub entities: Entities,
    /// The record had no time of its own: `time` is when it was received.
    pub undated: Option<crate::model::time::Undated>,
}

/// Bytes a finding's fields and summary keep (`text_bounds`, shared with the normalizers that
/// build their signals by hand).
pub use super::text_bounds::{MAX_FIELD, MAX_SUMMARY};

impl Draft {
    /// The signal, or why not: a record without a time cannot be placed on a timeline. Every
    /// text is cut to `MAX_FIELD` (`MAX_SUMMARY`), with "…" where it was cut.
    pub fn build(self, source: Source, what: &'static str) -> Result<Signal, super::RecordError> {
        let time = self.time.or(self.updated).ok_or(what)?;
        let cut = |s: String| crate::safe_text::bounded(s, MAX_FIELD);
        let account = self.account.map(cut);
        let (entities, more) = self.entities.finish(account.as_deref());
        let text = |s: Option<String>| {
            s.filter(|s| !s.is_empty())
                .map(|s| crate::model::Text::from(cut(s)))
        };
        Ok(Signal {
            id: self.id.into(),
            source,
            time,
            severity: self.severity,
            facets: Facets::new(FacetFields {
                kind: cut(self.kind).into(),
                title: cut(self.title).into(),
                severity_reason: cut(self.reason).into(),
                account: text(account),
                region: text(self.region),
                category: text(self.category),
                actor: text(self.actor),
                product: text(self.product),
                workflow: text(self.workflow),
            }),
            summary: crate::model::Summary::text(crate::safe_text::bounded(
                self.summary,
                MAX_SUMMARY,
            )),
            held: false,
            rare: Rare {
                updated: self.updated,
                entities_more: more,
                entities: entities.into(),
                undated: self.undated,
                ..Rare::default()
            }
            .boxed(),
            raw: crate::model::Raw::None,
        })
    }
}

/// Entities found in a record, each once, up to what a signal keeps; past it only counted (a
/// repeat past the cap is counted too: telling it apart would cost a search per entity), and a
/// list's items past `MAX_SCANNED` are not looked at (`scan`).
/// The finding's resources are of the finding's account (`build` sets it where their ids do not
/// say); what the finding names outside it (callers' keys, external principals) is `foreign`
/// and keeps only the account its own record gives.
#[derive(Debug, Default)]
pub struct Entities {
    list: Vec<Entity>,
    foreign: Vec<usize>,
    more: u32,
}

/// Items of one list in a record (Resources, Vulnerabilities, ProductFields) looked at for
/// entities: four times what a signal keeps.
pub const MAX_SCANNED: usize = 4 * crate::model::signal::MAX_ENTITIES;

impl Entities {
    pub fn push(&mut self, e: Option<Entity>) {
        self.add(e);
    }

    /// An entity that is not the finding's account's own (a remote caller's key, an external
    /// principal): an action on it binds to the account its own record names, or is refused.
    pub fn push_foreign(&mut self, e: Option<Entity>) {
        if self.add(e) {
            self.foreign.push(self.list.len() - 1);
        }
    }

    /// Whether the entity was added (not empty, not seen, under the cap).
    fn add(&mut self, e: Option<Entity>) -> bool {
        let Some(e) = e.filter(|e| !e.id.is_empty()) else {
            return false;
        };
        // The cap first: past it, the list is never searched again (300,000 Resources each
        // searched the full list: 27.8 s in `airc inspect`).
        if self.list.len() >= crate::model::signal::MAX_ENTITIES {
            self.more = self.more.saturating_add(1);
            return false;
        }
        if self.list.contains(&e) {
            return false;
        }
        self.list.push(e);
        true
    }

    /// The first `MAX_SCANNED` items of a list of resources (vulnerabilities, fields) to look
    /// at; the rest are counted as more and never read.
    pub fn scan<'a, T>(&mut self, items: &'a [T]) -> &'a [T] {
        let (head, rest) = items.split_at(items.len().min(MAX_SCANNED));
        let rest = u32::try_from(rest.len()).unwrap_or(u32::MAX);
        self.more = self.more.saturating_add(rest);
        head
    }

    /// A resource id of any shape (`resource`).
    pub fn resource(&mut self, id: Option<&str>) {
        self.push(id.and_then(resource));
    }

    /// An entity of `kind` (a bucket only when its name is one: `Entity::checked`).
    pub fn kind(&mut self, kind: EntityKind, id: Option<&str>) {
        self.push(id.and_then(|id| Entity::checked(kind, id)));
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn first(&self) -> Option<&Entity> {
        self.list.first()
    }

    /// The entities, the finding's own in `account` (an ARN's own account stays), and how many
    /// more there were.
    fn finish(self, account: Option<&str>) -> (Vec<Entity>, u32) {
        let mut list = self.list;
        for (i, e) in list.iter_mut().enumerate() {
            if !matches!(e.kind, EntityKind::Ip | EntityKind::Account) && !self.foreign.contains(&i)
            {
                *e = e.clone().in_account(account);
            }
        }
        (list, self.more)
    }
}

/// A resource as these services name it: an ARN, a bare id (`i-…`, an account), Security
/// Hub's `AWS::::Account:123456789012` and `AWS::IAM::AccessKey:AKIA…`, or an IP address.
/// Anything else that looks like an identifier (no spaces, not too long) is kept as `other`, so
/// it can still be pivoted on.
pub fn resource(id: &str) -> Option<Entity> {
    let id = id.trim();
    if id.is_empty() || id.len() > 2048 {
        return None;
    }
    if let Some(e) = Entity::from_id(id) {
        return Some(e);
    }
    // An S3 ARN whose bucket is not a bucket name is no entity (not even `other`).
    if id.starts_with("arn:") && id.split(':').nth(2) == Some("s3") {
        return None;
    }
    if let Some((_, last)) = id.rsplit_once(':').filter(|_| id.starts_with("AWS::")) {
        if let Some(e) = Entity::from_id(last) {
            return Some(e);
        }
    }
    (!id.contains(char::is_whitespace)).then(|| Entity::new(EntityKind::Other, id))
}

/// Remote addresses, access keys and accounts anywhere under `v` (a finding's action or
/// network sections), by the keys every one of these formats uses for them.
pub fn walk_addresses(v: &Value, key: &str, out: &mut Entities, depth: u32) {
    if depth > 12 || out.len() >= crate::model::signal::MAX_ENTITIES {
        return;
    }
    match v {
        Value::String(s) => {
            let k = key.to_ascii_lowercase().replace('_', "");
            let ip = k.ends_with("ipaddressv4")
                || k.ends_with("ipaddressv6")
                || k.ends_with("sourceipv4")
                || k.ends_with("destinationipv4")
                || k == "ip"
                || k == "ipv4";
            if ip {
                out.push(Entity::from_id(s).filter(|e| e.kind == EntityKind::Ip));
            } else if k.ends_with("accesskeyid") || k == "credentialuid" {
                // A caller's key, which may be another account's: foreign.
                out.push_foreign(Entity::from_id(s).filter(|e| e.kind == EntityKind::AccessKey));
            }
        }
        Value::Array(a) => a
            .iter()
            .for_each(|x| walk_addresses(x, key, out, depth + 1)),
        Value::Object(m) => m
            .iter()
            .for_each(|(k, x)| walk_addresses(x, k, out, depth + 1)),
        _ => {}
    }
}

/// The first sentence of a description, at most about 300 characters.
pub fn first_sentence(s: &str) -> String {
    let s = s.trim();
    let end = s.find(". ").map(|i| i + 1).unwrap_or(s.len());
    let mut out = s[..end].trim().to_string();
    if out.chars().count() > 300 {
        out = out.chars().take(299).collect::<String>() + "…";
    }
    out
}

/// Security Hub's, Inspector's and OCSF's severity words.
pub fn severity_word(label: &str) -> Option<Severity> {
    Some(match label.trim().to_ascii_uppercase().as_str() {
        "CRITICAL" | "FATAL" => Severity::Critical,
        "HIGH" => Severity::High,
        "MEDIUM" => Severity::Medium,
        "LOW" => Severity::Low,
        "INFORMATIONAL" | "INFO" | "UNTRIAGED" | "UNKNOWN" | "OTHER" => Severity::Info,
        _ => return None,
    })
}

/// Security Hub's normalized 0–100 scale (its documented bands).
pub fn severity_normalized(n: f64) -> Severity {
    match n {
        n if n >= 90.0 => Severity::Critical,
        n if n >= 70.0 => Severity::High,
        n if n >= 40.0 => Severity::Medium,
        n if n >= 1.0 => Severity::Low,
        _ => Severity::Info,
    }
}

/// The first readable time among `keys`.
pub fn time_at(v: &Value, keys: &[&[&str]]) -> Option<DateTime<Utc>> {
    keys.iter()
        .find_map(|k| super::json_path::path(v, k).and_then(time::parse_value))
}

/// Products by the name Security Hub gives them in `ProductArn` (`…:product/aws/guardduty`).
pub fn product_of(product_arn: Option<&str>, name: Option<&str>) -> Option<String> {
    let tail = product_arn
        .and_then(|a| {
            a.split_once(":product/")
                .or_else(|| a.split_once(":productv2/"))
        })
        .map(|(_, t)| t);
    let canonical = match tail {
        Some("aws/guardduty") => "guardduty",
        Some("aws/macie") => "macie",
        Some("aws/inspector") => "inspector",
        Some("aws/access-analyzer") => "accessanalyzer",
        Some("aws/securityhub") => "securityhub",
        Some("aws/config") => "config",
        Some("aws/health") => "health",
        Some("aws/firewall-manager") => "firewallmanager",
        Some("aws/ssm-patch-manager") => "patchmanager",
        _ => {
            let named = name
                .map(|n| n.trim().to_ascii_lowercase())
                .filter(|n| !n.is_empty());
            let last = tail.map(|t| t.rsplit('/').next().unwrap_or(t).to_string());
            // A partner's or an account's own product ARN names its product; a ProductName it
            // chose ("GuardDuty") never makes it an AWS service's finding (whose copy would then
            // merge into, and speak for, the service's own row).
            let aws_service = |n: &str| {
                matches!(
                    product_named(n).as_str(),
                    "guardduty" | "macie" | "inspector" | "accessanalyzer" | "securityhub"
                )
            };
            return match (named, tail) {
                (Some(n), Some(_)) if aws_service(&n) => last,
                (named, _) => named.or(last),
            };
        }
    };
    Some(canonical.to_string())
}

/// The product from a name as OCSF and Security Hub's ProductName write it ("GuardDuty",
/// "Inspector", "IAM Access Analyzer").
pub fn product_named(name: &str) -> String {
    let n = name.trim().to_ascii_lowercase().replace(['-', '_'], " ");
    match n.as_str() {
        "guardduty" | "amazon guardduty" => "guardduty".into(),
        "macie" | "amazon macie" => "macie".into(),
        "inspector" | "amazon inspector" => "inspector".into(),
        "iam access analyzer" | "access analyzer" => "accessanalyzer".into(),
        "security hub" | "securityhub" | "aws security hub" => "securityhub".into(),
        "config" | "aws config" => "config".into(),
        _ => n,
    }
}

/// The id under which a finding is known to its own service, so that the copy Security Hub
/// holds and the service's own become one row: GuardDuty by finding id (Security Hub's `Id` is
/// the finding's ARN, `…:detector/D/finding/F`), Inspector by finding ARN (its `Id` there),
/// Macie by finding id (`…:finding/F`).
pub fn native_id(product: Option<&str>, id: &str) -> Option<String> {
    match product? {
        "guardduty" => {
            let (_, f) = id.rsplit_once("/finding/")?;
            (id.starts_with("arn:") && !f.is_empty()).then(|| format!("guardduty:{f}"))
        }
        "inspector" if id.starts_with("arn:") && id.contains(":inspector2:") => {
            Some(format!("inspector:{id}"))
        }
        "macie" => {
            let (_, f) = id.rsplit_once("finding/")?;
            (id.starts_with("arn:") && id.contains(":macie") && !f.contains('/'))
                .then(|| format!("macie:{f}"))
        }
        _ => None,
    }
}

/// A GuardDuty finding type from the last part of a Security Hub type
/// (`TTPs/Discovery/Recon:EC2-PortProbeUnprotectedPort` → `Recon:EC2/PortProbeUnprotectedPort`):
/// Security Hub writes the type's `/` as `-`, and GuardDuty's resource names hold none.
pub fn guardduty_type(asff_type: &str) -> Option<String> {
    let last = asff_type.rsplit('/').next()?;
    let (purpose, rest) = last.split_once(':')?;
    let (resource, name) = rest.split_once('-')?;
    Some(format!("{purpose}:{resource}/{name}"))
}

#[cfg(test)]
mod tests;
