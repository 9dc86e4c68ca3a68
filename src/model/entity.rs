//! Typed entities: the things a signal touches, and the key of every pivot.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::IpAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    AccessKey,
    IamUser,
    IamRole,
    /// An assumed-role session, id `Role/session`.
    AssumedRole,
    Instance,
    Volume,
    Snapshot,
    SecurityGroup,
    Bucket,
    Ip,
    Account,
    /// Any other ARN or resource id (VPN connection, instance profile, Lambda function…).
    Other,
}

impl EntityKind {
    pub const ALL: [EntityKind; 12] = [
        EntityKind::AccessKey,
        EntityKind::IamUser,
        EntityKind::IamRole,
        EntityKind::AssumedRole,
        EntityKind::Instance,
        EntityKind::Volume,
        EntityKind::Snapshot,
        EntityKind::SecurityGroup,
        EntityKind::Bucket,
        EntityKind::Ip,
        EntityKind::Account,
        EntityKind::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            EntityKind::AccessKey => "access_key",
            EntityKind::IamUser => "iam_user",
            EntityKind::IamRole => "iam_role",
            EntityKind::AssumedRole => "assumed_role",
            EntityKind::Instance => "instance",
            EntityKind::Volume => "volume",
            EntityKind::Snapshot => "snapshot",
            EntityKind::SecurityGroup => "security_group",
            EntityKind::Bucket => "bucket",
            EntityKind::Ip => "ip",
            EntityKind::Account => "account",
            EntityKind::Other => "other",
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Entity {
    pub kind: EntityKind,
    pub id: super::Text,
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

impl Entity {
    pub fn new(kind: EntityKind, id: impl Into<super::Text>) -> Entity {
        Entity {
            kind,
            id: id.into(),
        }
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

    /// Parses `arn:partition:service:region:account:resource` into the most specific entity.
    pub fn from_arn(arn: &str) -> Option<Entity> {
        let mut parts = arn.splitn(6, ':');
        if parts.next() != Some("arn") {
            return None;
        }
        let _partition = parts.next()?;
        let service = parts.next()?;
        let _region = parts.next()?;
        let _account = parts.next()?;
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
                    _ => Entity::new(EntityKind::Other, arn),
                }
            }
            "s3" => {
                let bucket = resource.split('/').next().unwrap_or(resource);
                Entity::new(EntityKind::Bucket, bucket)
            }
            "iam" => {
                if let Some(path) = resource.strip_prefix("user/") {
                    Entity::new(EntityKind::IamUser, last(path))
                } else if let Some(path) = resource.strip_prefix("role/") {
                    Entity::new(EntityKind::IamRole, last(path))
                } else if resource == "root" {
                    Entity::new(EntityKind::Account, _account)
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
            Some(entity)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(kind: EntityKind, id: &str) -> Option<Entity> {
        Some(Entity::new(kind, id))
    }

    #[test]
    fn an_entity_is_16_bytes_and_serializes_as_kind_and_id() {
        assert_eq!(std::mem::size_of::<Entity>(), 16);
        let a = Entity::new(EntityKind::Ip, "198.51.100.7");
        let json = serde_json::to_value(&a).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({"kind": "ip", "id": "198.51.100.7"})
        );
        let back: Entity = serde_json::from_value(json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, a);
    }

    #[test]
    fn recognises_bare_ids() {
        assert_eq!(
            Entity::from_id("i-0a1b2c3d4e5f60718"),
            e(EntityKind::Instance, "i-0a1b2c3d4e5f60718")
        );
        assert_eq!(
            Entity::from_id("vol-97c02b3e"),
            e(EntityKind::Volume, "vol-97c02b3e")
        );
        assert_eq!(
            Entity::from_id("snap-37beda4c"),
            e(EntityKind::Snapshot, "snap-37beda4c")
        );
        assert_eq!(
            Entity::from_id("sg-0123abcd"),
            e(EntityKind::SecurityGroup, "sg-0123abcd")
        );
        assert_eq!(
            Entity::from_id("AKIAIOSFODNN7EXAMPLE"),
            e(EntityKind::AccessKey, "AKIAIOSFODNN7EXAMPLE")
        );
        assert_eq!(
            Entity::from_id("218007301253"),
            e(EntityKind::Account, "218007301253")
        );
        assert_eq!(
            Entity::from_id("198.51.100.7"),
            e(EntityKind::Ip, "198.51.100.7")
        );
        assert_eq!(
            Entity::from_id("2001:db8::1"),
            e(EntityKind::Ip, "2001:db8::1")
        );
        assert_eq!(Entity::from_id("i-notanid"), None);
        assert_eq!(Entity::from_id("AWS Internal"), None);
        assert_eq!(Entity::from_id("HIDDEN_DUE_TO_SECURITY_REASONS"), None);
    }

    #[test]
    fn parses_arns_to_the_most_specific_kind() {
        assert_eq!(
            Entity::from_arn("arn:aws:iam::123456789012:user/ops/alice"),
            e(EntityKind::IamUser, "alice")
        );
        assert_eq!(
            Entity::from_arn("arn:aws:iam::123456789012:role/Admin"),
            e(EntityKind::IamRole, "Admin")
        );
        assert_eq!(
            Entity::from_arn("arn:aws:sts::123456789012:assumed-role/Admin/bob"),
            e(EntityKind::AssumedRole, "Admin/bob")
        );
        assert_eq!(
            Entity::from_arn("arn:aws:s3:::logs-bucket/key/x"),
            e(EntityKind::Bucket, "logs-bucket")
        );
        assert_eq!(
            Entity::from_arn("arn:aws:ec2:us-east-1:123456789012:instance/i-1234abcd"),
            e(EntityKind::Instance, "i-1234abcd")
        );
        assert_eq!(
            Entity::from_arn("arn:aws:iam::123456789012:root"),
            e(EntityKind::Account, "123456789012")
        );
        assert_eq!(
            Entity::from_arn("arn:aws:lambda:us-east-1:1:function:f"),
            e(EntityKind::Other, "arn:aws:lambda:us-east-1:1:function:f")
        );
        assert_eq!(Entity::from_arn("arn:aws:s3"), None);
        assert_eq!(Entity::from_arn("not-an-arn"), None);
    }
}
