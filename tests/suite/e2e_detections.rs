//! End to end in tmux: detections in the console. `tactic:` filters the CloudTrail pane, the
//! detail view shows each matching rule's title, level and author, and a rule of the user's own
//! (`--detections DIR`) is loaded, matched and credited like the built-in ones.

use crate::common;

use common::tmux::{tmux_available, Tmux};

fn data_rows(screen: &str) -> Vec<&str> {
    screen.lines().filter(|l| l.contains(" called ")).collect()
}

#[test]
fn tactic_filter_and_detail_show_the_rules() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join("mine.yml"),
        "title: Volumes listed by alice\nid: 3c0d3c0d-0000-4000-8000-000000000001\n\
         author: Jane Responder\nlevel: medium\ntags: [attack.collection, attack.t1530]\n\
         logsource: {product: aws, service: cloudtrail}\n\
         detection:\n  sel:\n    eventName: DescribeVolumes\n    userIdentity.userName: alice\n  condition: sel\n\
         falsepositives: [alice]\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let args = format!("--detections {} demo --no-bell", dir.path().display());
    let t = Tmux::start("detections", &args);
    t.wait_for("the demo loaded", |s| s.contains("3 CloudTrail ("));

    t.keys(&["3", "/"]);
    t.type_text("tactic:persistence");
    t.keys(&["Enter", "z"]);
    let screen = t.wait_for("the filtered CloudTrail pane", |s| {
        s.contains("filter: tactic:persistence")
            && s.contains("CreateAccessKey")
            && !s.contains("Findings (")
    });
    let rows = data_rows(&screen);
    assert!(rows.len() >= 5, "{screen}");
    for r in &rows {
        assert!(r.contains('◆'), "a row without a detection: {r}\n{screen}");
        assert!(!r.contains("DescribeInstances"), "{r}");
    }
    // The detail of the first row: the rule, its level, its author.
    t.keys(&["Home", "Enter"]);
    let detail = t.wait_for("the detail view with detections", |s| {
        s.contains("Detections (") && s.contains("by airc contributors")
    });
    assert!(
        detail.contains("persistence")
            && ["LOW ", "MEDIUM ", "HIGH ", "CRITICAL "]
                .iter()
                .any(|l| detail.contains(&format!("  {l}"))),
        "{detail}"
    );
    t.keys(&["Escape", "z", "x"]);
    t.wait_for("filter cleared", |s| !s.contains("filter: tactic"));

    // The user's own rule: matched, filtered by its tactic, credited to its author.
    t.keys(&["3", "/"]);
    t.type_text("tactic:collection");
    t.keys(&["Enter"]);
    t.wait_for("alice's DescribeVolumes", |s| {
        s.contains("filter: tactic:collection") && s.contains("DescribeVolumes")
    });
    t.keys(&["Home", "Enter"]);
    let detail = t.wait_for("the user's rule in the detail view", |s| {
        s.contains("Volumes listed by alice") && s.contains("by Jane Responder")
    });
    assert!(
        detail.contains("MEDIUM") && detail.contains("T1530"),
        "{detail}"
    );
    t.keys(&["Escape", "q"]);
    t.wait_for("exit", |s| s.contains("EXITED rc=0"));
}
