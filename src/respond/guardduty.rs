//! GuardDuty actions on a finding: archive, unarchive, feedback.

use super::clients::Clients;
use super::execute::{fail, step, Done, Step};
use super::plan::Plan;
use super::verify::Expect;
use super::{Action, Target};
use serde_json::json;

pub async fn run(
    action: Action,
    target: &Target,
    plan: &Plan,
    c: &Clients,
    steps: &mut Vec<Step>,
) -> Result<Done, ()> {
    let id = target.id().to_string();
    let mut done = Done::default();
    let detector = match target {
        Target::Finding {
            detector: Some(d), ..
        } => d.clone(),
        _ => {
            let out = step(
                steps,
                "guardduty:ListDetectors",
                json!({}),
                c.guardduty.list_detectors().send(),
            )
            .await?;
            let Some(d) = out.detector_ids().first().cloned() else {
                fail(
                    steps,
                    "guardduty:ListDetectors",
                    format!("no GuardDuty detector in {}", c.region),
                );
                return Err(());
            };
            d
        }
    };
    let gd = &c.guardduty;
    let (mut archived, mut feedback) = (None, None);
    match action {
        Action::Archive | Action::Unarchive => {
            let archive = action == Action::Archive;
            let params = json!({"DetectorId": detector, "FindingIds": [id]});
            if archive {
                let call = gd
                    .archive_findings()
                    .detector_id(&detector)
                    .finding_ids(&id);
                step(steps, "guardduty:ArchiveFindings", params, call.send()).await?;
            } else {
                let call = gd
                    .unarchive_findings()
                    .detector_id(&detector)
                    .finding_ids(&id);
                step(steps, "guardduty:UnarchiveFindings", params, call.send()).await?;
            }
            archived = Some(archive);
        }
        _ => {
            let fb = if action == Action::FeedbackUseful {
                aws_sdk_guardduty::types::Feedback::Useful
            } else {
                aws_sdk_guardduty::types::Feedback::NotUseful
            };
            step(
                steps,
                "guardduty:UpdateFindingsFeedback",
                json!({"DetectorId": detector, "FindingIds": [id], "Feedback": fb.as_str()}),
                gd.update_findings_feedback()
                    .detector_id(&detector)
                    .finding_ids(&id)
                    .feedback(fb.clone())
                    .send(),
            )
            .await?;
            feedback = Some(fb.as_str().to_string());
        }
    }
    done.undo = Some(plan.undo.clone());
    done.expect = Some(Expect::Finding {
        detector,
        id,
        archived,
        feedback,
    });
    Ok(done)
}
