//! Reader-side help for ordered correlations: rules that can only be a later step of a
//! `temporal_ordered` correlation ("a key created for a user, then used") are evaluated for a
//! record only when an earlier step has been read for its group (its key was created). On a
//! trail where most calls are signed with IAM users' keys, evaluating the "key used" rule on
//! every record and carrying each match to the store cost the built-in pack a third of the
//! load; this check is one field read and one hash lookup.
//!
//! The earlier step is registered when a reader matches it. With files read in parallel, a
//! later step read before its earlier step (in another file at the same moment) is not matched:
//! the store's correlation engine, which sees events in arrival order, could not have ordered
//! them either.

use super::event::RecordEvent;
use super::index::Engines;
use super::record::Field;
use super::{FastMap, FastSet};
use serde_json::Value;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::RwLock;

/// (correlation, the group-by fields in this rule's events).
pub type Role = (usize, Vec<String>);

/// Open groups kept at most; past it every later step is evaluated (nothing is missed).
const MAX_OPEN: usize = 1_000_000;

pub struct Ordered {
    /// Rule id → the ordered correlations it starts.
    pub leads: FastMap<String, Vec<Role>>,
    /// The later-step-only rules' roles (distinct).
    pub follow_roles: Vec<Role>,
    /// Engines holding only the later-step-only rules.
    pub followers: Engines,
    open: RwLock<(FastSet<u64>, bool)>,
    hasher: foldhash::fast::RandomState,
}

impl Default for Ordered {
    fn default() -> Self {
        Ordered {
            leads: FastMap::default(),
            follow_roles: Vec::new(),
            followers: Engines::new(),
            open: RwLock::new((FastSet::default(), false)),
            hasher: Default::default(),
        }
    }
}

impl Ordered {
    fn key(&self, c: usize, record: &RecordEvent, fields: &[String]) -> u64 {
        let mut h = self.hasher.build_hasher();
        c.hash(&mut h);
        for f in fields {
            match record.value(f) {
                Some(Field::Str(s)) => s.hash(&mut h),
                Some(Field::Json(Value::String(s))) => s.as_str().hash(&mut h),
                Some(Field::Json(v)) => v.to_string().hash(&mut h),
                None => "".hash(&mut h),
            }
        }
        h.finish()
    }

    /// Registers the groups this record's matched rules open.
    pub fn opened_by(&self, record: &RecordEvent, rule_ids: &[&str]) {
        let keys: Vec<u64> = rule_ids
            .iter()
            .filter_map(|id| self.leads.get(*id))
            .flatten()
            .map(|(c, fields)| self.key(*c, record, fields))
            .collect();
        if keys.is_empty() {
            return;
        }
        let mut open = self.open.write().unwrap_or_else(|p| p.into_inner());
        open.0.extend(keys);
        if open.0.len() > MAX_OPEN {
            open.1 = true;
        }
    }

    /// Whether the later-step rules could matter for this record.
    pub fn may_follow(&self, record: &RecordEvent) -> bool {
        if self.followers.rule_count() == 0 {
            return false;
        }
        let open = self.open.read().unwrap_or_else(|p| p.into_inner());
        if open.1 {
            return true;
        }
        if open.0.is_empty() {
            return false;
        }
        self.follow_roles
            .iter()
            .any(|(c, fields)| open.0.contains(&self.key(*c, record, fields)))
    }
}
