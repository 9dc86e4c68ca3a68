//! `R`: a response action on the selected row. Pick the action (only those that apply to the
//! row's finding or entities), read the plan, confirm (typing the target's id when it is
//! destructive), and the console runs it; the outcome comes back as a toast, in the audit log
//! and in the incident's timeline.

use super::action_scope;
use super::msg::{ActionResult, Effect, NbOp};
use super::state::{Mode, PaneId, PickItem, PickOrigin, State};
use crate::model::{Entity, Source};
use crate::notebook::Entry;
use crate::respond::plan::{plan, PlanCtx};
use crate::respond::{bind, Action, Target};

/// The targets a row offers: the finding itself, then its entities (each with the entity it
/// was made from), then the signal (notify).
pub fn targets(state: &State) -> Vec<(Target, Option<Entity>)> {
    let mut out: Vec<(Target, Option<Entity>)> = Vec::new();
    if state.view.focus == PaneId::Entities && !matches!(state.ui.mode, Mode::Detail(_)) {
        if let Some(e) = state.selected_entity() {
            out.extend(Target::from_entity(e).map(|t| (t, Some(e.clone()))));
        }
        return out;
    }
    let Some(s) = super::commands::row_signal(state) else {
        return out;
    };
    if s.source == Source::GuardDuty {
        let arn = s
            .raw
            .decoded()
            .get("arn")
            .and_then(|a| a.as_str())
            .map(String::from);
        let detector = arn
            .as_deref()
            .and_then(|a| a.split("detector/").nth(1))
            .and_then(|r| r.split('/').next())
            .map(String::from);
        if let Some(fid) = s.id.as_str().strip_prefix("guardduty:") {
            out.push((
                Target::Finding {
                    id: fid.to_string(),
                    detector,
                },
                None,
            ));
        }
    }
    // Security Hub's copy (workflow) and Access Analyzer's finding (archive): like the
    // GuardDuty finding, bound to the signal's own account and region.
    out.extend(
        crate::respond::findings::targets_of(s)
            .into_iter()
            .map(|t| (t, None)),
    );
    for e in state.view.store.entities_of(s) {
        if let Some(t) = Target::from_entity(e) {
            // Two entities with one target (a user name in two accounts) stay two choices:
            // each binds to its own account.
            if !out.iter().any(|(x, xe)| *x == t && xe.as_ref() == Some(e)) {
                out.push((t, Some(e.clone())));
            }
        }
    }
    out.push((
        Target::Signal {
            id: s.id.to_string(),
            summary: s.summary().into_owned(),
        },
        None,
    ));
    out
}

pub fn open(state: &mut State) {
    if super::commands::row_hidden(state) {
        state.toast(super::commands::HIDDEN_ROW, true);
        return;
    }
    let on_entity =
        state.view.focus == PaneId::Entities && !matches!(state.ui.mode, Mode::Detail(_));
    let origin = PickOrigin {
        signal: (!on_entity)
            .then(|| super::commands::row_signal(state).map(|s| s.id.to_string()))
            .flatten(),
        entity: on_entity
            .then(|| state.selected_entity().cloned())
            .flatten(),
    };
    let items: Vec<PickItem> = targets(state)
        .into_iter()
        .flat_map(|(target, entity)| {
            Action::for_target(&target)
                .into_iter()
                .map(move |action| PickItem {
                    action,
                    target: target.clone(),
                    entity: entity.clone(),
                })
        })
        .collect();
    if items.is_empty() {
        state.toast("no response action applies to this row", false);
        return;
    }
    state.ui.mode = Mode::ActionPick {
        items,
        cursor: 0,
        origin: Box::new(origin),
    };
}

/// Binds the plan to one account, region and profile: live, the profile whose identity is the
/// account (refused, naming the account and the profiles, when there is none); demo and
/// replay, the account with no profile (the plan is shown, nothing is called).
fn binding(
    state: &State,
    scope: &action_scope::Scope,
) -> Result<(Option<String>, String, Option<String>), String> {
    let region = scope
        .region
        .clone()
        .or_else(|| state.session.action_region.clone())
        .unwrap_or_else(|| crate::aws::session::FALLBACK_REGION.into());
    let Some(live) = &state.session.live else {
        return Ok((scope.account.clone(), region, None));
    };
    let known: Vec<bind::Known> = live
        .identities
        .iter()
        .map(|i| (i.profile.clone(), i.account.clone()))
        .collect();
    let (account, profile) = bind::profile_for(scope.account.as_deref(), &known)?;
    Ok((Some(account), region, Some(profile)))
}

/// The plan for one picker item, bound to what the picker was opened on.
pub fn pick(state: &mut State, origin: &PickOrigin, item: PickItem) {
    let action = item.action;
    let refuse = |state: &mut State, e: String| {
        state.ui.mode = Mode::Normal;
        state.toast(format!("{action}: {e}"), true);
    };
    let scope = match action_scope::of(state, origin, &item) {
        Ok(s) => s,
        Err(e) => return refuse(state, e),
    };
    let incident = state.notebook.incident.as_ref().map(|i| i.id.clone());
    if let Some(why) = action_scope::unknown_account(&scope) {
        // Only a plan that changes something needs the account for sure.
        let probe = PlanCtx {
            account: None,
            region: String::new(),
            profile: None,
            incident: incident.clone(),
            sns_topic: state.session.sns_topic.clone(),
        };
        if plan(action, &item.target, &probe).is_ok_and(|p| p.mutating()) {
            return refuse(state, why);
        }
    }
    let (account, region, profile) = match binding(state, &scope) {
        Ok(b) => b,
        Err(e) => return refuse(state, e),
    };
    let ctx = PlanCtx {
        account,
        region,
        profile,
        incident,
        sns_topic: state.session.sns_topic.clone(),
    };
    // On a sensitive signal, its journal entry is for the readers its rules allow.
    let sensitive = match action_scope::origin_signal(state, origin).ok().flatten() {
        Some(s) => {
            let route = s.id.with_str(|id| state.session.routes.get(id));
            crate::rules::gate::Gate::sensitivity(route)
        }
        None => scope
            .entity
            .as_ref()
            .or(origin.entity.as_ref())
            .and_then(|e| super::routing::entity_sensitivity(state, e)),
    };
    match plan(action, &item.target, &ctx) {
        Ok(mut p) => {
            p.sensitive = sensitive;
            state.ui.mode = Mode::ActionPlan {
                plan: Box::new(p),
                typed: Default::default(),
                error: None,
            }
        }
        Err(e) => {
            state.ui.mode = Mode::Normal;
            state.toast(e, true);
        }
    }
}

/// Enter on the plan: runs it when confirmed.
pub fn accept(state: &mut State) -> Vec<Effect> {
    let Mode::ActionPlan { plan, typed, error } = &mut state.ui.mode else {
        return Vec::new();
    };
    if let Some(word) = plan.confirm_word() {
        if !(state.session.read_only && plan.mutating()) && typed.trim() != word {
            *error = Some(format!("type {word} exactly to confirm"));
            return Vec::new();
        }
    }
    let plan = plan.clone();
    state.ui.mode = Mode::Normal;
    state.toast(
        format!(
            "running {} on {}…",
            plan.action,
            crate::safe_text::line(&plan.target)
        ),
        false,
    );
    vec![Effect::Respond(plan)]
}

pub fn on_result(state: &mut State, r: ActionResult) -> Vec<Effect> {
    use crate::respond::execute::Status;
    let ok = r.outcome.status == Status::Done && r.audit.is_ok();
    let mut text = crate::safe_text::line(&r.outcome.message).into_owned();
    if let Some(u) = &r.outcome.undo {
        text.push_str(&format!(" · undo: {}", crate::safe_text::line(u)));
    }
    if let Err(e) = &r.audit {
        text.push_str(&format!(
            " · NOT in the audit log: {}",
            crate::safe_text::line(e)
        ));
    }
    state.toast(text, !ok);
    state.view.dirty = true;
    if r.outcome.status == Status::Refused || !r.executed {
        return Vec::new();
    }
    // The incident the plan was made for (its tags and evidence folder name it), whichever is
    // open now: the responder may have switched incidents while the action ran.
    let incident = r
        .plan
        .incident
        .clone()
        .or_else(|| state.notebook.incident.as_ref().map(|i| i.id.clone()));
    match incident {
        Some(id) => {
            let entry = Entry::by(
                state.now,
                &state.session.operator,
                crate::respond::audit::entry(&r.plan, &r.outcome),
            );
            state.notebook.saving += 1;
            vec![Effect::Notebook(NbOp::Append {
                id,
                entry: Box::new(entry),
            })]
        }
        None => Vec::new(),
    }
}

#[cfg(test)]
#[path = "respond_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "respond_findings_tests.rs"]
mod findings_tests;

#[cfg(test)]
#[path = "respond_result_tests.rs"]
mod result_tests;
