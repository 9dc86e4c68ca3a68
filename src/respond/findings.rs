//! Actions on the findings of Security Hub and IAM Access Analyzer: Security Hub's workflow
//! status (NOTIFIED, RESOLVED, SUPPRESSED) with a note, by `BatchUpdateFindings`; an Access
//! Analyzer finding archived (or made active again) by `UpdateFindings`. Each reads the finding
//! back: the workflow or the status it should now have.

use super::clients::Clients;
use super::execute::{fail, step, Done, Step};
use super::plan::{call, Call, Plan};
use super::verify::{differs, ok, Check, Expect};
use super::{Action, Target};
use crate::model::{Signal, Source};
use serde_json::{json, Value};

/// The workflow status an action sets.
pub fn workflow_of(action: Action) -> Option<&'static str> {
    Some(match action {
        Action::WorkflowNotified => "NOTIFIED",
        Action::WorkflowResolved => "RESOLVED",
        Action::WorkflowSuppressed => "SUPPRESSED",
        _ => return None,
    })
}

/// The note written with a workflow change: what set it, for which incident.
pub fn note(status: &str, incident: Option<&str>) -> String {
    match incident {
        Some(i) => format!("Workflow set to {status} from airc (incident {i})"),
        None => format!("Workflow set to {status} from airc"),
    }
}

/// The targets a finding row offers for these actions: its Security Hub copy (the finding's
/// `Id` and `ProductArn`; for a GuardDuty or Inspector finding merged with its copy, built
/// from the service's own ARN) and an Access Analyzer finding with its analyzer.
pub fn targets_of(s: &Signal) -> Vec<Target> {
    let raw = s.raw.decoded();
    let record = match raw.get("detail") {
        Some(d) => d.get("findings").and_then(|f| f.get(0)).unwrap_or(d),
        None => &raw,
    };
    let str_of = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let mut out = Vec::new();
    match s.source {
        Source::SecurityHub => {
            if let (Some(id), Some(product_arn)) =
                (str_of(record, "Id"), str_of(record, "ProductArn"))
            {
                out.push(Target::HubFinding { id, product_arn });
            }
        }
        Source::GuardDuty | Source::Inspector if s.workflow().is_some() => {
            let (arn, product) = match s.source {
                Source::GuardDuty => (str_of(record, "arn"), "guardduty"),
                _ => (str_of(record, "findingArn"), "inspector"),
            };
            let region = s.region().unwrap_or("us-east-1");
            if let Some(id) = arn {
                let product_arn = format!("arn:aws:securityhub:{region}::product/aws/{product}");
                out.push(Target::HubFinding { id, product_arn });
            }
        }
        Source::AccessAnalyzer => {
            let analyzer = str_of(record, "analyzerArn").or_else(|| {
                raw.get("resources")
                    .and_then(|r| r.get(0))
                    .and_then(Value::as_str)
                    .filter(|a| a.contains(":analyzer/"))
                    .map(str::to_string)
            });
            if let (Some(id), Some(analyzer_arn)) = (str_of(record, "id"), analyzer) {
                out.push(Target::AccessFinding { id, analyzer_arn });
            }
        }
        _ => {}
    }
    out
}

/// The calls, undo, reversibility, destructiveness and warning of these actions' plans.
pub type Parts = (Vec<Call>, String, bool, bool, Option<String>);

pub fn plan_parts(
    action: Action,
    target: &Target,
    incident: Option<&str>,
) -> Result<Parts, super::Error> {
    match (action, target) {
        (_, Target::HubFinding { id, product_arn }) if workflow_of(action).is_some() => {
            let status = workflow_of(action).unwrap_or("NOTIFIED");
            let params = json!({
                "FindingIdentifiers": [{"Id": id, "ProductArn": product_arn}],
                "Workflow": {"Status": status},
                "Note": {"Text": note(status, incident), "UpdatedBy": "airc"},
            });
            Ok((
                vec![call("securityhub", "BatchUpdateFindings", params, true)],
                "set another workflow status (Security Hub keeps every change: GetFindingHistory)".into(),
                true,
                false,
                (status == "SUPPRESSED").then(|| "a suppressed finding drops out of Security Hub's default views and of airc's polls".into()),
            ))
        }
        (
            Action::ArchiveAccess | Action::UnarchiveAccess,
            Target::AccessFinding { id, analyzer_arn },
        ) => {
            let (status, undo) = match action {
                Action::ArchiveAccess => ("ARCHIVED", "unarchive-access"),
                _ => ("ACTIVE", "archive-access"),
            };
            Ok((
                vec![call(
                    "access-analyzer",
                    "UpdateFindings",
                    json!({"analyzerArn": analyzer_arn, "ids": [id], "status": status}),
                    true,
                )],
                format!("{undo} on the same finding"),
                true,
                false,
                None,
            ))
        }
        _ => Err(super::Error::NotApplicable(format!(
            "{action} does not apply to {}",
            target.label()
        ))),
    }
}

/// The reads that check the end state, as plan lines.
pub fn readback_calls(target: &Target) -> Vec<Call> {
    match target {
        Target::HubFinding { id, product_arn } => vec![call(
            "securityhub",
            "GetFindings",
            json!({"Filters": {"Id": [{"Value": id, "Comparison": "EQUALS"}], "ProductArn": [{"Value": product_arn, "Comparison": "EQUALS"}]}}),
            false,
        )],
        Target::AccessFinding { id, analyzer_arn } => vec![call(
            "access-analyzer",
            "GetFindingV2",
            json!({"analyzerArn": analyzer_arn, "id": id}),
            false,
        )],
        _ => Vec::new(),
    }
}

pub async fn run(
    action: Action,
    target: &Target,
    plan: &Plan,
    c: &Clients,
    steps: &mut Vec<Step>,
) -> Result<Done, ()> {
    let mut done = Done::default();
    match target {
        Target::HubFinding { id, product_arn } => {
            let Some(status) = workflow_of(action) else {
                fail(
                    steps,
                    "securityhub:BatchUpdateFindings",
                    format!("{action} is not a workflow change"),
                );
                return Err(());
            };
            use aws_sdk_securityhub::types::{
                AwsSecurityFindingIdentifier, NoteUpdate, WorkflowStatus, WorkflowUpdate,
            };
            let text = note(status, plan.incident.as_deref());
            let ident = AwsSecurityFindingIdentifier::builder()
                .id(id)
                .product_arn(product_arn)
                .build();
            let note_update = NoteUpdate::builder().text(&text).updated_by("airc").build();
            let out = step(
                steps,
                "securityhub:BatchUpdateFindings",
                json!({"FindingIdentifiers": [{"Id": id, "ProductArn": product_arn}], "Workflow": {"Status": status}, "Note": {"Text": text, "UpdatedBy": "airc"}}),
                c.securityhub
                    .batch_update_findings()
                    .finding_identifiers(ident)
                    .workflow(WorkflowUpdate::builder().status(WorkflowStatus::from(status)).build())
                    .note(note_update)
                    .send(),
            )
            .await?;
            if let Some(u) = out.unprocessed_findings().first() {
                fail(
                    steps,
                    "securityhub:BatchUpdateFindings",
                    format!(
                        "Security Hub did not update the finding: {} {}",
                        u.error_code().unwrap_or("?"),
                        u.error_message().unwrap_or("")
                    ),
                );
                return Err(());
            }
            done.expect = Some(Expect::HubWorkflow {
                id: id.clone(),
                product_arn: product_arn.clone(),
                status: status.to_string(),
            });
        }
        Target::AccessFinding { id, analyzer_arn } => {
            use aws_sdk_accessanalyzer::types::FindingStatusUpdate;
            let status = if action == Action::ArchiveAccess {
                "ARCHIVED"
            } else {
                "ACTIVE"
            };
            step(
                steps,
                "access-analyzer:UpdateFindings",
                json!({"analyzerArn": analyzer_arn, "ids": [id], "status": status}),
                c.accessanalyzer
                    .update_findings()
                    .analyzer_arn(analyzer_arn)
                    .ids(id)
                    .status(FindingStatusUpdate::from(status))
                    .send(),
            )
            .await?;
            done.expect = Some(Expect::AccessStatus {
                analyzer_arn: analyzer_arn.clone(),
                id: id.clone(),
                status: status.to_string(),
            });
        }
        _ => {
            fail(
                steps,
                action.name(),
                format!("{action} does not apply to {}", target.label()),
            );
            return Err(());
        }
    }
    done.undo = Some(plan.undo.clone());
    Ok(done)
}

/// Reads a Security Hub finding's workflow or an Access Analyzer finding's status back.
pub async fn read(e: &Expect, c: &Clients, steps: &mut Vec<Step>) -> Result<Check, ()> {
    match e {
        Expect::HubWorkflow {
            id,
            product_arn,
            status,
        } => {
            use aws_sdk_securityhub::types::{
                AwsSecurityFindingFilters, StringFilter, StringFilterComparison,
            };
            let eq = |v: &str| {
                StringFilter::builder()
                    .comparison(StringFilterComparison::Equals)
                    .value(v)
                    .build()
            };
            let out = step(
                steps,
                "securityhub:GetFindings",
                json!({"Filters": {"Id": [{"Value": id, "Comparison": "EQUALS"}], "ProductArn": [{"Value": product_arn, "Comparison": "EQUALS"}]}}),
                c.securityhub
                    .get_findings()
                    .filters(AwsSecurityFindingFilters::builder().id(eq(id)).product_arn(eq(product_arn)).build())
                    .send(),
            )
            .await?;
            let Some(f) = out.findings().first() else {
                return Ok(differs(format!("finding {id} not found in Security Hub")));
            };
            let got = f
                .workflow()
                .and_then(|w| w.status())
                .map(|s| s.as_str().to_string());
            Ok(match got.as_deref() {
                Some(g) if g == status => ok(format!("the finding's workflow is {status}")),
                other => differs(format!(
                    "the finding's workflow reads {other:?}, not {status}"
                )),
            })
        }
        Expect::AccessStatus {
            analyzer_arn,
            id,
            status,
        } => {
            let out = step(
                steps,
                "access-analyzer:GetFindingV2",
                json!({"analyzerArn": analyzer_arn, "id": id}),
                c.accessanalyzer
                    .get_finding_v2()
                    .analyzer_arn(analyzer_arn)
                    .id(id)
                    .send(),
            )
            .await?;
            let got = out.status().as_str();
            Ok(match got == status {
                true => ok(format!("the finding is {status}")),
                false => differs(format!("the finding's status reads {got}, not {status}")),
            })
        }
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_and_archive_plans_name_the_exact_call_and_its_permission() {
        let hub = Target::HubFinding {
            id: "arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/f".into(),
            product_arn: "arn:aws:securityhub:us-east-1::product/aws/guardduty".into(),
        };
        assert_eq!(
            Action::for_target(&hub),
            [
                Action::WorkflowNotified,
                Action::WorkflowResolved,
                Action::WorkflowSuppressed,
                Action::Notify
            ]
        );
        let (calls, _, reversible, destructive, _) =
            plan_parts(Action::WorkflowResolved, &hub, Some("IR-20260115-1"))
                .unwrap_or_else(|e| panic!("{e}"));
        assert!(reversible && !destructive);
        assert_eq!(calls[0].permission, "securityhub:BatchUpdateFindings");
        assert_eq!(calls[0].parameters["Workflow"]["Status"], "RESOLVED");
        assert_eq!(
            calls[0].parameters["Note"]["Text"],
            "Workflow set to RESOLVED from airc (incident IR-20260115-1)"
        );
        assert_eq!(readback_calls(&hub)[0].operation, "GetFindings");
        let aa = Target::AccessFinding {
            id: "5e6f".into(),
            analyzer_arn: "arn:aws:access-analyzer:us-east-1:1:analyzer/a".into(),
        };
        assert_eq!(
            Action::for_target(&aa),
            [
                Action::ArchiveAccess,
                Action::UnarchiveAccess,
                Action::Notify
            ]
        );
        let (calls, undo, ..) =
            plan_parts(Action::ArchiveAccess, &aa, None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (
                calls[0].permission.as_str(),
                calls[0].parameters["status"].as_str()
            ),
            ("access-analyzer:UpdateFindings", Some("ARCHIVED"))
        );
        assert_eq!(undo, "unarchive-access on the same finding");
        assert!(plan_parts(Action::ArchiveAccess, &hub, None).is_err());
    }
}
