//! Which signals take part in stories, and which entities may join them.

use crate::model::{Entity, EntityKind, Severity, Signal, Source};

/// CloudTrail events that hand a principal new credentials: they carry the link from the
/// caller to the session or key it obtained, so they take part even without a detection (the
/// role sessions an attacker assumes join the attacker's story through them).
const CREDENTIAL_ISSUING: &[&str] = &[
    "AssumeRole",
    "AssumeRoleWithSAML",
    "AssumeRoleWithWebIdentity",
    "GetSessionToken",
    "GetFederationToken",
    "GetRoleCredentials",
];

/// Whether a signal takes part in stories: it matched a detection, it is a GuardDuty or Macie
/// finding, a Health abuse report or risk/security notification, a CloudTrail event that issued
/// credentials, a high finding of the other services, an alarm or a spend anomaly. Everyday
/// events do not.
pub fn joins(s: &Signal) -> bool {
    match s.source {
        Source::GuardDuty => true,
        Source::CloudTrail => !s.detections().is_empty() || CREDENTIAL_ISSUING.contains(&s.kind()),
        Source::Health => {
            s.abuse().is_some()
                || s.kind().starts_with("AWS_RISK_")
                || s.kind().contains("SECURITY_NOTIFICATION")
        }
        // Sensitive data and public buckets are what an attacker comes for.
        Source::Macie => true,
        // Posture findings (controls, vulnerabilities, access) only when they matter now: high
        // and not closed in Security Hub; GuardDuty's and Macie's copies there always.
        Source::SecurityHub => {
            !matches!(s.workflow(), Some("RESOLVED" | "SUPPRESSED"))
                && (matches!(s.product(), "guardduty" | "macie") || s.severity >= Severity::High)
        }
        Source::Inspector | Source::AccessAnalyzer => s.severity >= Severity::High,
        // An alarm in ALARM, a spend anomaly worth a look.
        Source::Monitors => s.severity >= Severity::Medium,
        // Access log lines and DNS queries are everyday activity: only what a rule or DNS
        // Firewall picked out.
        Source::Network => true,
        Source::S3Access | Source::Dns => {
            !s.detections().is_empty() || s.severity >= Severity::Medium
        }
    }
}

/// Whether an entity may join signals into a story (before the busy check): principals,
/// instances, buckets and public IPs do; accounts, roles (shared by every session), security
/// groups and other resources do not, nor private, loopback or link-local addresses.
pub fn strong(e: &Entity) -> bool {
    match e.kind {
        EntityKind::AccessKey
        | EntityKind::IamUser
        | EntityKind::AssumedRole
        | EntityKind::Instance
        | EntityKind::Bucket => true,
        EntityKind::Ip => match e.id.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(a)) => {
                !(a.is_private()
                    || a.is_loopback()
                    || a.is_link_local()
                    || a.is_unspecified()
                    || a.is_broadcast()
                    || a.is_multicast()
                    // 100.64.0.0/10, carrier-grade NAT: shared by many.
                    || (a.octets()[0] == 100 && (a.octets()[1] & 0xc0) == 64))
            }
            Ok(std::net::IpAddr::V6(a)) => {
                !(a.is_loopback()
                    || a.is_unspecified()
                    || a.is_multicast()
                    || (a.segments()[0] & 0xfe00) == 0xfc00
                    || (a.segments()[0] & 0xffc0) == 0xfe80)
            }
            Err(_) => false,
        },
        _ => false,
    }
}

pub(super) fn rank(kind: EntityKind) -> u8 {
    match kind {
        EntityKind::AccessKey | EntityKind::IamUser | EntityKind::AssumedRole => 2,
        EntityKind::Ip => 0,
        _ => 1,
    }
}
