//! SNS: notify publishes the signal's summary to the configured topic.

use super::clients::Clients;
use super::execute::{fail, step, Done, Step};
use super::plan::Plan;
use super::Target;
use serde_json::json;

/// Publishes the signal's summary. A publish cannot be read back: the outcome names the
/// message id SNS accepted, and says that delivery is not read back.
pub async fn run(
    target: &Target,
    plan: &Plan,
    c: &Clients,
    steps: &mut Vec<Step>,
) -> Result<Done, ()> {
    let mut done = Done::default();
    let topic = plan
        .calls
        .iter()
        .find(|c| c.operation == "Publish")
        .and_then(|c| c.parameters["TopicArn"].as_str())
        .unwrap_or_default()
        .to_string();
    let summary = match target {
        Target::Signal { summary, .. } => summary.clone(),
        other => other.label(),
    };
    let subject: String = format!("airc: {}", crate::safe_text::line(&summary))
        .chars()
        .take(99)
        .collect();
    let message = json!({"incident": plan.incident, "target": target.id(), "summary": summary, "sent_by": "airc"}).to_string();
    let attr = aws_sdk_sns::types::MessageAttributeValue::builder()
        .data_type("String")
        .string_value("airc")
        .build();
    let Ok(attr) = attr else {
        fail(
            steps,
            "sns:Publish",
            "could not build the message attribute",
        );
        return Err(());
    };
    let out = step(
        steps,
        "sns:Publish",
        json!({"TopicArn": topic, "Subject": subject}),
        c.sns
            .publish()
            .topic_arn(&topic)
            .subject(subject.clone())
            .message(message)
            .message_attributes("source", attr)
            .send(),
    )
    .await?;
    done.note = Some(format!(
        "SNS accepted message {}; delivery to subscribers is not read back",
        out.message_id().unwrap_or("?")
    ));
    Ok(done)
}
