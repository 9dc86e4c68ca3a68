//! Where a response action acts: the account and region of what the action picker was opened
//! on, read from that origin (a signal by id, an entity) and never from the row that has focus
//! when the plan is chosen. An entity target acts in the entity's own account (the one its
//! records name), not in the account of the signal that mentions it: a user of account B seen
//! in C's trail is B's.

use super::state::{PickItem, PickOrigin, State};
use crate::model::{Entity, EntityKind, Signal};

/// The account and region a plan binds to, and whether the account must be known (an entity
/// target: guessing it from the signal could act on another account's namesake).
#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    pub account: Option<String>,
    pub region: Option<String>,
    pub entity: Option<Entity>,
}

fn region(r: Option<&str>) -> Option<String> {
    r.filter(|r| *r != "global" && !r.is_empty())
        .map(str::to_string)
}

/// The signal the picker was opened on, if it was opened on one; an error when it has left
/// the store since (retention, a reload).
pub fn origin_signal<'a>(state: &'a State, o: &PickOrigin) -> Result<Option<&'a Signal>, String> {
    match &o.signal {
        None => Ok(None),
        Some(id) => state.view.store.get(id).map(Some).ok_or_else(|| {
            format!(
                "refused: the signal this was opened on ({}) is no longer in the console \
                 (dropped by retention or a reload); nothing was planned",
                crate::safe_text::line(id)
            )
        }),
    }
}

/// The entity as the store knows it now (its account merged from every sighting).
fn held(state: &State, e: &Entity) -> Option<Entity> {
    let store = &state.view.store;
    store.entity_id(e).and_then(|i| store.entity_at(i)).cloned()
}

/// The scope of one picker item.
pub fn of(state: &State, o: &PickOrigin, item: &PickItem) -> Result<Scope, String> {
    let signal = origin_signal(state, o)?;
    if signal.is_none() && o.entity.is_none() {
        return Err("refused: the action picker lost what it was opened on".into());
    }
    let entity = match &item.entity {
        None => None,
        Some(e) => Some(held(state, e).ok_or_else(|| {
            format!(
                "refused: {} is no longer in the console; nothing was planned",
                crate::safe_text::line(&e.to_string())
            )
        })?),
    };
    let region = match signal {
        Some(s) => region(s.region()),
        // An Entities row: the one region of the signals touching it, when there is one.
        None => {
            let e = entity.as_ref().or(o.entity.as_ref());
            let mut all: Vec<String> = e
                .map(|e| {
                    state
                        .view
                        .store
                        .touching(e)
                        .filter_map(|s| region(s.region()))
                        .collect()
                })
                .unwrap_or_default();
            all.sort();
            all.dedup();
            (all.len() == 1).then(|| all.remove(0))
        }
    };
    let account = match &entity {
        Some(e) if e.account.is_several() => {
            return Err(format!(
                "refused: {} is named with more than one account in the records; act on it \
                 with `airc respond ARN` naming the account",
                crate::safe_text::line(&e.to_string())
            ))
        }
        Some(e) if e.kind == EntityKind::Account => Some(e.id.to_string()),
        Some(e) => e.account(),
        None => signal.and_then(|s| s.account()).map(str::to_string),
    };
    // A Security Hub or Access Analyzer finding is changed where it lives: the finding id's
    // account and the product's region, the analyzer's account and region (an organization
    // analyzer's findings name the member that owns the resource, not where the analyzer is).
    let (account, region) = match crate::respond::finding_scope(&item.target) {
        (None, None) => (account, region),
        (fa, fr) => {
            if let (crate::respond::Target::HubFinding { .. }, Some(a), Some(f)) =
                (&item.target, &account, &fa)
            {
                if a != f {
                    return Err(format!(
                        "refused: the finding says account {} but its id is of account {}; \
                         nothing was planned",
                        crate::safe_text::line(a),
                        crate::safe_text::line(f)
                    ));
                }
            }
            (fa.or(account), fr.or(region))
        }
    };
    Ok(Scope {
        account,
        region,
        entity,
    })
}

/// Why a mutating plan on this scope is refused: an entity whose account no record names.
pub fn unknown_account(scope: &Scope) -> Option<String> {
    let e = scope.entity.as_ref()?;
    scope.account.is_none().then(|| {
        format!(
            "refused: the records do not say which account {} belongs to, and acting on a \
             guess could change another account's namesake; use `airc respond ARN` with its \
             account",
            crate::safe_text::line(&e.to_string())
        )
    })
}
