//! End to end: the real `airc demo` binary in tmux, driven by keys like a responder would, with
//! assertions on the captured screen. `.ci/run` installs tmux; elsewhere the test is skipped
//! when tmux is missing unless AIRC_REQUIRE_TMUX is set.

use crate::common;

use common::tmux::{tmux_available, Tmux};
use std::process::Command;

/// Rows of the zoomed pane: lines between the pane's top and bottom border.
fn rows(screen: &str) -> Vec<&str> {
    screen
        .lines()
        .filter(|l| l.starts_with('│') && !l.contains(" sev "))
        .collect()
}

#[test]
fn a_responder_session_on_the_demo() {
    if !tmux_available() {
        return;
    }
    let t = Tmux::start("session", "demo --no-bell");
    t.wait_for("the four panes", |s| {
        ["Health (", "Findings (", "CloudTrail (", "Entities ("]
            .iter()
            .all(|p| s.contains(p))
    });
    assert_eq!(
        t.option("#{alternate_on}"),
        "1",
        "the console uses the alternate screen"
    );

    // Focus each pane and zoom it: only that pane is on screen.
    for (key, title, others) in [
        (
            "1",
            "Health (",
            ["Findings (", "CloudTrail (", "Entities ("],
        ),
        (
            "2",
            "Findings (",
            ["Health (", "CloudTrail (", "Entities ("],
        ),
        (
            "3",
            "CloudTrail (",
            ["Health (", "Findings (", "Entities ("],
        ),
        (
            "4",
            "Entities (",
            ["Health (", "Findings (", "CloudTrail ("],
        ),
    ] {
        t.keys(&[key, "z"]);
        t.wait_for(title, |s| {
            s.contains(title) && others.iter().all(|o| !s.contains(o))
        });
        t.keys(&["z"]);
        t.wait_for("grid again", |s| others.iter().all(|o| s.contains(o)));
    }

    // Filter the CloudTrail pane to critical calls only.
    t.keys(&["3", "/"]);
    t.type_text("sev:>=critical");
    t.keys(&["Enter", "z"]);
    let screen = t.wait_for("the filtered pane", |s| {
        // The whole zoomed frame (no grid pane left on screen), not a half-drawn one.
        s.contains("filter: sev:>=critical")
            && s.contains("StopLogging")
            && ["Health (", "Findings (", "Entities ("]
                .iter()
                .all(|o| !s.contains(o))
    });
    let data_rows: Vec<&str> = rows(&screen)
        .into_iter()
        .filter(|r| r.contains(':'))
        .collect();
    assert!(
        !data_rows.is_empty() && data_rows.iter().all(|r| r.contains("CRIT")),
        "{screen}"
    );
    t.keys(&["z", "x"]);
    t.wait_for("filter cleared", |s| !s.contains("filter: sev"));

    // Pivot on the leaked access key from the entities pane: Health shows the exposure event.
    t.keys(&["4", "/"]);
    t.type_text("AKIA4EXAMPLELEAKED01");
    t.keys(&["Enter", "Enter"]);
    let screen = t.wait_for("the pivot", |s| {
        s.contains("pivot") && s.contains("access_key:AKIA4EXAMPLELEAKED01")
    });
    assert!(screen.contains("AWS_RISK_CREDENTIALS_EXPO"), "{screen}");
    assert!(screen.contains("Health (1)"), "{screen}");

    // Detail of a CloudTrail call made with the key.
    t.keys(&["3", "Enter"]);
    let screen = t.wait_for("the detail view", |s| {
        s.contains("Detail ·") && s.contains("─ JSON ─")
    });
    assert!(screen.contains("AKIA4EXAMPLELEAKED01"), "{screen}");
    t.keys(&["Escape", "BSpace"]);
    t.wait_for("pivot left", |s| {
        !s.contains("access_key:AKIA4EXAMPLELEAKED01   (backspace")
    });

    // Help, generated from the keymap.
    t.keys(&["?"]);
    t.wait_for("help", |s| {
        s.contains("Keys (") && s.contains("focus_guardduty")
    });
    t.keys(&["Escape", "q"]);
    t.wait_for("exit", |s| s.contains("EXITED rc=0"));
    assert_eq!(t.option("#{alternate_on}"), "0", "terminal restored");
    let log = std::fs::read_to_string(&t.log).unwrap_or_default();
    assert!(!log.contains("ERROR"), "{log}");
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    if !tmux_available() {
        return;
    }
    for (name, signal) in [("term", "TERM"), ("hup", "HUP")] {
        let t = Tmux::start(name, "demo --no-bell");
        t.wait_for("the console", |s| s.contains("CloudTrail ("));
        // The airc process itself, not the shell wrapping it (its command line names the log too).
        let pids = Command::new("pgrep")
            .args(["-f", &t.log])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let pid = String::from_utf8_lossy(&pids.stdout)
            .lines()
            .find(|p| {
                std::fs::read_to_string(format!("/proc/{p}/comm")).is_ok_and(|c| c.trim() == "airc")
            })
            .map(str::to_string)
            .unwrap_or_else(|| panic!("no airc process with {}", t.log));
        let killed = Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(killed.success());
        t.wait_for("exit", |s| s.contains("EXITED rc=0"));
        assert_eq!(
            t.option("#{alternate_on}"),
            "0",
            "terminal restored after SIG{signal}"
        );
    }
}

#[test]
fn the_notebook_from_the_console_to_the_postmortem() {
    if !tmux_available() {
        return;
    }
    let t = Tmux::start("notebook", "demo --no-bell");
    t.wait_for("the console", |s| s.contains("CloudTrail ("));
    // Open an incident.
    t.keys(&["N"]);
    t.wait_for("the title prompt", |s| s.contains("New incident"));
    t.type_text("Leaked CI key e2e");
    t.keys(&["Enter"]);
    t.wait_for("the incident in the header", |s| s.contains("P2 detected"));
    // Pin three CloudTrail signals.
    t.keys(&["3", "G", "P", "k", "P", "k", "P"]);
    t.keys(&["I"]);
    t.wait_for("three pieces of evidence", |s| {
        s.contains("Evidence (3)") && s.contains("E3")
    });
    // A note typed in the console, continued in $EDITOR, saved.
    t.keys(&["a"]);
    t.wait_for("the note editor", |s| s.contains("Note for IR-"));
    t.type_text("Key seen from 203.0.113.66");
    t.keys(&["C-e"]);
    t.wait_for("the editor's text back", |s| {
        s.contains("added in the editor")
    });
    t.keys(&["C-s"]);
    t.wait_for("the note in the timeline", |s| {
        s.contains("note       Key seen from 203.0.113.66")
    });
    // Phase change, then export.
    t.keys(&["]"]);
    t.wait_for("phase analysing", |s| {
        s.contains("P2 analysing") && s.contains("Phase: detected → analysing")
    });
    t.keys(&["E"]);
    t.wait_for("the export", |s| s.contains("postmortem written"));
    let exports = t.dir.path().join("exports");
    let file = std::fs::read_dir(&exports)
        .ok()
        .and_then(|mut rd| rd.next())
        .and_then(|e| e.ok())
        .map(|e| e.path())
        .unwrap_or_else(|| panic!("no export in {}", exports.display()));
    let md = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(md.starts_with("# Postmortem: Leaked CI key e2e"), "{md}");
    assert!(md.contains("| Status | analysing |"), "{md}");
    for r in ["| E1 |", "| E2 |", "| E3 |"] {
        assert!(md.contains(r), "{r} missing:\n{md}");
    }
    assert!(
        md.contains("Key seen from 203.0.113.66 added in the editor"),
        "{md}"
    );
    assert!(md.contains("Phase: detected → analysing"), "{md}");
    t.keys(&["Escape", "q"]);
    t.wait_for("exit", |s| s.contains("EXITED rc=0"));
    // The journal agrees from the shell.
    let out = Command::new(env!("CARGO_BIN_EXE_airc"))
        .env("AIRC_DATA_DIR", t.dir.path())
        .args(["incident", "list"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("analysing  Leaked CI key e2e"));
}

/// Typed and command-line input that once panicked: a message on screen, never a backtrace,
/// and the console goes on.
#[test]
fn hostile_filters_and_flags_get_a_message_not_a_backtrace() {
    if !tmux_available() {
        return;
    }
    let t = Tmux::start("hostile", "demo --no-bell");
    t.wait_for("the demo", |s| {
        s.contains("CloudTrail (") && s.contains("ec2:")
    });
    t.keys(&["3", "/"]);
    t.type_text("since:100000000d");
    t.keys(&["Enter"]);
    let screen = t.wait_for("the message", |s| s.contains("too large"));
    assert!(
        !screen.contains("panicked") && !screen.contains("RUST_BACKTRACE"),
        "{screen}"
    );
    // The next filter works.
    t.keys(&["Escape", "/"]);
    t.type_text("sev:>=critical");
    t.keys(&["Enter"]);
    let screen = t.wait_for("the next filter", |s| {
        s.contains("filter: sev:>=critical") && s.contains("StopLogging")
    });
    assert!(!screen.contains("panicked"), "{screen}");
    t.keys(&["q"]);
    t.wait_for("a clean exit", |s| s.contains("EXITED rc=0"));
    // A --since no log reaches: said before anything starts.
    let t = Tmux::start("since", "--since 300000y");
    let screen = t.wait_for("the refusal", |s| s.contains("EXITED"));
    assert!(
        screen.contains("--since")
            && screen.contains("too far back")
            && !screen.contains("panicked"),
        "{screen}"
    );
}

/// The demo in tmux: the Findings pane holds GuardDuty's, Macie's and Inspector's findings, the
/// billing alarm is a row of the Health pane, and the attack sequence's detail view lays out its
/// steps, each linked to the row the console holds for it.
#[test]
fn the_findings_pane_and_an_attack_sequence_in_the_demo() {
    if !tmux_available() {
        return;
    }
    let t = Tmux::start("findings", "demo --no-bell");
    t.keys(&["2", "z"]);
    let screen = t.wait_for("three products", |s| {
        s.contains("Findings (")
            && ["GuardDuty", "Macie", "Inspector"]
                .iter()
                .all(|p| s.contains(p))
    });
    assert!(screen.contains("product"), "{screen}");
    t.keys(&["/"]);
    t.type_text("type:AttackSequence*");
    t.keys(&["Enter", "Enter"]);
    let detail = t.wait_for("the sequence's steps", |s| {
        s.contains("GuardDuty attack sequence")
            && s.contains("steps, in the order GuardDuty first saw them")
    });
    for want in [
        "FINDING Recon:IAMUser/MaliciousIPCaller",
        "CLOUD_TRAIL CreateUser",
        "ci-deploy (AKIA4EXAMPLELEAKED01)",
        "↳ in Findings: Reconnaissance API calls",
        "↳ in CloudTrail: 1 CreateUser calls with AKIA4EXAMPLELEAKED01",
    ] {
        assert!(detail.contains(want), "{want} missing:\n{detail}");
    }
    t.keys(&["q", "z", "1"]);
    t.wait_for("the billing alarm beside Health", |s| {
        s.contains("alarm: gpu-fleet-spend")
    });
}
