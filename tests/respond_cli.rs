//! `airc respond` from a shell against moto server: the plan bound to the caller's account, the
//! intent and outcome in the audit log, the incident timeline, and every local fault that must
//! stop a change (no audit log, an unreadable config.toml, a bad incident id, another account).

mod common;

use airc::respond::clients::Clients;
use common::moto::Moto;
use std::process::Command;

const REGION: &str = "us-east-1";

fn creds() {
    common::moto::creds("AKIAMOTOTESTING00003");
}

#[test]
fn airc_respond_from_a_shell_audits_and_records_in_the_timeline() {
    let Some(moto) = Moto::start() else { return };
    creds();
    let data = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (instance, _) = rt.block_on(async {
        let c = Clients::load(None, Some(REGION), Some(&moto.url)).await;
        let sg = c
            .ec2
            .describe_security_groups()
            .send()
            .await
            .unwrap()
            .security_groups()[0]
            .group_id()
            .unwrap()
            .to_string();
        let out = c
            .ec2
            .run_instances()
            .image_id("ami-12c6146b")
            .min_count(1)
            .max_count(1)
            .security_group_ids(&sg)
            .send()
            .await
            .unwrap();
        (out.instances()[0].instance_id().unwrap().to_string(), sg)
    });
    let airc = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_airc"))
            .args(args)
            .env("AIRC_DATA_DIR", data.path())
            .env("AIRC_CONFIG_DIR", data.path())
            .output()
            .unwrap()
    };
    let out = airc(&["incident", "new", "--title", "leaked key"]);
    let incident = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .find(|w| w.starts_with("IR-"))
        .unwrap_or_default()
        .to_string();
    assert!(!incident.is_empty(), "{out:?}");
    // --dry-run prints the plan and calls nothing.
    let out = airc(&[
        "respond",
        "isolate",
        &instance,
        "--dry-run",
        "--json",
        "--endpoint-url",
        &moto.url,
        "--region",
        REGION,
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["plan"]["destructive"], true);
    assert!(v["plan"]["calls"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["permission"] == "ec2:ModifyInstanceAttribute"));
    assert!(
        !data.path().join("audit.jsonl").exists(),
        "a dry run audits nothing"
    );
    // Without a terminal and without --yes it refuses.
    let out = airc(&[
        "respond",
        "isolate",
        &instance,
        "--endpoint-url",
        &moto.url,
        "--region",
        REGION,
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Read-only refuses before any call, and says so.
    let out = airc(&[
        "respond",
        "isolate",
        &instance,
        "--yes",
        "--read-only",
        "--endpoint-url",
        &moto.url,
        "--region",
        REGION,
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("read-only"));
    let out = airc(&[
        "respond",
        "isolate",
        &instance,
        "--yes",
        "--json",
        "--incident",
        &incident,
        "--endpoint-url",
        &moto.url,
        "--region",
        REGION,
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"]["status"], "done");
    let audit = std::fs::read_to_string(data.path().join("audit.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = audit
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "the refusal, the intent, the outcome");
    assert_eq!(lines[0]["outcome"]["status"], "refused");
    let intent = &lines[1];
    assert_eq!(intent["kind"], "intent");
    assert_eq!(intent["account"], common::moto::ACCOUNT);
    let last = &lines[2];
    assert_eq!(last["kind"], "outcome");
    assert_eq!(last["outcome"]["intent"], intent["intent"]);
    assert_eq!(last["account"], common::moto::ACCOUNT);
    assert_eq!(last["outcome"]["verification"]["verified"], true, "{last}");
    assert!(
        last["caller"]
            .as_str()
            .unwrap_or("")
            .starts_with("arn:aws:"),
        "{last}"
    );
    assert!(last["outcome"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["operation"] == "ec2:ModifyNetworkInterfaceAttribute" && s["ok"] == true));
    let show = airc(&["incident", "show", &incident]);
    let text = String::from_utf8_lossy(&show.stdout);
    assert!(
        text.contains("isolate") && text.contains(&instance),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "account {} (profile default)",
            common::moto::ACCOUNT
        )),
        "the timeline says where it ran: {text}"
    );
    // Incident ids name files: paths are refused before anything is called.
    let out = airc(&[
        "respond",
        "tag",
        &instance,
        "--yes",
        "--incident",
        "../../x",
        "--endpoint-url",
        &moto.url,
        "--region",
        REGION,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not an incident id"),
        "{out:?}"
    );
    let out = airc(&["incident", "show", "/tmp/x"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not an incident id"),
        "{out:?}"
    );
    let out = airc(&[
        "respond",
        "tag",
        &instance,
        "--yes",
        "--incident",
        "IR-20200101-9",
        "--endpoint-url",
        &moto.url,
        "--region",
        REGION,
    ]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no incident IR-20200101-9"),
        "{out:?}"
    );
    // An ARN of another account is refused before any call.
    let out = airc(&[
        "respond",
        "quarantine-user",
        "arn:aws:iam::222233334444:user/ci-deploy",
        "--yes",
        "--endpoint-url",
        &moto.url,
        "--region",
        REGION,
    ]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("account 222233334444"),
        "{out:?}"
    );
}

/// Stop-the-world faults of the local side: an audit log that cannot be written, a config.toml
/// that cannot be read. Neither may let a change reach AWS.
#[test]
fn no_audit_log_or_an_unreadable_config_means_nothing_changes() {
    let Some(moto) = Moto::start() else { return };
    creds();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let c = rt.block_on(Clients::load(None, Some(REGION), Some(&moto.url)));
    rt.block_on(async {
        c.iam
            .create_user()
            .user_name("ci-deploy")
            .send()
            .await
            .unwrap();
    });
    let policies = || {
        rt.block_on(async {
            c.iam
                .list_user_policies()
                .user_name("ci-deploy")
                .send()
                .await
                .unwrap()
                .policy_names()
                .len()
        })
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let run = |data: &std::path::Path, config: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_airc"))
            .args([
                "respond",
                "quarantine-user",
                "user/ci-deploy",
                "--yes",
                "--endpoint-url",
                &moto.url,
                "--region",
                REGION,
            ])
            .env("AIRC_DATA_DIR", data)
            .env("AIRC_CONFIG_DIR", config)
            .output()
            .unwrap()
    };
    // The data dir sits under a file: no intent record, so no PutUserPolicy.
    let out = run(&file.join("data"), dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_ne!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("intent could not be written"),
        "the outcome is printed: {stdout}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("NOT in the audit log"),
        "{out:?}"
    );
    assert_eq!(policies(), 0, "nothing reached moto");
    // A config.toml that is not UTF-8: read-only, said on stderr.
    let config = dir.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), b"read_only = false\n\xff").unwrap();
    let data = dir.path().join("data");
    let out = run(&data, &config);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("config.toml") && err.contains("read-only is ON"),
        "{err}"
    );
    assert_eq!(policies(), 0, "read-only held");
    // With both fixed it runs, and says verified.
    std::fs::write(config.join("config.toml"), "read_only = false\n").unwrap();
    let out = run(&data, &config);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("done · verified"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "account {} (profile default) · {REGION}",
            common::moto::ACCOUNT
        )),
        "{stdout}"
    );
    assert_eq!(policies(), 1);
}

/// A target ARN that names a region binds the action to it: `--region` saying another is
/// refused before anything is called, naming both; the same region, or a target without one, is
/// fine.
#[test]
fn a_region_flag_never_overrides_the_region_an_arn_names() {
    let data = tempfile::tempdir().unwrap();
    let airc = |target: &str, region: &str| {
        Command::new(env!("CARGO_BIN_EXE_airc"))
            .args([
                "respond",
                "isolate",
                target,
                "--dry-run",
                "--region",
                region,
                // Nothing listens there: the credentials check fails at once (dry run goes on).
                "--endpoint-url",
                "http://127.0.0.1:9",
            ])
            .env("AIRC_DATA_DIR", data.path())
            .env("AIRC_CONFIG_DIR", data.path())
            .env("AWS_ACCESS_KEY_ID", "AKIAFAKEFAKEFAKE0001")
            .env("AWS_SECRET_ACCESS_KEY", "fake")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", data.path().join("none"))
            .env("AWS_SHARED_CREDENTIALS_FILE", data.path().join("none"))
            .output()
            .unwrap()
    };
    let arn = "arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc";
    let out = airc(arn, "us-east-1");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        stderr.contains("region eu-west-1") && stderr.contains("--region says us-east-1"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "no plan: {out:?}");
    let out = airc(arn, "eu-west-1");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(stdout.contains("eu-west-1"), "{stdout}");
    let out = airc("i-0abc", "us-east-1");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(stdout.contains("us-east-1"), "{stdout}");
}
