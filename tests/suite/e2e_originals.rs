//! End to end in tmux: a replayed log file's records are read back from the file when opened.
//! The detail view shows the record (credentials masked) after a gzip file is replayed; once
//! the file is rewritten, a record not yet read is refused with the reason, not misread.

use crate::common;

use common::tmux::{tmux_available, Tmux};
use std::io::Write;

#[test]
fn the_detail_view_reads_the_record_from_its_file_and_refuses_a_changed_file() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let record = |id: &str, name: &str| {
        serde_json::json!({"eventVersion":"1.08","eventID": id,"eventName": name,
        "eventSource":"sts.amazonaws.com","eventTime":"2026-11-28T00:00:00Z","awsRegion":"us-east-1",
        "recipientAccountId":"111122223333","sourceIPAddress":"198.51.100.7",
        "userIdentity":{"type":"IAMUser","userName":"alice"},
        "responseElements":{"credentials":{"accessKeyId":"ASIAORIGINAL","sessionToken":"IQoSECRET"}}})
    };
    let doc = serde_json::json!({"Records": [record("e-first", "GetSessionToken"),
        record("e-second", "GetCallerIdentity")]});
    let gzip = |v: &serde_json::Value| {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&serde_json::to_vec_pretty(v).unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
        gz.finish().unwrap_or_else(|e| panic!("{e}"))
    };
    let path = dir.path().join("trail.json.gz");
    std::fs::write(&path, gzip(&doc)).unwrap_or_else(|e| panic!("{e}"));

    let t = Tmux::start("originals", &format!("replay {} --no-bell", path.display()));
    t.wait_for("the file loaded", |s| s.contains("GetCallerIdentity"));
    t.keys(&["3", "z", "/"]);
    t.type_text("GetSessionToken");
    t.keys(&["Enter"]);
    t.wait_for("one row", |s| s.contains("filter: GetSessionToken"));
    t.keys(&["Home", "Enter"]);
    let detail = t.wait_for("the record read from the file", |s| {
        s.contains("\"eventID\": \"e-first\"")
    });
    assert!(
        detail.contains("ASIAORIGINAL") && !detail.contains("IQoSECRET"),
        "{detail}"
    );

    // Rewritten: the other record, never read yet, is refused.
    let other = serde_json::json!({"Records": [record("e-other", "ListBuckets")]});
    std::fs::write(&path, gzip(&other)).unwrap_or_else(|e| panic!("{e}"));
    t.keys(&["Escape", "Escape", "x"]);
    t.wait_for("filter cleared", |s| !s.contains("filter: GetSessionToken"));
    t.keys(&["/"]);
    t.type_text("GetCallerIdentity");
    t.keys(&["Enter"]);
    t.wait_for("the other row", |s| s.contains("filter: GetCallerIdentity"));
    t.keys(&["Home", "Enter"]);
    let refused = t.wait_for("the refusal", |s| s.contains("cannot be read"));
    assert!(
        refused.contains("changed since it was loaded") && !refused.contains("e-other"),
        "{refused}"
    );
    t.keys(&["Escape", "q"]);
    t.wait_for("exit", |s| s.contains("EXITED rc=0"));
}
