//! The kinds of entity: what a typed id names, and the label filters and pivots use for it.

use serde::{Deserialize, Serialize};
use std::fmt;

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
    /// A network interface (`eni-…`): what a flow log record is written for.
    Interface,
    Vpc,
    Subnet,
    /// A DNS name (a Route 53 Resolver query, a mining pool), lower case, without the final dot.
    Domain,
    /// An S3 object, id `bucket/key`.
    ObjectKey,
}

impl EntityKind {
    pub const ALL: [EntityKind; 17] = [
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
        EntityKind::Interface,
        EntityKind::Vpc,
        EntityKind::Subnet,
        EntityKind::Domain,
        EntityKind::ObjectKey,
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
            EntityKind::Interface => "interface",
            EntityKind::Vpc => "vpc",
            EntityKind::Subnet => "subnet",
            EntityKind::Domain => "domain",
            EntityKind::ObjectKey => "object",
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl EntityKind {
    /// Whether the id names one thing only within an account (a user, a role, a role's
    /// session): `ci-deploy` of account B and of account C are two entities. The other kinds'
    /// ids are unique across accounts (keys, instances, volumes, buckets, addresses, ARNs).
    pub fn is_account_scoped(self) -> bool {
        matches!(
            self,
            EntityKind::IamUser | EntityKind::IamRole | EntityKind::AssumedRole
        )
    }
}
