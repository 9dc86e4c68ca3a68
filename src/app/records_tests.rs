use super::super::commands::execute;
use super::super::msg::{Effect, Msg};
use super::super::state::{Mode, PaneId, State};
use super::super::update::update;
use crate::keymap::{Command, Keymap};
use crate::normalize::Options;
use serde_json::json;
use std::path::Path;

/// A CloudTrail log file with a record holding credentials, pretty-printed (the records'
/// places are not those of their compact text).
fn write_log(dir: &Path) -> std::path::PathBuf {
    let record = |id: &str| {
        json!({"eventVersion":"1.08","eventID": id,"eventName":"AssumeRole",
        "eventSource":"sts.amazonaws.com","eventTime":"2026-11-28T00:00:00Z","awsRegion":"us-east-1",
        "recipientAccountId":"111122223333",
        "userIdentity":{"type":"IAMUser","userName":"alice","arn":"arn:aws:iam::111122223333:user/alice"},
        "responseElements":{"credentials":{"accessKeyId":"ASIAEXAMPLE","secretAccessKey":"wJalrSECRET",
        "sessionToken":"IQoSECRET"}}})
    };
    let path = dir.join("trail.json");
    let doc = json!({"Records": [record("e1"), record("e2")]});
    std::fs::write(&path, serde_json::to_vec_pretty(&doc).unwrap_or_default()).unwrap_or_default();
    path
}

/// The console on that file, the first record selected: its originals kept as places in the
/// file (`file`) or in memory (the demo's way).
fn console(path: &Path, file: bool) -> State {
    let opts = if file {
        Options::console()
    } else {
        Options::default()
    };
    let mut s = State::new("t", Keymap::default(), chrono::Utc::now());
    for out in crate::source::replay::read_path(path, opts) {
        for item in out.items {
            s.view.store.insert(item);
        }
    }
    s.view.focus = PaneId::CloudTrail;
    s.pane_mut(PaneId::CloudTrail).rows = vec![0];
    s
}

/// Runs what the console's effect runner does for `ReadRecords`; returns the other effects
/// and the effects of the answer.
fn serve(state: &mut State, fx: Vec<Effect>) -> Vec<Effect> {
    let mut out = Vec::new();
    for e in fx {
        match e {
            Effect::ReadRecords(wanted) => {
                let read = wanted
                    .into_iter()
                    .map(|(id, span)| (id, crate::source::replay::reread::read(&span)))
                    .collect();
                out.extend(update(state, Msg::Records(read)));
            }
            other => out.push(other),
        }
    }
    out
}

fn detail_lines(state: &State) -> Vec<String> {
    match &state.ui.mode {
        Mode::Detail(d) => d.lines.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_record_in_a_file_shows_and_copies_as_the_one_kept_in_memory() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = write_log(dir.path());
    let (mut memory, mut file) = (console(&path, false), console(&path, true));
    assert!(file
        .view
        .store
        .signals()
        .iter()
        .all(|s| s.raw.file_span().is_some()));

    let fx = execute(&mut memory, Command::Open);
    assert!(!fx.iter().any(|e| matches!(e, Effect::ReadRecords(_))));
    let fx = execute(&mut file, Command::Open);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::ReadRecords(w) if w.len() == 1)),
        "{fx:?}"
    );
    let waiting = detail_lines(&file);
    assert!(waiting
        .last()
        .is_some_and(|l| l.contains("reading the original record")));
    serve(&mut file, fx);
    let shown = detail_lines(&file);
    assert_eq!(
        shown,
        detail_lines(&memory),
        "the detail view after the read"
    );
    assert!(shown.iter().any(|l| l.contains("ASIAEXAMPLE")));
    assert!(!shown.iter().any(|l| l.contains("wJalrSECRET")), "masked");

    // Copying from the list: asked for, then copied when it arrives, as from memory.
    for cmd in [Command::CopyJson, Command::CopyArn] {
        let (mut memory, mut file) = (console(&path, false), console(&path, true));
        let want = execute(&mut memory, cmd);
        let fx = execute(&mut file, cmd);
        assert!(
            !fx.iter().any(|e| matches!(e, Effect::Copy(_))),
            "waits: {fx:?}"
        );
        let copied = serve(&mut file, fx);
        let copy = |fx: &[Effect]| {
            fx.iter()
                .find_map(|e| match e {
                    Effect::Copy(t) => Some(t.clone()),
                    _ => None,
                })
                .unwrap_or_default()
        };
        assert!(!copy(&want).is_empty());
        assert_eq!(copy(&copied), copy(&want), "{cmd:?}");
    }
}

#[test]
fn a_key_pressed_before_the_record_arrives_drops_the_waiting_command() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut state = console(&write_log(dir.path()), true);
    let fx = execute(&mut state, Command::CopyJson);
    let key = ratatui::crossterm::event::KeyEvent::from(ratatui::crossterm::event::KeyCode::F(12));
    update(&mut state, Msg::Key(key));
    assert!(state
        .ui
        .toasts
        .iter()
        .any(|t| t.text.contains("copy") && t.text.contains("not done")));
    let after = serve(&mut state, fx);
    assert!(
        !after.iter().any(|e| matches!(e, Effect::Copy(_))),
        "{after:?}"
    );
}

#[test]
fn a_file_gone_since_the_load_is_said_and_nothing_wrong_is_copied() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = write_log(dir.path());
    let mut state = console(&path, true);
    std::fs::remove_file(&path).unwrap_or_default();
    let fx = execute(&mut state, Command::Open);
    serve(&mut state, fx);
    let lines = detail_lines(&state);
    assert!(
        lines
            .last()
            .is_some_and(|l| l.contains("cannot be read") && l.contains("trail.json")),
        "{lines:?}"
    );
    assert!(state
        .ui
        .toasts
        .iter()
        .any(|t| t.error && t.text.contains("cannot read")));
    // Not asked again; the copy is refused rather than copying nothing.
    let fx = execute(&mut state, Command::CopyJson);
    assert!(fx.is_empty(), "{fx:?}");
    assert!(state
        .ui
        .toasts
        .last()
        .is_some_and(|t| t.text.contains("not copied")));
}

#[test]
fn a_pin_keeps_the_record_read_from_the_file() {
    use crate::notebook::{Entry, EntryKind, Incident, Priority};
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = write_log(dir.path());
    let pinned = |file: bool| {
        let mut state = console(&path, file);
        state.notebook.incident = Incident::fold(&[Entry::now(EntryKind::Opened {
            id: "INC-1".into(),
            title: "t".into(),
            severity: Priority::P2,
            commander: "tester".into(),
            responders: Vec::new(),
            title_sensitive: None,
        })]);
        let fx = execute(&mut state, Command::Pin);
        serve(&mut state, fx).into_iter().find_map(|e| match e {
            Effect::Notebook(crate::app::msg::NbOp::Append { entry, .. }) => match entry.kind {
                EntryKind::Pinned { raw, .. } => Some(raw),
                _ => None,
            },
            _ => None,
        })
    };
    let from_file = pinned(true);
    assert!(
        from_file.as_ref().is_some_and(|r| r["eventID"] == "e1"),
        "{from_file:?}"
    );
    assert_eq!(from_file, pinned(false));
}
