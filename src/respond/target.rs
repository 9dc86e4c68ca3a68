//! What an action acts on: the targets, as the command line names them (`parse`), as an ARN
//! binds them to an account and region (`parse_scoped`), and as the console's entities give them.

use super::{finding_scope, Error};
use crate::model::{Entity, EntityKind};

/// What an action acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Instance(String),
    /// An instance and the security groups to put back (`i-123:sg-1,sg-2`).
    InstanceGroups(String, Vec<String>),
    AccessKey(String),
    User(String),
    Role(String),
    Bucket(String),
    /// Any other EC2 resource that takes tags (volume, snapshot, security group).
    Ec2Resource(String),
    Finding {
        id: String,
        detector: Option<String>,
    },
    /// A finding in Security Hub: its `Id` and `ProductArn`, which name it there.
    HubFinding {
        id: String,
        product_arn: String,
    },
    /// An IAM Access Analyzer finding and the analyzer that holds it.
    AccessFinding {
        id: String,
        analyzer_arn: String,
    },
    /// A signal to publish (notify): its id and one-line summary.
    Signal {
        id: String,
        summary: String,
    },
    /// A policy of an IAM user: a managed policy's ARN (detach) or an inline policy's name
    /// (delete). `user-policy/USER/POLICY`.
    UserPolicy {
        user: String,
        policy: String,
    },
    /// A managed policy attached to an IAM role. `role-policy/ROLE/POLICY_ARN`.
    RolePolicy {
        role: String,
        policy: String,
    },
    /// One ingress rule of a security group, as the call that added it gave it.
    /// `ingress/sg-…/PROTOCOL/FROM-TO/SOURCE` (SOURCE a CIDR or a group id).
    Ingress {
        group: String,
        rule: IngressRule,
    },
    /// A CloudTrail trail, by name or ARN. `trail/NAME`.
    Trail(String),
    /// The region's GuardDuty detector (its id when known). `guardduty` or `detector/ID`.
    Detector(Option<String>),
    /// An EC2 key pair, and the id it must still have (the one a record says was made).
    /// `key-pair/NAME` or `key-pair/NAME/key-…`.
    KeyPair {
        name: String,
        id: Option<String>,
    },
}

/// One ingress permission: protocol (`tcp`, `udp`, `icmp`, `-1`), port range (none for all),
/// and one source (an IPv4 or IPv6 CIDR, or a security group id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngressRule {
    pub protocol: String,
    pub from: Option<i32>,
    pub to: Option<i32>,
    pub source: String,
}

impl IngressRule {
    /// `tcp 22-22 from 0.0.0.0/0`.
    pub fn label(&self) -> String {
        let ports = match (self.from, self.to) {
            (Some(f), Some(t)) => format!(" {f}-{t}"),
            _ => String::new(),
        };
        let proto = if self.protocol == "-1" {
            "all"
        } else {
            &self.protocol
        };
        format!("{proto}{ports} from {}", self.source)
    }

    /// The rule in the command line's form (after `ingress/GROUP/`).
    pub fn spec(&self) -> String {
        let ports = match (self.from, self.to) {
            (Some(f), Some(t)) => format!("{f}-{t}"),
            _ => "all".into(),
        };
        format!("{}/{ports}/{}", self.protocol, self.source)
    }
}

/// A parsed target with the account and region its ARN named, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scoped {
    pub target: Target,
    pub account: Option<String>,
    pub region: Option<String>,
}

impl Target {
    /// The id the responder types to confirm a destructive plan.
    pub fn id(&self) -> &str {
        match self {
            Target::Instance(i) | Target::InstanceGroups(i, _) => i,
            Target::AccessKey(i) | Target::User(i) | Target::Role(i) | Target::Bucket(i) => i,
            Target::Ec2Resource(i) => i,
            Target::Finding { id, .. } | Target::Signal { id, .. } => id,
            Target::HubFinding { id, .. } | Target::AccessFinding { id, .. } => id,
            Target::UserPolicy { policy, .. } | Target::RolePolicy { policy, .. } => policy,
            Target::Ingress { group, .. } => group,
            Target::Trail(t) | Target::KeyPair { name: t, .. } => t,
            Target::Detector(d) => d.as_deref().unwrap_or("guardduty"),
        }
    }

    /// Parses the command line's TARGET: `i-…`, `i-…:sg-1,sg-2`, `AKIA…`/`ASIA…`, `user/NAME`,
    /// `role/NAME`, IAM ARNs, `s3://BUCKET` or `bucket/NAME`, `vol-…`/`snap-…`/`sg-…`,
    /// `finding/ID` (or `finding/DETECTOR/ID`), `securityhub:PRODUCT_ARN|ID`,
    /// `accessanalyzer:ANALYZER_ARN|ID`.
    pub fn parse(s: &str) -> Result<Target, Error> {
        let s = s.trim();
        let after = |p: &str| {
            s.strip_prefix(p)
                .filter(|r| !r.is_empty())
                .map(str::to_string)
        };
        if let Some((i, groups)) = s.split_once(':').filter(|(i, _)| i.starts_with("i-")) {
            let g: Vec<String> = groups
                .split(',')
                .filter(|g| !g.is_empty())
                .map(String::from)
                .collect();
            return Ok(Target::InstanceGroups(i.to_string(), g));
        }
        for (prefix, hub) in [("securityhub:", true), ("accessanalyzer:", false)] {
            if let Some((arn, id)) = s.strip_prefix(prefix).and_then(|r| r.split_once('|')) {
                let (arn, id) = (arn.trim().to_string(), id.trim().to_string());
                if arn.is_empty() || id.is_empty() {
                    return Err(Error::BadTarget(format!("'{s}': expected {prefix}ARN|ID")));
                }
                return Ok(match hub {
                    true => Target::HubFinding {
                        id,
                        product_arn: arn,
                    },
                    false => Target::AccessFinding {
                        id,
                        analyzer_arn: arn,
                    },
                });
            }
        }
        if let Some(t) = super::target_recovery::parse(s)? {
            return Ok(t);
        }
        if s.starts_with("i-") {
            return Ok(Target::Instance(s.to_string()));
        }
        if ["vol-", "snap-", "sg-"].iter().any(|p| s.starts_with(p)) {
            return Ok(Target::Ec2Resource(s.to_string()));
        }
        if (s.starts_with("AKIA") || s.starts_with("ASIA")) && s.len() >= 16 {
            return Ok(Target::AccessKey(s.to_string()));
        }
        if let Some(r) = after("finding/") {
            return Ok(match r.split_once('/') {
                Some((d, id)) => Target::Finding {
                    id: id.into(),
                    detector: Some(d.into()),
                },
                None => Target::Finding {
                    id: r,
                    detector: None,
                },
            });
        }
        if let Some(b) = after("s3://").or_else(|| after("bucket/")) {
            return Ok(Target::Bucket(b.trim_end_matches('/').to_string()));
        }
        if s.starts_with("arn:aws:iam::") || s.starts_with("user/") || s.starts_with("role/") {
            let path = s.rsplit(':').next().unwrap_or(s);
            let name = path.rsplit('/').next().unwrap_or(path).to_string();
            if path.starts_with("user/") {
                return Ok(Target::User(name));
            }
            if path.starts_with("role/") {
                return Ok(Target::Role(name));
            }
        }
        Err(Error::BadTarget(format!(
            "'{s}' is not a target: use i-…, AKIA…, user/NAME, role/NAME, s3://BUCKET, \
             vol-…/snap-…/sg-…, finding/ID, securityhub:PRODUCT_ARN|ID, \
             accessanalyzer:ANALYZER_ARN|ID, user-policy/USER/POLICY, role-policy/ROLE/ARN, \
             ingress/sg-…/PROTOCOL/FROM-TO/SOURCE, trail/NAME, guardduty, detector/ID or \
             key-pair/NAME"
        )))
    }

    /// Like `parse`, and for an ARN also the account and region it names: an ARN binds the
    /// action to its account (`arn:aws:iam::111122223333:user/x`,
    /// `arn:aws:ec2:eu-west-1:111122223333:instance/i-…`, `arn:aws:s3:::bucket`,
    /// `arn:aws:guardduty:REGION:ACCOUNT:detector/D/finding/F`).
    pub fn parse_scoped(s: &str) -> Result<Scoped, Error> {
        let s = s.trim();
        let Some(rest) = s.strip_prefix("arn:").filter(|_| !s.contains('|')) else {
            let target = Target::parse(s)?;
            let (account, region) = finding_scope(&target);
            return Ok(Scoped {
                target,
                account,
                region,
            });
        };
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        let [_partition, service, region, account, resource] = parts[..] else {
            return Err(Error::BadTarget(format!(
                "'{s}' is not an ARN (arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE)"
            )));
        };
        let is_account = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
        if !account.is_empty() && !is_account {
            return Err(Error::BadTarget(format!(
                "'{s}': '{account}' is not an AWS account id"
            )));
        }
        let target = match service {
            "iam" => Target::parse(resource)?,
            "s3" => Target::Bucket(resource.split('/').next().unwrap_or(resource).to_string()),
            "ec2" => Target::parse(resource.rsplit('/').next().unwrap_or(resource))?,
            "guardduty" => {
                let after = resource.strip_prefix("detector/").unwrap_or("");
                match after.split_once("/finding/") {
                    Some((d, f)) if !d.is_empty() && !f.is_empty() => Target::Finding {
                        id: f.to_string(),
                        detector: Some(d.to_string()),
                    },
                    None if super::target_recovery::detector_id(after) => {
                        Target::Detector(Some(after.to_string()))
                    }
                    _ => {
                        return Err(Error::BadTarget(format!(
                            "'{s}' is not a GuardDuty finding ARN"
                        )))
                    }
                }
            }
            "cloudtrail" => match resource.strip_prefix("trail/") {
                Some(name) if super::target_recovery::trail_name(name) => {
                    Target::Trail(name.to_string())
                }
                _ => return Err(Error::BadTarget(format!("'{s}' is not a trail ARN"))),
            },
            other => {
                return Err(Error::BadTarget(format!(
                    "'{s}': airc has no action for {other} resources"
                )))
            }
        };
        let some = |v: &str| (!v.is_empty()).then(|| v.to_string());
        Ok(Scoped {
            target,
            account: some(account),
            region: some(region),
        })
    }

    /// The target for an entity of the console, when an action can take it.
    pub fn from_entity(e: &Entity) -> Option<Target> {
        Some(match e.kind {
            EntityKind::Instance => Target::Instance(e.id.to_string()),
            EntityKind::AccessKey => Target::AccessKey(e.id.to_string()),
            EntityKind::IamUser => Target::User(e.id.to_string()),
            EntityKind::IamRole => Target::Role(e.id.to_string()),
            EntityKind::Bucket => Target::Bucket(e.id.to_string()),
            EntityKind::Volume | EntityKind::Snapshot | EntityKind::SecurityGroup => {
                Target::Ec2Resource(e.id.to_string())
            }
            _ => return None,
        })
    }

    pub fn label(&self) -> String {
        match self {
            Target::Instance(i) => format!("instance {i}"),
            Target::InstanceGroups(i, g) => format!("instance {i} (groups {})", g.join(",")),
            Target::AccessKey(k) => format!("access key {k}"),
            Target::User(u) => format!("IAM user {u}"),
            Target::Role(r) => format!("IAM role {r}"),
            Target::Bucket(b) => format!("bucket {b}"),
            Target::Ec2Resource(r) => format!("resource {r}"),
            Target::Finding { id, .. } => format!("finding {id}"),
            Target::HubFinding { id, .. } => format!("Security Hub finding {id}"),
            Target::AccessFinding { id, .. } => format!("Access Analyzer finding {id}"),
            Target::Signal { id, .. } => format!("signal {id}"),
            Target::UserPolicy { user, policy } => format!("policy {policy} of IAM user {user}"),
            Target::RolePolicy { role, policy } => format!("policy {policy} of IAM role {role}"),
            Target::Ingress { group, rule } => format!("ingress {} on {group}", rule.label()),
            Target::Trail(t) => format!("trail {t}"),
            Target::Detector(Some(d)) => format!("GuardDuty detector {d}"),
            Target::Detector(None) => "the region's GuardDuty detector".into(),
            Target::KeyPair { name, id: None } => format!("key pair {name}"),
            Target::KeyPair { name, id: Some(id) } => format!("key pair {name} ({id})"),
        }
    }
}
