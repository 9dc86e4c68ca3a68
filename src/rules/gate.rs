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

    /// Fails on the session-17 main (a review): once such an event named no single account, a
    /// rule's `account =` stopped matching it, and a sensitive rule scoped to one of its accounts
    /// no longer hid it.
    #[test]
    fn a_rule_on_one_of_its_accounts_still_matches_an_organization_event() {
        let arn = "arn:aws:health:us-east-1::event/RISK/AWS_RISK_CREDENTIALS_EXPOSED/org3";
        let parts = serde_json::json!({
            crate::normalize::health::PART_EVENT: {"arn": arn, "eventTypeCode": "AWS_RISK_CREDENTIALS_EXPOSED", "service": "RISK",
                "startTime": "2026-11-28T00:00:00Z",
                "affectedAccounts": ["111111111111", "222222222222"]}
        });
        let s =
            crate::normalize::health::from_parts(&parts, None).unwrap_or_else(|e| panic!("{e:?}"));
        let rules = crate::rules::Rules::parse(
            "[targets.t]\n[[rule]]\nname = \"acct\"\nmatch = { account = \"222222222222\", source = \"health\" }\nroute = [\"t\"]\nsensitive = true\nallow = [\"arn:aws:iam::1:role/X\"]\n",
            "test",
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let ents = s.own_entities().unwrap_or_default();
        let r = rules.route(&s, crate::model::EntitiesOf::Own(ents));
        assert!(r.as_ref().is_some_and(|r| r.sensitive), "{r:?}");
    }

    /// The short `allow` forms of earlier versions keep working (a rules file refused at load
    /// would leave the console on the defaults, without the file's own sensitive rules).
    #[test]
    fn the_earlier_short_allow_forms_are_read_as_arn_globs() {
        let rules = crate::rules::Rules::parse(
            "[targets.t]\n[[rule]]\nname = \"r\"\nmatch = { source = \"health\" }\nroute = [\"t\"]\nsensitive = true\nallow = [\"*:role/Security*\", \"*:assumed-role/IR-*\"]\n",
            "test",
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let allow = &rules.rules[0].def.allow;
        assert_eq!(
            allow,
            &[
                "arn:*:iam::*:role/Security*",
                "arn:*:sts::*:assumed-role/IR-*"
            ]
        );
        assert!(crate::model::principal::allowed(
            allow,
            Some("arn:aws:sts::1:assumed-role/IR-oncall/alice")
        ));
        let bad = crate::rules::Rules::parse(
            "[targets.t]\n[[rule]]\nname = \"r\"\nmatch = { source = \"health\" }\nroute = [\"t\"]\nsensitive = true\nallow = [\"Security*\"]\n",
            "test",
            None,
        );
        assert!(bad.is_err());
    }

    /// A finding of one account names another (its remote caller): `account =` of that other
    /// account does not match it (its actions would run in the finding's account).
    #[test]
    fn a_signal_of_one_account_never_matches_by_another_it_names() {
        let v = serde_json::json!({"schemaVersion":"2.0","id":"acct1","type":"Recon:IAMUser/MaliciousIPCaller",
            "arn":"arn:aws:guardduty:us-east-1:111111111111:detector/d/finding/acct1","severity":5,
            "accountId":"111111111111","region":"us-east-1","createdAt":"2026-11-28T00:00:00Z",
            "updatedAt":"2026-11-28T00:00:00Z","title":"t","description":"d",
            "resource":{"resourceType":"AccessKey","accessKeyDetails":{"accessKeyId":"AKIAACCTACCT00000001","userName":"u","userType":"IAMUser"}},
            "service":{"action":{"actionType":"AWS_API_CALL","awsApiCallAction":{"api":"ListUsers",
                "remoteAccountDetails":{"accountId":"444455556666","affiliated":false}}}}});
        let (_, n) = crate::normalize::normalize_record(v, &Default::default())
            .unwrap_or_else(|e| panic!("{e:?}"));
        let crate::normalize::Normalized::Signal(a) = n else {
            panic!("a signal")
        };
        let s = a.signal;
        let own = s.own_entities().unwrap_or_default().to_vec();
        assert!(own.iter().any(|e| e.id == "444455556666"), "{own:?}");
        let rules = |acct: &str| {
            crate::rules::Rules::parse(
                &format!("[targets.t]\n[[rule]]\nname = \"a\"\nmatch = {{ account = \"{acct}\" }}\nroute = [\"t\"]\n"),
                "test",
                None,
            )
            .unwrap_or_else(|e| panic!("{e}"))
        };
        let ents = crate::model::EntitiesOf::Own(&own);
        assert!(rules("111111111111").route(&s, ents).is_some());
        assert!(rules("444455556666").route(&s, ents).is_none());
    }
}
