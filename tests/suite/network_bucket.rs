//! The network and access logs the hunt tests serve from the fake Athena, laid out as AWS
//! delivers them (the demo's flows, DNS queries and access lines, a generated scan and
//! exfiltration, the Grafana Loki and OpenTelemetry sample files), and two replays of them: of
//! every file (`replay`), and of only the records that name an entity inside a window
//! (`replay_of`), read by the same readers, which is what a hunt's aggregate detections (the
//! network rules) must equal.

use crate::common;

use airc::hunt::Window;
use airc::model::flow::FlowRecord;
use airc::model::{Entity, EntityKind};
use airc::normalize::lines::{Line, LineFormat, LineLog};
use airc::normalize::Normalized;
use airc::store::Store;
use std::io::{Read, Write};
use std::path::Path;

/// The demo's custom flow log format (`source::demo_network`).
pub const DEMO_FORMAT: &str = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id";
pub const V2: &str = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";

fn put(root: &Path, rel: &str, data: &[u8]) {
    let p = root.join(rel);
    if let Some(d) = p.parent() {
        std::fs::create_dir_all(d).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(p, data).unwrap_or_else(|e| panic!("{e}"));
}

fn gz(text: &str) -> Vec<u8> {
    let mut g = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = g.write_all(text.as_bytes());
    g.finish().unwrap_or_default()
}

/// A port scan of 10.0.1.12, an exfiltration from it (600 MB in an hour) and background
/// traffic, on 2026-11-28 from 09:00 (default format).
fn generated() -> String {
    let t0 = 1_795_856_400i64;
    let mut out = format!("{V2}\n");
    let mut line = |src: &str, dst: &str, dport: u32, bytes: u64, t: i64, action: &str| {
        out.push_str(&format!(
            "2 111122223333 eni-0c0ffee0c0ffee012 {src} {dst} 40000 {dport} 6 {} {bytes} {t} {} {action} OK\n",
            bytes / 1000 + 1,
            t + 59
        ));
    };
    for minute in 0..60 {
        let t = t0 + minute * 60;
        line("10.0.1.12", "203.0.113.99", 443, 10_000_000, t, "ACCEPT");
        line("10.0.1.20", "52.94.1.10", 443, 40_000, t, "ACCEPT");
        line("52.94.1.10", "10.0.1.20", 40000, 90_000, t, "ACCEPT");
    }
    for port in 1000..1040u32 {
        line(
            "198.51.100.99",
            "10.0.1.12",
            port,
            60,
            t0 + i64::from(port % 10) * 60,
            "REJECT",
        );
    }
    out
}

/// The bucket the fake serves: `net/` holds the demo's files (flows in its custom format), the
/// access logs and the Resolver queries; `v2/` flow logs in the default format.
pub fn bucket() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path();
    let demo = airc::source::demo_network::files(chrono::Duration::zero());
    let [(flows, f), (_, q), (_, a)] = &demo;
    let flow_name = flows.rsplit('/').next().unwrap_or("flows.log");
    put(
        root,
        &format!("net/AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/01/15/{flow_name}"),
        f.as_bytes(),
    );
    put(root, "net/AWSLogs/111122223333/vpcdnsquerylogs/vpc-0a1b2c3d/2026/01/15/111122223333_vpcdnsquerylogs_vpc-0a1b2c3d_20260115T0300Z_demo.log.gz", &gz(q));
    put(root, "net/access/111122223333/us-east-1/acme-prod-backups/2026/01/15/2026-01-15-03-05-00-DEMO0000000000", a.as_bytes());
    let fx = common::datasets_fixture();
    let read = |p: &str| std::fs::read(fx.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    put(root, "net/access/111122223333/us-east-1/fake-source-bucket/2025/03/07/2025-03-07-15-13-41-LOKI0000", &read("grafana-loki-lambda-promtail/tools/lambda-promtail/testdata/s3accesslog.log"));
    put(root, "net/access/111122223333/us-west-1/amzn-s3-demo-bucket1/2019/02/06/2019-02-06-00-00-38-OTEL0000", &read("otel-aws-logs/extension/encoding/awslogsencodingextension/internal/unmarshaler/s3-access-log/testdata/valid_s3_access_log.log"));
    put(root, "v2/AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/11/28/111122223333_vpcflowlogs_us-east-1_fl-0c0ffee_20261128T0900Z_1a2b3c4d.log.gz", &gz(&generated()));
    put(root, "v2/AWSLogs/123456789012/vpcflowlogs/us-east-1/2022/11/30/123456789012_vpcflowlogs_us-east-1_fl-1_20221130T2115Z_loki.log.gz", &read("grafana-loki-lambda-promtail/tools/lambda-promtail/testdata/vpcflowlog.log.gz"));
    dir
}

pub fn replay(dir: &Path) -> airc::store::Store {
    let loaded = airc::source::replay::load(
        &[dir.to_path_buf()],
        airc::normalize::Options::without_raw(),
        &Default::default(),
    );
    for f in &loaded.files {
        assert!(f.errors.is_empty(), "{}: {:?}", f.path, f.errors);
    }
    loaded.store
}

fn text(path: &Path) -> String {
    let data = std::fs::read(path).unwrap_or_else(|e| panic!("{e}"));
    if data.starts_with(&[0x1f, 0x8b]) {
        let mut s = String::new();
        let _ = flate2::read::GzDecoder::new(&data[..]).read_to_string(&mut s);
        s
    } else {
        String::from_utf8_lossy(&data).into_owned()
    }
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn names_flow(r: &FlowRecord, e: &Entity) -> bool {
    match e.kind {
        EntityKind::Ip => {
            let ip = e.id.parse().ok();
            ip.is_some() && (r.src == ip || r.dst == ip)
        }
        EntityKind::Instance => r.instance.as_deref() == Some(&*e.id),
        _ => false,
    }
}

/// A replay of only the records under `dirs` that name `e` inside `w` (flow records by their
/// start), every other record left out, then the store's rules run as after a load.
pub fn replay_of(dirs: &[&Path], e: &Entity, w: &Window) -> Store {
    let mut store = Store::default();
    let mut flows = airc::model::conversations::Conversations::default();
    let mut all = Vec::new();
    for d in dirs {
        files(d, &mut all);
    }
    all.sort();
    for path in all {
        let p = path.to_string_lossy();
        let body = text(&path);
        let mut lines = LineLog::new();
        for l in body.lines() {
            let signal = if p.contains("/vpcflowlogs/") {
                if let Ok((_, Line::Flow(r))) = lines.line(LineFormat::FlowLog, l) {
                    let at = chrono::DateTime::from_timestamp(r.start, 0).unwrap_or_default();
                    if names_flow(&r, e) && w.contains(at) {
                        flows.add(&r);
                    }
                }
                None
            } else if p.contains("/vpcdnsquerylogs/") {
                let v = serde_json::from_str(l).unwrap_or_default();
                match airc::normalize::normalize_record(v, &Default::default()) {
                    Ok((_, Normalized::Signal(a))) => Some(a.signal),
                    _ => None,
                }
            } else {
                match lines.line(LineFormat::S3Access, l) {
                    Ok((_, Line::Signal(s))) => Some(*s),
                    _ => None,
                }
            };
            if let Some(s) = signal.filter(|s| s.names(e) && w.contains(s.time)) {
                store.insert_signal(s);
            }
        }
    }
    store.insert(Normalized::Flows(Box::new(flows)));
    store.finish();
    store
}
