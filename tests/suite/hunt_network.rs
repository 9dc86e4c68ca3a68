//! Hunts over the network and access logs, the real binary against the fake Athena: the tables
//! `airc athena ddl --logs …` makes run in the fake (which builds them from the files of
//! `network_bucket`, laid out as AWS delivers them), and for entities of the network fixtures
//! and two windows each, `airc hunt` returns exactly what a replay of the same files gives:
//! - every record-level signal (access log lines, DNS queries: ids, severities, detections) and
//!   every flow conversation (every total) of a replay of all the files that names the entity
//!   inside the window;
//! - and the network rules' signals a replay of those same records gives (the rules count over
//!   what they are given: a scan's ports, an hour's bytes).

use crate::common;
use crate::network_bucket::{bucket, replay, replay_of, DEMO_FORMAT, V2};

use airc::model::Source;
use airc::store::Store;
use common::fake_athena::{airc, FakeAthena};
use serde_json::Value;
use std::collections::BTreeMap;

/// id → (severity, detections).
type Faces = BTreeMap<String, (String, Vec<String>)>;
/// "minute src dst port protocol action interface" → (packets, bytes, records).
type Flows = BTreeMap<String, (u64, u64, u64)>;

fn flow_key(
    minute: &str,
    src: Option<String>,
    dst: Option<String>,
    port: &str,
    proto: &str,
    action: &str,
    iface: Option<String>,
) -> String {
    format!("{minute} {src:?} {dst:?} {port} {proto} {action} {iface:?}")
}

/// A store's signals that `keep` accepts, and its conversations that name the entity (by
/// address, or by the interface of an instance's flows) inside the window.
fn faces_flows(
    store: &Store,
    entity: &str,
    w: &airc::hunt::Window,
    keep: impl Fn(&airc::model::Signal) -> bool,
) -> (Faces, Flows) {
    let e = airc::hunt::target::parse(entity).unwrap_or_else(|e| panic!("{e}"));
    let faces = store
        .signals()
        .iter()
        .filter(|s| w.contains(s.time) && store.entities_of(s).iter().any(|x| x.is_named_by(&e)))
        .filter(|s| keep(s))
        .map(|s| {
            let det = s.detections().iter().map(|d| d.rule.credit()).collect();
            (s.id.to_string(), (s.severity.label().to_string(), det))
        })
        .collect();
    let eni = entity
        .strip_prefix("instance:i-")
        .map(|h| format!("eni-{h}"));
    let mut out = Flows::new();
    for c in store.flows().iter() {
        let at = chrono::DateTime::from_timestamp(c.minute, 0).unwrap_or_default();
        let ip =
            |a: Option<&std::net::IpAddr>| a.map(|a| format!("ip:{a}")).as_deref() == Some(entity);
        let named = ip(c.src) || ip(c.dst) || (eni.is_some() && c.interface == eni.as_deref());
        if named && w.contains(at) {
            let key = flow_key(
                &at.to_rfc3339(),
                c.src.map(|a| a.to_string()),
                c.dst.map(|a| a.to_string()),
                &c.port.to_string(),
                &c.protocol.to_string(),
                c.action.label(),
                c.interface.map(str::to_string),
            );
            let t = out.entry(key).or_default();
            *t = (
                t.0 + c.totals.packets,
                t.1 + c.totals.bytes,
                t.2 + u64::from(c.totals.records),
            );
        }
    }
    (faces, out)
}

/// The hunt's JSON lines: its signals and its conversations.
fn hunted(out: &[u8]) -> (Faces, Flows) {
    let (mut faces, mut flows) = (Faces::new(), Flows::new());
    for l in String::from_utf8_lossy(out).lines() {
        let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
        assert_eq!(v["history"], true, "{v}");
        let text = |x: &Value| x.as_str().unwrap_or("").to_string();
        if let Some(f) = v.get("flow") {
            let addr = |k: &str| f[k].as_str().filter(|a| *a != "-").map(str::to_string);
            let key = flow_key(
                &text(&f["minute"]),
                addr("src"),
                addr("dst"),
                &f["port"].to_string(),
                &f["protocol"].to_string(),
                &text(&f["action"]),
                f["interface"].as_str().map(str::to_string),
            );
            let n = |k: &str| f[k].as_u64().unwrap_or(0);
            flows.insert(key, (n("packets"), n("bytes"), n("records")));
        } else {
            let det = v["detections"]
                .as_array()
                .map(|a| a.iter().map(text).collect())
                .unwrap_or_default();
            faces.insert(text(&v["id"]), (text(&v["severity"]), det));
        }
    }
    (faces, flows)
}

fn ddl(fake: &FakeAthena, args: &[&str]) -> String {
    let mut all = vec!["athena", "ddl", "--bucket", "airc-trail", "--execute"];
    all.extend_from_slice(&["--athena-output", "s3://airc-results/ddl/"]);
    all.extend_from_slice(args);
    let out = airc(fake, &all);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {err}");
    assert!(err.contains("created (or already there)"), "{err}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const DAY: Span = ("2026-01-15T00:00:00Z", "2026-01-15T23:59:59Z");
const PROBE: Span = ("2026-01-15T02:50:00Z", "2026-01-15T02:59:59Z");
const SCAN_DAY: Span = ("2026-11-28T00:00:00Z", "2026-11-28T23:59:59Z");

/// A window: from, until.
type Span = (&'static str, &'static str);

/// (entity, two windows, the flow table read: the demo's custom format or the default one).
const CASES: [(&str, [Span; 2], bool); 11] = [
    (
        "ip:203.0.113.66",
        [DAY, ("2026-01-15T03:00:00Z", "2026-01-15T03:01:59Z")],
        true,
    ),
    ("ip:198.51.100.77", [DAY, PROBE], true),
    (
        "ip:198.51.100.23",
        [DAY, ("2026-01-15T02:53:00Z", "2026-01-15T03:59:59Z")],
        true,
    ),
    ("instance:i-0c0ffee0c0ffee001", [DAY, PROBE], true),
    ("domain:pool.minexmr.com", [DAY, PROBE], true),
    (
        "bucket:acme-prod-backups",
        [DAY, ("2026-01-15T02:56:00Z", "2026-01-15T02:56:20Z")],
        true,
    ),
    (
        "bucket:fake-source-bucket",
        [
            ("2025-03-07T00:00:00Z", "2025-03-07T23:59:59Z"),
            ("2025-03-07T15:13:42Z", "2025-03-07T16:00:00Z"),
        ],
        true,
    ),
    (
        "ip:192.0.2.3",
        [
            ("2019-02-06T00:00:00Z", "2019-02-06T23:59:59Z"),
            ("2019-02-05T00:00:00Z", "2019-02-05T23:59:59Z"),
        ],
        true,
    ),
    (
        "ip:198.51.100.99",
        [SCAN_DAY, ("2026-11-28T09:00:00Z", "2026-11-28T09:04:59Z")],
        false,
    ),
    (
        "ip:203.0.113.99",
        [SCAN_DAY, ("2026-11-28T09:00:00Z", "2026-11-28T09:29:59Z")],
        false,
    ),
    (
        "ip:3.239.232.29",
        [
            ("2022-11-30T00:00:00Z", "2022-11-30T23:59:59Z"),
            ("2022-11-30T21:12:00Z", "2022-11-30T22:00:00Z"),
        ],
        false,
    ),
];

#[test]
fn network_hunts_return_exactly_what_a_replay_gives() {
    let dir = bucket();
    let Some(fake) = FakeAthena::start(dir.path(), &[]) else {
        return;
    };
    let acct = "111122223333";
    let flows_at = [
        "--logs",
        "vpcflow",
        "--region",
        "us-east-1",
        "--athena-vpcflow-table",
    ];
    let d = ddl(
        &fake,
        &[
            &flows_at[..],
            &[
                "flows_demo",
                "--prefix",
                "net",
                "--account",
                acct,
                "--athena-vpcflow-format",
                DEMO_FORMAT,
            ],
        ]
        .concat(),
    );
    assert!(d.contains("`instance_id` STRING\n)"), "{d}");
    ddl(
        &fake,
        &[
            &flows_at[..],
            &[
                "flows_v2",
                "--prefix",
                "v2",
                "--account",
                "111122223333,123456789012",
            ],
        ]
        .concat(),
    );
    ddl(
        &fake,
        &[
            "--logs",
            "s3access",
            "--prefix",
            "net/access",
            "--account",
            acct,
            "--region",
            "us-east-1,us-west-1",
            "--source-bucket",
            "acme-prod-backups,fake-source-bucket,amzn-s3-demo-bucket1",
        ],
    );
    ddl(
        &fake,
        &[
            "--logs",
            "resolver",
            "--prefix",
            "net",
            "--account",
            acct,
            "--vpc",
            "vpc-0a1b2c3d",
        ],
    );

    let everything = replay(dir.path());
    let (net, v2) = (dir.path().join("net"), dir.path().join("v2"));
    let logs = net.join("AWSLogs/111122223333");
    let (demo_flows, dns) = (logs.join("vpcflowlogs"), logs.join("vpcdnsquerylogs"));
    let (net_flows, v2_flows) = (replay(&demo_flows), replay(&v2));
    let (mut signals, mut flows, mut rules) = (0, 0, Vec::new());
    for (entity, windows, demo) in CASES {
        let (table, format, flow_store, flow_dir) = match demo {
            true => ("flows_demo", DEMO_FORMAT, &net_flows, &demo_flows),
            false => ("flows_v2", V2, &v2_flows, &v2),
        };
        for (from, until) in windows {
            let args = [
                "hunt",
                entity,
                "--from",
                from,
                "--until",
                until,
                "--json",
                "--athena-output",
                "s3://airc-results/hunts/",
                "--athena-vpcflow-table",
                table,
                "--athena-vpcflow-format",
                format,
                "--athena-s3access-table",
                "s3_access_logs",
                "--athena-resolver-table",
                "resolver_query_logs",
            ];
            let out = airc(&fake, &args);
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "{entity} {from}: {err}");
            let (got, got_flows) = hunted(&out.stdout);
            let t = |s: &str| airc::model::time::parse_str(s).unwrap_or_else(|| panic!("{s}"));
            let w = airc::hunt::Window::new(t(from), t(until)).unwrap_or_else(|e| panic!("{e}"));
            let at = format!("{entity} {from}..{until}\n{err}");
            // Every record-level signal and conversation of the replay of all files.
            let (want, _) = faces_flows(&everything, entity, &w, |s| s.source != Source::Network);
            let record_level: Faces = got
                .iter()
                .filter(|(id, _)| !id.starts_with("network:"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            assert_eq!(record_level, want, "signals of {at}");
            assert_eq!(
                got_flows,
                faces_flows(flow_store, entity, &w, |_| false).1,
                "flows of {at}"
            );
            // Everything, the network rules' signals included, of a replay of those records.
            let e = airc::hunt::target::parse(entity).unwrap_or_else(|e| panic!("{e}"));
            let same = replay_of(&[&net.join("access"), &dns, flow_dir], &e, &w);
            let (all, _) = faces_flows(&same, entity, &w, |_| true);
            assert_eq!(got, all, "everything of {at}");
            signals += got.len();
            flows += got_flows.len();
            rules.extend(got.values().flat_map(|(_, d)| d.clone()));
        }
    }
    assert!(
        signals > 40 && flows > 60,
        "{signals} signals, {flows} conversations"
    );
    rules.sort();
    rules.dedup();
    for r in [
        "Port scan",
        "Large egress",
        "Crypto-mining pool",
        "Anonymous access",
    ] {
        assert!(rules.iter().any(|d| d.starts_with(r)), "{r}: {rules:?}");
    }
    // Every statement names its table's day partition (the fake refuses any other).
    for b in fake.ops("StartQueryExecution") {
        let q = b["QueryString"].as_str().unwrap_or("");
        if q.starts_with("SELECT") {
            let day = [
                "\"timestamp\" BETWEEN",
                "\"day\" BETWEEN",
                "\"date\" BETWEEN",
            ];
            assert!(day.iter().any(|p| q.contains(p)), "{q}");
        }
    }
}
