//! Health events in the store: their pieces (event, details, affected entities) joined by
//! event ARN as they arrive, pieces that cannot make a signal yet held until they can, and
//! signals re-derived once every event-type catalog file has been read.

use super::{Insert, Store};
use crate::model::Source;
use crate::normalize::health;

impl Store {
    pub(super) fn insert_health(&mut self, arn: String, parts: serde_json::Value) -> Insert {
        let id = format!("health:{arn}");
        match self.find(&id) {
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
                        self.pending_health.insert(arn, (parts, reason.to_string()));
                        Insert::Other
                    }
                }
            }
        }
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
        self.detect_network();
        self.settle_stories();
        let pending: Vec<String> = self.pending_health.keys().cloned().collect();
        for arn in pending {
            if let Some((parts, reason)) = self.pending_health.remove(&arn) {
                match health::from_parts(&parts, Some(&self.catalog)) {
                    Ok(s) => {
                        self.insert_signal(s);
                    }
                    Err(_) => {
                        self.pending_health.insert(arn, (parts, reason.to_string()));
                    }
                }
            }
        }
        if self.catalog.is_empty() {
            return;
        }
        let pending: Vec<usize> = (0..self.signals.len())
            .filter(|i| {
                self.signals[*i].source == Source::Health && self.signals[*i].category().is_none()
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
