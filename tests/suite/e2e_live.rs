//! End to end on live AWS: the real `airc --endpoint-url …` binary in tmux against the fake AWS
//! (Health in CBOR, GuardDuty, CloudTrail, STS), with faults injected mid-run and the recovery
//! read off the screen.

use crate::common;
use crate::fake_aws;

use common::tmux::{tmux_available, Tmux};
use fake_aws::{FakeAws, Fault, FaultKind, World};
use std::path::Path;

/// A title line of the pane whose name is `pane` (e.g. "Findings (").
fn title<'a>(screen: &'a str, pane: &str) -> &'a str {
    screen.lines().find(|l| l.contains(pane)).unwrap_or("")
}

#[test]
fn live_console_with_faults_and_recovery() {
    if !tmux_available() {
        return;
    }
    let mut world = World::demo(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo"));
    world.page_size = 10;
    let server = FakeAws::start(world);
    let creds = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = creds.path().join("credentials");
    std::fs::write(
        &file,
        "[e2e]\naws_access_key_id = AKIAE2E\naws_secret_access_key = x\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let config = creds.path().join("config");
    std::fs::write(&config, "[profile e2e]\nregion = us-east-1\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let env = format!(
        "AWS_SHARED_CREDENTIALS_FILE={} AWS_CONFIG_FILE={} AWS_EC2_METADATA_DISABLED=true HOME={}",
        file.display(),
        config.display(),
        creds.path().display()
    );
    let args = format!(
        "--endpoint-url {} --profile e2e --region us-east-1 --poll health=1s --poll guardduty=1s \
         --poll cloudtrail=1s --timeout 3s --sdk-attempts 1 --identity-recheck 2s",
        server.url
    );
    let t = Tmux::start_with_env("live", &env, &args);
    let screen = t.wait_for("all three sources loaded", |s| {
        s.contains("live · e2e 111122223333 assumed-role/Responder/alice")
            && s.contains("Health (5)")
            && s.contains("Findings (10)")
            && s.contains("CloudTrail (64)")
    });
    assert!(
        title(&screen, "Findings (10)").contains("updated"),
        "{screen}"
    );
    assert!(
        title(&screen, "Health (5)").contains("issue 3"),
        "Health aggregates in the title:\n{screen}"
    );

    // Throttling mid-run: the pane keeps its rows, says so, and recovers by itself.
    server.fault(Fault::new("guardduty", FaultKind::Throttle));
    let screen = t.wait_for("GuardDuty marked throttled", |s| {
        title(s, "Findings (").contains("⚠") && s.contains("throttled")
    });
    assert!(
        screen.contains("Findings (10)"),
        "last data kept:\n{screen}"
    );
    server.clear_faults();
    t.wait_for("GuardDuty recovered", |s| {
        !title(s, "Findings (").contains("⚠") && s.contains("recovered")
    });

    // A pivot lookup from the finding on the leaked key.
    t.keys(&["2", "/"]);
    t.type_text("key:AKIA4EXAMPLELEAKED01");
    t.keys(&["Enter", "T"]);
    let screen = t.wait_for("the lookup's answer", |s| {
        s.contains("CloudTrail AccessKeyId=AKIA4EXAMPLELEAKED01 in e2e/us-east-1:")
    });
    assert!(
        screen.contains("access_key:AKIA4EXAMPLELEAKED01"),
        "pivoted:\n{screen}"
    );
    let asked = server
        .requests("cloudtrail", "LookupEvents")
        .iter()
        .any(|r| r.body["LookupAttributes"][0]["AttributeValue"] == "AKIA4EXAMPLELEAKED01");
    assert!(asked, "LookupEvents by the access key reached AWS");
    t.keys(&["BSpace", "Escape", "x"]);

    // Credentials expire: a banner with the fix; they work again: it goes away.
    server.fault(Fault::new("sts", FaultKind::ExpiredToken));
    server.fault(Fault::new("guardduty", FaultKind::ExpiredToken));
    let screen = t.wait_for("the credentials banner", |s| {
        s.contains("fix: refresh the credentials of profile e2e")
    });
    assert!(screen.contains("polling paused"), "{screen}");
    server.clear_faults();
    t.wait_for("the banner gone", |s| !s.contains("polling paused"));

    t.keys(&["q"]);
    t.wait_for("a clean exit", |s| s.contains("EXITED rc=0"));
}
