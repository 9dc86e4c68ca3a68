//! End to end in tmux: the Stories view on the demo, a pivot on the top story, an incident
//! opened from it with `N`, and the postmortem `E` writes, whose timeline holds the story's
//! steps.

use crate::common;

use common::tmux::{tmux_available, Tmux};

#[test]
fn stories_view_pivot_incident_and_postmortem() {
    if !tmux_available() {
        return;
    }
    let t = Tmux::start("stories", "demo --no-bell");
    t.wait_for("the demo loaded", |s| s.contains("3 CloudTrail ("));

    t.keys(&["5"]);
    let view = t.wait_for("the Stories view", |s| {
        s.contains("Stories (1)") && s.contains("steps")
    });
    assert!(
        view.contains("critical") && view.contains("ci-deploy"),
        "{view}"
    );
    assert!(
        view.contains("iam:CreateUser") && view.contains("← "),
        "{view}"
    );
    assert!(!view.contains("alice"), "{view}");

    // Pivot: every pane shows the story's signals only.
    t.keys(&["Enter"]);
    let pivoted = t.wait_for("the story pivot", |s| {
        s.contains("story S-") && s.contains("(backspace steps out)") && !s.contains("STORIES")
    });
    assert!(!pivoted.contains("alice"), "{pivoted}");
    assert!(pivoted.contains("svc-backup2"), "{pivoted}");
    t.keys(&["BSpace"]);
    t.wait_for("the pivot left", |s| !s.contains("story S-"));

    // An incident from the story, then its postmortem.
    t.keys(&["5"]);
    t.wait_for("the Stories view again", |s| s.contains("Stories (1)"));
    t.keys(&["N"]);
    t.wait_for("the incident", |s| {
        s.contains("incident IR-") && s.contains("Attack story S-")
    });
    t.keys(&["I"]);
    let nb = t.wait_for("the notebook with the pinned steps", |s| {
        s.contains("Timeline (") && s.contains("[E1]")
    });
    assert!(nb.contains("Time to detect"), "{nb}");
    t.keys(&["E"]);
    t.wait_for("the export", |s| s.contains("postmortem written"));
    let exports = t.dir.path().join("exports");
    let file = std::fs::read_dir(&exports)
        .ok()
        .and_then(|mut d| d.next())
        .and_then(|e| e.ok())
        .map(|e| e.path())
        .unwrap_or_else(|| panic!("no export in {}", exports.display()));
    let md = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{e}"));
    let timeline = md
        .split("## Timeline")
        .nth(1)
        .unwrap_or_else(|| panic!("no timeline in {md}"));
    for step in [
        "sts:GetCallerIdentity",
        "iam:CreateUser",
        "cloudtrail:StopLogging",
        "ec2:RunInstances",
        "s3:PutBucketPolicy",
    ] {
        assert!(
            timeline.contains(step),
            "{step} missing from the timeline:\n{timeline}"
        );
    }
    assert!(!timeline.contains("alice"), "{timeline}");
    assert!(md.contains("Opened from attack story S-"), "{md}");
    let impact = md.split("## Impact").nth(1).unwrap_or("");
    assert!(impact.contains("iam_user svc-backup2"), "{impact}");
    assert!(md.contains("First signal: E1"), "{md}");
    t.keys(&["Escape", "q"]);
    t.wait_for("exit", |s| s.contains("EXITED rc=0"));
}

/// Issue 37: the Stories view's `U` lists the story's changes with their undo; `enter` on one
/// opens the picker on its undo, and its plan is bound to the change's account and region.
#[test]
fn stories_view_recovery_checklist_plans_an_undo() {
    if !tmux_available() {
        return;
    }
    let t = Tmux::start("recovery", "demo --no-bell");
    t.wait_for("the demo loaded", |s| s.contains("3 CloudTrail ("));
    t.keys(&["5"]);
    t.wait_for("the Stories view", |s| s.contains("Stories (1)"));
    t.keys(&["U"]);
    let list = t.wait_for("the checklist", |s| s.contains("Recovery · story S-"));
    for want in [
        "iam:AttachUserPolicy",
        "detach-user-policy",
        "deactivate-key access key AKIA4EXAMPLEBACKDR02",
        "needs a decision",
        "attempted, nothing to undo (AccessDenied)",
        "revoke-ingress ingress tcp 22-22 from 0.0.0.0/0",
    ] {
        assert!(list.contains(want), "{want}: {list}");
    }
    // The second change: the administrator policy attached to the backdoor user.
    t.keys(&["j", "Enter"]);
    t.wait_for("the picker on its undo", |s| {
        s.contains("Response action") && s.contains("detach-user-policy")
    });
    t.keys(&["Enter"]);
    let plan = t.wait_for("the plan", |s| s.contains("Plan: nothing is called"));
    assert!(
        plan.contains("account 111122223333") && plan.contains("us-east-1"),
        "{plan}"
    );
    assert!(plan.contains("iam:DetachUserPolicy (changes)"), "{plan}");
    t.keys(&["Escape"]);
}
