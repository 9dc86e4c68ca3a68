//! The demo's network and data-access evidence, written as the files AWS delivers (a VPC Flow
//! Logs object, Resolver query logs, S3 server access log lines) and read by the same readers as
//! any file: the mining instances' flows to their pool and the port probe that found their open
//! SSH, their DNS queries for the pool, and the attacker's anonymous downloads from the bucket it
//! made public (and the 403s before). Times are the scenario's (2026-01-15, UTC) moved by
//! `delta`, like every time in the demo's JSON files.

use chrono::{DateTime, Duration, TimeZone, Utc};

const ACCOUNT: &str = "111122223333";
const VPC: &str = "vpc-0a1b2c3d";
const SUBNET: &str = "subnet-0a1b2c3d";
/// The pool's name (GuardDuty's `CryptoCurrency:EC2/BitcoinTool.B!DNS` names it too) and the
/// address it resolves to.
pub const POOL: &str = "pool.minexmr.com";
pub const POOL_IP: &str = "198.51.100.77";
pub const ATTACKER_IP: &str = "203.0.113.66";
pub const PROBER_IP: &str = "198.51.100.23";
pub const BUCKET: &str = "acme-prod-backups";
/// The mining instances: id, interface, private address.
pub const MINERS: [(&str, &str, &str); 2] = [
    ("i-0c0ffee0c0ffee001", "eni-0c0ffee0c0ffee001", "10.0.3.17"),
    ("i-0c0ffee0c0ffee002", "eni-0c0ffee0c0ffee002", "10.0.3.18"),
];
/// Ports the probe found closed (port 22 it found open).
const PROBED: [u16; 12] = [
    23, 25, 110, 135, 139, 445, 1433, 3306, 3389, 5432, 5900, 8080,
];

/// A time of the scenario: 2026-01-15 00:00 UTC plus `h`, `m` and `s` (which may run past 59),
/// moved by `delta`.
fn at(delta: Duration, h: u32, m: u32, s: u32) -> DateTime<Utc> {
    let day = Utc
        .with_ymd_and_hms(2026, 1, 15, 0, 0, 0)
        .single()
        .unwrap_or_default();
    day + Duration::seconds(i64::from(h) * 3600 + i64::from(m) * 60 + i64::from(s)) + delta
}

/// A VPC Flow Logs object in a custom format (v5 fields: where each interface sits).
fn flows(delta: Duration) -> String {
    let mut out = String::from(
        "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets \
         bytes start end action log-status vpc-id subnet-id instance-id\n",
    );
    let mut line = |eni: &str,
                    inst: &str,
                    src: &str,
                    dst: &str,
                    ports: (u16, u16),
                    n: (u64, u64),
                    t: DateTime<Utc>,
                    action: &str| {
        let start = t.timestamp();
        out.push_str(&format!(
            "5 {ACCOUNT} {eni} {src} {dst} {} {} 6 {} {} {start} {} {action} OK {VPC} {SUBNET} {inst}\n",
            ports.0,
            ports.1,
            n.0,
            n.1,
            start + 59
        ));
    };
    // Each miner keeps a stratum connection to the pool from 02:47 to 03:06.
    for (k, (inst, eni, ip)) in MINERS.iter().enumerate() {
        let sport = 40_112 + k as u16;
        for minute in 47..=66u32 {
            let t = at(delta, 2 + minute / 60, minute % 60, 5);
            let work = 41_000 + u64::from(minute % 7) * 1_300;
            line(
                eni,
                inst,
                ip,
                POOL_IP,
                (sport, 3333),
                (96, work),
                t,
                "ACCEPT",
            );
            line(
                eni,
                inst,
                POOL_IP,
                ip,
                (3333, sport),
                (88, work * 3),
                t,
                "ACCEPT",
            );
        }
    }
    // The probe at 02:52 that GuardDuty reported: SSH open, the rest refused.
    let (inst, eni, ip) = MINERS[0];
    let t = at(delta, 2, 52, 0);
    line(
        eni,
        inst,
        PROBER_IP,
        ip,
        (51_000, 22),
        (6, 360),
        t,
        "ACCEPT",
    );
    for (i, port) in PROBED.iter().enumerate() {
        line(
            eni,
            inst,
            PROBER_IP,
            ip,
            (51_001 + i as u16, *port),
            (2, 120),
            t,
            "REJECT",
        );
    }
    out
}

/// Resolver query logs (JSON Lines, version 1.1): each miner asks for the pool every five
/// minutes.
fn queries(delta: Duration) -> String {
    let mut out = String::new();
    for (k, (inst, _, ip)) in MINERS.iter().enumerate() {
        for minute in (47..=66u32).step_by(5) {
            let t = at(delta, 2 + minute / 60, minute % 60, 2 + k as u32);
            let v = serde_json::json!({
                "version": "1.100000",
                "account_id": ACCOUNT,
                "region": "us-east-1",
                "vpc_id": VPC,
                "query_timestamp": t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                "query_name": format!("{POOL}."),
                "query_type": "A",
                "query_class": "IN",
                "rcode": "NOERROR",
                "answers": [{"Rdata": POOL_IP, "Type": "A", "Class": "IN"}],
                "srcaddr": ip,
                "srcport": (53_000 + minute).to_string(),
                "transport": "UDP",
                "srcids": {"instance": inst}
            });
            out.push_str(&v.to_string());
            out.push('\n');
        }
    }
    out
}

/// S3 server access log lines of the bucket: the attacker's anonymous listing refused at 02:56,
/// then, once the bucket is public, its listing and downloads.
fn access(delta: Duration) -> String {
    let mut out = String::new();
    let mut line = |t: DateTime<Utc>,
                    n: u32,
                    op: &str,
                    key: &str,
                    uri: &str,
                    status: u16,
                    err: &str,
                    bytes: u64| {
        out.push_str(&format!(
            "7c1f0e5a2b9d4c38a6e1f0b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6 {BUCKET} [{}] \
             {ATTACKER_IP} - DEMO{n:012} {op} {key} \"{uri}\" {status} {err} {bytes} {bytes} 41 12 \
             \"-\" \"curl/8.5.0\" - demohost{n}= - TLS_AES_128_GCM_SHA256 - \
             {BUCKET}.s3.us-east-1.amazonaws.com TLSv1.3 - -\n",
            t.format("%d/%b/%Y:%H:%M:%S +0000"),
        ));
    };
    for i in 0..3u32 {
        let t = at(delta, 2, 56, 10 + i * 7);
        line(
            t,
            i,
            "REST.GET.BUCKET",
            "-",
            "GET /?list-type=2 HTTP/1.1",
            403,
            "AccessDenied",
            243,
        );
    }
    line(
        at(delta, 3, 0, 4),
        10,
        "REST.GET.BUCKET",
        "-",
        "GET /?list-type=2 HTTP/1.1",
        200,
        "-",
        5_312,
    );
    let keys = [
        ("db/customers-2026-01-14.sql.gz", 734_003_200u64),
        ("db/orders-2026-01-14.sql.gz", 1_288_490_188),
        ("keys/deploy-ci.pem", 3_243),
        ("config/prod.env", 1_877),
    ];
    for (i, (key, size)) in keys.iter().enumerate() {
        let t = at(delta, 3, 0, 30 + i as u32 * 40);
        line(
            t,
            11 + i as u32,
            "REST.GET.OBJECT",
            key,
            &format!("GET /{key} HTTP/1.1"),
            200,
            "-",
            *size,
        );
    }
    out
}

/// The three files, as (name, content), times moved by `delta`.
pub fn files(delta: Duration) -> [(&'static str, String); 3] {
    [
        (
            "demo/AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/01/15/111122223333_vpcflowlogs_us-east-1_fl-0c0ffee0_20260115T0300Z_demo.log",
            flows(delta),
        ),
        (
            "demo/AWSLogs/111122223333/vpcdnsquerylogs/vpc-0a1b2c3d/2026/01/15/vpc-0a1b2c3d_vpcdnsquerylogs_20260115T0300Z_demo.log",
            queries(delta),
        ),
        (
            "demo/s3-access/acme-prod-backups/2026-01-15-03-05-00-DEMO0000000000",
            access(delta),
        ),
    ]
}
