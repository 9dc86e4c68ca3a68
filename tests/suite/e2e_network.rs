//! End to end in tmux: the Network view on the demo (`6`), the conversations ranked, a flow
//! filter typed, the talkers list, and enter pivoting the panes on the pool's address.

use crate::common;

use common::tmux::{tmux_available, Tmux};

#[test]
fn network_view_filter_talkers_and_pivot() {
    if !tmux_available() {
        return;
    }
    let t = Tmux::start("network", "demo --no-bell");
    t.wait_for("the demo loaded", |s| s.contains("3 CloudTrail ("));

    t.keys(&["6"]);
    let view = t.wait_for("the Network view", |s| {
        s.contains("Network · [conversations]") && s.contains("pool.minexmr.com")
    });
    assert!(
        view.contains("198.51.100.77") && view.contains("REJECT"),
        "{view}"
    );

    // A flow filter: only the probe's rejects.
    t.keys(&["/"]);
    t.type_text("action:reject port:3389");
    t.keys(&["Enter"]);
    let filtered = t.wait_for("the filtered rows", |s| s.contains("1 conversations, 120"));
    assert!(
        filtered.contains("198.51.100.23") && !filtered.contains("pool.minexmr.com"),
        "{filtered}"
    );

    // Talkers, with the filter cleared.
    t.keys(&["x", "Tab"]);
    let talkers = t.wait_for("the talkers", |s| s.contains("[talkers]"));
    assert!(
        talkers.contains("sent") && talkers.contains("10.0.3.17"),
        "{talkers}"
    );

    // Enter on the top talker (the pool) pivots every pane on it.
    t.keys(&["g", "g", "Enter"]);
    let pivoted = t.wait_for("the pivot", |s| {
        s.contains("ip:198.51.100.77") && s.contains("(backspace steps out)")
    });
    assert!(!pivoted.contains("NETWORK"), "{pivoted}");
    t.keys(&["BSpace"]);
    t.wait_for("the pivot left", |s| !s.contains("ip:198.51.100.77"));
    t.keys(&["q"]);
    t.wait_for("exit", |s| s.contains("EXITED rc=0"));
}
