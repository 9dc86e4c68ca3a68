//! The sensitive-signal gate, for every path that shows, pins, titles or sends a signal: the
//! console (`app::routing` asks it with the console's principal), `airc watch` and the command
//! line (with theirs, or none: a replay or a command line without an AWS identity is allowed
//! nothing sensitive). A signal is sensitive when a routing rule says so; what a principal its
//! rules do not allow may know of it is its id, kind, source, time and severity.

use super::Route;
use crate::model::{EntitiesOf, Signal};
use crate::notebook::sensitive::Sensitive;
use crate::notebook::EntryKind;

#[derive(Debug, Clone, Copy)]
pub struct Gate<'a> {
    pub principal: Option<&'a str>,
}

impl<'a> Gate<'a> {
    pub fn new(principal: Option<&'a str>) -> Gate<'a> {
        Gate { principal }
    }

    /// Whether the signal with this route may be shown in full.
    pub fn shows(&self, route: Option<&Route>) -> bool {
        route.is_none_or(|r| r.allows(self.principal))
    }

    /// Who may read the signal, when its route makes it sensitive.
    pub fn sensitivity(route: Option<&Route>) -> Option<Sensitive> {
        route.filter(|r| r.sensitive).map(|r| Sensitive {
            rules: r.rules.clone(),
            allow: r.allow.clone(),
            withheld: false,
        })
    }

    /// The signal's title, or its kind when it is hidden.
    pub fn title(&self, s: &Signal, route: Option<&Route>) -> String {
        if self.shows(route) {
            crate::safe_text::line(s.title()).into_owned()
        } else {
            crate::safe_text::line(s.kind()).into_owned()
        }
    }

    /// The journal entry that pins the signal: in full with who may read it, or, hidden, its
    /// id, kind and severity only.
    pub fn pin(&self, s: &Signal, entities: EntitiesOf, route: Option<&Route>) -> EntryKind {
        crate::notebook::Entry::pin(s, entities, Gate::sensitivity(route), self.shows(route))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signal() -> Signal {
        let v = serde_json::json!({"arn":"arn:aws:health:us-east-1::event/RISK/AWS_RISK_CREDENTIALS_EXPOSED/x",
            "eventTypeCode":"AWS_RISK_CREDENTIALS_EXPOSED","eventTypeCategory":"issue",
            "startTime":"2026-11-28T00:00:00Z","service":"RISK","region":"us-east-1",
            "affectedAccount":"111122223333"});
        let (_, n) = crate::normalize::normalize_record(v, &Default::default())
            .unwrap_or_else(|e| panic!("{e:?}"));
        let mut store = crate::store::Store::default();
        store.insert(n);
        let s = store.signals().first().cloned();
        s.map(|s| store.detached(&s))
            .unwrap_or_else(|| panic!("no signal"))
    }

    #[test]
    fn a_hidden_pin_keeps_id_kind_and_severity_only_and_a_shown_one_who_may_read_it() {
        let s = signal();
        let route = Route {
            rules: vec!["creds".into()],
            sensitive: true,
            allow: vec!["arn:aws:iam::111122223333:role/Security*".into()],
            ..Default::default()
        };
        let hidden = Gate::new(Some("arn:aws:iam::111122223333:user/bob"));
        assert_eq!(
            hidden.title(&s, Some(&route)),
            "AWS_RISK_CREDENTIALS_EXPOSED"
        );
        let EntryKind::Pinned {
            account,
            region,
            raw,
            detections,
            sensitive,
            kind,
            ..
        } = hidden.pin(&s, EntitiesOf::NONE, Some(&route))
        else {
            panic!()
        };
        assert_eq!((account, region), (None, None));
        assert!(raw.is_null() && detections.is_empty());
        assert_eq!(kind, "AWS_RISK_CREDENTIALS_EXPOSED");
        assert!(sensitive.is_some_and(|x| x.withheld && x.rules == ["creds"]));
        let allowed = Gate::new(Some("arn:aws:iam::111122223333:role/SecurityOncall"));
        let EntryKind::Pinned {
            account, sensitive, ..
        } = allowed.pin(&s, EntitiesOf::NONE, Some(&route))
        else {
            panic!()
        };
        assert_eq!(account.as_deref(), Some("111122223333"));
        assert!(sensitive.is_some_and(|x| !x.withheld && x.allow == route.allow));
        assert!(
            Gate::new(None).shows(None),
            "a signal no rule routes is shown"
        );
    }
}
