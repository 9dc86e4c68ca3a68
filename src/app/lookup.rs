//! `T`: a CloudTrail LookupEvents pivot from the selected row (live AWS only).

use super::msg::Effect;
use super::state::{PaneId, State};
use crate::model::Source;

/// The LookupEvents attribute for an entity, when CloudTrail can search by it.
pub fn lookup_key(e: &crate::model::Entity) -> Option<(crate::aws::LookupKey, String)> {
    use crate::aws::LookupKey;
    use crate::model::EntityKind as K;
    let key = match e.kind {
        K::AccessKey => LookupKey::AccessKeyId,
        K::IamUser => LookupKey::Username,
        K::Ip | K::Account => return None,
        _ => LookupKey::ResourceName,
    };
    Some((key, e.id.to_string()))
}

/// `T`: LookupEvents on the selected row's access key, user or resource (in that order of
/// preference), or its event name; the panes pivot on it so the answers show as they come.
pub fn lookup(state: &mut State) -> Vec<Effect> {
    if state.session.live.is_none() {
        state.toast(
            "CloudTrail lookups query live AWS (run airc with a profile); here p pivots on what is loaded",
            false,
        );
        return Vec::new();
    }
    if super::commands::row_hidden(state) {
        state.toast(super::commands::HIDDEN_ROW, true);
        return Vec::new();
    }
    let entities = super::commands::current_entities(state);
    let rank = |e: &crate::model::Entity| {
        use crate::model::EntityKind as K;
        match e.kind {
            K::AccessKey => 0,
            K::IamUser => 1,
            K::Instance | K::Bucket | K::SecurityGroup | K::Volume | K::Snapshot => 2,
            _ => 3,
        }
    };
    let best = entities
        .iter()
        .filter(|e| lookup_key(e).is_some())
        .min_by_key(|e| rank(e))
        .cloned();
    let (key, value) = match &best {
        Some(e) => lookup_key(e).unwrap_or((crate::aws::LookupKey::ResourceName, e.id.to_string())),
        None => match state.selected_signal(state.view.focus) {
            Some(s) if s.source == Source::CloudTrail => {
                (crate::aws::LookupKey::EventName, s.kind().to_string())
            }
            _ => {
                state.toast("nothing on this row that LookupEvents can search by", false);
                return Vec::new();
            }
        },
    };
    if let Some(e) = best {
        super::commands::pivot_on(state, e);
    }
    state.view.focus = PaneId::CloudTrail;
    state.toast(
        format!(
            "looking up {}={} in CloudTrail…",
            key.label(),
            crate::safe_text::line(&value)
        ),
        false,
    );
    vec![Effect::Lookup(crate::aws::Lookup { key, value })]
}
