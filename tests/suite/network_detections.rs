//! A generated flow log with a port scan, an exfiltration and background traffic, read the way a
//! responder reads it (`airc inspect` of a `.log.gz` as S3 delivers it): the scanner and the
//! exfiltration's destination reach high with the rule named; background stays below medium.

use airc::model::{Severity, Source};
use std::io::Write;

const HEADER: &str = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";
/// 2026-11-28T09:00:00Z.
const T0: i64 = 1_795_856_400;

fn line(
    out: &mut String,
    src: &str,
    dst: &str,
    (sport, dport): (u32, u32),
    bytes: u64,
    t: i64,
    action: &str,
) {
    out.push_str(&format!(
        "2 111122223333 eni-0c0ffee0c0ffee001 {src} {dst} {sport} {dport} 6 {} {bytes} {t} {} {action} OK\n",
        bytes / 1000 + 1,
        t + 59
    ));
}

fn generated() -> String {
    let mut out = format!("{HEADER}\n");
    let services = [
        "52.94.1.10",
        "52.94.1.11",
        "52.94.1.12",
        "52.94.1.13",
        "52.94.1.14",
    ];
    for minute in 0..60 {
        let t = T0 + minute * 60;
        for host in (10..30).filter(|h| *h != 12) {
            let me = format!("10.0.1.{host}");
            for svc in services {
                line(
                    &mut out,
                    &me,
                    svc,
                    (40000 + minute as u32, 443),
                    50_000,
                    t,
                    "ACCEPT",
                );
                line(
                    &mut out,
                    svc,
                    &me,
                    (443, 40000 + minute as u32),
                    120_000,
                    t,
                    "ACCEPT",
                );
            }
            line(&mut out, &me, "10.0.0.2", (50000, 53), 300, t, "ACCEPT");
        }
        // Internet noise: one probe a minute on SSH or RDP, rejected.
        let port = if minute % 2 == 0 { 22 } else { 3389 };
        line(
            &mut out,
            &format!("192.0.2.{}", minute + 1),
            "10.0.1.20",
            (5555, port),
            60,
            t,
            "REJECT",
        );
        // The exfiltration: 10 MB a minute from the compromised instance to one address.
        line(
            &mut out,
            "10.0.1.12",
            "203.0.113.66",
            (41000, 443),
            10_000_000,
            t,
            "ACCEPT",
        );
    }
    // The scan: ports 1-200 of the instance in the first ten minutes, nearly all rejected.
    for port in 1..=200u32 {
        let action = if port == 22 { "ACCEPT" } else { "REJECT" };
        line(
            &mut out,
            "198.51.100.23",
            "10.0.1.12",
            (61000, port),
            60,
            T0 + i64::from(port % 10) * 60,
            action,
        );
    }
    out
}

#[test]
fn a_scan_and_an_exfiltration_are_high_and_background_stays_below_medium() {
    let dir = std::env::temp_dir().join(format!("airc-netdet-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path =
        dir.join("111122223333_vpcflowlogs_us-east-1_fl-0c0ffee_20261128T0900Z_1a2b3c4d.log.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let text = generated();
    let _ = gz.write_all(text.as_bytes());
    let _ = std::fs::write(&path, gz.finish().unwrap_or_default());
    let report = airc::inspect::run(std::slice::from_ref(&dir));
    let _ = std::fs::remove_dir_all(&dir);
    let store = &report.loaded.store;
    let records = text.lines().count() as u64 - 1;
    assert_eq!(store.flows().records, records, "every record counted");

    // The highest severity of any signal touching the address, and the rules that named it.
    let about = |ip: &str| {
        let e = airc::model::Entity::new(airc::model::EntityKind::Ip, ip);
        let touching: Vec<_> = store.touching(&e).collect();
        let top = touching.iter().map(|s| s.severity).max();
        let rules: Vec<String> = touching
            .iter()
            .flat_map(|s| s.detections().iter().filter_map(|d| d.rule.name.clone()))
            .collect();
        (top, rules)
    };
    let (sev, rules) = about("198.51.100.23");
    assert!(sev >= Some(Severity::High), "scanner {sev:?} {rules:?}");
    assert!(rules.contains(&"port_scan".to_string()), "{rules:?}");
    let (sev, rules) = about("203.0.113.66");
    assert!(sev >= Some(Severity::High), "exfil destination {sev:?}");
    assert_eq!(rules, ["egress_volume"]);
    let network: Vec<_> = store
        .signals()
        .iter()
        .filter(|s| s.source == Source::Network)
        .collect();
    for host in (10..30).filter(|h| *h != 12) {
        let (sev, rules) = about(&format!("10.0.1.{host}"));
        assert!(
            sev.is_none_or(|s| s < Severity::Medium),
            "10.0.1.{host}: {sev:?} {rules:?}"
        );
    }
    for svc in 10..15 {
        let (sev, _) = about(&format!("52.94.1.{svc}"));
        assert!(
            sev.is_none_or(|s| s < Severity::Medium),
            "52.94.1.{svc}: {sev:?}"
        );
    }
    // The scan, its burst of rejects, the exfiltration: nothing else.
    let mut named: Vec<String> = network
        .iter()
        .flat_map(|s| s.detections().iter().filter_map(|d| d.rule.name.clone()))
        .collect();
    named.sort();
    assert_eq!(named, ["egress_volume", "port_scan", "reject_burst"]);
    // A second finish (a live session's next load) finds the same and duplicates nothing.
    let (count, dups) = (store.len(), store.duplicates());
    let mut store = report.loaded.store;
    store.finish();
    assert_eq!((store.len(), store.duplicates()), (count, dups));
}

/// Access log lines and Resolver queries read from files reach their rules through the store:
/// an anonymous read of a bucket, a mining pool looked up by an instance, and a DNS Firewall
/// block raising its own query.
#[test]
fn access_logs_and_resolver_queries_reach_their_rules_from_files() {
    let dir = std::env::temp_dir().join(format!("airc-netacc-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let access = concat!(
        r#"79a5 acme-prod-backups [28/Nov/2026:09:19:40 +0000] 203.0.113.66 - 3E57A REST.GET.OBJECT db/dump.sql.gz "GET /db/dump.sql.gz HTTP/1.1" 200 - 73400320 73400320 912 40 "-" "curl/8.5" -"#,
        "\n",
        r#"79a5 acme-prod-backups [28/Nov/2026:09:19:41 +0000] 10.0.1.5 arn:aws:sts::111122223333:assumed-role/Backup/job 3E57B REST.PUT.OBJECT db/next.sql.gz "PUT /db/next.sql.gz HTTP/1.1" 200 - - 1024 30 20 "-" "aws-sdk" -"#,
        "\n"
    );
    let _ = std::fs::write(dir.join("2026-11-28-09-19-40-ABCDEF"), access);
    let queries = concat!(
        r#"{"version":"1.100000","account_id":"111122223333","region":"us-east-1","vpc_id":"vpc-0c0ffee0","query_timestamp":"2026-11-28T09:14:02Z","query_name":"xmr-eu1.nanopool.org.","query_type":"A","query_class":"IN","rcode":"NOERROR","answers":[{"Rdata":"203.0.113.77","Type":"A","Class":"IN"}],"srcaddr":"10.0.1.12","srcport":"48786","transport":"UDP","srcids":{"instance":"i-0c0ffee0c0ffee001"}}"#,
        "\n",
        r#"{"version":"1.100000","account_id":"111122223333","region":"us-east-1","vpc_id":"vpc-0c0ffee0","query_timestamp":"2026-11-28T09:15:02Z","query_name":"c2.example.net.","query_type":"TXT","query_class":"IN","rcode":"NXDOMAIN","srcaddr":"10.0.1.12","srcport":"48790","transport":"UDP","srcids":{"instance":"i-0c0ffee0c0ffee001"},"firewall_rule_action":"BLOCK","firewall_rule_group_id":"rslvr-frg-1","firewall_domain_list_id":"rslvr-fdl-1"}"#,
        "\n"
    );
    let _ = std::fs::write(dir.join("resolver.log"), queries);
    let report = airc::inspect::run(std::slice::from_ref(&dir));
    let _ = std::fs::remove_dir_all(&dir);
    let totals = report.totals();
    assert_eq!(
        (totals["s3access"], totals["dns"]),
        (2, 2),
        "{:?}",
        report.loaded.files
    );
    let store = &report.loaded.store;
    let rules = |kind: airc::model::EntityKind, id: &str| {
        let e = airc::model::Entity::new(kind, id);
        let mut out: Vec<(String, Severity)> = store
            .touching(&e)
            .filter(|s| s.source == Source::Network)
            .flat_map(|s| {
                s.detections()
                    .iter()
                    .filter_map(|d| d.rule.name.clone().map(|n| (n, s.severity)))
            })
            .collect();
        out.sort();
        out
    };
    use airc::model::EntityKind as K;
    assert_eq!(
        rules(K::Bucket, "acme-prod-backups"),
        [("anonymous_bucket_access".to_string(), Severity::High)]
    );
    assert_eq!(
        rules(K::Instance, "i-0c0ffee0c0ffee001"),
        [("mining_pool".to_string(), Severity::High)]
    );
    let blocked = store
        .signals()
        .iter()
        .find(|s| s.source == Source::Dns && s.title().contains("c2.example.net"))
        .map(|s| s.severity);
    assert_eq!(blocked, Some(Severity::Medium));
}
