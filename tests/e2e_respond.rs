//! End to end: in the console against moto, select the instance a finding names, isolate it,
//! type the confirmation, and see the result on screen, in moto, in the audit log and in the
//! incident's timeline.

mod common;

use common::moto::Moto;
use common::tmux::{tmux_available, Tmux};

#[test]
fn isolate_an_instance_from_the_console() {
    if !tmux_available() {
        return;
    }
    let Some(moto) = Moto::start() else { return };
    common::moto::creds("AKIAMOTOTESTING00002");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let clients = rt.block_on(airc::respond::clients::Clients::load(
        None,
        Some("us-east-1"),
        Some(&moto.url),
    ));
    let (instance, web) = rt.block_on(async {
        let web = common::moto::group(&clients, "web").await;
        (common::moto::instance_in(&clients, &web).await, web)
    });
    let files = tempfile::tempdir().unwrap();
    let finding = files.path().join("finding.json");
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    std::fs::write(
        &finding,
        serde_json::json!({"findings": [{
            "schemaVersion": "2.0", "id": "e2e-finding-1", "type": "CryptoCurrency:EC2/BitcoinTool.B!DNS",
            "arn": "arn:aws:guardduty:us-east-1:123456789012:detector/d1/finding/e2e-finding-1",
            "severity": 8, "accountId": "123456789012", "region": "us-east-1", "partition": "aws",
            "createdAt": now, "updatedAt": now, "title": "EC2 instance is querying a crypto-mining domain",
            "description": "mining", "resource": {"resourceType": "Instance", "instanceDetails": {"instanceId": instance}}
        }]})
        .to_string(),
    )
    .unwrap();
    let env = "AWS_ACCESS_KEY_ID=AKIAMOTOTESTING00002 AWS_SECRET_ACCESS_KEY=x AWS_EC2_METADATA_DISABLED=true";
    let args = format!(
        "--endpoint-url {} --region us-east-1 --replay {} --poll health=60s --poll guardduty=60s \
         --poll cloudtrail=60s --sdk-attempts 1 --timeout 3s",
        moto.url,
        finding.display()
    );
    let t = Tmux::start_with_env("respond", env, &args);
    t.wait_for("the finding", |s| s.contains("EC2 instance is querying"));
    t.keys(&["N"]);
    t.type_text("mining on web");
    t.keys(&["Enter"]);
    t.wait_for("the incident", |s| s.contains("IR-"));
    t.keys(&["2", "R"]);
    let screen = t.wait_for("the action picker", |s| {
        s.contains("Response action") && s.contains("isolate")
    });
    let rows: Vec<&str> = screen
        .lines()
        .filter(|l| {
            l.contains("archive")
                || l.contains("feedback")
                || l.contains("notify")
                || l.contains("isolate")
        })
        .collect();
    let index = rows
        .iter()
        .position(|l| l.contains(" isolate "))
        .unwrap_or_else(|| panic!("{screen}"));
    for _ in 0..index {
        t.keys(&["j"]);
    }
    t.keys(&["Enter"]);
    let screen = t.wait_for("the plan", |s| {
        s.contains("Plan: nothing is called") && s.contains("ModifyNetworkInterfaceAttribute")
    });
    assert!(screen.contains(&format!("type {instance}")), "{screen}");
    assert!(
        screen.contains(&format!(
            "account {} (profile default) · us-east-1",
            common::moto::ACCOUNT
        )),
        "the plan says which account it touches: {screen}"
    );
    // A wrong confirmation runs nothing.
    t.type_text("i-wrong");
    t.keys(&["Enter"]);
    t.wait_for("the refusal of a wrong id", |s| {
        s.contains("exactly to confirm")
    });
    for _ in 0.."i-wrong".len() {
        t.keys(&["BSpace"]);
    }
    t.type_text(&instance);
    t.keys(&["Enter"]);
    t.wait_for("the outcome, read back", |s| {
        s.contains(&format!("isolate on instance {instance}: done · verified"))
    });
    // In moto: only the isolation group is left.
    let groups = rt.block_on(async {
        let d = clients
            .ec2
            .describe_instances()
            .instance_ids(&instance)
            .send()
            .await
            .unwrap();
        let ids: Vec<String> = d.reservations()[0].instances()[0]
            .security_groups()
            .iter()
            .filter_map(|g| g.group_name().map(String::from))
            .collect();
        ids
    });
    assert_eq!(groups, vec!["airc-isolation".to_string()]);
    let audit = std::fs::read_to_string(t.dir.path().join("audit.jsonl")).unwrap();
    assert!(
        audit.contains(&instance)
            && audit.contains(&web)
            && audit.contains("\"status\":\"done\"")
            && audit.contains("\"kind\":\"intent\"")
            && audit.contains("\"verified\":true")
            && audit.contains("restore-groups"),
        "{audit}"
    );
    // The incident's timeline has it.
    t.keys(&["I"]);
    t.wait_for("the action in the notebook", |s| {
        s.contains("isolate") && s.contains(&instance)
    });
    t.keys(&["q", "q"]);
    t.wait_for("a clean exit", |s| s.contains("EXITED rc=0"));
}

/// Fails on the session-16 main: the picker, opened on a GuardDuty row, bound its plan to the
/// CloudTrail row of another account that had focus when `enter` was pressed.
#[test]
fn the_plan_names_the_account_of_the_row_the_picker_opened_on() {
    if !tmux_available() {
        return;
    }
    let files = tempfile::tempdir().unwrap();
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    std::fs::write(
        files.path().join("finding.json"),
        serde_json::json!({"findings": [{
            "schemaVersion": "2.0", "id": "f0aaf0aaf0aaf0aaf0aaf0aaf0aaf0aa", "type": "Recon:EC2/PortProbeUnprotectedPort",
            "arn": "arn:aws:guardduty:eu-west-1:111111111111:detector/d1/finding/f0aaf0aaf0aaf0aaf0aaf0aaf0aaf0aa",
            "severity": 5, "accountId": "111111111111", "region": "eu-west-1", "partition": "aws",
            "createdAt": now, "updatedAt": now, "title": "Unprotected port probed",
            "description": "probe", "resource": {"resourceType": "Instance", "instanceDetails": {"instanceId": "i-0123456789abcdef0"}}
        }]})
        .to_string(),
    )
    .unwrap();
    std::fs::write(
        files.path().join("trail.json"),
        serde_json::json!({"Records": [{"eventVersion":"1.08","eventID":"other-account-1",
            "eventTime":now,"eventSource":"iam.amazonaws.com","eventName":"CreateUser",
            "awsRegion":"us-west-2","sourceIPAddress":"198.51.100.9","recipientAccountId":"222222222222",
            "userIdentity":{"type":"IAMUser","accountId":"222222222222","userName":"bob",
                "arn":"arn:aws:iam::222222222222:user/bob"}}]})
        .to_string(),
    )
    .unwrap();
    let t = Tmux::start(
        "pickbind",
        &format!("replay {} --no-bell", files.path().display()),
    );
    t.wait_for("both rows", |s| {
        s.contains("Unprotected port probed") && s.contains("iam:CreateUser")
    });
    t.keys(&["2", "R"]);
    t.wait_for("the action picker", |s| {
        s.contains("Response action") && s.contains("archive")
    });
    // Focus moves to the CloudTrail row of account 222222222222 while the picker is open.
    t.keys(&["3", "Enter"]);
    let screen = t.wait_for("the plan", |s| s.contains("Plan: nothing is called"));
    assert!(
        screen.contains("account 111111111111") && screen.contains("eu-west-1"),
        "{screen}"
    );
    assert!(!screen.contains("account 222222222222"), "{screen}");
}
