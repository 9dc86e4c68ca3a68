//! Actions bound to one account, against moto server with two accounts: profile `alpha` has
//! static keys (moto's default account), profile `beta` assumes a role in account 222233334444
//! (moto gives the assumed credentials that role's account). The same user name lives in both.

mod common;

use airc::respond::bind;
use airc::respond::clients::Clients;
use airc::respond::console::Connection;
use airc::respond::execute::Status;
use airc::respond::plan::{plan, PlanCtx};
use airc::respond::{Action, Target};
use common::moto::{Moto, ACCOUNT};

const REGION: &str = "us-east-1";
const B: &str = "222233334444";

/// Profiles alpha and beta, both pointed at this moto (its endpoint in the profile, so the
/// SDK's own AssumeRole call for beta goes there too).
fn profiles(moto: &Moto, dir: &std::path::Path) {
    let creds = dir.join("credentials");
    let config = dir.join("config");
    std::fs::write(
        &creds,
        "[alpha]\naws_access_key_id = AKIAALPHAMOTO0000001\naws_secret_access_key = x\n",
    )
    .unwrap();
    std::fs::write(
        &config,
        format!(
            "[profile alpha]\nregion = {REGION}\nendpoint_url = {url}\n\
             [profile beta]\nregion = {REGION}\nendpoint_url = {url}\n\
             role_arn = arn:aws:iam::{B}:role/responder\nsource_profile = alpha\n",
            url = moto.url
        ),
    )
    .unwrap();
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", &creds);
    std::env::set_var("AWS_CONFIG_FILE", &config);
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    for v in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
    ] {
        std::env::remove_var(v);
    }
}

async fn quarantined(c: &Clients) -> bool {
    c.iam
        .list_user_policies()
        .user_name("ci-deploy")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e:?}"))
        .policy_names()
        .iter()
        .any(|p| p == "airc-quarantine-deny-all")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_on_account_b_changes_b_and_nothing_in_a() {
    let Some(moto) = Moto::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    profiles(&moto, dir.path());
    let a = Clients::load(Some("alpha"), Some(REGION), Some(&moto.url)).await;
    let b = Clients::load(Some("beta"), Some(REGION), Some(&moto.url)).await;
    let (acct_a, _) = airc::aws::session::identity(&a.config).await.unwrap();
    let (acct_b, arn_b) = airc::aws::session::identity(&b.config).await.unwrap();
    assert_eq!((acct_a.as_str(), acct_b.as_str()), (ACCOUNT, B), "{arn_b}");
    for c in [&a, &b] {
        c.iam
            .create_user()
            .user_name("ci-deploy")
            .send()
            .await
            .unwrap();
    }
    let known: Vec<bind::Known> = vec![
        ("alpha".into(), Some(acct_a.clone())),
        ("beta".into(), Some(acct_b.clone())),
    ];
    let conn = Connection {
        profiles: vec![Some("alpha".into()), Some("beta".into())],
        endpoint: Some(moto.url.clone()),
    };
    let data = tempfile::tempdir().unwrap();
    let run = |account: &str, profile: &str| {
        let ctx = PlanCtx {
            account: Some(account.into()),
            region: REGION.into(),
            profile: Some(profile.into()),
            ..Default::default()
        };
        let p = plan(
            Action::QuarantineUser,
            &Target::User("ci-deploy".into()),
            &ctx,
        )
        .unwrap();
        airc::respond::console::run(
            p,
            Some(conn.clone()),
            false,
            Some(data.path().to_path_buf()),
        )
    };
    // A signal of account B: bound to beta, it changes B and nothing in A.
    let (account, profile) = bind::profile_for(Some(B), &known).unwrap();
    assert_eq!(profile, "beta");
    let r = run(&account, &profile).await;
    assert_eq!(r.outcome.status, Status::Done, "{:#?}", r.outcome);
    assert!(r.plan.describe()[0].contains(&format!("account {B} (profile beta)")));
    assert!(
        r.outcome.message.contains("verified"),
        "{}",
        r.outcome.message
    );
    assert!(quarantined(&b).await, "B's ci-deploy is quarantined");
    assert!(!quarantined(&a).await, "A's ci-deploy is untouched");
    // A signal of an account no profile answers for is refused before any call.
    let e = bind::profile_for(Some("999988887777"), &known)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("999988887777") && e.contains("alpha") && e.contains("beta"),
        "{e}"
    );
    // A plan bound to A but handed beta's credentials (a profile that changed account, a
    // mistake) is refused at execution, before any change.
    let r = run(ACCOUNT, "beta").await;
    assert_eq!(r.outcome.status, Status::Refused, "{:#?}", r.outcome);
    assert!(!quarantined(&a).await);
    let audit = std::fs::read_to_string(data.path().join("audit.jsonl")).unwrap();
    assert!(
        audit.contains(&format!("\"account\":\"{B}\"")) && audit.contains("\"profile\":\"beta\"")
    );
}
