use super::*;
use crate::model::detection::CorrelationInput;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

fn pack() -> Detections {
    Detections::builtin()
}

fn names(m: &Matched) -> Vec<String> {
    m.detections
        .iter()
        .map(|d| d.rule.name.clone().unwrap_or_default())
        .collect()
}

#[test]
fn the_builtin_pack_loads_whole() {
    let d = pack();
    assert_eq!(d.problems(), &[], "built-in rules that fail to load");
    assert!(d.skipped().is_empty());
    assert!(d.rules().len() >= 80, "{} rules", d.rules().len());
    for r in d.rules() {
        assert!(r.author.is_some(), "{} has no author", r.title);
        assert!(!r.tactics.is_empty(), "{} has no ATT&CK tactic", r.title);
        assert!(
            !r.techniques.is_empty(),
            "{} has no ATT&CK technique",
            r.title
        );
        assert!(r.name.is_some(), "{} has no name", r.title);
    }
    // The pack reads only fields the fast CloudTrail path keeps.
    assert!(!d.needs_full_record());
}

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-01-15T02:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// Matches `rec`, then runs the correlator on it at `t0 + minutes`.
fn step(d: &Detections, c: &mut Correlator, minutes: i64, rec: serde_json::Value) -> Vec<String> {
    let m = d.match_record(&rec);
    let mut out = names(&m);
    if let Some(input) = m.correlation_input {
        for det in c.feed(t0() + Duration::minutes(minutes), *input) {
            out.push(det.rule.name.clone().unwrap_or_default());
        }
    }
    out
}

fn denied(arn: &str) -> serde_json::Value {
    json!({"eventSource": "iam.amazonaws.com", "eventName": "ListUsers", "errorCode": "AccessDenied",
           "userIdentity": {"type": "IAMUser", "arn": arn}})
}

#[test]
fn five_denials_in_ten_minutes_from_one_principal_is_a_burst() {
    let d = pack();
    let mut c = d.correlator();
    let eve = "arn:aws:iam::1:user/eve";
    for i in 0..4 {
        let got = step(&d, &mut c, i, denied(eve));
        assert!(got.contains(&"aws_access_denied".to_string()), "{got:?}");
        assert!(
            !got.contains(&"aws_access_denied_burst".to_string()),
            "{i}: {got:?}"
        );
        // Another principal's denials do not add to eve's count.
        let other = step(&d, &mut c, i, denied("arn:aws:iam::1:user/bob"));
        assert!(!other.contains(&"aws_access_denied_burst".to_string()));
    }
    let got = step(&d, &mut c, 5, denied(eve));
    assert!(
        got.contains(&"aws_access_denied_burst".to_string()),
        "{got:?}"
    );
}

#[test]
fn denials_spread_over_an_hour_are_not_a_burst() {
    let d = pack();
    let mut c = d.correlator();
    for i in 0..8 {
        let got = step(&d, &mut c, i * 11, denied("arn:aws:iam::1:user/eve"));
        assert!(
            !got.contains(&"aws_access_denied_burst".to_string()),
            "{i}: {got:?}"
        );
    }
}

#[test]
fn a_secrets_sweep_needs_ten_reads_in_five_minutes() {
    let d = pack();
    let mut c = d.correlator();
    let read = |i: i64| {
        json!({"eventSource": "secretsmanager.amazonaws.com", "eventName": "GetSecretValue",
               "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::1:assumed-role/r/s"},
               "requestParameters": {"secretId": format!("prod/{i}")}})
    };
    let mut fired = Vec::new();
    for i in 0..10 {
        let got = step(&d, &mut c, i / 3, read(i));
        assert!(got.contains(&"aws_secretsmanager_secret_read".to_string()));
        fired.push(got.contains(&"aws_secrets_sweep".to_string()));
    }
    assert_eq!(fired.iter().filter(|f| **f).count(), 1, "{fired:?}");
    assert!(fired[9], "{fired:?}");
}

#[test]
fn a_key_created_for_a_user_then_used_is_reported_once_used() {
    let d = pack();
    let mut c = d.correlator();
    let create = json!({"eventSource": "iam.amazonaws.com", "eventName": "CreateAccessKey",
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::1:user/ci", "accessKeyId": "AKIALEAKED"},
        "requestParameters": {"userName": "svc"},
        "responseElements": {"accessKey": {"accessKeyId": "AKIANEWKEY", "userName": "svc"}}});
    let got = step(&d, &mut c, 0, create);
    assert!(
        got.contains(&"aws_iam_create_access_key".to_string()),
        "{got:?}"
    );
    // The correlation inputs are not shown on their own.
    assert!(!got
        .iter()
        .any(|n| n == "aws_access_key_created_for_user" || n == "aws_long_term_key_used"));
    let use_other = json!({"eventSource": "sts.amazonaws.com", "eventName": "GetCallerIdentity",
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::1:user/ci", "accessKeyId": "AKIAOTHER"}});
    assert!(!step(&d, &mut c, 5, use_other).contains(&"aws_new_access_key_used".to_string()));
    let use_new = json!({"eventSource": "sts.amazonaws.com", "eventName": "GetCallerIdentity",
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::1:user/svc", "accessKeyId": "AKIANEWKEY"}});
    let got = step(&d, &mut c, 7, use_new);
    assert!(
        got.contains(&"aws_new_access_key_used".to_string()),
        "{got:?}"
    );
}

#[test]
fn iam_changes_after_a_password_only_sign_in() {
    let d = pack();
    let login = json!({"eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin",
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::1:user/dave"},
        "additionalEventData": {"MFAUsed": "No"}, "responseElements": {"ConsoleLogin": "Success"}});
    let change = json!({"eventSource": "iam.amazonaws.com", "eventName": "CreateUser",
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::1:user/dave"},
        "requestParameters": {"userName": "x"}});
    let mut c = d.correlator();
    assert!(
        step(&d, &mut c, 0, login.clone()).contains(&"aws_console_login_without_mfa".to_string())
    );
    let got = step(&d, &mut c, 20, change.clone());
    assert!(
        got.contains(&"aws_no_mfa_login_then_iam_change".to_string()),
        "{got:?}"
    );
    // The other order, or two hours apart, is not the pattern.
    let mut c = d.correlator();
    assert!(!step(&d, &mut c, 0, change.clone())
        .contains(&"aws_no_mfa_login_then_iam_change".to_string()));
    assert!(!step(&d, &mut c, 1, login.clone())
        .contains(&"aws_no_mfa_login_then_iam_change".to_string()));
    let mut c = d.correlator();
    step(&d, &mut c, 0, login);
    assert!(
        !step(&d, &mut c, 121, change).contains(&"aws_no_mfa_login_then_iam_change".to_string())
    );
}

#[test]
fn fifty_deletes_from_one_bucket_in_five_minutes_is_a_mass_deletion() {
    let d = pack();
    let mut c = d.correlator();
    let del = |bucket: &str, i: i64| {
        json!({"eventSource": "s3.amazonaws.com", "eventName": "DeleteObject",
               "userIdentity": {"arn": "arn:aws:iam::1:user/x"},
               "requestParameters": {"bucketName": bucket, "key": format!("k{i}")}})
    };
    let mut fired = 0;
    for i in 0..49 {
        // Another bucket's deletes do not count towards this one.
        fired += step(&d, &mut c, i / 20, del("other", i)).len();
        let got = step(&d, &mut c, i / 20, del("data", i));
        assert!(got.is_empty(), "{i}: {got:?}");
    }
    assert_eq!(fired, 0);
    assert_eq!(
        step(&d, &mut c, 3, del("data", 50)),
        ["aws_s3_mass_deletion"]
    );
}

#[test]
fn a_correlation_input_carries_only_the_grouped_fields() {
    let d = pack();
    let m = d.match_record(&denied("arn:aws:iam::1:user/eve"));
    let input = m.correlation_input.map(|b| *b).unwrap_or_default();
    assert_eq!(input.rules.len(), 1);
    assert_eq!(
        input.fields.get("userIdentity.arn"),
        Some(&json!("arn:aws:iam::1:user/eve"))
    );
    assert!(!input.fields.contains_key("errorCode"));
    let _: CorrelationInput = CorrelationInput::default();
}

#[test]
fn user_rules_report_what_fails_and_skip_other_log_sources() {
    let mut b = load::Builder::default();
    b.add_text("good.yml", "title: t\nid: 11111111-1111-1111-1111-111111111111\nlogsource: {product: aws, service: cloudtrail}\ndetection: {sel: {eventName: X}, condition: sel}\nlevel: low\n");
    b.add_text("windows.yml", "title: w\nlogsource: {product: windows, service: security}\ndetection: {sel: {EventID: 4625}, condition: sel}\n");
    b.add_text("broken.yml", "title: b\nlogsource: {product: aws, service: cloudtrail}\ndetection: {sel: {eventName: X}, condition: sel and nope}\n");
    b.add_text("notyaml.yml", "::: [");
    let d = b.finish();
    assert_eq!(d.rules().len(), 1);
    assert_eq!(d.skipped().len(), 1);
    assert_eq!(d.skipped()[0].file, "windows.yml");
    let files: Vec<&str> = d.problems().iter().map(|p| p.file.as_str()).collect();
    assert!(
        files.contains(&"broken.yml") && files.contains(&"notyaml.yml"),
        "{:?}",
        d.problems()
    );
    assert!(d.problems().iter().all(|p| !p.reason.is_empty()));
}

/// One small rule per feature of the language the AWS rules use, each with a record that matches
/// and one that just misses.
#[test]
fn each_modifier_matches_and_just_misses() {
    let rule = |n: usize, detection: &str| {
        format!(
            "title: m{n}\nid: 00000000-0000-0000-0000-{n:012}\nlogsource: {{product: aws, service: cloudtrail}}\n\
             detection:\n{detection}\nlevel: low\n"
        )
    };
    let cases: Vec<(&str, serde_json::Value, serde_json::Value)> = vec![
        ("  sel: {userAgent|contains: TruffleHog}\n  condition: sel",
         json!({"userAgent": "x trufflehog/3"}), json!({"userAgent": "x truffle-hog"})),
        ("  sel: {eventName|startswith: Delete}\n  condition: sel",
         json!({"eventName": "DeleteTrail"}), json!({"eventName": "UndeleteTrail"})),
        ("  sel: {userIdentity.arn|endswith: ':root'}\n  condition: sel",
         json!({"userIdentity": {"arn": "arn:aws:iam::1:root"}}), json!({"userIdentity": {"arn": "arn:aws:iam::1:rootx"}})),
        ("  sel: {userAgent|contains|all: [boto3, linux]}\n  condition: sel",
         json!({"userAgent": "Boto3/1 os/linux"}), json!({"userAgent": "Boto3/1 os/macos"})),
        ("  sel: {userIdentity.arn|re: '.+:assumed-role/aws:.+'}\n  condition: sel",
         json!({"userIdentity": {"arn": "arn:aws:sts::1:assumed-role/aws:ec2-instance/i-1"}}),
         json!({"userIdentity": {"arn": "arn:aws:sts::1:assumed-role/app/i-1"}})),
        ("  sel: {sourceIPAddress|cidr: 203.0.113.0/24}\n  condition: sel",
         json!({"sourceIPAddress": "203.0.113.66"}), json!({"sourceIPAddress": "203.0.114.66"})),
        ("  sel: {requestParameters.userData|exists: true}\n  condition: sel",
         json!({"requestParameters": {"userData": "x"}}), json!({"requestParameters": {"user": "x"}})),
        ("  sel: {requestParameters.script|base64offset|contains: curl}\n  condition: sel",
         json!({"requestParameters": {"script": "IyEvYmluL3NoCmN1cmwgaHR0cDovL3g="}}),
         json!({"requestParameters": {"script": "IyEvYmluL3NoCndnZXQgaHR0cDovL3g="}})),
        ("  sel: {eventName: DeleteBucket}\n  ok: {errorCode: null}\n  condition: sel and ok",
         json!({"eventName": "DeleteBucket"}), json!({"eventName": "DeleteBucket", "errorCode": "AccessDenied"})),
        ("  sel: {eventName: [StopLogging, DeleteTrail]}\n  condition: sel",
         json!({"eventName": "DeleteTrail"}), json!({"eventName": "UpdateTrail"})),
        ("  sel_a: {eventName: X}\n  sel_b: {eventName: Y}\n  condition: 1 of sel_*",
         json!({"eventName": "Y"}), json!({"eventName": "Z"})),
        ("  a: {eventName: X}\n  b: {awsRegion: us-east-1}\n  condition: all of them",
         json!({"eventName": "X", "awsRegion": "us-east-1"}), json!({"eventName": "X", "awsRegion": "eu-west-1"})),
        ("  sel: {eventName: X}\n  f1: {awsRegion: eu-west-1}\n  f2: {errorCode: AccessDenied}\n  condition: sel and not (f1 or f2)",
         json!({"eventName": "X", "awsRegion": "us-east-1"}), json!({"eventName": "X", "errorCode": "AccessDenied"})),
    ];
    for (n, (detection, hit, miss)) in cases.into_iter().enumerate() {
        let mut b = load::Builder::default();
        b.add_text("case.yml", &rule(n, detection));
        let d = b.finish();
        assert_eq!(d.problems(), &[], "{detection}");
        assert_eq!(
            d.match_record(&hit).detections.len(),
            1,
            "{detection} should match {hit}"
        );
        assert!(
            d.match_record(&miss).detections.is_empty(),
            "{detection} should miss {miss}"
        );
    }
}

/// The "key used" rule is evaluated in the readers only once the key's creation was read: a
/// call with a key created elsewhere carries nothing to the correlations; after the creation,
/// the same key's calls do, and another key's still do not.
#[test]
fn later_steps_are_matched_only_for_groups_an_earlier_step_opened() {
    let d = Detections::builtin();
    let used = |key: &str| {
        json!({"eventSource": "sts.amazonaws.com", "eventName": "GetCallerIdentity",
            "userIdentity": {"type": "IAMUser", "userName": "x", "accessKeyId": key}})
    };
    let feeds = |m: &Matched| {
        m.correlation_input
            .as_ref()
            .map(|i| i.rules.len())
            .unwrap_or(0)
    };
    assert_eq!(feeds(&d.match_record(&used("AKIAOLDKEY0000000001"))), 0);
    let created = json!({"eventSource": "iam.amazonaws.com", "eventName": "CreateAccessKey",
        "requestParameters": {"userName": "svc"},
        "responseElements": {"accessKey": {"accessKeyId": "AKIANEWKEY0000000001", "userName": "svc"}}});
    assert!(feeds(&d.match_record(&created)) > 0);
    assert_eq!(feeds(&d.match_record(&used("AKIANEWKEY0000000001"))), 1);
    assert_eq!(feeds(&d.match_record(&used("AKIAOLDKEY0000000002"))), 0);
}

#[test]
fn ssm_sessions_on_three_instances_from_one_principal_is_the_stratus_pattern() {
    let d = pack();
    let mut c = d.correlator();
    let session = |arn: &str, target: &str| {
        json!({"eventSource": "ssm.amazonaws.com", "eventName": "StartSession",
               "userIdentity": {"type": "AssumedRole", "arn": arn},
               "requestParameters": {"target": target}})
    };
    let eve = "arn:aws:sts::1:assumed-role/ops/eve";
    let many = "aws_ssm_sessions_many_instances".to_string();
    // Two instances, the same one again, and another principal's third: not yet.
    assert!(!step(&d, &mut c, 0, session(eve, "i-1")).contains(&many));
    assert!(!step(&d, &mut c, 1, session(eve, "i-2")).contains(&many));
    assert!(!step(&d, &mut c, 2, session(eve, "i-2")).contains(&many));
    assert!(!step(
        &d,
        &mut c,
        2,
        session("arn:aws:sts::1:assumed-role/ops/bob", "i-3")
    )
    .contains(&many));
    let got = step(&d, &mut c, 3, session(eve, "i-3"));
    assert!(got.contains(&many), "{got:?}");
    // Each session is still its own (low) detection.
    assert!(got.contains(&"aws_ssm_start_session".to_string()));
    // Three instances spread over more than ten minutes are not.
    let mut c = d.correlator();
    for (i, t) in ["i-1", "i-2", "i-3"].iter().enumerate() {
        assert!(!step(&d, &mut c, i as i64 * 11, session(eve, t)).contains(&many));
    }
}

#[test]
fn bedrock_access_enabled_then_invoked_by_the_same_principal() {
    let d = pack();
    let call = |name: &str, arn: &str| {
        json!({"eventSource": "bedrock.amazonaws.com", "eventName": name,
               "userIdentity": {"type": "AssumedRole", "arn": arn}})
    };
    let eve = "arn:aws:sts::1:assumed-role/dev/eve";
    let both = "aws_bedrock_access_then_invoke".to_string();
    let mut c = d.correlator();
    let enabled = step(&d, &mut c, 0, call("PutFoundationModelEntitlement", eve));
    assert!(
        enabled.contains(&"aws_bedrock_model_access_enabled".to_string()),
        "{enabled:?}"
    );
    // The inputs are not shown on their own.
    assert!(
        !enabled.iter().any(|n| n.ends_with("_input")),
        "{enabled:?}"
    );
    assert!(!step(
        &d,
        &mut c,
        5,
        call("InvokeModel", "arn:aws:sts::1:assumed-role/dev/bob")
    )
    .contains(&both));
    let got = step(&d, &mut c, 20, call("InvokeModel", eve));
    assert!(got.contains(&both), "{got:?}");
    // Invoked first, or more than an hour later, is not the sequence.
    let mut c = d.correlator();
    step(&d, &mut c, 0, call("Converse", eve));
    assert!(!step(&d, &mut c, 1, call("CreateFoundationModelAgreement", eve)).contains(&both));
    let mut c = d.correlator();
    step(&d, &mut c, 0, call("PutUseCaseForModelAccess", eve));
    assert!(!step(&d, &mut c, 61, call("InvokeModel", eve)).contains(&both));
}
