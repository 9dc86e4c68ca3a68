//! `R`: a response action on the selected row. Pick the action (only those that apply to the
//! row's finding or entities), read the plan, confirm (typing the target's id when it is
//! destructive), and the console runs it; the outcome comes back as a toast, in the audit log
//! and in the incident's timeline.

use super::msg::{ActionResult, Effect, NbOp};
use super::state::{Mode, PaneId, State};
use crate::model::Source;
use crate::notebook::Entry;
use crate::respond::plan::{plan, PlanCtx};
use crate::respond::{bind, Action, Target};

/// The targets a row offers: the finding itself, then its entities, then the signal (notify).
pub fn targets(state: &State) -> Vec<Target> {
    let mut out = Vec::new();
    if state.view.focus == PaneId::Entities && !matches!(state.ui.mode, Mode::Detail(_)) {
        out.extend(state.selected_entity().and_then(Target::from_entity));
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
            out.push(Target::Finding {
                id: fid.to_string(),
                detector,
            });
        }
    }
    // Security Hub's copy (workflow) and Access Analyzer's finding (archive).
    out.extend(crate::respond::findings::targets_of(s));
    for e in state.view.store.entities_of(s) {
        if let Some(t) = Target::from_entity(e) {
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    out.push(Target::Signal {
        id: s.id.to_string(),
        summary: s.summary().into_owned(),
    });
    out
}

pub fn open(state: &mut State) {
    if super::commands::row_hidden(state) {
        state.toast(super::commands::HIDDEN_ROW, true);
        return;
    }
    let items: Vec<(Action, Target)> = targets(state)
        .into_iter()
        .flat_map(|t| {
            Action::for_target(&t)
                .into_iter()
                .map(move |a| (a, t.clone()))
        })
        .collect();
    if items.is_empty() {
        state.toast("no response action applies to this row", false);
        return;
    }
    state.ui.mode = Mode::ActionPick { items, cursor: 0 };
}

/// The account and region of the selected row: its signal's, or for an entity row the one
/// account (and region) of the signals that touch the entity.
fn row_scope(state: &State) -> Result<(Option<String>, Option<String>), String> {
    let region = |r: Option<&str>| r.filter(|r| *r != "global").map(str::to_string);
    if state.view.focus == PaneId::Entities && !matches!(state.ui.mode, Mode::Detail(_)) {
        let Some(e) = state.selected_entity() else {
            return Ok((None, None));
        };
        let touching: Vec<&crate::model::Signal> = state.view.store.touching(e).collect();
        let account = bind::entity_account(touching.iter().filter_map(|s| s.account()))?;
        let mut regions: Vec<String> = touching.iter().filter_map(|s| region(s.region())).collect();
        regions.sort();
        regions.dedup();
        return Ok((account, (regions.len() == 1).then(|| regions.remove(0))));
    }
    Ok(super::commands::row_signal(state)
        .map(|s| (s.account().map(str::to_string), region(s.region())))
        .unwrap_or((None, None)))
}

/// Binds the plan to one account, region and profile: live, the profile whose identity is the
/// row's account (refused, naming the account and the profiles, when there is none); demo and
/// replay, the row's account with no profile (the plan is shown, nothing is called).
fn binding(state: &State) -> Result<(Option<String>, String, Option<String>), String> {
    let (account, region) = row_scope(state)?;
    let region = region
        .or_else(|| state.session.action_region.clone())
        .unwrap_or_else(|| crate::aws::session::FALLBACK_REGION.into());
    let Some(live) = &state.session.live else {
        return Ok((account, region, None));
    };
    let known: Vec<bind::Known> = live
        .identities
        .iter()
        .map(|i| (i.profile.clone(), i.account.clone()))
        .collect();
    let (account, profile) = bind::profile_for(account.as_deref(), &known)?;
    Ok((Some(account), region, Some(profile)))
}

pub fn pick(state: &mut State, action: Action, target: Target) {
    let (account, region, profile) = match binding(state) {
        Ok(b) => b,
        Err(e) => {
            state.ui.mode = Mode::Normal;
            state.toast(format!("{action}: {e}"), true);
            return;
        }
    };
    let ctx = PlanCtx {
        account,
        region,
        profile,
        incident: state.notebook.incident.as_ref().map(|i| i.id.clone()),
        sns_topic: state.session.sns_topic.clone(),
    };
    match plan(action, &target, &ctx) {
        Ok(p) => {
            state.ui.mode = Mode::ActionPlan {
                plan: Box::new(p),
                typed: String::new(),
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
    match &state.notebook.incident {
        Some(i) => {
            let entry = Entry::by(
                state.now,
                &state.session.operator,
                crate::respond::audit::entry(&r.plan, &r.outcome),
            );
            state.notebook.saving += 1;
            vec![Effect::Notebook(NbOp::Append {
                id: i.id.clone(),
                entry: Box::new(entry),
            })]
        }
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keymap::Keymap;
    use crate::normalize::{normalize_record, Options};

    fn state_with_finding() -> State {
        let mut s = State::new("live", Keymap::default(), chrono::Utc::now());
        let f = serde_json::json!({"schemaVersion":"2.0","id":"f1","type":"CryptoCurrency:EC2/BitcoinTool.B!DNS",
            "arn":"arn:aws:guardduty:us-east-1:1:detector/d1/finding/f1","severity":8,"accountId":"1",
            "region":"us-east-1","createdAt":"2026-11-28T00:00:00Z","updatedAt":"2026-11-28T00:00:00Z",
            "title":"t","description":"d","resource":{"resourceType":"Instance","instanceDetails":{"instanceId":"i-0abc"}}});
        let (_, n) = normalize_record(f, &Options::default()).unwrap();
        s.view.store.insert(n);
        s.view.focus = PaneId::GuardDuty;
        s.pane_mut(PaneId::GuardDuty).rows = vec![0];
        s
    }

    #[test]
    fn the_picker_offers_the_finding_and_its_instance_and_confirmation_is_typed() {
        let mut s = state_with_finding();
        open(&mut s);
        let Mode::ActionPick { items, .. } = &s.ui.mode else {
            panic!("{:?}", s.ui.mode)
        };
        assert!(items.contains(&(
            Action::Archive,
            Target::Finding {
                id: "f1".into(),
                detector: Some("d1".into())
            }
        )));
        let iso = items
            .iter()
            .find(|(a, _)| *a == Action::Isolate)
            .cloned()
            .unwrap();
        assert_eq!(iso.1, Target::Instance("i-0abc".into()));
        assert!(
            !items.iter().any(|(a, _)| *a == Action::DeactivateKey),
            "only what applies"
        );
        pick(&mut s, iso.0, iso.1);
        assert!(matches!(s.ui.mode, Mode::ActionPlan { .. }));
        if let Mode::ActionPlan { typed, .. } = &mut s.ui.mode {
            typed.push_str("i-wrong");
        }
        assert!(accept(&mut s).is_empty(), "a wrong id runs nothing");
        let Mode::ActionPlan { typed, error, .. } = &mut s.ui.mode else {
            panic!()
        };
        assert!(error.as_deref().unwrap_or("").contains("i-0abc"));
        *typed = "i-0abc".into();
        let fx = accept(&mut s);
        assert!(
            matches!(fx.as_slice(), [Effect::Respond(p)] if p.action == "isolate" && p.region == "us-east-1")
        );
        assert_eq!(s.ui.mode, Mode::Normal);
    }

    #[test]
    fn live_plans_are_bound_to_the_profile_of_the_rows_account_or_refused() {
        use crate::app::live::{Identity, LiveStatus};
        let id = |profile: &str, account: &str| Identity {
            profile: profile.into(),
            account: Some(account.into()),
            principal: None,
            problem: None,
        };
        let mut s = state_with_finding();
        s.session.live = Some(LiveStatus {
            identities: vec![id("prod", "111122223333"), id("staging", "1")],
            ..Default::default()
        });
        pick(&mut s, Action::Isolate, Target::Instance("i-0abc".into()));
        let Mode::ActionPlan { plan, .. } = &s.ui.mode else {
            panic!("{:?}", s.ui.mode)
        };
        assert_eq!(plan.account.as_deref(), Some("1"));
        assert_eq!(plan.profile.as_deref(), Some("staging"));
        assert_eq!(
            plan.describe()[0],
            "account 1 (profile staging) · us-east-1"
        );
        // The row's account has no profile: refused, naming the account and the profiles.
        s.ui.mode = Mode::Normal;
        s.session.live = Some(LiveStatus {
            identities: vec![id("prod", "111122223333")],
            ..Default::default()
        });
        pick(&mut s, Action::Isolate, Target::Instance("i-0abc".into()));
        assert_eq!(s.ui.mode, Mode::Normal);
        let t = &s.ui.toasts.last().unwrap().text;
        assert!(
            t.contains("account 1") && t.contains("prod → 111122223333"),
            "{t}"
        );
    }

    fn detail(signal_id: String) -> Mode {
        Mode::Detail(Box::new(super::super::state::DetailState {
            signal_id,
            lines: Vec::new(),
            scroll: 0,
            search: String::new(),
            matches: Vec::new(),
            current: 0,
        }))
    }

    #[test]
    fn r_p_and_t_act_from_the_detail_view() {
        let mut s = state_with_finding();
        let id = s.view.store.signals()[0].id.to_string();
        s.ui.mode = detail(id);
        crate::app::commands::execute(&mut s, crate::keymap::Command::Respond);
        assert!(
            matches!(s.ui.mode, Mode::ActionPick { .. }),
            "{:?}",
            s.ui.mode
        );
        let id = s.view.store.signals()[0].id.to_string();
        s.ui.mode = detail(id);
        crate::app::commands::execute(&mut s, crate::keymap::Command::Pin);
        assert!(
            s.ui.toasts
                .last()
                .unwrap()
                .text
                .contains("no incident open"),
            "{:?}",
            s.ui.toasts
        );
        crate::app::commands::execute(&mut s, crate::keymap::Command::CloudTrailLookup);
        assert!(
            s.ui.toasts
                .last()
                .unwrap()
                .text
                .contains("CloudTrail lookups"),
            "{:?}",
            s.ui.toasts
        );
    }
}
