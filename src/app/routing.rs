//! The rules in the console: each signal's route (which rule, to whom) for the pane column and
//! the detail view, and sensitive signals hidden from principals the rule does not allow.
//! Notifications are sent by `airc watch`, not by the console (two senders would notify twice).

use super::msg::Effect;
use super::state::State;
use crate::model::Signal;
use crate::rules::Route;
use serde_json::json;

/// The principal the console runs as: the first profile's, from STS (none until it answers,
/// so nothing sensitive shows meanwhile, whichever other profile answered first).
pub fn principal(state: &State) -> Option<String> {
    let first = |i: &&crate::feed::live::Identity| {
        state
            .session
            .gate_profile
            .as_ref()
            .is_none_or(|p| &i.profile == p)
    };
    state
        .session
        .live
        .as_ref()
        .and_then(|l| {
            l.identities
                .iter()
                .filter(first)
                .find_map(|i| i.principal.clone())
        })
        .or_else(|| state.session.principal_override.clone())
}

/// Who may read the journal entry of an action on `e` when no signal is its origin (the
/// Entities pane), or of `e` pinned as affected: when only sensitive signals name it (the
/// entity, with its account), the readers every one of them allows — what only a sensitive
/// signal told is as sensitive as that signal; an entity a signal that is not sensitive names
/// too is known to every reader already.
pub fn entity_sensitivity(
    state: &State,
    e: &crate::model::Entity,
) -> Option<crate::notebook::sensitive::Sensitive> {
    let store = &state.view.store;
    let mut out: Option<crate::notebook::sensitive::Sensitive> = None;
    for s in store.touching(e) {
        // A signal not routed yet (none is today: routing runs as signals arrive) is judged
        // now rather than counted as open to every reader.
        let routed = s.id.with_str(|id| state.session.routes.get(id));
        let route = routed.map(std::borrow::Cow::Borrowed).or_else(|| {
            let rules = state.session.rules.as_ref()?;
            rules
                .route(s, store.entities_of(s))
                .map(std::borrow::Cow::Owned)
        });
        match route.as_deref().filter(|r| r.sensitive) {
            None => return None,
            Some(r) => match &mut out {
                None => out = crate::rules::gate::Gate::sensitivity(Some(r)),
                Some(o) => o.also_allow(&r.rules, &r.allow),
            },
        }
    }
    out
}

/// Routes the signals with these ids (new or changed).
pub fn refresh(state: &mut State, ids: &[String]) {
    let Some(rules) = &state.session.rules else {
        return;
    };
    for id in ids {
        let store = &state.view.store;
        let route = store
            .get(id)
            .and_then(|s| rules.route(s, store.entities_of(s)));
        match route {
            Some(r) => {
                state.session.routes.insert(id.clone(), r);
            }
            None => {
                state.session.routes.remove(id);
            }
        }
    }
}

/// The route that hides this signal from the current principal, if any.
pub fn hiding<'a>(state: &'a State, s: &Signal) -> Option<&'a Route> {
    let r = s.id.with_str(|id| state.session.routes.get(id))?;
    (!r.allows(principal(state).as_deref())).then_some(r)
}

/// Whether this signal's content is hidden from the console's principal: the one gate every
/// path asks (panes, pickers, actions, lookups, copies, pins, filters, entity counts).
pub fn is_hidden(state: &State, s: &Signal) -> bool {
    hiding(state, s).is_some()
}

/// Store positions of the hidden signals, sorted (for the background view pass).
pub fn hidden_positions(state: &State) -> Vec<u32> {
    let p = principal(state);
    let mut out: Vec<u32> = state
        .session
        .routes
        .iter()
        .filter(|(_, r)| r.sensitive && !r.allows(p.as_deref()))
        .filter_map(|(id, _)| state.view.store.position(id).map(|i| i as u32))
        .collect();
    out.sort_unstable();
    out
}

/// The text shown instead of a hidden signal's summary.
pub fn hidden_summary(r: &Route) -> String {
    format!("sensitive: details hidden (rules {})", r.rules.join(", "))
}

/// Lines for the detail view about routing (appended after the summary block).
pub fn route_lines(r: &Route) -> Vec<String> {
    let mut out = vec![format!(
        "Routed   {} → {}",
        r.rules.join(", "),
        r.targets.join(", ")
    )];
    if !r.suggest.is_empty() {
        out.push(format!("Suggest  {}", r.suggest.join(", ")));
    }
    if r.sensitive {
        out.push("Sensitive yes (viewing it is written to the audit log)".into());
    }
    out
}

/// The detail view of a signal the principal may not see: what it is, never what it says.
pub fn hidden_lines(s: &Signal, r: &Route, principal: Option<&str>) -> Vec<String> {
    let mut out = vec![
        format!("Source   {} · {}", s.source, s.kind()),
        format!("Id       {}", s.id),
        String::new(),
        format!(
            "This signal is sensitive (rules {}): its details are shown only to the principals \
             the rule allows.",
            r.rules.join(", ")
        ),
        format!(
            "You are  {}",
            principal.unwrap_or("unknown (no AWS identity)")
        ),
        format!(
            "Allowed  {}",
            if r.allow.is_empty() {
                "nobody listed".to_string()
            } else {
                r.allow.join(", ")
            }
        ),
    ];
    out.extend(route_lines(r));
    out.into_iter()
        .map(|l| crate::safe_text::line(&l).into_owned())
        .collect()
}

/// An allowed principal opened a sensitive signal: that goes to the audit log.
pub fn reveal(state: &State, s: &Signal) -> Vec<Effect> {
    match s.id.with_str(|id| state.session.routes.get(id)) {
        Some(r) if r.sensitive => vec![Effect::Audit(json!({
            "at": state.now, "event": "reveal", "signal": s.id,
            "caller": principal(state), "operator": state.session.operator,
            "rules": r.rules,
        }))],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::live::{Identity, LiveEvent, LiveStatus};
    use crate::keymap::Keymap;

    fn state(principal: &str, allow: &str) -> State {
        let mut s = State::new("live", Keymap::default(), chrono::Utc::now());
        let rules = format!(
            "[targets.security]\n[[rule]]\nname = \"creds\"\nmatch = {{ event_type = \"AWS_RISK_*\" }}\nroute = [\"security\"]\nsensitive = true\nallow = [\"{allow}\"]\n"
        );
        s.session.rules = Some(crate::rules::Rules::parse(&rules, "test", None).unwrap());
        s.session.live = Some(LiveStatus::default());
        crate::app::live::on_live(
            &mut s,
            LiveEvent::Identity(Identity {
                profile: "p".into(),
                account: Some("1".into()),
                principal: Some(principal.into()),
                problem: None,
            }),
        );
        let v = serde_json::json!({"arn":"arn:aws:health:us-east-1::event/RISK/AWS_RISK_CREDENTIALS_EXPOSED/x",
            "eventTypeCode":"AWS_RISK_CREDENTIALS_EXPOSED","eventTypeCategory":"issue","startTime":"2026-11-28T00:00:00Z",
            "service":"RISK","region":"us-east-1"});
        let (_, n) = crate::normalize::normalize_record(v, &Default::default()).unwrap();
        s.view.store.insert(n);
        let id = s.view.store.signals()[0].id.to_string();
        refresh(&mut s, &[id]);
        s
    }

    #[test]
    fn a_sensitive_signal_is_hidden_unless_the_principal_is_allowed() {
        let s = state("arn:aws:iam::1:user/bob", "arn:aws:iam::1:role/Security*");
        let sig = &s.view.store.signals()[0];
        let r = hiding(&s, sig).expect("hidden from bob");
        let lines = hidden_lines(sig, r, principal(&s).as_deref());
        assert!(lines.iter().all(|l| !l.contains('{')), "no JSON: {lines:?}");
        assert!(lines.iter().any(|l| l.contains("user/bob")));
        let s = state(
            "arn:aws:sts::1:assumed-role/SecurityOncall/alice",
            "arn:aws:sts::1:assumed-role/Security*",
        );
        let sig = &s.view.store.signals()[0];
        assert!(hiding(&s, sig).is_none(), "shown to the allowed role");
        assert!(matches!(reveal(&s, sig).as_slice(), [Effect::Audit(v)] if v["event"] == "reveal"));
    }

    /// Fails on the session-18 main: the gate's principal was whichever identity answered
    /// first, so a second profile's allowed role showed the first profile's console every
    /// sensitive signal.
    #[test]
    fn the_gate_principal_is_the_first_profile_s_whoever_answers_first() {
        let mut s = state(
            "arn:aws:sts::1:assumed-role/SecurityOncall/alice",
            "arn:aws:sts::1:assumed-role/Security*",
        );
        // The console was started with profiles `first` and `p`; only `p` (allowed) answered.
        s.session.gate_profile = Some("first".into());
        let sig = s.view.store.signals()[0].clone();
        assert_eq!(principal(&s), None);
        assert!(
            is_hidden(&s, &sig),
            "hidden until the first profile answers"
        );
        crate::app::live::on_live(
            &mut s,
            LiveEvent::Identity(Identity {
                profile: "first".into(),
                account: Some("1".into()),
                principal: Some("arn:aws:iam::1:user/bob".into()),
                problem: None,
            }),
        );
        assert_eq!(principal(&s).as_deref(), Some("arn:aws:iam::1:user/bob"));
        assert!(is_hidden(&s, &sig), "bob is not allowed");
    }
}
