//! The network and data-access rules run over what the store holds once a load is in
//! (`finish`): its flow conversations, and what the rules need of its S3 access log and
//! Resolver query signals. Each finish scans the signals once for those two sources.

use super::Store;
use crate::detect::network::{self, Access, Query};
use crate::model::{AccountId, Entity, EntityKind, Source};

impl Store {
    /// Runs the network rules and inserts what they find (a second run replaces the same
    /// rule's signal for the same subject and window).
    pub(super) fn detect_network(&mut self) {
        let mut access = Vec::new();
        let mut queries = Vec::new();
        for (i, s) in self.signals.iter().enumerate() {
            match s.source {
                Source::S3Access => access.extend(self.access_of(i)),
                Source::Dns => queries.extend(self.query_of(i)),
                _ => {}
            }
        }
        if self.flows.is_empty() && access.is_empty() && queries.is_empty() {
            return;
        }
        // In id order: the rules count in hash maps, and equal times must insert (and so
        // show) in the same order on every run.
        let mut found = network::run(&self.flows, &access, &queries);
        found.sort_by(|a, b| a.id.cmp(&b.id));
        for s in found {
            // A second run (more files, a live session) replaces what the first found, and is
            // no duplicate record.
            match self.position_of(&s.id) {
                Some(i)
                    if self
                        .signals
                        .get(i)
                        .is_some_and(|h| h.summary() != s.summary()) =>
                {
                    self.replace(i, s)
                }
                Some(_) => {}
                None => {
                    self.insert_signal(s);
                }
            }
        }
    }

    fn access_of(&self, i: usize) -> Option<Access> {
        let s = self.signals.get(i)?;
        let ents = self.entities_at(i);
        let bucket = ents.iter().find(|e| e.kind == EntityKind::Bucket)?;
        // The bucket's account: the store's entity has every sighting's (CloudTrail's
        // `resources[].accountId`, an access point ARN).
        let bucket_account = self
            .entity_id(bucket)
            .and_then(|id| self.entity_at(id))
            .map_or(AccountId::UNKNOWN, |e| e.account)
            .merge(AccountId::of(s.account()));
        let principal = ents.iter().find(|e| {
            matches!(
                e.kind,
                EntityKind::IamUser
                    | EntityKind::IamRole
                    | EntityKind::AssumedRole
                    | EntityKind::Account
                    | EntityKind::Other
            )
        });
        let requester = match (principal, s.actor()) {
            (_, Some("anonymous")) | (None, None) => None,
            (Some(p), _) => Some(p.clone()),
            (None, Some(who)) => Some(Entity::new(EntityKind::Other, who)),
        };
        let status = s
            .category()
            .and_then(|c| c.strip_prefix("HTTP "))
            .and_then(|c| c.split(' ').next())
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        Some(Access {
            time: s.time.timestamp(),
            bucket: bucket.id.to_string(),
            bucket_account,
            requester,
            ip: ents
                .iter()
                .find(|e| e.kind == EntityKind::Ip)
                .map(|e| e.id.to_string()),
            operation: s.kind().to_string(),
            status,
        })
    }

    fn query_of(&self, i: usize) -> Option<Query> {
        let s = self.signals.get(i)?;
        let ents = self.entities_at(i);
        let name = ents.iter().find(|e| e.kind == EntityKind::Domain)?;
        let source = ents
            .iter()
            .find(|e| e.kind == EntityKind::Instance)
            .or_else(|| ents.iter().find(|e| e.kind == EntityKind::Ip))?;
        Some(Query {
            time: s.time.timestamp(),
            name: name.id.to_string(),
            source: source.clone(),
            account: s.account().map(str::to_string),
        })
    }
}
