//! Rules over S3 server access log records: a successful anonymous request to a bucket, a
//! request from a principal of another account than the bucket's (when the bucket's account is
//! known), one requester's GETs on one bucket (`GET_VOLUME` an hour) and one source's 403s
//! (`DENIED_BURST` within ten minutes: enumerating buckets or keys).

use super::{at, Hit};
use crate::model::{AccountId, Entity, EntityKind};
use std::collections::{BTreeSet, HashMap};

pub const GET_VOLUME: u64 = 1000;
pub const DENIED_BURST: u64 = 50;

/// What the rules need of one access log record.
#[derive(Debug, Clone)]
pub struct Access {
    pub time: i64,
    pub bucket: String,
    /// The bucket's account, when something loaded says it (an access point ARN, CloudTrail).
    pub bucket_account: AccountId,
    /// `None`: anonymous.
    pub requester: Option<Entity>,
    pub ip: Option<String>,
    pub operation: String,
    /// HTTP status, 0 when the record has none.
    pub status: u16,
}

fn who(a: &Access) -> String {
    a.requester
        .as_ref()
        .map(|e| e.to_string())
        .or_else(|| a.ip.clone())
        .unwrap_or_else(|| "anonymous".into())
}

fn entities(a: &Access) -> Vec<Entity> {
    let mut out: Vec<Entity> = Entity::checked(EntityKind::Bucket, &a.bucket)
        .into_iter()
        .collect();
    out.extend(a.requester.clone());
    out.extend(a.ip.as_deref().map(|ip| Entity::new(EntityKind::Ip, ip)));
    out
}

pub fn detect(records: &[Access]) -> Vec<Hit> {
    // (rule, bucket, who, hour) → (count, first record)
    let mut groups: HashMap<(&'static str, String, String, i64), (u64, &Access)> = HashMap::new();
    let mut denied: HashMap<(String, i64), (u64, BTreeSet<String>, &Access)> = HashMap::new();
    for a in records {
        let hour = a.time - a.time.rem_euclid(3600);
        let ok = (200..300).contains(&a.status);
        let mut count = |rule: &'static str| {
            let g = groups
                .entry((rule, a.bucket.clone(), who(a), hour))
                .or_insert((0, a));
            g.0 += 1;
        };
        if ok && a.requester.is_none() {
            count("anonymous_bucket_access");
        }
        let requester_account = a.requester.as_ref().map(|e| e.account);
        if ok
            && a.bucket_account.is_known()
            && requester_account.is_some_and(|r| r.is_known() && r != a.bucket_account)
        {
            count("cross_account_bucket_access");
        }
        if ok && a.operation.starts_with("REST.GET.OBJECT") {
            count("bucket_get_volume");
        }
        if a.status == 403 {
            let window = a.time - a.time.rem_euclid(600);
            let d = denied
                .entry((who(a), window))
                .or_insert((0, BTreeSet::new(), a));
            d.0 += 1;
            if d.1.len() < 16 {
                d.1.insert(a.bucket.clone());
            }
        }
    }
    let mut out = Vec::new();
    for ((rule, bucket, who, hour), (n, first)) in groups {
        if rule == "bucket_get_volume" && n < GET_VOLUME {
            continue;
        }
        let (title, summary) = match rule {
            "anonymous_bucket_access" => (
                format!("Anonymous requests to {bucket} succeeded"),
                format!(
                    "{n} unauthenticated requests to s3://{bucket} from {} succeeded within the hour (first {})",
                    first.ip.as_deref().unwrap_or("?"),
                    first.operation
                ),
            ),
            "cross_account_bucket_access" => (
                format!("{who} of another account read {bucket}"),
                format!(
                    "{n} requests to s3://{bucket} (account {}) by {who} within the hour",
                    first.bucket_account
                ),
            ),
            _ => (
                format!("{who} made {n} GETs on {bucket} within an hour"),
                format!("{n} GET.OBJECT requests to s3://{bucket} by {who} within the hour"),
            ),
        };
        out.push(Hit {
            rule,
            key: format!("{bucket}>{who}"),
            window: hour,
            time: at(first.time),
            title,
            summary,
            note: format!("{n} requests in 60 min"),
            account: first.bucket_account.get(),
            entities: entities(first),
        });
    }
    for ((who, window), (n, buckets, first)) in denied {
        if n < DENIED_BURST {
            continue;
        }
        let mut ents = entities(first);
        ents.extend(
            buckets
                .iter()
                .filter_map(|b| Entity::checked(EntityKind::Bucket, b)),
        );
        let listed: Vec<&str> = buckets.iter().map(String::as_str).collect();
        out.push(Hit {
            rule: "bucket_403_burst",
            key: who.clone(),
            window,
            time: at(first.time),
            title: format!("{n} denied S3 requests from {who} within 10 minutes"),
            summary: format!(
                "{n} requests by {who} answered 403 within 10 minutes, on {}",
                listed.join(", ")
            ),
            note: format!("{n} 403s in 10 min"),
            account: None,
            entities: ents,
        });
    }
    out
}
