//! The panes: which there are, their layouts and sorts, and what each shows (rows, cursor,
//! filter, what was seen).

use crate::model::{Entity, Source};
use crate::query::Query;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaneId {
    /// AWS Health events, and the monitors (CloudWatch alarms, cost anomalies) beside them.
    Health,
    /// The Findings pane: GuardDuty first (its keys and columns as before), and every other
    /// detection service's findings (Security Hub, Macie, Inspector, Access Analyzer) with it.
    GuardDuty,
    CloudTrail,
    Entities,
}

impl PaneId {
    pub const ALL: [PaneId; 4] = [
        PaneId::Health,
        PaneId::GuardDuty,
        PaneId::CloudTrail,
        PaneId::Entities,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn source(self) -> Option<Source> {
        match self {
            PaneId::Health => Some(Source::Health),
            PaneId::GuardDuty => Some(Source::GuardDuty),
            PaneId::CloudTrail => Some(Source::CloudTrail),
            PaneId::Entities => None,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            PaneId::Health => "Health",
            PaneId::GuardDuty => "Findings",
            PaneId::CloudTrail => "CloudTrail",
            PaneId::Entities => "Entities",
        }
    }

    pub fn next(self) -> PaneId {
        PaneId::ALL[(self.index() + 1) % 4]
    }

    pub fn prev(self) -> PaneId {
        PaneId::ALL[(self.index() + 3) % 4]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// 2×2: Health, GuardDuty / CloudTrail, Entities.
    Grid,
    /// The three signal panes stacked on the left, entities on the right.
    Stacked,
    /// The focused pane alone.
    Zoomed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Time,
    Severity,
    Kind,
    Actor,
    Region,
}

impl SortKey {
    pub fn next(self) -> SortKey {
        match self {
            SortKey::Time => SortKey::Severity,
            SortKey::Severity => SortKey::Kind,
            SortKey::Kind => SortKey::Actor,
            SortKey::Actor => SortKey::Region,
            SortKey::Region => SortKey::Time,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Time => "time",
            SortKey::Severity => "severity",
            SortKey::Kind => "type",
            SortKey::Actor => "principal",
            SortKey::Region => "region",
        }
    }
}

/// One row of the entities pane.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityRow {
    pub entity: Entity,
    /// Signals touching it, per signal pane (Health and monitors, findings, CloudTrail).
    pub counts: [usize; 3],
    pub last_seen: DateTime<Utc>,
    pub max_severity: crate::model::Severity,
}

#[derive(Debug, Clone)]
pub struct PaneView {
    /// Store positions of the signals shown, in display order (signal panes).
    pub rows: Vec<u32>,
    /// Entity rows (entities pane), the riskiest first, at most `view::MAX_ENTITY_ROWS`.
    pub entity_rows: Vec<EntityRow>,
    /// Entities in view in all, shown or not.
    pub entity_total: usize,
    pub cursor: usize,
    /// The signal id (or entity) under the cursor, so the selection survives new arrivals.
    pub selected: Option<String>,
    pub sort: SortKey,
    pub descending: bool,
    pub filter: Option<Query>,
    /// Store positions below this were there when the user last looked at the pane.
    pub seen_upto: usize,
}

impl PaneView {
    pub fn new() -> PaneView {
        PaneView {
            rows: Vec::new(),
            entity_rows: Vec::new(),
            entity_total: 0,
            cursor: 0,
            selected: None,
            sort: SortKey::Time,
            descending: true,
            filter: None,
            seen_upto: 0,
        }
    }

    pub fn len(&self, pane: PaneId) -> usize {
        if pane == PaneId::Entities {
            self.entity_rows.len()
        } else {
            self.rows.len()
        }
    }
}

impl Default for PaneView {
    fn default() -> Self {
        PaneView::new()
    }
}
