//! What the live AWS sources say besides signals: whose credentials these are, how each source
//! and region is doing, Health aggregates. Kept in the state and shown on panes and the header.

use super::msg::Effect;
use super::state::{PaneId, State};
pub use crate::feed::live::{Identity, LiveEvent, ScopeStatus};
use crate::model::Source;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub struct ScopeState {
    pub status: ScopeStatus,
    pub last_ok: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LiveStatus {
    pub identities: Vec<Identity>,
    pub scopes: BTreeMap<(Source, String), ScopeState>,
    pub health_aggregates: Vec<(String, u64)>,
}

/// How a pane's source is doing across its profiles and regions.
#[derive(Debug, Clone, PartialEq)]
pub struct PaneHealth {
    pub last_ok: Option<DateTime<Utc>>,
    /// (scope, problem) for every scope that is not fine.
    pub problems: Vec<(String, String)>,
    pub notes: Vec<String>,
    pub polling: bool,
    pub paused: bool,
}

impl LiveStatus {
    /// The credentials banner: the first profile whose credentials fail, with the fix.
    pub fn banner(&self) -> Option<String> {
        self.identities.iter().find_map(|i| {
            i.problem.as_ref().map(|(why, fix)| {
                // The fix first: a narrow terminal cuts the end of the line.
                format!(
                    "⚠ profile {}: polling paused — fix: {fix} — {why} (resumes by itself)",
                    i.profile
                )
            })
        })
    }

    pub fn pane(&self, source: Source) -> Option<PaneHealth> {
        let mut any = false;
        let mut out = PaneHealth {
            last_ok: None,
            problems: Vec::new(),
            notes: Vec::new(),
            polling: false,
            paused: false,
        };
        for ((s, scope), st) in &self.scopes {
            if s.pane() != source.pane() {
                continue;
            }
            any = true;
            out.last_ok = out.last_ok.max(st.last_ok);
            match &st.status {
                ScopeStatus::Polling => out.polling = true,
                ScopeStatus::Ok { note: Some(n) } => out.notes.push(format!("{scope}: {n}")),
                ScopeStatus::Ok { note: None } => {}
                ScopeStatus::Problem(p) => out.problems.push((scope.clone(), p.to_string())),
                ScopeStatus::Paused => out.paused = true,
            }
        }
        any.then_some(out)
    }

    /// The header's source label: each profile's account and principal.
    pub fn label(&self) -> String {
        let who: Vec<String> = self
            .identities
            .iter()
            .map(|i| match (&i.account, &i.principal) {
                (Some(a), Some(p)) => format!("{} {a} {}", i.profile, short_principal(p)),
                _ => format!("{} (no credentials)", i.profile),
            })
            .collect();
        format!("live · {}", who.join(" · "))
    }
}

/// `arn:aws:sts::123:assumed-role/Admin/alice` → `assumed-role/Admin/alice`.
fn short_principal(arn: &str) -> &str {
    arn.rsplit_once(':').map(|(_, r)| r).unwrap_or(arn)
}

pub fn on_live(state: &mut State, ev: LiveEvent) -> Vec<Effect> {
    let now = state.now;
    let live = state.session.live.get_or_insert_with(LiveStatus::default);
    match ev {
        LiveEvent::Identity(id) => {
            let previous = live.identities.iter().position(|i| i.profile == id.profile);
            let old_account = previous.and_then(|i| live.identities[i].account.clone());
            if let Some(i) = previous {
                live.identities[i] = id.clone();
            } else {
                live.identities.push(id.clone());
            }
            state.session.source_label = live.label();
            // The responder's own calls (isolating, reading back) touch the attacker's
            // resources: they never join attack stories.
            if let Some(me) = id
                .principal
                .as_deref()
                .and_then(crate::model::Entity::from_arn)
            {
                state.view.store.exclude_from_stories(me);
            }
            // The same profile now answers for another account: nothing from the old account
            // may stay on screen as if it were the new one.
            if let (Some(old), Some(new)) = (old_account, id.account.as_ref()) {
                if &old != new {
                    let removed = state
                        .view
                        .store
                        .retain(|s| s.account() != Some(old.as_str()));
                    store_shrunk(state);
                    state.toast(
                        format!(
                            "profile {} now answers for account {new} (was {old}): {removed} \
                             signals of {old} removed",
                            id.profile
                        ),
                        true,
                    );
                }
            }
        }
        LiveEvent::Status {
            source,
            scope,
            status,
        } => {
            let entry = live
                .scopes
                .entry((source, scope.clone()))
                .or_insert(ScopeState {
                    status: ScopeStatus::Polling,
                    last_ok: None,
                });
            let was_problem = matches!(entry.status, ScopeStatus::Problem(_));
            if matches!(status, ScopeStatus::Ok { .. }) {
                entry.last_ok = Some(now);
                if was_problem {
                    state.toast(format!("{source} {scope}: recovered"), false);
                }
            } else if let ScopeStatus::Problem(p) = &status {
                if !was_problem {
                    let text = format!("{source} {scope}: {p}");
                    state.toast(crate::safe_text::line(&text).into_owned(), true);
                }
            }
            if let Some(e) = state
                .session
                .live
                .as_mut()
                .and_then(|l| l.scopes.get_mut(&(source, scope)))
            {
                e.status = status;
            }
        }
        LiveEvent::HealthAggregates(a) => live.health_aggregates = a,
        LiveEvent::Notice { text, error } => {
            state.toast(crate::safe_text::line(&text).into_owned(), error)
        }
    }
    state.view.dirty = true;
    Vec::new()
}

/// After the store lost signals every row position points elsewhere (or past the end): the
/// panes are emptied until the next pass, which `dirty` asks for.
fn store_shrunk(state: &mut State) {
    // The routes of signals that left go with them (a console open for weeks).
    let store = &state.view.store;
    state.session.routes.retain(|id, _| store.get(id).is_some());
    let len = state.view.store.len();
    for p in PaneId::ALL {
        let v = state.pane_mut(p);
        v.seen_upto = len;
        v.rows.clear();
        v.entity_rows.clear();
        v.cursor = 0;
    }
    state.view.dirty = true;
}

/// Drops live signals older than the retention window, so a console left open for days stays
/// bounded in memory. Checked once a minute; the store is rebuilt only when a tenth of it (or
/// 100,000 signals) has expired, so the cost is amortised.
pub fn expire(state: &mut State) {
    let Some((keep, last)) = state.session.retention else {
        return;
    };
    let now = state.now;
    if last.is_some_and(|t| (now - t).num_seconds() < 60) {
        return;
    }
    state.session.retention = Some((keep, Some(now)));
    let removed = state
        .view
        .store
        .expire(crate::model::time::minus(now, keep));
    if removed == 0 {
        return;
    }
    store_shrunk(state);
    state.toast(
        format!(
            "dropped {removed} signals older than {} (--retain)",
            humantime::format_duration(keep)
        ),
        false,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::Problem;

    /// What the live status says of a source's pane.
    fn pane_health(s: &State, source: Source) -> Option<PaneHealth> {
        s.session.live.as_ref().and_then(|l| l.pane(source))
    }
    use crate::keymap::Keymap;

    /// A GuardDuty finding of `account`, updated at `at`.
    fn finding(id: &str, account: &str, at: &str) -> crate::model::Signal {
        crate::normalize::guardduty::normalize(
            &serde_json::json!({"schemaVersion":"2.0","id":id,"type":"Recon:EC2/PortProbeUnprotectedPort",
                "severity":5,"accountId":account,"region":"us-east-1","updatedAt":at,
                "createdAt":at,"title":"t","description":"d","resource":{}}),
            &Default::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn state() -> State {
        State::new("live", Keymap::default(), chrono::Utc::now())
    }

    fn ident(account: &str) -> LiveEvent {
        LiveEvent::Identity(Identity {
            profile: "prod".into(),
            account: Some(account.into()),
            principal: Some("arn:aws:iam::1:user/alice".into()),
            problem: None,
        })
    }

    /// The responder's own principal (alice here) never joins attack stories: two high
    /// findings that share only her user stay two stories; sharing another user, they join.
    #[test]
    fn the_consoles_own_principal_never_joins_stories() {
        let mut s = state();
        on_live(&mut s, ident("111122223333"));
        let with = |id: &str, user: &str| {
            let mut f = finding(id, "111122223333", "2026-01-15T02:00:00Z");
            f.severity = crate::model::Severity::High;
            f.set_entities(thin_vec::thin_vec![crate::model::Entity::new(
                crate::model::EntityKind::IamUser,
                user,
            )]);
            crate::normalize::Normalized::signal(f)
        };
        for (id, user) in [
            ("a", "alice"),
            ("b", "alice"),
            ("c", "mallory"),
            ("d", "mallory"),
        ] {
            s.view.store.insert(with(id, user));
        }
        assert_eq!(s.view.store.stories().len(), 3);
    }

    #[test]
    fn status_changes_toast_once_and_recover() {
        let mut s = state();
        let st = |status| LiveEvent::Status {
            source: Source::GuardDuty,
            scope: "prod/eu-west-1".into(),
            status,
        };
        on_live(&mut s, st(ScopeStatus::Ok { note: None }));
        let first_ok = pane_health(&s, Source::GuardDuty).unwrap();
        assert!(first_ok.last_ok.is_some() && first_ok.problems.is_empty());
        on_live(
            &mut s,
            st(ScopeStatus::Problem(Problem::Throttled("x".into()))),
        );
        on_live(
            &mut s,
            st(ScopeStatus::Problem(Problem::Throttled("x".into()))),
        );
        assert_eq!(s.ui.toasts.len(), 1, "one toast for a lasting problem");
        let p = pane_health(&s, Source::GuardDuty).unwrap();
        assert_eq!(p.problems.len(), 1);
        assert!(p.last_ok.is_some(), "the last good poll time is kept");
        on_live(&mut s, st(ScopeStatus::Ok { note: None }));
        assert!(s.ui.toasts.last().unwrap().text.contains("recovered"));
        assert!(pane_health(&s, Source::Health).is_none());
    }

    #[test]
    fn a_profile_that_changes_account_drops_the_old_accounts_signals() {
        let mut s = state();
        on_live(&mut s, ident("111111111111"));
        assert!(s
            .session
            .source_label
            .contains("prod 111111111111 user/alice"));
        let mut sig = finding("f1", "111111111111", "2026-11-28T00:00:00Z");
        s.view.store.insert_signal(sig.clone());
        sig.id = "guardduty:f2".into();
        sig.facets_mut().account = Some("222222222222".into());
        s.view.store.insert_signal(sig);
        // The pane shows both; its cursor is on the second (position 1).
        s.pane_mut(PaneId::GuardDuty).rows = vec![0, 1];
        s.pane_mut(PaneId::GuardDuty).cursor = 1;
        on_live(&mut s, ident("222222222222"));
        assert_eq!(s.view.store.len(), 1);
        for p in PaneId::ALL {
            assert!(
                s.pane(p)
                    .rows
                    .iter()
                    .all(|r| (*r as usize) < s.view.store.len()),
                "no row position past the end of the store"
            );
        }
        assert!(s.selected_signal(PaneId::GuardDuty).is_none());
        assert!(s.view.dirty, "a new pass is asked for");
        assert_eq!(s.view.store.signals()[0].account(), Some("222222222222"));
        assert!(s
            .ui
            .toasts
            .last()
            .unwrap()
            .text
            .contains("1 signals of 111111111111 removed"));
    }

    #[test]
    fn the_banner_names_the_fix() {
        let mut s = state();
        on_live(
            &mut s,
            LiveEvent::Identity(Identity {
                profile: "sso".into(),
                account: None,
                principal: None,
                problem: Some((
                    "the SSO token expired".into(),
                    "aws sso login --profile sso".into(),
                )),
            }),
        );
        let b = s.session.live.as_ref().unwrap().banner().unwrap();
        assert!(b.contains("aws sso login --profile sso"), "{b}");
        assert!(s.session.source_label.contains("sso (no credentials)"));
    }

    #[test]
    fn a_live_session_drops_what_is_older_than_its_retention() {
        let mut s = state();
        let mut sig = finding("old", "1", "2026-11-01T00:00:00Z");
        s.view.store.insert_signal(sig.clone());
        sig.id = "guardduty:new".into();
        sig.time = s.now;
        sig.rare_mut().updated = Some(s.now);
        s.view.store.insert_signal(sig);
        s.pane_mut(PaneId::GuardDuty).rows = vec![0, 1];
        for id in ["guardduty:old", "guardduty:new"] {
            s.session
                .routes
                .insert(id.into(), crate::rules::Route::default());
        }
        expire(&mut s);
        assert_eq!(s.view.store.len(), 2, "no retention: nothing dropped");
        s.session.retention = Some((std::time::Duration::from_secs(86_400), None));
        expire(&mut s);
        assert_eq!(s.view.store.len(), 1);
        assert_eq!(s.view.store.signals()[0].id, "guardduty:new");
        assert!(s.pane(PaneId::GuardDuty).rows.is_empty() && s.view.dirty);
        assert!(s.ui.toasts.last().unwrap().text.contains("older than 1day"));
        // Fails on the session-16 main: the dropped signal's route stayed.
        let routed: Vec<&String> = s.session.routes.keys().collect();
        assert_eq!(routed, ["guardduty:new"]);
    }
}
