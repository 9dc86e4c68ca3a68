//! End to end in tmux: commands reach every mode (P, R and T in the detail view act on the
//! signal it shows), and $EDITOR gets every key typed into it (the console's input reader is
//! gone while the editor has the terminal).

use crate::common;

use common::tmux::{tmux_available, Tmux};
use std::process::Command;

#[test]
fn pin_respond_and_lookup_work_in_the_detail_view() {
    if !tmux_available() {
        return;
    }
    let t = Tmux::start("detail-keys", "demo --no-bell");
    t.demo_incident("detail keys");
    // P in the detail view pins the signal it shows.
    t.keys(&["3", "Enter"]);
    t.wait_for("the detail view", |s| s.contains("Detail ·"));
    t.keys(&["P"]);
    t.wait_for("the pin saved", |s| s.contains("pinned"));
    // T: the lookup answers (live AWS only), not silence.
    t.keys(&["T"]);
    t.wait_for("the lookup's answer", |s| {
        s.contains("CloudTrail lookups query live AWS")
    });
    // R: the actions for this signal.
    t.keys(&["R"]);
    t.wait_for("the action picker", |s| s.contains("notify"));
    t.keys(&["Escape"]);
    t.keys(&["I"]);
    t.wait_for("the evidence in the notebook", |s| {
        s.contains("Evidence (1)")
    });
    t.keys(&["Escape", "q"]);
    t.wait_for("exit", |s| s.contains("EXITED rc=0"));
}

#[test]
fn an_interactive_editor_gets_every_key_typed_into_it() {
    if !tmux_available() {
        return;
    }
    // An editor that reads the terminal itself, line by line, until END.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let editor = dir.path().join("lines-editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\necho 'LINES EDITOR: type, END to finish'\n\
         while IFS= read -r line; do\n  [ \"$line\" = END ] && break\n  \
         printf '%s\\n' \"$line\" >> \"$1\"\ndone\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let _ = Command::new("chmod").arg("+x").arg(&editor).status();
    let env = format!("VISUAL={}", editor.display());
    let t = Tmux::start_with_env("editor", &env, "demo --no-bell");
    t.demo_incident("editor keys");
    t.keys(&["a"]);
    t.wait_for("the note editor", |s| s.contains("Note for IR-"));
    t.type_text("first");
    t.keys(&["C-e"]);
    t.wait_for("the editor", |s| s.contains("LINES EDITOR"));
    // Typed one key at a time, as a person would: each one must reach the editor.
    for word in ["alpha bravo charlie", "delta echo", "END"] {
        for c in word.chars() {
            t.type_text(&c.to_string());
        }
        t.keys(&["Enter"]);
    }
    let screen = t.wait_for("the note back in the console", |s| {
        s.contains("Note for IR-") && s.contains("delta echo")
    });
    assert!(screen.contains("alpha bravo charlie"), "{screen}");
    t.keys(&["C-s"]);
    t.wait_for("the note saved", |s| !s.contains("Note for IR-"));
    t.keys(&["q"]);
    t.wait_for("exit", |s| s.contains("EXITED rc=0"));
    let out = Command::new(env!("CARGO_BIN_EXE_airc"))
        .env("AIRC_DATA_DIR", t.dir.path())
        .args(["incident", "list"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let list = String::from_utf8_lossy(&out.stdout);
    let id = list
        .split_whitespace()
        .find(|w| w.starts_with("IR-"))
        .unwrap_or_else(|| panic!("no incident: {list}"));
    let out = Command::new(env!("CARGO_BIN_EXE_airc"))
        .env("AIRC_DATA_DIR", t.dir.path())
        .args(["incident", "show", id])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let show = String::from_utf8_lossy(&out.stdout);
    assert!(
        show.contains("first\nalpha bravo charlie\ndelta echo")
            || show.contains("first alpha bravo charlie delta echo")
            || (show.contains("first")
                && show.contains("alpha bravo charlie")
                && show.contains("delta echo")),
        "{show}"
    );
}
