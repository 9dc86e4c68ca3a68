//! Isolation as a responder meets it, against moto server: an instance with two network
//! interfaces, and an `airc-isolation` group someone already created and left open. The end
//! state is read from moto, not taken from what airc says.

mod common;

use airc::respond::clients::Clients;
use airc::respond::execute::Status;
use airc::respond::plan::{plan, PlanCtx, ISOLATION_GROUP};
use airc::respond::{Action, Target};
use common::moto::{Moto, ACCOUNT};

const REGION: &str = "us-east-1";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn isolation_covers_every_interface_and_repairs_an_open_group() {
    let Some(moto) = Moto::start() else { return };
    common::moto::creds("AKIAMOTOTESTING00009");
    let c = Clients::load(None, Some(REGION), Some(&moto.url)).await;
    let ec2 = &c.ec2;
    let web = common::moto::group(&c, "web").await;
    let db = common::moto::group(&c, "db").await;
    let instance = common::moto::instance_in(&c, &web).await;
    let d = ec2
        .describe_instances()
        .instance_ids(&instance)
        .send()
        .await
        .unwrap();
    let inst = &d.reservations()[0].instances()[0];
    let (subnet, vpc) = (
        inst.subnet_id().unwrap().to_string(),
        inst.vpc_id().unwrap().to_string(),
    );
    let eni = ec2
        .create_network_interface()
        .subnet_id(&subnet)
        .groups(&db)
        .send()
        .await
        .unwrap();
    let eni = eni
        .network_interface()
        .unwrap()
        .network_interface_id()
        .unwrap()
        .to_string();
    ec2.attach_network_interface()
        .instance_id(&instance)
        .network_interface_id(&eni)
        .device_index(1)
        .send()
        .await
        .unwrap();
    // Someone made the isolation group earlier and left it open (egress allow-all by default,
    // and SSH from anywhere).
    let open = ec2
        .create_security_group()
        .group_name(ISOLATION_GROUP)
        .description("old")
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap();
    let open = open.group_id().unwrap().to_string();
    ec2.authorize_security_group_ingress()
        .group_id(&open)
        .ip_protocol("tcp")
        .from_port(22)
        .to_port(22)
        .cidr_ip("0.0.0.0/0")
        .send()
        .await
        .unwrap();
    let data = tempfile::tempdir().unwrap();
    let ctx = PlanCtx {
        account: Some(ACCOUNT.into()),
        region: REGION.into(),
        profile: Some("default".into()),
        ..Default::default()
    };
    let p = plan(Action::Isolate, &Target::Instance(instance.clone()), &ctx).unwrap();
    let env = airc::respond::execute::Env {
        read_only: false,
        evidence_dir: data.path().join("evidence"),
        data_dir: data.path().to_path_buf(),
    };
    let o = airc::respond::execute::execute(&p, &c, &env).await;
    assert_eq!(o.status, Status::Done, "{o:#?}");
    assert!(
        o.message.contains("repaired: revoked 2 rule(s)"),
        "{}",
        o.message
    );
    assert!(
        o.message
            .contains("verified: 2 network interface(s) only in"),
        "{}",
        o.message
    );
    let undo = o.undo.clone().unwrap_or_default();
    assert!(
        undo.contains(&format!("{instance}:{web}")) && undo.contains(&eni) && undo.contains(&db),
        "{undo}"
    );
    // Read from moto, not from what airc says.
    let d = ec2
        .describe_instances()
        .instance_ids(&instance)
        .send()
        .await
        .unwrap();
    for n in d.reservations()[0].instances()[0].network_interfaces() {
        let groups: Vec<&str> = n.groups().iter().filter_map(|g| g.group_id()).collect();
        assert_eq!(groups, vec![open.as_str()], "{n:?}");
    }
    let g = ec2
        .describe_security_groups()
        .group_ids(&open)
        .send()
        .await
        .unwrap();
    let g = &g.security_groups()[0];
    assert!(
        g.ip_permissions().is_empty() && g.ip_permissions_egress().is_empty(),
        "{g:?}"
    );
}
