//! The built-in network and data-access rules: what each is called, how bad, and which ATT&CK
//! tactics and techniques it stands for.

use crate::model::detection::RuleInfo;
use crate::model::Severity;
use std::sync::{Arc, OnceLock};

/// (name, title, level, tactics, techniques)
type Def = (
    &'static str,
    &'static str,
    Severity,
    &'static [&'static str],
    &'static [&'static str],
);

pub const RULES: &[Def] = &[
    (
        "port_scan",
        "Port scan",
        Severity::High,
        &["reconnaissance", "discovery"],
        &["T1595.001", "T1046"],
    ),
    (
        "egress_volume",
        "Large egress to one external address",
        Severity::High,
        &["exfiltration"],
        &["T1048", "T1041"],
    ),
    (
        "reject_burst",
        "Burst of rejected connections",
        Severity::Medium,
        &["reconnaissance", "discovery"],
        &["T1046"],
    ),
    (
        "dns_tunnelling",
        "DNS tunnelling",
        Severity::High,
        &["command-and-control", "exfiltration"],
        &["T1071.004", "T1048"],
    ),
    (
        "mining_pool",
        "Crypto-mining pool domain",
        Severity::High,
        &["impact"],
        &["T1496"],
    ),
    (
        "anonymous_bucket_access",
        "Anonymous access to a bucket",
        Severity::High,
        &["collection", "exfiltration"],
        &["T1530"],
    ),
    (
        "cross_account_bucket_access",
        "Cross-account access to a bucket",
        Severity::Medium,
        &["collection"],
        &["T1530"],
    ),
    (
        "bucket_get_volume",
        "One requester's GET volume on a bucket",
        Severity::Medium,
        &["collection", "exfiltration"],
        &["T1530"],
    ),
    (
        "bucket_403_burst",
        "Burst of 403s on buckets (enumeration)",
        Severity::Medium,
        &["discovery"],
        &["T1619", "T1580"],
    ),
];

/// The rule named `name`, shared by every match.
pub fn rule(name: &str) -> Option<Arc<RuleInfo>> {
    static ALL: OnceLock<Vec<Arc<RuleInfo>>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        RULES
            .iter()
            .map(|(name, title, level, tactics, techniques)| {
                Arc::new(RuleInfo {
                    title: (*title).into(),
                    id: format!("airc-network-{name}"),
                    name: Some((*name).into()),
                    level: *level,
                    author: Some("airc".into()),
                    tactics: tactics.iter().map(|t| t.to_string()).collect(),
                    techniques: techniques.iter().map(|t| t.to_string()).collect(),
                    file: "builtin:network".into(),
                    correlation: true,
                })
            })
            .collect()
    });
    all.iter()
        .find(|r| r.name.as_deref() == Some(name))
        .cloned()
}
