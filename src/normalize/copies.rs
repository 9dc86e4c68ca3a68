//! One finding read twice: from its own service (GuardDuty, Inspector, Macie) and through
//! Security Hub. Both carry the same id (`finding_parts::native_id`); the console shows one row:
//! the service's own record (its fields are the richest), with Security Hub's workflow status
//! beside the service's own state, and the entities either copy names.

use crate::model::{Signal, Source};

/// What to hold when `arriving` has the id of `held` (a copy that carries its entities).
pub enum Keep {
    /// The held signal stays as it is.
    Held,
    /// This one replaces it.
    Replace(Signal),
}

/// The same finding from its own service and from Security Hub (in either order).
pub fn are_copies(held: &Signal, arriving: &Signal) -> bool {
    held.source != arriving.source
        && (held.source == Source::SecurityHub || arriving.source == Source::SecurityHub)
        // Of one account: a finding of another account is never the same finding, whatever
        // its id says.
        && held.account() == arriving.account()
}

/// Which copy to keep: between copies from one source, the later update (as before); between
/// the service's and Security Hub's, the service's record with Security Hub's workflow.
pub fn choose(held: Signal, arriving: Signal) -> Keep {
    if !are_copies(&held, &arriving) {
        if !(arriving.updated().is_some() && arriving.updated() > held.updated()) {
            return Keep::Held;
        }
        let mut out = arriving;
        // A newer record from the service itself keeps what Security Hub said of the finding.
        if out.source != Source::SecurityHub
            && out.workflow().is_none()
            && held.workflow().is_some()
        {
            out.facets_mut().workflow = held.facets.workflow.clone();
            out.rare_mut().hub_updated = held.rare.as_ref().map_or(0, |r| r.hub_updated);
            for e in held.own_entities().unwrap_or_default() {
                out.add_entity(e.clone());
            }
        }
        return Keep::Replace(out);
    }
    let (native, hub, hub_is_new) = match arriving.source {
        Source::SecurityHub => (held, arriving, true),
        _ => (arriving, held, false),
    };
    // A native copy older than the one held changes nothing but the workflow it brings.
    let mut out = native;
    // Copies arrive in any order (an aggregation region and the finding's own, files and the
    // API): a Security Hub copy older than the one merged brings nothing.
    let hub_at = hub.updated().map_or(0, |t| t.timestamp_millis());
    let merged_at = out.rare.as_ref().map_or(0, |r| r.hub_updated);
    if hub_is_new && merged_at > hub_at {
        return Keep::Held;
    }
    let workflow = hub.workflow().map(crate::model::Text::from);
    if hub_is_new
        && out.facets.workflow == workflow
        && hub
            .own_entities()
            .unwrap_or_default()
            .iter()
            .all(|e| out.touches(e))
    {
        return Keep::Held;
    }
    if out.facets.workflow != workflow {
        out.facets_mut().workflow = workflow;
    }
    if hub_at > merged_at {
        out.rare_mut().hub_updated = hub_at;
    }
    for e in hub.own_entities().unwrap_or_default() {
        out.add_entity(e.clone());
    }
    Keep::Replace(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{guardduty, securityhub, Envelope};
    use serde_json::json;

    fn native(updated: &str, archived: bool) -> Signal {
        let f = json!({"schemaVersion": "2.0", "id": "f00d", "type": "Recon:EC2/PortProbeUnprotectedPort",
            "severity": 2.0, "accountId": "111122223333", "region": "us-east-1", "updatedAt": updated,
            "createdAt": "2026-01-01T00:00:00Z", "title": "Unprotected port", "description": "Probed.",
            "resource": {"resourceType": "Instance", "instanceDetails": {"instanceId": "i-0c0ffee0c0ffee001"}},
            "service": {"archived": archived}});
        guardduty::normalize(&f, &Envelope::default()).unwrap_or_else(|e| panic!("{e}"))
    }

    fn hub(workflow: &str) -> Signal {
        hub_at(workflow, "2026-01-01T00:05:00Z")
    }

    fn hub_at(workflow: &str, updated: &str) -> Signal {
        let f = json!({"SchemaVersion": "2018-10-08",
            "Id": "arn:aws:guardduty:us-east-1:111122223333:detector/d1/finding/f00d",
            "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty", "AwsAccountId": "111122223333",
            "Types": ["TTPs/Discovery/Recon:EC2-PortProbeUnprotectedPort"], "UpdatedAt": updated,
            "Severity": {"Label": "LOW", "Normalized": 20}, "Title": "Unprotected port", "Description": "Probed.",
            "Resources": [{"Type": "AwsEc2Instance", "Id": "arn:aws:ec2:us-east-1:111122223333:instance/i-0c0ffee0c0ffee001"},
                          {"Type": "AwsEc2SecurityGroup", "Id": "arn:aws:ec2:us-east-1:111122223333:security-group/sg-0badc0ffee0000001"}],
            "Workflow": {"Status": workflow}, "RecordState": "ACTIVE"});
        securityhub::normalize(&f, &Envelope::default()).unwrap_or_else(|e| panic!("{e}"))
    }

    fn replaced(k: Keep) -> Signal {
        match k {
            Keep::Replace(s) => s,
            Keep::Held => panic!("expected a replacement"),
        }
    }

    #[test]
    fn either_order_gives_the_native_record_with_both_states() {
        let a = replaced(choose(
            native("2026-01-01T00:00:00Z", true),
            hub("NOTIFIED"),
        ));
        let b = replaced(choose(
            hub("NOTIFIED"),
            native("2026-01-01T00:00:00Z", true),
        ));
        for s in [&a, &b] {
            assert_eq!(s.id.to_string(), "guardduty:f00d");
            assert_eq!(s.source, Source::GuardDuty);
            assert_eq!(s.workflow(), Some("NOTIFIED"));
            assert!(s.via_securityhub());
            assert!(
                s.severity_reason().contains("(archived)"),
                "{}",
                s.severity_reason()
            );
            let ents: Vec<String> = s
                .own_entities()
                .unwrap_or_default()
                .iter()
                .map(|e| e.to_string())
                .collect();
            assert_eq!(
                ents,
                [
                    "instance:i-0c0ffee0c0ffee001",
                    "security_group:sg-0badc0ffee0000001"
                ]
            );
        }
        // Security Hub read again with a new workflow: the row takes it; the same again: nothing.
        let c = replaced(choose(a, hub("RESOLVED")));
        assert_eq!(c.workflow(), Some("RESOLVED"));
        assert!(matches!(choose(c.clone(), hub("RESOLVED")), Keep::Held));
        // GuardDuty's own later update keeps Security Hub's workflow and entities.
        let d = replaced(choose(c, native("2026-01-03T00:00:00Z", false)));
        assert_eq!(
            (d.workflow(), d.own_entities().map(<[_]>::len)),
            (Some("RESOLVED"), Some(2))
        );
        assert!(!d.severity_reason().contains("archived"));
    }

    /// Fails on 4ff62b5 (hostile review of issue 34): the last Security Hub copy to arrive
    /// set the workflow, an older one undoing a newer one.
    #[test]
    fn an_older_security_hub_copy_does_not_undo_a_newer_workflow() {
        for order in [true, false] {
            let newer = hub_at("RESOLVED", "2026-01-05T00:00:00Z");
            let older = hub_at("NEW", "2026-01-02T00:00:00Z");
            let (first, second) = if order {
                (newer, older)
            } else {
                (older, newer)
            };
            let s = replaced(choose(native("2026-01-01T00:00:00Z", false), first));
            let s = match choose(s.clone(), second) {
                Keep::Replace(x) => x,
                Keep::Held => s,
            };
            assert_eq!(s.workflow(), Some("RESOLVED"), "order {order}");
            // GuardDuty's own update keeps it, and an older copy after that still changes nothing.
            let s = replaced(choose(s, native("2026-01-06T00:00:00Z", false)));
            assert!(matches!(
                choose(s.clone(), hub_at("NEW", "2026-01-03T00:00:00Z")),
                Keep::Held
            ));
        }
    }

    #[test]
    fn copies_from_one_source_keep_the_later_update() {
        assert!(matches!(
            choose(
                native("2026-01-02T00:00:00Z", false),
                native("2026-01-01T00:00:00Z", false)
            ),
            Keep::Held
        ));
        assert!(matches!(
            choose(
                native("2026-01-01T00:00:00Z", false),
                native("2026-01-02T00:00:00Z", false)
            ),
            Keep::Replace(_)
        ));
    }
}
