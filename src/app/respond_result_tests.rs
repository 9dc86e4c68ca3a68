//! Where an action's result is journalled.

use super::*;
use crate::keymap::Keymap;

/// Fails on the session-19 main (hostile review): an action's result was journalled in
/// whichever incident was open when it finished, though its tags and evidence name the incident
/// it was planned for.
#[test]
fn an_action_result_goes_to_the_incident_it_was_planned_for() {
    use crate::notebook::{Entry, EntryKind, Incident, Priority};
    let mut s = State::new("live", Keymap::default(), chrono::Utc::now());
    s.notebook.incident = Incident::fold(&[Entry::now(EntryKind::Opened {
        id: "IR-B".into(),
        title: "t".into(),
        severity: Priority::P2,
        commander: "tester".into(),
        responders: Vec::new(),
        title_sensitive: None,
    })]);
    let ctx = crate::respond::plan::PlanCtx {
        account: Some("111122223333".into()),
        region: "us-east-1".into(),
        incident: Some("IR-A".into()),
        ..Default::default()
    };
    let target = crate::respond::Target::Instance("i-0123456789abcdef0".into());
    let plan = crate::respond::plan::plan(Action::Snapshot, &target, &ctx).unwrap();
    let r = crate::respond::ActionResult {
        plan: Box::new(plan),
        outcome: crate::respond::execute::Outcome::nothing(
            crate::respond::execute::Status::Done,
            "snapshots snap-1",
        ),
        audit: Ok("audit.jsonl".into()),
        executed: true,
    };
    let fx = on_result(&mut s, r);
    let ids: Vec<_> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Notebook(NbOp::Append { id, .. }) => Some(id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(ids, vec!["IR-A"]);
}
