//! `H` in the console, end to end: the real binary on the demo in tmux, the fake Athena serving
//! the demo's own CloudTrail records (as an organization trail's files of today); `H` on the
//! attacker's IP shows the query, `enter` runs it, the status line follows it (state, scan,
//! rows, cost), then the rows are in the CloudTrail pane marked as from history. A second hunt,
//! slowed by the fake, is cancelled with `esc` (StopQueryExecution reaches the fake).

use crate::common;

use common::fake_athena::FakeAthena;
use common::tmux::{tmux_available, Tmux};
use serde_json::Value;

/// The demo's CloudTrail records, their times moved so the newest is now, as one log file of
/// today in CloudTrail's naming.
fn demo_trail(dir: &std::path::Path) {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/cloudtrail.json"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let t = |v: &Value| {
        v["eventTime"]
            .as_str()
            .and_then(airc::model::time::parse_str)
    };
    let records = doc["Records"]
        .as_array_mut()
        .unwrap_or_else(|| panic!("no Records"));
    let latest = records
        .iter()
        .filter_map(t)
        .max()
        .unwrap_or_else(|| panic!("no times"));
    let now = chrono::Utc::now();
    for r in records.iter_mut() {
        if let Some(at) = t(r) {
            let moved = at + (now - latest) - chrono::Duration::minutes(5);
            r["eventTime"] = Value::String(moved.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        }
    }
    let name = format!(
        "111122223333_CloudTrail_us-east-1_{}_demo.json",
        now.format("%Y%m%dT%H%MZ")
    );
    std::fs::write(dir.join(name), doc.to_string()).unwrap_or_else(|e| panic!("{e}"));
}

/// The hunt command, from the palette (see the report: `H` is not bound by default yet).
fn hunt_key(t: &Tmux) {
    t.keys(&[":"]);
    t.type_text("hunt");
    t.keys(&["Enter"]);
}

#[test]
fn h_on_the_attackers_ip_shows_progress_then_rows() {
    if !tmux_available() {
        return;
    }
    let trail = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    demo_trail(trail.path());
    let Some(fake) = FakeAthena::start(trail.path(), &[]) else {
        return;
    };
    let env: Vec<String> = fake.env().iter().map(|(k, v)| format!("{k}={v}")).collect();
    // The query is held a few seconds so its progress line can be read.
    fake.fault(r#"{"kind": "slow", "seconds": 3, "scan_bytes_per_sec": 1000000}"#);
    let t = Tmux::start_with_env("hunt", &env.join(" "), "demo");
    t.wait_for("the demo", |s| s.contains("CloudTrail ("));
    t.keys(&["4", "/"]);
    t.type_text("203.0.113.66");
    t.keys(&["Enter"]);
    t.wait_for("the attacker's IP alone", |s| s.contains("Entities (1)"));
    hunt_key(&t);
    let preview = t.wait_for("the query", |s| s.contains("Hunt on Athena"));
    assert!(
        preview.contains("Hunt ip:203.0.113.66 over the last 30 days"),
        "{preview}"
    );
    assert!(preview.contains("partitions: 32 days"), "{preview}");
    assert!(preview.contains("scan cap: 53.69 GB"), "{preview}");
    assert!(
        preview.contains("sourceipaddress = '203.0.113.66'"),
        "{preview}"
    );
    t.keys(&["Enter"]);
    let running = t.wait_for("the progress line", |s| s.contains("· RUNNING"));
    assert!(
        running.contains("hunt ip:203.0.113.66 · RUNNING"),
        "{running}"
    );
    assert!(
        running.contains("scanned") && running.contains("esc cancels"),
        "{running}"
    );
    let done = t.wait_for("the rows", |s| s.contains("signals from"));
    assert!(
        done.contains("hunt ip:203.0.113.66: 46 signals from 46 rows"),
        "{done}"
    );
    // The rows, marked as from history, in the CloudTrail pane pivoted on the IP.
    assert!(
        done.lines().filter(|l| l.contains("│h ")).count() >= 10,
        "{done}"
    );

    // A second hunt (its window ends later, so Athena has no result to reuse), slowed: esc
    // stops it.
    fake.fault(r#"{"kind": "slow", "seconds": 30}"#);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    t.keys(&["4"]);
    hunt_key(&t);
    t.wait_for("the query", |s| s.contains("Hunt on Athena"));
    t.keys(&["Enter"]);
    t.wait_for("running", |s| s.contains("hunt ip:203.0.113.66 · RUNNING"));
    t.keys(&["Escape"]);
    let cancelled = t.wait_for("cancelled", |s| s.contains("cancelled by the responder"));
    assert!(cancelled.contains("StopQueryExecution sent"), "{cancelled}");
    assert_eq!(fake.ops("StopQueryExecution").len(), 1);
}
