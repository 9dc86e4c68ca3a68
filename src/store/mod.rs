//! The in-memory store: one copy of each signal (duplicates across files count once), Health
//! pieces joined by event ARN, and an entity index (for any entity, every signal touching it).

use crate::model::{Entity, EntityKind, Signal, Source};
use crate::normalize::health::{self, Catalog};
use crate::normalize::Normalized;
use std::collections::{BTreeMap, HashMap};

/// The store's maps are keyed by strings from files and AWS: a fast hasher with a per-process
/// random seed (foldhash) instead of SipHash, which dominated load and refresh profiles.
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Insert {
    New,
    /// Replaced or joined with an existing signal of the same id.
    Updated,
    /// Already held (same id, not newer): dropped.
    Duplicate,
    /// Not a signal (a catalog row, a digest).
    Other,
}

#[derive(Debug, Default)]
pub struct Store {
    signals: Vec<Signal>,
    by_id: Map<String, usize>,
    by_entity: Map<Entity, Vec<usize>>,
    catalog: Catalog,
    duplicates: usize,
    /// Signals per severity, kept as signals come and go so the header never scans.
    severity_counts: [usize; 5],
    /// Health pieces that cannot make a signal yet (no time known), waiting for the rest.
    pending_health: Map<String, (serde_json::Value, String)>,
}

impl Store {
    pub fn signals(&self) -> &[Signal] {
        &self.signals
    }

    pub fn len(&self) -> usize {
        self.signals.len()
    }

    pub fn is_empty(&self) -> bool {
        self.signals.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Signal> {
        self.by_id.get(id).map(|i| &self.signals[*i])
    }

    /// Records dropped because the same event was already held.
    pub fn duplicates(&self) -> usize {
        self.duplicates
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    pub fn count(&self, source: Source) -> usize {
        self.signals.iter().filter(|s| s.source == source).count()
    }

    /// Every signal touching `entity`, in insertion order.
    pub fn touching<'a>(&'a self, entity: &Entity) -> impl Iterator<Item = &'a Signal> + 'a {
        self.by_entity
            .get(entity)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .map(|i| &self.signals[*i])
    }

    /// Store positions of the signals touching `entity`.
    pub fn touching_positions(&self, entity: &Entity) -> &[usize] {
        self.by_entity.get(entity).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The entity index itself: every entity with the store positions of its signals.
    pub fn entity_index(&self) -> impl Iterator<Item = (&Entity, &Vec<usize>)> {
        self.by_entity.iter()
    }

    /// Every distinct entity with the number of signals touching it.
    pub fn entities(&self) -> impl Iterator<Item = (&Entity, usize)> {
        self.by_entity.iter().map(|(e, v)| (e, v.len()))
    }

    pub fn entity_counts(&self) -> BTreeMap<EntityKind, usize> {
        let mut out = BTreeMap::new();
        for e in self.by_entity.keys() {
            *out.entry(e.kind).or_default() += 1;
        }
        out
    }

    pub fn insert(&mut self, item: Normalized) -> Insert {
        match item {
            Normalized::Signal(s) => self.insert_signal(*s),
            Normalized::HealthPart { arn, parts } => self.insert_health(arn, parts),
            Normalized::EventType { code, category } => {
                self.catalog.insert(code, category);
                Insert::Other
            }
            Normalized::NoEvent => Insert::Other,
        }
    }

    /// How many signals of each severity (indexed by `Severity as usize`).
    pub fn severity_counts(&self) -> [usize; 5] {
        self.severity_counts
    }

    fn index(&mut self, i: usize) {
        self.severity_counts[self.signals[i].severity as usize] += 1;
        for e in &self.signals[i].entities {
            self.by_entity.entry(e.clone()).or_default().push(i);
        }
    }

    fn unindex(&mut self, i: usize) {
        let sev = self.signals[i].severity as usize;
        self.severity_counts[sev] = self.severity_counts[sev].saturating_sub(1);
        for e in &self.signals[i].entities {
            if let Some(list) = self.by_entity.get_mut(e) {
                list.retain(|x| *x != i);
                if list.is_empty() {
                    self.by_entity.remove(e);
                }
            }
        }
    }

    fn replace(&mut self, i: usize, s: Signal) {
        self.unindex(i);
        self.signals[i] = s;
        self.index(i);
    }

    pub fn insert_signal(&mut self, s: Signal) -> Insert {
        match self.by_id.get(&s.id).copied() {
            Some(i) => {
                // A finding seen again with a later update replaces the older copy.
                if s.updated.is_some() && s.updated > self.signals[i].updated {
                    self.replace(i, s);
                    Insert::Updated
                } else {
                    self.duplicates += 1;
                    Insert::Duplicate
                }
            }
            None => {
                let i = self.signals.len();
                self.by_id.insert(s.id.clone(), i);
                self.signals.push(s);
                self.index(i);
                Insert::New
            }
        }
    }

    fn insert_health(&mut self, arn: String, parts: serde_json::Value) -> Insert {
        let id = format!("health:{arn}");
        match self.by_id.get(&id).copied() {
            Some(i) => {
                let mut merged = self.signals[i].raw.as_tree().cloned().unwrap_or_default();
                let before = merged.clone();
                health::merge_parts(&mut merged, parts);
                if merged == before {
                    self.duplicates += 1;
                    return Insert::Duplicate;
                }
                match health::from_parts(&merged, Some(&self.catalog)) {
                    Ok(s) => {
                        self.replace(i, s);
                        Insert::Updated
                    }
                    Err(_) => Insert::Duplicate,
                }
            }
            None => {
                let mut parts = parts;
                if let Some((mut waiting, _)) = self.pending_health.remove(&arn) {
                    health::merge_parts(&mut waiting, parts);
                    parts = waiting;
                }
                match health::from_parts(&parts, Some(&self.catalog)) {
                    Ok(s) => self.insert_signal(s),
                    Err(reason) => {
                        self.pending_health.insert(arn, (parts, reason));
                        Insert::Other
                    }
                }
            }
        }
    }

    /// Keeps only the signals `keep` accepts (the index is rebuilt); returns how many went.
    pub fn retain(&mut self, keep: impl Fn(&Signal) -> bool) -> usize {
        let old = std::mem::take(&mut self.signals);
        let before = old.len();
        let catalog = std::mem::take(&mut self.catalog);
        let pending = std::mem::take(&mut self.pending_health);
        *self = Store {
            catalog,
            pending_health: pending,
            ..Store::default()
        };
        for s in old.into_iter().filter(|s| keep(s)) {
            self.insert_signal(s);
        }
        before - self.signals.len()
    }

    /// Health events that never became signals, with the reason (after `finish`).
    pub fn unjoined(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .pending_health
            .iter()
            .map(|(a, (_, r))| (a.clone(), r.clone()))
            .collect();
        out.sort();
        out
    }

    /// Re-derives Health signals whose category was unknown when they arrived, now that every
    /// catalog file has been read.
    pub fn finish(&mut self) {
        let pending: Vec<String> = self.pending_health.keys().cloned().collect();
        for arn in pending {
            if let Some((parts, reason)) = self.pending_health.remove(&arn) {
                match health::from_parts(&parts, Some(&self.catalog)) {
                    Ok(s) => {
                        self.insert_signal(s);
                    }
                    Err(_) => {
                        self.pending_health.insert(arn, (parts, reason));
                    }
                }
            }
        }
        if self.catalog.is_empty() {
            return;
        }
        let pending: Vec<usize> = (0..self.signals.len())
            .filter(|i| {
                self.signals[*i].source == Source::Health && self.signals[*i].category.is_none()
            })
            .collect();
        for i in pending {
            let parts = self.signals[i].raw.as_tree().cloned().unwrap_or_default();
            if let Ok(s) = health::from_parts(&parts, Some(&self.catalog)) {
                self.replace(i, s);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{normalize_record, Options};
    use serde_json::json;

    fn put(store: &mut Store, v: serde_json::Value) -> Insert {
        let (_, n) = normalize_record(v, &Options::default()).unwrap_or_else(|e| panic!("{e}"));
        store.insert(n)
    }

    fn ct(id: &str, user: &str) -> serde_json::Value {
        json!({"eventID": id, "eventName": "GetObject", "eventSource": "s3.amazonaws.com",
               "eventTime": "2024-01-01T00:00:00Z", "userIdentity": {"type": "IAMUser", "userName": user}})
    }

    #[test]
    fn duplicates_count_once_and_the_index_answers_per_entity() {
        let mut s = Store::default();
        assert_eq!(put(&mut s, ct("a", "alice")), Insert::New);
        assert_eq!(put(&mut s, ct("a", "alice")), Insert::Duplicate);
        assert_eq!(put(&mut s, ct("b", "alice")), Insert::New);
        assert_eq!(put(&mut s, ct("c", "bob")), Insert::New);
        assert_eq!(s.len(), 3);
        assert_eq!(s.duplicates(), 1);
        let alice = Entity::new(EntityKind::IamUser, "alice");
        let ids: Vec<&str> = s.touching(&alice).map(|x| x.id.as_str()).collect();
        assert_eq!(ids, ["cloudtrail:a", "cloudtrail:b"]);
        assert_eq!(s.entity_counts().get(&EntityKind::IamUser), Some(&2));
        assert_eq!(
            s.severity_counts()[crate::model::Severity::Info as usize],
            3
        );
    }

    #[test]
    fn a_newer_finding_replaces_the_older_and_moves_the_index() {
        let f = |updated: &str, ip: &str| {
            json!({"schemaVersion": "2.0", "id": "f", "type": "Recon:EC2/PortProbeUnprotectedPort",
            "severity": 2, "updatedAt": updated,
            "service": {"action": {"portProbeAction": {"portProbeDetails": [{"remoteIpDetails": {"ipAddressV4": ip}}]}}}})
        };
        let mut s = Store::default();
        put(&mut s, f("2024-01-02T00:00:00Z", "198.51.100.1"));
        assert_eq!(
            put(&mut s, f("2024-01-01T00:00:00Z", "198.51.100.2")),
            Insert::Duplicate
        );
        assert_eq!(
            put(&mut s, f("2024-01-03T00:00:00Z", "198.51.100.3")),
            Insert::Updated
        );
        assert_eq!(s.len(), 1);
        assert_eq!(
            s.touching(&Entity::new(EntityKind::Ip, "198.51.100.1"))
                .count(),
            0
        );
        assert_eq!(
            s.touching(&Entity::new(EntityKind::Ip, "198.51.100.3"))
                .count(),
            1
        );
    }

    #[test]
    fn health_pieces_join_and_the_catalog_applies_at_the_end() {
        let arn = "arn:aws:health:global::event/BILLING/AWS_BILLING_NOTIFICATION/Q";
        let mut s = Store::default();
        put(
            &mut s,
            json!({"eventArn": arn, "entityValue": "AWS_ACCOUNT", "awsAccountId": "123456789012", "lastUpdatedTime": 1.6e9}),
        );
        put(
            &mut s,
            json!({"service": "BILLING", "code": "AWS_BILLING_NOTIFICATION", "category": "accountNotification"}),
        );
        assert_eq!(s.signals()[0].category, None);
        s.finish();
        assert_eq!(
            s.signals()[0].category.as_deref(),
            Some("accountNotification")
        );
        put(
            &mut s,
            json!({"arn": arn, "eventTypeCode": "AWS_BILLING_NOTIFICATION", "eventTypeCategory": "accountNotification", "startTime": 1.6e9}),
        );
        assert_eq!(s.len(), 1);
        assert_eq!(
            s.touching(&Entity::new(EntityKind::Account, "123456789012"))
                .count(),
            1
        );
    }
}
