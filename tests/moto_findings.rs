//! Security Hub's GetFindings (after BatchImportFindings) and CloudWatch alarms against moto
//! server, the emulator from PyPI (`scripts/test` installs it), through the console's live
//! pollers: what moto answers is what a real account would, in the SDK's own protocols.

mod common;
#[path = "support/fake_aws/mod.rs"]
mod fake_aws;
#[path = "support/live_session.rs"]
mod live_session;

use airc::model::{Severity, Source};
use common::moto::Moto;
use live_session::Session;
use std::time::Duration;

fn options(url: &str) -> airc::aws::LiveOptions {
    airc::aws::LiveOptions {
        profiles: vec![Some("alpha".into())],
        regions: vec!["us-east-1".into()],
        endpoint_url: Some(url.into()),
        poll: airc::aws::PollIntervals {
            health: Duration::from_secs(600),
            guardduty: Duration::from_millis(700),
            cloudtrail: Duration::from_secs(600),
        },
        timeout: Duration::from_secs(5),
        sdk_attempts: 1,
        ..Default::default()
    }
}

async fn sdk(url: &str) -> aws_config::SdkConfig {
    live_session::test_env();
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .profile_name("alpha")
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(url)
        .load()
        .await
}

fn asff(
    id: &str,
    product: &str,
    account: &str,
    workflow: &str,
) -> aws_sdk_securityhub::types::AwsSecurityFinding {
    use aws_sdk_securityhub::types::*;
    AwsSecurityFinding::builder()
        .schema_version("2018-10-08")
        .id(id)
        .product_arn(product)
        .generator_id("airc-test")
        .aws_account_id(account)
        .types("TTPs/Discovery/Recon:EC2-PortProbeUnprotectedPort")
        .created_at("2026-01-15T02:52:00.000Z")
        .updated_at("2026-01-15T02:52:00.000Z")
        .severity(Severity::builder().label(SeverityLabel::High).build())
        .title("Unprotected port on EC2 instance i-0c0ffee0c0ffee001 is being probed")
        .description(
            "EC2 instance has an unprotected port which is being probed by a known malicious host.",
        )
        .resources(
            Resource::builder()
                .r#type("AwsEc2Instance")
                .id(format!(
                    "arn:aws:ec2:us-east-1:{account}:instance/i-0c0ffee0c0ffee001"
                ))
                .build(),
        )
        .workflow(
            Workflow::builder()
                .status(WorkflowStatus::from(workflow))
                .build(),
        )
        .record_state(RecordState::Active)
        .build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_hub_findings_imported_into_moto_reach_the_findings_pane() {
    let Some(moto) = Moto::start() else { return };
    let cfg = sdk(&moto.url).await;
    let hub = aws_sdk_securityhub::Client::new(&cfg);
    let _ = hub.enable_security_hub().send().await;
    let acct = common::moto::ACCOUNT;
    let product = format!("arn:aws:securityhub:us-east-1:{acct}:product/{acct}/default");
    let gd_id = format!(
        "arn:aws:guardduty:us-east-1:{acct}:detector/d1/finding/0acd8be146e4099030f970583f9d52f9"
    );
    let out = hub
        .batch_import_findings()
        .findings(asff(&gd_id, &product, acct, "NOTIFIED"))
        .findings(asff("airc-moto-2", &product, acct, "NEW"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("BatchImportFindings: {e:?}"));
    assert_eq!(out.success_count(), Some(2), "{out:?}");
    let mut s = Session::start(options(&moto.url));
    s.until(60, "both findings from moto", |st| {
        st.view.store.count(Source::SecurityHub) >= 2
    })
    .await;
    let store = &s.state.view.store;
    let row = store
        .signals()
        .iter()
        .find(|x| x.id == "securityhub:airc-moto-2")
        .unwrap_or_else(|| panic!("airc-moto-2"));
    assert_eq!(
        (row.severity, row.workflow(), row.account()),
        (Severity::High, Some("NEW"), Some(acct))
    );
    assert!(store
        .entities_of(row)
        .iter()
        .any(|e| e.id.as_str() == "i-0c0ffee0c0ffee001"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_billing_alarm_in_moto_is_a_monitor_row() {
    let Some(moto) = Moto::start() else { return };
    let cfg = sdk(&moto.url).await;
    let cw = aws_sdk_cloudwatch::Client::new(&cfg);
    use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, StateValue, Statistic};
    cw.put_metric_alarm()
        .alarm_name("gpu-spend")
        .namespace("AWS/Billing")
        .metric_name("EstimatedCharges")
        .dimensions(Dimension::builder().name("Currency").value("USD").build())
        .statistic(Statistic::Maximum)
        .period(21600)
        .evaluation_periods(1)
        .threshold(200.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .unwrap_or_else(|e| panic!("PutMetricAlarm: {e:?}"));
    cw.set_alarm_state()
        .alarm_name("gpu-spend")
        .state_value(StateValue::Alarm)
        .state_reason(
            "Threshold Crossed: 1 datapoint [412.0] was greater than the threshold (200.0).",
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("SetAlarmState: {e:?}"));
    let mut s = Session::start(options(&moto.url));
    s.until(60, "the alarm from moto", |st| {
        st.view
            .store
            .signals()
            .iter()
            .any(|x| x.source == Source::Monitors && x.title() == "gpu-spend")
    })
    .await;
    let alarm = s
        .state
        .view
        .store
        .signals()
        .iter()
        .find(|x| x.title() == "gpu-spend")
        .cloned()
        .unwrap_or_else(|| panic!("alarm"));
    assert_eq!(
        (alarm.severity, alarm.category()),
        (Severity::High, Some("billing"))
    );
    assert!(alarm.summary().starts_with("ALARM"), "{}", alarm.summary());
    // moto has no DescribeAlarmHistory: the pane says so, and the alarm is there all the same.
}
