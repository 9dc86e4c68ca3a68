use super::*;
use crate::hunt::{target, Window};

fn hunt(entity: &str) -> Hunt {
    let t = |s: &str| crate::model::time::parse_str(s).unwrap_or_else(|| panic!("{s}"));
    Hunt {
        entity: target::parse(entity).unwrap_or_else(|e| panic!("{e}")),
        window: Window::new(t("2026-01-15T03:00:00Z"), t("2026-01-15T03:59:59Z"))
            .unwrap_or_else(|e| panic!("{e}")),
        accounts: Vec::new(),
        regions: Vec::new(),
    }
}

fn table(logs: Logs) -> NetTable {
    NetTable {
        logs,
        table: logs.default_table().into(),
        flow_fields: flow::FlowFields::default(),
    }
}

fn sql(h: &Hunt, logs: Logs) -> Option<Query> {
    query(h, "default", &table(logs)).map(|q| q.unwrap_or_else(|e| panic!("{e}")))
}

#[test]
fn flow_hunts_name_the_day_and_account_partitions() {
    let mut h = hunt("ip:203.0.113.66");
    h.accounts = vec!["111122223333".into()];
    h.regions = vec!["us-east-1".into()];
    let q = sql(&h, Logs::VpcFlow).unwrap_or_else(|| panic!("no query"));
    assert_eq!(
        q.sql,
        "SELECT \"version\", \"account_id\", \"interface_id\", \"srcaddr\", \"dstaddr\", \"srcport\", \"dstport\", \"protocol\", \"packets\", \"bytes\", \"start\", \"end\", \"action\", \"log_status\" FROM \"default\".\"vpc_flow_logs\"\n\
         WHERE \"day\" BETWEEN '2026/01/15' AND '2026/01/16'\n  \
         AND \"accid\" IN ('111122223333')\n  \
         AND \"region\" IN ('us-east-1')\n  \
         AND \"start\" BETWEEN 1768446000 AND 1768449599\n  \
         AND (\"srcaddr\" = '203.0.113.66' OR \"dstaddr\" = '203.0.113.66')\n\
         ORDER BY \"start\""
    );
    assert_eq!(
        q.partitions,
        "2 days (2026/01/15–2026/01/16) × 111122223333 × us-east-1"
    );
    assert!(sql(&hunt("bucket:b"), Logs::VpcFlow).is_none());
    assert!(sql(&hunt("instance:i-0c0ffee0c0ffee001"), Logs::VpcFlow).is_none());
}

#[test]
fn access_hunts_on_a_bucket_read_its_partitions_only() {
    let q = sql(&hunt("bucket:acme-prod-backups"), Logs::S3Access)
        .unwrap_or_else(|| panic!("no query"));
    assert!(
        q.sql.contains(
            "WHERE \"timestamp\" BETWEEN '2026/01/15' AND '2026/01/16'\n  AND \"bucket\" IN ('acme-prod-backups')\n  AND try(date_parse(\"requestdatetime\", '%d/%b/%Y:%H:%i:%s +0000')) BETWEEN TIMESTAMP '2026-01-15 03:00:00' AND TIMESTAMP '2026-01-15 03:59:59'\n  AND (\"bucket_name\" = 'acme-prod-backups')"
        ),
        "{}",
        q.sql
    );
    assert!(q.partitions.ends_with("× bucket acme-prod-backups"));
    assert!(sql(&hunt("ip:203.0.113.66"), Logs::S3Access).is_some());
    assert!(sql(&hunt("domain:pool.minexmr.com"), Logs::S3Access).is_none());
}

#[test]
fn resolver_hunts_filter_regions_by_column() {
    let mut h = hunt("domain:pool.minexmr.com");
    h.regions = vec!["us-east-1".into()];
    let q = sql(&h, Logs::Resolver).unwrap_or_else(|| panic!("no query"));
    assert!(
        q.sql.contains("WHERE \"date\" BETWEEN '2026/01/15' AND '2026/01/16'\n  AND \"region\" IN ('us-east-1')\n  AND query_timestamp >= '2026-01-15T03:00:00Z' AND query_timestamp <= '2026-01-15T03:59:59Z'"),
        "{}",
        q.sql
    );
    assert!(q.sql.ends_with("ORDER BY query_timestamp"));
    let bad = NetTable {
        table: "x;y".into(),
        ..table(Logs::Resolver)
    };
    assert!(matches!(query(&h, "default", &bad), Some(Err(_))));
}
