//! The sensitive-signal gate, end to end with the real binary: a credential-exposure event
//! replayed by a principal the default rules do not allow (a replay has no AWS identity). Its
//! access key id and user must not show on any screen (panes, Entities, detail, pickers,
//! toasts), answer a filter, reach a pin, the journal, an export, `watch` output or the log.

use crate::common;

use common::tmux::{tmux_available, Tmux};
use std::process::Command;

const KEY: &str = "AKIAHIDDENKEY0000001";
const USER: &str = "ci-hidden-user";

fn event() -> serde_json::Value {
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    serde_json::json!([{
        "version": "0", "id": "e2e-sensitive-1", "detail-type": "AWS Health Event", "source": "aws.health",
        "account": "111122223333", "time": now, "region": "us-east-1", "resources": [],
        "detail": {
            "eventArn": "arn:aws:health:us-east-1::event/RISK/AWS_RISK_CREDENTIALS_EXPOSED/AWS_RISK_CREDENTIALS_EXPOSED_e2e",
            "service": "RISK", "eventTypeCode": "AWS_RISK_CREDENTIALS_EXPOSED", "eventTypeCategory": "issue",
            "startTime": now, "lastUpdatedTime": now, "statusCode": "open", "eventRegion": "us-east-1",
            "eventDescription": [{"language": "en_US", "latestDescription": format!(
                "The AWS access key {KEY} belonging to IAM user {USER} is publicly available online.")}],
            "affectedEntities": [{"entityValue": KEY}]
        }
    }])
}

fn clean(what: &str, text: &str) {
    assert!(
        !text.contains(KEY) && !text.contains(USER),
        "{what} shows the hidden key or user:\n{text}"
    );
}

fn airc(data: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_airc"))
        .args(args)
        .env("AIRC_DATA_DIR", data)
        .env("AIRC_CONFIG_DIR", data)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
fn a_hidden_credential_exposure_leaks_nowhere() {
    if !tmux_available() {
        return;
    }
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("health.json");
    std::fs::write(&file, event().to_string()).unwrap();
    let t = Tmux::start("sensitive", &format!("replay {} --no-bell", file.display()));
    let screen = t.wait_for("the event", |s| {
        s.contains("Health (1)") && s.contains("AWS_RISK_CREDENTIALS")
    });
    clean("the panes and the Entities pane", &screen);
    assert!(screen.contains("sensitive"), "{screen}");
    // The detail view, the pivot picker, the action picker.
    t.keys(&["1", "Enter"]);
    let screen = t.wait_for("the detail", |s| s.contains("This signal is sensitive"));
    clean("the detail view", &screen);
    t.keys(&["p"]);
    let screen = t.wait_for("the pivot refusal", |s| {
        s.contains("sensitive: its details")
    });
    clean("the pivot picker", &screen);
    t.keys(&["Escape", "R"]);
    let screen = t.wait_for("the action refusal", |s| {
        s.contains("sensitive: its details")
    });
    clean("the action picker", &screen);
    // A filter on its key gets no answer (the typed text is on screen; the row is not).
    t.keys(&["/"]);
    t.type_text("key:AKIAHIDDEN*");
    t.keys(&["Enter"]);
    let screen = t.wait_for("the filtered pane", |s| {
        s.contains("filter: key:AKIAHIDDEN*")
    });
    assert!(
        !screen.contains("AWS_RISK_CREDENTIALS"),
        "the filter answered:\n{screen}"
    );
    t.keys(&["x"]);
    t.wait_for("the row again", |s| {
        s.contains("AWS_RISK_CREDENTIALS") && !s.contains("filter:")
    });
    // A pin in a new incident, and the incident view.
    t.keys(&["N"]);
    t.type_text("leaked key");
    t.keys(&["Enter"]);
    t.wait_for("the incident", |s| s.contains("IR-"));
    t.keys(&["1", "P"]);
    t.wait_for("the pin", |s| s.contains("pinned") || s.contains("saved"));
    t.keys(&["I"]);
    let screen = t.wait_for("the incident view", |s| s.contains("AWS_RISK_CREDENTIALS"));
    clean("the incident view", &screen);
    t.keys(&["q", "q"]);
    t.wait_for("a clean exit", |s| s.contains("EXITED rc=0"));
    // The journal, an export, the log, watch.
    let data = t.dir.path();
    let incidents = std::fs::read_dir(data.join("incidents")).unwrap();
    let mut journals = 0;
    for e in incidents.filter_map(|e| e.ok()) {
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(id) = name.strip_suffix(".jsonl") {
            let journal = std::fs::read_to_string(e.path()).unwrap();
            assert!(journal.contains("pinned"), "{journal}");
            clean("the journal", &journal);
            clean("the export", &airc(data, &["incident", "export", id]));
            clean("incident show", &airc(data, &["incident", "show", id]));
            journals += 1;
        }
    }
    assert_eq!(journals, 1);
    for f in std::fs::read_dir(data).unwrap().filter_map(|e| e.ok()) {
        if f.path().extension().is_some_and(|x| x == "log") {
            clean(
                "the log",
                &std::fs::read_to_string(f.path()).unwrap_or_default(),
            );
        }
    }
    let watch = airc(
        data,
        &[
            "watch",
            "--files",
            &file.display().to_string(),
            "--once",
            "--dry-run",
        ],
    );
    assert!(watch.contains("\"routed\""), "{watch}");
    clean("watch output", &watch);
}
