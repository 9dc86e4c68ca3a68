//! moto server (an AWS emulator from PyPI) on 127.0.0.1 for the response-action tests. Found at
//! AIRC_MOTO_SERVER, `.venv/bin/moto_server`, or on PATH; `scripts/test` installs it. When it is
//! missing the tests skip, unless AIRC_REQUIRE_MOTO is set (as `.ci/run` does).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The account moto gives to any credentials it has not issued itself.
pub const ACCOUNT: &str = "123456789012";

pub struct Moto {
    pub url: String,
    child: Child,
}

fn find() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("AIRC_MOTO_SERVER") {
        return Some(PathBuf::from(p));
    }
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server");
    if local.exists() {
        return Some(local);
    }
    Command::new("moto_server")
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()
        .filter(|s| s.success())
        .map(|_| PathBuf::from("moto_server"))
}

impl Moto {
    /// A fresh moto on a free port, or None (skip) when moto is not installed.
    pub fn start() -> Option<Moto> {
        Moto::start_with(&[])
    }

    /// The same with these environment variables for moto (`MOTO_ACCOUNT_ID`: the account it
    /// answers as; `MOTO_IAM_LOAD_MANAGED_POLICIES=true`: AWS's managed policies exist).
    pub fn start_with(env: &[(&str, &str)]) -> Option<Moto> {
        let Some(bin) = find() else {
            if std::env::var_os("AIRC_REQUIRE_MOTO").is_some() {
                panic!("AIRC_REQUIRE_MOTO is set but moto_server was not found (run scripts/test)");
            }
            eprintln!("note: moto_server not installed; response-action tests skipped (scripts/test installs it)");
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or_else(|e| panic!("no free port: {e}"));
        let child = Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto_server did not start on {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(Moto {
            url: format!("http://127.0.0.1:{port}"),
            child,
        })
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Fake credentials for the SDK (never a real account) and no instance-metadata lookups.
pub fn creds(key: &str) {
    std::env::set_var("AWS_ACCESS_KEY_ID", key);
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "x");
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    std::env::remove_var("AWS_PROFILE");
}

pub fn filter(name: &str, value: &str) -> aws_sdk_ec2::types::Filter {
    aws_sdk_ec2::types::Filter::builder()
        .name(name)
        .values(value)
        .build()
}

/// A running instance in security group `sg`.
pub async fn instance_in(c: &airc::respond::clients::Clients, sg: &str) -> String {
    let out = c
        .ec2
        .run_instances()
        .image_id("ami-12c6146b")
        .instance_type(aws_sdk_ec2::types::InstanceType::T3Micro)
        .min_count(1)
        .max_count(1)
        .security_group_ids(sg)
        .send()
        .await
        .unwrap_or_else(|e| panic!("run_instances: {e:?}"));
    out.instances()[0]
        .instance_id()
        .unwrap_or_default()
        .to_string()
}

/// A security group named `name` in the default VPC.
pub async fn group(c: &airc::respond::clients::Clients, name: &str) -> String {
    let vpcs = c
        .ec2
        .describe_vpcs()
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let vpc = vpcs.vpcs()[0].vpc_id().unwrap_or_default().to_string();
    let g = c
        .ec2
        .create_security_group()
        .group_name(name)
        .description(name)
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    g.group_id().unwrap_or_default().to_string()
}

/// An SNS topic with an SQS queue subscribed: (topic ARN, queue URL, SQS client).
pub async fn subscribed_queue(
    c: &airc::respond::clients::Clients,
    topic: &str,
    queue: &str,
) -> (String, String, aws_sdk_sqs::Client) {
    let t = c
        .sns
        .create_topic()
        .name(topic)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let topic = t.topic_arn().unwrap_or_default().to_string();
    let sqs = aws_sdk_sqs::Client::new(&c.config);
    let q = sqs
        .create_queue()
        .queue_name(queue)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let url = q.queue_url().unwrap_or_default().to_string();
    let name = aws_sdk_sqs::types::QueueAttributeName::QueueArn;
    let attrs = sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(name.clone())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let arn = attrs
        .attributes()
        .and_then(|a| a.get(&name))
        .cloned()
        .unwrap_or_default();
    c.sns
        .subscribe()
        .topic_arn(&topic)
        .protocol("sqs")
        .endpoint(&arn)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    (topic, url, sqs)
}

/// A runtime, and the `security-oncall` topic with the `security-inbox` queue subscribed, for
/// the watch tests: (runtime, topic ARN, queue URL, SQS client).
pub fn security_topic(
    moto: &Moto,
    key: &str,
) -> (tokio::runtime::Runtime, String, String, aws_sdk_sqs::Client) {
    creds(key);
    let rt = tokio::runtime::Runtime::new().unwrap_or_else(|e| panic!("{e}"));
    let (topic, queue, sqs) = rt.block_on(async {
        let c =
            airc::respond::clients::Clients::load(None, Some("us-east-1"), Some(&moto.url)).await;
        subscribed_queue(&c, "security-oncall", "security-inbox").await
    });
    (rt, topic, queue, sqs)
}

/// IAM returns policy documents URL-encoded.
pub fn policy_text(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Clients for moto with fixed credentials given in code (no environment variable is set, so
/// tests sharing a process do not race on it).
pub async fn clients_for(url: &str, region: &str) -> airc::respond::clients::Clients {
    let creds =
        aws_sdk_iam::config::Credentials::new("AKIAMOTOCODECREDS001", "x", None, None, "test");
    let cfg = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_string()))
        .credentials_provider(creds)
        .endpoint_url(url)
        .load()
        .await;
    airc::respond::clients::Clients::new(&cfg, true)
}
