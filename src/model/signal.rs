//! The normalized signal every source produces.

use super::{Entity, Severity};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Health,
    GuardDuty,
    CloudTrail,
    /// Read through Security Hub (ASFF `GetFindings`, OCSF `GetFindingsV2`, its EventBridge
    /// events): its own controls, Config, partner products, and AWS services' findings that were
    /// not (also) read from the service itself.
    SecurityHub,
    Macie,
    Inspector,
    AccessAnalyzer,
    /// CloudWatch alarms and Cost Anomaly Detection: shown beside Health, which is what they
    /// are to a responder (the state of the account, not a detection).
    Monitors,
    /// S3 server access log records: who read, wrote or listed what in a bucket.
    S3Access,
    /// Route 53 Resolver query logs: what names a VPC's resources looked up.
    Dns,
    /// The console's own detections over flow, access and DNS logs (`detect::network`): a port
    /// scan, egress volume, a mining pool lookup… Shown with the findings.
    Network,
}

impl Source {
    pub const ALL: [Source; 11] = [
        Source::Health,
        Source::GuardDuty,
        Source::CloudTrail,
        Source::SecurityHub,
        Source::Macie,
        Source::Inspector,
        Source::AccessAnalyzer,
        Source::Monitors,
        Source::S3Access,
        Source::Dns,
        Source::Network,
    ];

    /// Position in `ALL`.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Which signal pane shows it, and which of the Entities pane's count columns counts it:
    /// 0 Health (and monitors), 1 findings (GuardDuty and every other detection service),
    /// 2 CloudTrail.
    pub fn pane(self) -> usize {
        match self {
            Source::Health | Source::Monitors => 0,
            Source::GuardDuty
            | Source::SecurityHub
            | Source::Macie
            | Source::Inspector
            | Source::AccessAnalyzer
            | Source::Network => 1,
            // Activity, like CloudTrail's: what was done, record by record.
            Source::CloudTrail | Source::S3Access | Source::Dns => 2,
        }
    }

    /// A detection service's finding (the Findings pane).
    pub fn is_finding(self) -> bool {
        self.pane() == 1
    }

    pub fn label(self) -> &'static str {
        match self {
            Source::Health => "health",
            Source::GuardDuty => "guardduty",
            Source::CloudTrail => "cloudtrail",
            Source::SecurityHub => "securityhub",
            Source::Macie => "macie",
            Source::Inspector => "inspector",
            Source::AccessAnalyzer => "accessanalyzer",
            Source::Monitors => "monitors",
            Source::S3Access => "s3access",
            Source::Dns => "dns",
            Source::Network => "network",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    /// Stable across reloads: `cloudtrail:<eventID>`, `guardduty:<finding id>`,
    /// `health:<event ARN>`.
    pub id: super::SignalId,
    pub source: Source,
    /// When it happened (event time, finding's last update, Health start time).
    pub time: DateTime<Utc>,
    pub severity: Severity,
    /// Kind, title, severity reason, account, region, category and principal: one block shared
    /// with every signal that has the same ones (read them with `kind()`, `account()`, …).
    pub facets: super::Facets,
    /// One line: who did what to what, from where (read it with `summary()`).
    pub summary: super::Summary,
    /// A store holds it: its entities are the store's (`Store::entities_of`), not its own
    /// (`own_entities` is `None`). False for every signal made anywhere else.
    pub held: bool,
    /// What only some signals have (read it with `updated()`, `abuse()`, `affected()`,
    /// `entities_more()`, `detections()`).
    pub rare: Option<Box<Rare>>,
    /// The original record (decoded on demand). `Raw::None` when the loader was told not to
    /// keep raw records (e.g. `airc inspect`).
    pub raw: super::Raw,
}

/// The fields most signals leave empty — most CloudTrail records have none of them — in one
/// heap block that is there only when one is set: 24 bytes less in each of ten million signals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rare {
    /// Last update reported by the source, used to keep the newest copy of a duplicate.
    pub updated: Option<DateTime<Utc>>,
    /// Health abuse classification, when the event is an abuse report.
    pub abuse: Option<crate::model::abuse::AbuseType>,
    /// Health: how many entities the event affects (DescribeEntityAggregates), when known.
    pub affected: Option<u32>,
    /// Entities found past `MAX_ENTITIES` and not kept (counted only).
    pub entities_more: u32,
    /// The detection rules this record matched (CloudTrail), highest level first. In a day of
    /// an organization's CloudTrail few records match one; in the bench corpus (an attack
    /// replayed) 16 % do.
    pub detections: thin_vec::ThinVec<super::detection::Detection>,
    /// The signal's entities until a store takes them (`Signal::own_entities`): here, not in
    /// the signal itself, because a held signal has none of its own (8 bytes a signal).
    pub entities: thin_vec::ThinVec<Entity>,
    /// When the Security Hub copy whose workflow a service's finding shows was updated (epoch
    /// milliseconds, 0: none merged): an older copy arriving later does not undo a newer one.
    pub hub_updated: i64,
    /// The record had no time of its own: `time` is when it was received (`time::Undated`).
    pub undated: Option<super::time::Undated>,
}

impl Rare {
    /// Boxed, or nothing when every field is empty.
    pub fn boxed(self) -> Option<Box<Rare>> {
        (self != Rare::default()).then(|| Box::new(self))
    }
}

/// The most entities one GuardDuty finding or CloudTrail record keeps.
pub const MAX_ENTITIES: usize = 256;

impl Signal {
    /// Event name, finding type or Health event type code.
    pub fn kind(&self) -> &str {
        &self.facets.kind
    }

    pub fn title(&self) -> &str {
        &self.facets.title
    }

    /// Why this severity (the risk-table rule, the GuardDuty score, the Health category).
    pub fn severity_reason(&self) -> &str {
        &self.facets.severity_reason
    }

    pub fn account(&self) -> Option<&str> {
        self.facets.account.as_deref()
    }

    pub fn region(&self) -> Option<&str> {
        self.facets.region.as_deref()
    }

    /// Health event category, CloudTrail event type or GuardDuty resource type, when known.
    pub fn category(&self) -> Option<&str> {
        self.facets.category.as_deref()
    }

    /// Principal that acted (CloudTrail) or the principal in the finding.
    pub fn actor(&self) -> Option<&str> {
        self.facets.actor.as_deref()
    }

    /// The product that made a finding or alarm (`guardduty`, `macie`, `inspector`,
    /// `accessanalyzer`, `securityhub`, `config`, a partner's name, `cloudwatch`,
    /// `costanomaly`): the one the source named, else the source's own.
    pub fn product(&self) -> &str {
        self.facets
            .product
            .as_deref()
            .unwrap_or_else(|| self.source.label())
    }

    /// Security Hub's workflow status (NEW, NOTIFIED, RESOLVED, SUPPRESSED) of a finding seen
    /// through Security Hub (alone, or merged into the service's own copy of it).
    pub fn workflow(&self) -> Option<&str> {
        self.facets.workflow.as_deref()
    }

    /// Seen through Security Hub: read from it, or merged with its copy there.
    pub fn via_securityhub(&self) -> bool {
        self.source == Source::SecurityHub || self.facets.workflow.is_some()
    }

    /// The shared fields, to change one (copied first when other signals share them).
    pub fn facets_mut(&mut self) -> &mut super::facets::FacetFields {
        self.facets.make_mut()
    }

    pub fn updated(&self) -> Option<DateTime<Utc>> {
        self.rare.as_ref().and_then(|r| r.updated)
    }

    pub fn abuse(&self) -> Option<crate::model::abuse::AbuseType> {
        self.rare.as_ref().and_then(|r| r.abuse)
    }

    pub fn affected(&self) -> Option<u32> {
        self.rare.as_ref().and_then(|r| r.affected)
    }

    /// Set when the record had no time of its own: `time` is then when it was received, and
    /// this says how (the detail view says so beside the time).
    pub fn undated(&self) -> Option<super::time::Undated> {
        self.rare.as_ref().and_then(|r| r.undated)
    }

    pub fn entities_more(&self) -> u32 {
        self.rare.as_ref().map_or(0, |r| r.entities_more)
    }

    /// The detection rules this record matched (CloudTrail), highest level first.
    pub fn detections(&self) -> &[super::detection::Detection] {
        self.rare.as_ref().map_or(&[], |r| &r.detections)
    }

    /// The rare fields, to set one (made when missing).
    pub fn rare_mut(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Box::default)
    }

    /// The signal's own list names `entity` (false for a signal a store holds).
    pub fn touches(&self, entity: &Entity) -> bool {
        self.own_entities().is_some_and(|l| l.contains(entity))
    }

    /// Whether one of its own entities is one `wanted` names (`Entity::is_named_by`: a user
    /// name without an account is every account's).
    pub fn names(&self, wanted: &Entity) -> bool {
        self.own_entities()
            .is_some_and(|l| l.iter().any(|e| e.is_named_by(wanted)))
    }

    /// The signal's own entities; `None` when a store holds it (ask the store:
    /// `Store::entities_of`), never an empty list in their place.
    pub fn own_entities(&self) -> Option<&[Entity]> {
        (!self.held).then(|| self.rare.as_ref().map_or(&[][..], |r| &r.entities[..]))
    }

    /// Sets the signal's own entities (as they are, without `add_entity`'s checks).
    pub fn set_entities(&mut self, entities: impl Into<thin_vec::ThinVec<Entity>>) {
        self.held = false;
        self.rare_mut().entities = entities.into();
        self.tidy_rare();
    }

    /// For the store taking the signal: its entities, handed over (it is held from now on).
    pub fn hand_over_entities(&mut self) -> thin_vec::ThinVec<Entity> {
        self.held = true;
        let out = self
            .rare
            .as_mut()
            .map(|r| std::mem::take(&mut r.entities))
            .unwrap_or_default();
        self.tidy_rare();
        out
    }

    /// No rare block when every rare field is empty.
    fn tidy_rare(&mut self) {
        if self.rare.as_deref().is_some_and(|r| *r == Rare::default()) {
            self.rare = None;
        }
    }

    /// Adds an entity once; keeps the order in which they were found. Past `MAX_ENTITIES` an
    /// entity is only counted: a record naming thousands of resources must not make every
    /// later entity check (and the Entities pane) pay for all of them. Nothing is added to a
    /// signal a store holds.
    pub fn add_entity(&mut self, entity: Entity) {
        if self.held || entity.id.is_empty() || self.touches(&entity) {
            return;
        }
        let rare = self.rare_mut();
        if rare.entities.len() >= MAX_ENTITIES {
            rare.entities_more = rare.entities_more.saturating_add(1);
        } else {
            rare.entities.push(entity);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_signal_is_104_bytes() {
        // Ten million of them: every 8 bytes here is 80 MB in a day of an organization's
        // CloudTrail (BENCHMARKS.md).
        assert_eq!(std::mem::size_of::<super::Signal>(), 104);
    }
}
