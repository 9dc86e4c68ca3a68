//! Typed entities: the things a signal touches, and the key of every pivot.

pub use super::account::AccountId;
pub use super::entity_kind::EntityKind;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::IpAddr;

/// An entity: its kind, its id, and the account its record named for it (unknown when the
/// record did not say). Two entities are the same when kind and id match and, for the kinds
/// whose names are per account (`is_account_scoped`), the account too; for the others the
/// account is what is known about the one thing the id names (the store merges it, and marks
/// it `several` when sightings disagree).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entity {
    pub kind: EntityKind,
    #[serde(default, skip_serializing_if = "is_unknown")]
    pub account: AccountId,
    pub id: super::Text,
}

fn is_unknown(a: &AccountId) -> bool {
    *a == AccountId::UNKNOWN
}

impl Entity {
    /// The account that is part of the identity: the entity's for account-scoped kinds.
    fn key_account(&self) -> AccountId {
        if self.kind.is_account_scoped() {
            self.account
        } else {
            AccountId::UNKNOWN
        }
    }
}

impl PartialEq for Entity {
    fn eq(&self, o: &Self) -> bool {
        self.kind == o.kind && self.id == o.id && self.key_account() == o.key_account()
    }
}

impl Eq for Entity {}

impl std::hash::Hash for Entity {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.kind.hash(h);
        self.key_account().hash(h);
        self.id.hash(h);
    }
}

impl PartialOrd for Entity {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Entity {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (self.kind, &self.id, self.key_account()).cmp(&(o.kind, &o.id, o.key_account()))
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind, self.id)
    }
}

fn has_hex_suffix(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix).is_some_and(|rest| {
        (8..=17).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// `AKIA…`/`ASIA…` (and the other documented unique-id prefixes of keys), 20 characters.
pub fn is_access_key_id(s: &str) -> bool {
    s.len() == 20
        && (s.starts_with("AKIA") || s.starts_with("ASIA"))
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// S3's naming rules for a (general purpose) bucket: 3–63 characters of lowercase letters,
/// digits, dots and hyphens, beginning and ending with a letter or a digit, no two dots side by
/// side, not shaped like an IPv4 address. A name from a record that breaks them (control
/// characters, spaces, capitals) names no bucket S3 can hold today. (Buckets made in us-east-1
/// before March 2018 could have capitals and underscores: such a legacy name is refused too,
/// and stays text.)
pub fn is_bucket_name(s: &str) -> bool {
    let b = s.as_bytes();
    let edge = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    (3..=63).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'.' || *c == b'-')
        && edge(b.first())
        && edge(b.last())
        && !s.contains("..")
        && s.parse::<std::net::Ipv4Addr>().is_err()
}

impl Entity {
    /// An entity of `kind` named `id` (trimmed), or none when `id` cannot name one: empty, or a
    /// bucket name S3's rules do not allow (`is_bucket_name`). Every bucket taken from a record
    /// is made here: a name that is not a bucket's stays text (the summary, the raw record),
    /// never an actionable `bucket:` entity.
    pub fn checked(kind: EntityKind, id: &str) -> Option<Entity> {
        let id = id.trim();
        let ok = match kind {
            EntityKind::Bucket => is_bucket_name(id),
            _ => !id.is_empty(),
        };
        ok.then(|| Entity::new(kind, id))
    }

    /// An entity whose account is not known.
    pub fn new(kind: EntityKind, id: impl Into<super::Text>) -> Entity {
        Entity {
            kind,
            account: AccountId::UNKNOWN,
            id: id.into(),
        }
    }

    /// The same entity with the account its record names (unchanged when `account` is not a
    /// 12-digit id, or the entity already has one).
    pub fn in_account(mut self, account: Option<&str>) -> Entity {
        if self.account == AccountId::UNKNOWN {
            self.account = AccountId::of(account);
        }
        self
    }

    /// The account, when exactly one is known.
    pub fn account(&self) -> Option<String> {
        self.account.get()
    }

    /// Whether this entity is one `wanted` names: the same kind and id, and, when `wanted`
    /// names an account, that account (`iam_user:ci-deploy` typed on a command line is every
    /// account's `ci-deploy`; the one picked from a row is its own account's only).
    pub fn is_named_by(&self, wanted: &Entity) -> bool {
        self.kind == wanted.kind
            && self.id == wanted.id
            && (!wanted.account.is_known()
                || !self.kind.is_account_scoped()
                || self.account == wanted.account)
    }

    /// Recognises a bare resource id by its documented shape (`i-…`, `vol-…`, `AKIA…`, an IP
    /// address, a 12-digit account, an ARN). Returns `None` for anything else.
    pub fn from_id(value: &str) -> Option<Entity> {
        let v = value.trim();
        if v.starts_with("arn:") {
            return Entity::from_arn(v);
        }
        let kind = if has_hex_suffix(v, "i-") {
            EntityKind::Instance
        } else if has_hex_suffix(v, "vol-") {
            EntityKind::Volume
        } else if has_hex_suffix(v, "snap-") {
            EntityKind::Snapshot
        } else if has_hex_suffix(v, "sg-") {
            EntityKind::SecurityGroup
        } else if has_hex_suffix(v, "eni-") {
            EntityKind::Interface
        } else if has_hex_suffix(v, "vpc-") {
            EntityKind::Vpc
        } else if has_hex_suffix(v, "subnet-") {
            EntityKind::Subnet
        } else if is_access_key_id(v) {
            EntityKind::AccessKey
        } else if is_account_id(v) {
            EntityKind::Account
        } else if v.parse::<IpAddr>().is_ok() {
            EntityKind::Ip
        } else {
            return None;
        };
        Some(Entity::new(kind, v))
    }

    /// Parses `arn:partition:service:region:account:resource` into the most specific entity,
    /// in the ARN's account (none for S3's `arn:aws:s3:::bucket`).
    pub fn from_arn(arn: &str) -> Option<Entity> {
        let mut parts = arn.splitn(6, ':');
        if parts.next() != Some("arn") {
            return None;
        }
        let _partition = parts.next()?;
        let service = parts.next()?;
        let _region = parts.next()?;
        let account = parts.next()?;
        let resource = parts.next()?;
        if resource.is_empty() {
            return None;
        }
        let last = |r: &str| r.rsplit('/').next().unwrap_or(r).to_string();
        let entity = match service {
            "ec2" => {
                let (rtype, id) = resource.split_once('/').unwrap_or(("", resource));
                match rtype {
                    "instance" => Entity::new(EntityKind::Instance, id),
                    "volume" => Entity::new(EntityKind::Volume, id),
                    "snapshot" => Entity::new(EntityKind::Snapshot, id),
                    "security-group" => Entity::new(EntityKind::SecurityGroup, id),
                    "network-interface" => Entity::new(EntityKind::Interface, id),
                    "vpc" => Entity::new(EntityKind::Vpc, id),
                    "subnet" => Entity::new(EntityKind::Subnet, id),
                    _ => Entity::new(EntityKind::Other, arn),
                }
            }
            "s3" => {
                let bucket = resource.split('/').next().unwrap_or(resource);
                Entity::checked(EntityKind::Bucket, bucket)?
            }
            "iam" => {
                if let Some(path) = resource.strip_prefix("user/") {
                    Entity::new(EntityKind::IamUser, last(path))
                } else if let Some(path) = resource.strip_prefix("role/") {
                    Entity::new(EntityKind::IamRole, last(path))
                } else if resource == "root" {
                    Entity::new(EntityKind::Account, account)
                } else {
                    Entity::new(EntityKind::Other, arn)
                }
            }
            "sts" => match resource.strip_prefix("assumed-role/") {
                Some(rest) if rest.contains('/') => Entity::new(EntityKind::AssumedRole, rest),
                _ => Entity::new(EntityKind::Other, arn),
            },
            _ => Entity::new(EntityKind::Other, arn),
        };
        if entity.id.is_empty() {
            None
        } else {
            Some(entity.in_account(Some(account)))
        }
    }
}

#[cfg(test)]
#[path = "entity_tests.rs"]
mod tests;
