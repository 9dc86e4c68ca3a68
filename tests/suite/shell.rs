//! What a shell user expects around the binary: completion scripts that the shells accept, a
//! man page generated from the same definitions as `--help`, and `airc bench` reaching the
//! separate `airc-bench` binary.

use std::process::Command;

fn airc(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_airc"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn completions_for_bash_zsh_and_fish_name_every_subcommand() {
    for shell in ["bash", "zsh", "fish"] {
        let out = airc(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        for sub in [
            "demo", "replay", "inspect", "incident", "watch", "respond", "keys",
        ] {
            assert!(script.contains(sub), "{shell} completion lacks {sub}");
        }
        assert!(
            !script.contains("stress"),
            "the test-only writer is not a command"
        );
    }
    // bash parses what it is given (-n: read, do not run).
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("airc.bash");
    std::fs::write(&file, airc(&["completions", "bash"]).stdout).unwrap_or_else(|e| panic!("{e}"));
    if let Ok(st) = Command::new("bash").arg("-n").arg(&file).status() {
        assert!(st.success(), "bash rejects the completion script");
    }
    assert!(!airc(&["completions", "tcsh"]).status.success());
}

#[test]
fn the_man_page_is_roff_with_the_subcommands() {
    let out = airc(&["man"]);
    assert!(out.status.success());
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.contains(".TH airc 1"), "{page}");
    for s in ["incident", "respond", "watch", "completions"] {
        assert!(page.contains(s), "man page lacks {s}");
    }
}

#[test]
fn airc_bench_runs_the_bench_binary() {
    let out = airc(&["bench", "--help"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("airc-bench") && text.contains("corpus"),
        "{text}"
    );
}
