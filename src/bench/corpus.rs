//! Writes a synthetic-but-realistic CloudTrail corpus in the S3 delivery layout, for benchmarks:
//! the real records of a source folder (default: the Invictus Stratus Red Team set in
//! tests/fixtures) with their ids, times, principals, keys and IPs varied.
//!
//! `airc bench corpus OUT_DIR EVENTS [--plain] [--per-file N] [--source DIR]`
//!
//! The PRNG is a 64-bit xorshift written here on purpose: the corpus must be byte-for-byte
//! reproducible for a given seed across machines and crate versions, and nothing else needs
//! randomness.

use flate2::write::GzEncoder;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The CloudTrail records of the `.json` log files under `source`, in file name order, at most
/// `limit` of them.
pub(super) fn records(source: &Path, limit: usize) -> Vec<Value> {
    let mut files: Vec<PathBuf> = walk(source);
    files.sort();
    let mut out = Vec::new();
    for f in files {
        if out.len() >= limit {
            break;
        }
        let Ok(bytes) = std::fs::read(&f) else {
            continue;
        };
        let Ok(v) = serde_json::from_slice::<Value>(&bytes) else {
            continue;
        };
        if let Some(recs) = v.get("Records").and_then(Value::as_array) {
            out.extend(recs.iter().take(limit - out.len()).cloned());
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    out
}

const USERS: &[&str] = &[
    "alice",
    "bob",
    "carol",
    "deploy-bot",
    "mallory",
    "bert-jan",
    "ci-runner",
    "backup",
];

fn vary(rec: &mut Value, i: u64, rng: &mut XorShift, base: i64) {
    let Some(obj) = rec.as_object_mut() else {
        return;
    };
    obj.insert(
        "eventID".into(),
        Value::String(format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            i >> 16,
            i & 0xffff,
            rng.below(4096),
            rng.below(4096),
            rng.next() & 0xffff_ffff_ffff
        )),
    );
    let t = chrono::DateTime::from_timestamp(base + (i as i64) / 20, 0).unwrap_or_default();
    obj.insert(
        "eventTime".into(),
        Value::String(t.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
    );
    let ip = format!(
        "{}.{}.{}.{}",
        1 + rng.below(222),
        rng.below(256),
        rng.below(256),
        1 + rng.below(254)
    );
    if obj
        .get("sourceIPAddress")
        .and_then(Value::as_str)
        .is_some_and(|s| s.parse::<std::net::IpAddr>().is_ok())
    {
        obj.insert("sourceIPAddress".into(), Value::String(ip));
    }
    if let Some(ui) = obj.get_mut("userIdentity").and_then(Value::as_object_mut) {
        if ui.get("type").and_then(Value::as_str) == Some("IAMUser") {
            let u = USERS[rng.below(USERS.len() as u64) as usize];
            ui.insert("userName".into(), Value::String(u.into()));
            ui.insert(
                "accessKeyId".into(),
                Value::String(format!("AKIA{:016X}", rng.below(64))),
            );
        }
    }
}

/// Writes `events` CloudTrail events under `out`, `per_file` to a file.
pub fn run(
    out: &Path,
    events: u64,
    plain: bool,
    per_file: u64,
    source: Option<PathBuf>,
) -> Result<(), String> {
    let per_file = per_file.max(1);
    let source = source.unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/datasets/invictus-aws-dataset/CloudTrail")
    });
    let pool = records(&source, usize::MAX);
    if pool.is_empty() {
        return Err(format!("no CloudTrail records under {}", source.display()));
    }
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let base = 1_700_000_000i64;
    let account = "218007301253";
    let mut written = 0u64;
    let mut file_no = 0u64;
    let mut bytes = 0u64;
    while written < events {
        let n = per_file.min(events - written);
        let mut recs = Vec::with_capacity(n as usize);
        for k in 0..n {
            let mut r = pool[((written + k) % pool.len() as u64) as usize].clone();
            vary(&mut r, written + k, &mut rng, base);
            recs.push(r);
        }
        let t =
            chrono::DateTime::from_timestamp(base + (written as i64) / 20, 0).unwrap_or_default();
        let dir = out.join(format!(
            "AWSLogs/{account}/CloudTrail/us-east-1/{}",
            t.format("%Y/%m/%d")
        ));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let name = format!(
            "{account}_CloudTrail_us-east-1_{}_{file_no:06}.json{}",
            t.format("%Y%m%dT%H%MZ"),
            if plain { "" } else { ".gz" }
        );
        let body = serde_json::json!({ "Records": recs }).to_string();
        bytes += body.len() as u64;
        let data = if plain {
            body.into_bytes()
        } else {
            let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::fast());
            let _ = enc.write_all(body.as_bytes());
            enc.finish().unwrap_or_default()
        };
        std::fs::write(dir.join(&name), data).map_err(|e| format!("{name}: {e}"))?;
        written += n;
        file_no += 1;
    }
    println!(
        "wrote {written} events in {file_no} files, {:.1} MB of JSON, under {}",
        bytes as f64 / 1e6,
        out.display()
    );
    Ok(())
}
