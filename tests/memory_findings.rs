//! What a Security Hub finding costs in the store against a GuardDuty finding: 5,000 of each,
//! real-shaped (GuardDuty's from the demo's findings, Security Hub's from Automated Security
//! Response's real control findings and the ASFF copy of a GuardDuty finding), each with its
//! own id, loaded the way the console loads a replay (originals kept, packed). A counting
//! allocator gives the bytes still held; BENCHMARKS.md has the figures.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering::Relaxed};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            LIVE.fetch_add(l.size() as isize, Relaxed);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(l) };
        if !p.is_null() {
            LIVE.fetch_add(l.size() as isize, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        LIVE.fetch_sub(l.size() as isize, Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, l, new) };
        if !q.is_null() {
            LIVE.fetch_add(new as isize - l.size() as isize, Relaxed);
        }
        q
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const N: usize = 5_000;

fn read(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_default()).unwrap_or_default()
}

/// `N` findings made from `templates`, each with its own id (`key` rewritten) and `n` mixed
/// into a resource and an address so entities vary as in an account's real findings; written as
/// one `{"Findings": [...]}` file. Returns the file and its JSON size.
fn write(
    dir: &std::path::Path,
    name: &str,
    templates: &[serde_json::Value],
    vary: &dyn Fn(&mut serde_json::Value, usize),
) -> (std::path::PathBuf, usize) {
    let list: Vec<serde_json::Value> = (0..N)
        .map(|i| {
            let mut f = templates[i % templates.len()].clone();
            vary(&mut f, i);
            f
        })
        .collect();
    let text = serde_json::json!({"Findings": list}).to_string();
    let p = dir.join(name);
    std::fs::write(&p, &text).unwrap_or_else(|e| panic!("{e}"));
    (p, text.len())
}

/// Bytes held per finding after loading `file`, and the store's size.
fn held(file: &std::path::Path) -> (i64, usize) {
    let before = LIVE.load(Relaxed);
    let loaded = airc::source::replay::load(
        &[file.to_path_buf()],
        airc::normalize::Options::console(),
        &airc::source::replay::Progress::default(),
    );
    let held = (LIVE.load(Relaxed) - before) as i64;
    let n = loaded.store.len();
    drop(loaded);
    (held / n.max(1) as i64, n)
}

#[test]
fn a_security_hub_finding_costs_no_more_than_a_guardduty_finding() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let gd: Vec<serde_json::Value> = read(&root.join("assets/demo/guardduty.json"))["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let (gd_file, gd_json) = write(dir.path(), "gd.json", &gd, &|f, i| {
        f["id"] = serde_json::json!(format!("{i:032x}"));
        f["service"]["action"]["awsApiCallAction"]["remoteIpDetails"]["ipAddressV4"] =
            serde_json::json!(format!("203.0.{}.{}", i / 250 % 250, i % 250));
    });
    // Security Hub: the real control findings of Automated Security Response (a CIS, an AFSBP
    // and a PCI one, bare and inside events) and the ASFF copy of a GuardDuty finding.
    let asr = common::datasets_fixture().join("automated-security-response-on-aws");
    let mut hub: Vec<serde_json::Value> = [
        "simtest/simdata/cis13.json",
        "simtest/simdata/afsbp-s3.2.json",
        "simtest/simdata/pci-ec2.2.json",
    ]
    .iter()
    .map(|f| read(&asr.join(f)))
    .collect();
    hub.push(
        read(&root.join("tests/fixtures/findings/securityhub-get-findings.json"))["Findings"][0]
            .clone(),
    );
    let (hub_file, hub_json) = write(dir.path(), "hub.json", &hub, &|f, i| {
        f["Id"] = serde_json::json!(format!(
            "arn:aws:securityhub:us-east-1:111111111111:finding/{i:032x}"
        ));
        if let Some(r) = f["Resources"].get_mut(0) {
            r["Id"] = serde_json::json!(format!("arn:aws:s3:::bucket-{}", i % 500));
        }
    });
    let _ = airc::detect::installed();
    // Warm the thread pools and caches with a first load of each, then measure.
    let _ = held(&gd_file);
    let _ = held(&hub_file);
    let (gd_bytes, gd_n) = held(&gd_file);
    let (hub_bytes, hub_n) = held(&hub_file);
    assert_eq!((gd_n, hub_n), (N, N));
    println!(
        "GuardDuty: {gd_bytes} B held a finding ({} B of JSON); Security Hub: {hub_bytes} B ({} B of JSON)",
        gd_json / N,
        hub_json / N
    );
    assert!(
        hub_bytes <= gd_bytes,
        "a Security Hub finding costs {hub_bytes} B, a GuardDuty finding {gd_bytes} B"
    );
}
