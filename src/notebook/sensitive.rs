//! Sensitive evidence in a journal: who may read a pin, and the incident as a given reader may
//! see it. A pin of a sensitive signal records the routing rules that made it sensitive and
//! their `allow` list; a reader they do not allow (`airc incident show`, an export, the console
//! of another principal) sees its id, kind and severity only, whoever pinned it. A pin made by
//! a principal who could not see the signal holds nothing more to begin with (`withheld`).

use super::incident::Incident;
use serde::{Deserialize, Serialize};

/// What a reader who may not see a pin reads instead of its summary.
pub const WITHHELD: &str =
    "sensitive: details withheld (only the principals its rule allows may see them)";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sensitive {
    /// The routing rules that made the signal sensitive.
    #[serde(default)]
    pub rules: Vec<String>,
    /// The principals (ARNs, ARN globs) allowed to read it.
    #[serde(default)]
    pub allow: Vec<String>,
    /// The pin holds only id, kind and severity: its writer could not see the rest.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub withheld: bool,
    /// Further `allow` lists, each of which must allow a reader too (an action on an entity
    /// that several sensitive signals name, of rules allowing different principals).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<Vec<String>>,
}

/// A title that names a sensitive signal: who may read it, and what others read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SensitiveTitle {
    /// What a reader who may not read the title reads (the signal's kind). Not `withheld`:
    /// the flattened `Sensitive` writes a `withheld` of its own.
    pub title_withheld: String,
    #[serde(flatten)]
    pub sensitive: Sensitive,
}

impl Sensitive {
    pub fn withheld(self) -> Sensitive {
        Sensitive {
            withheld: true,
            ..self
        }
    }

    /// Whether `reader` may read what the pin holds.
    pub fn allows(&self, reader: Option<&str>) -> bool {
        !self.withheld
            && crate::model::principal::allowed(&self.allow, reader)
            && self
                .also
                .iter()
                .all(|a| crate::model::principal::allowed(a, reader))
    }

    /// Readers must also be allowed by `allow` (another sensitive rule's).
    pub fn also_allow(&mut self, rules: &[String], allow: &[String]) {
        for r in rules {
            if !self.rules.contains(r) {
                self.rules.push(r.clone());
            }
        }
        if allow != self.allow.as_slice() && !self.also.iter().any(|a| a == allow) {
            self.also.push(allow.to_vec());
        }
    }
}

impl Incident {
    /// The incident as `reader` may see it: each sensitive pin the reader is not allowed to
    /// read keeps its reference, id, source, time, severity and kind; its title, summary,
    /// account, region, entities, record and detections are gone, from the evidence and from
    /// the timeline line that names it.
    pub fn seen_by(&self, reader: Option<&str>) -> Incident {
        let mut out = self.clone();
        // A title naming a sensitive signal: its kind, in the header and the opening line.
        let title = self.title_for(reader);
        if title != self.title {
            for t in out.timeline.iter_mut() {
                if t.source == "incident" && t.text.starts_with("Incident opened: ") {
                    t.text = t.text.replacen(&self.title, title, 1);
                }
            }
            out.title = title.to_string();
        }
        // Affected entities only sensitive signals name: gone, and their lines say so.
        for (entity, s) in &self.affected_sensitive {
            if s.allows(reader) {
                continue;
            }
            out.affected.retain(|x| x != entity);
            let line = format!("Affected: {entity}");
            for t in out.timeline.iter_mut() {
                if t.source == "incident" && t.text == line {
                    t.text = format!("Affected: an entity of a sensitive signal ({WITHHELD})");
                }
            }
        }
        out.affected_sensitive.clear();
        let mut hidden = Vec::new();
        for e in out.evidence.iter_mut() {
            let Some(s) = &e.sensitive else { continue };
            if s.allows(reader) {
                continue;
            }
            e.title = e.kind.clone();
            e.summary = WITHHELD.into();
            e.account = None;
            e.region = None;
            e.entities.clear();
            e.raw = serde_json::Value::Null;
            e.detections.clear();
            hidden.push((e.reference.clone(), e.kind.clone()));
        }
        // Actions taken on such a signal: the action, who and when stay; target, outcome and
        // calls go, from the action and from its timeline line.
        let mut lines = Vec::new();
        for a in out.actions.iter_mut() {
            let Some(s) = &a.sensitive else { continue };
            if s.allows(reader) {
                continue;
            }
            lines.push((
                a.at,
                a.by.clone(),
                format!("Action {} on {}: {}", a.action, a.target, a.outcome),
            ));
            a.target = "a sensitive signal's entity".into();
            a.bare_target = a.target.clone();
            a.outcome = WITHHELD.into();
            a.calls.clear();
            a.status = None;
            a.account = None;
            a.region = None;
        }
        for t in out.timeline.iter_mut() {
            if t.source == "action"
                && lines
                    .iter()
                    .any(|(at, by, text)| *at == t.at && *by == t.by && *text == t.text)
            {
                t.text = format!("Action on a sensitive signal: {WITHHELD}");
            }
        }
        for t in out.timeline.iter_mut() {
            if let Some((_, kind)) = hidden
                .iter()
                .find(|(r, _)| t.evidence.as_deref() == Some(r.as_str()))
            {
                t.text = format!("{kind}: {WITHHELD}");
            }
        }
        out
    }
}

impl Incident {
    /// The rules of the sensitive details `reader` reads in full here (pins, actions, affected
    /// entities, the title): an export by this reader holds them, and says so.
    pub fn sensitive_shown_to(&self, reader: Option<&str>) -> Vec<String> {
        let mut rules: Vec<String> = Vec::new();
        let mut add = |s: &Sensitive| {
            if !s.withheld && s.allows(reader) {
                rules.extend(s.rules.iter().cloned());
            }
        };
        self.evidence
            .iter()
            .filter_map(|e| e.sensitive.as_ref())
            .for_each(&mut add);
        self.actions
            .iter()
            .filter_map(|a| a.sensitive.as_ref())
            .for_each(&mut add);
        self.affected_sensitive.iter().for_each(|(_, s)| add(s));
        if let Some(t) = &self.title_sensitive {
            add(&t.sensitive);
        }
        rules.sort();
        rules.dedup();
        rules
    }

    /// The title as `reader` may read it (lists show it so, with no reader: the kind).
    pub fn title_for(&self, reader: Option<&str>) -> &str {
        match &self.title_sensitive {
            Some(t) if !t.sensitive.allows(reader) => &t.title_withheld,
            _ => &self.title,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notebook::entry::{Entry, EntryKind, Priority};

    fn opened(at: chrono::DateTime<chrono::Utc>, id: &str) -> Entry {
        Entry::by(
            at,
            "a",
            EntryKind::Opened {
                id: id.into(),
                title: "t".into(),
                severity: Priority::P2,
                commander: "a".into(),
                responders: vec![],
                title_sensitive: None,
            },
        )
    }

    /// What the `creds` rule allows: security roles of 111122223333.
    fn security_only() -> Sensitive {
        Sensitive {
            rules: vec!["creds".into()],
            allow: vec!["arn:aws:iam::111122223333:role/Security*".into()],
            withheld: false,
            also: Vec::new(),
        }
    }

    /// Fails on c0ea7d3 (third review): an entity pinned as affected that only a sensitive
    /// signal names was shown to every reader (`incident show`, exports).
    #[test]
    fn an_affected_entity_only_a_sensitive_signal_names_is_withheld() {
        let at = chrono::Utc::now();
        let open = opened(at, "IR-2");
        let key =
            crate::model::Entity::new(crate::model::EntityKind::AccessKey, "AKIASECRETSECRET002");
        let affected = Entry::by(
            at,
            "security@host",
            EntryKind::Affected {
                entity: key.clone(),
                sensitive: Some(security_only()),
            },
        );
        let inc = Incident::fold(&[open, affected]).unwrap_or_else(|| panic!("fold"));
        let allowed = inc.seen_by(Some("arn:aws:iam::111122223333:role/SecurityOncall"));
        assert_eq!(allowed.affected, vec![key]);
        let seen = inc.seen_by(None);
        let all = format!("{:?}", (&seen.affected, &seen.timeline));
        assert!(!all.contains("AKIASECRET"), "{all}");
        assert!(seen.affected.is_empty());
    }

    /// Fails on the session-16 main: what an allowed principal pinned was shown in full to
    /// every later reader.
    #[test]
    fn a_pin_an_allowed_principal_made_shows_its_kind_only_to_a_reader_who_is_not() {
        let at = chrono::Utc::now();
        let open = opened(at, "IR-1");
        let pin = Entry::by(
            at,
            "security@host",
            EntryKind::Pinned {
                signal_id: "health:x".into(),
                source: crate::model::Source::Health,
                signal_time: at,
                severity: crate::model::Severity::Critical,
                title: "AWS_RISK_CREDENTIALS_EXPOSED".into(),
                summary: "key AKIASECRETSECRET001 of user mallory".into(),
                account: Some("111122223333".into()),
                region: Some("us-east-1".into()),
                entities: vec![crate::model::Entity::new(
                    crate::model::EntityKind::AccessKey,
                    "AKIASECRETSECRET001",
                )],
                raw: serde_json::json!({"key": "AKIASECRETSECRET001"}),
                detections: vec!["rule (high, by x)".into()],
                kind: "AWS_RISK_CREDENTIALS_EXPOSED".into(),
                sensitive: Some(security_only()),
            },
        );
        let inc = Incident::fold(&[open, pin]).unwrap_or_else(|| panic!("fold"));
        let allowed = inc.seen_by(Some("arn:aws:iam::111122223333:role/SecurityOncall"));
        assert!(allowed.evidence[0].summary.contains("AKIASECRET"));
        for reader in [None, Some("arn:aws:iam::111122223333:user/bob")] {
            let seen = inc.seen_by(reader);
            let all = format!("{:?}", (&seen.evidence, &seen.timeline));
            assert!(
                !all.contains("AKIASECRET") && !all.contains("mallory"),
                "{all}"
            );
            assert!(
                seen.evidence[0].account.is_none() && !all.contains("rule (high"),
                "{all}"
            );
            assert_eq!(seen.evidence[0].title, "AWS_RISK_CREDENTIALS_EXPOSED");
            assert_eq!(seen.evidence[0].severity, crate::model::Severity::Critical);
        }
    }

    /// Fails on the session-19 main (hostile review): a signal pinned again once it was no
    /// longer sensitive made its evidence open to every reader, and with it the timeline line
    /// of the earlier, sensitive version.
    #[test]
    fn a_pin_that_was_sensitive_stays_so_when_a_newer_version_is_not() {
        let at = chrono::Utc::now();
        let pin = |summary: &str, sensitive: Option<Sensitive>| {
            Entry::by(
                at,
                "security@host",
                EntryKind::Pinned {
                    signal_id: "securityhub:x".into(),
                    source: crate::model::Source::SecurityHub,
                    signal_time: at,
                    severity: crate::model::Severity::High,
                    title: "Finding".into(),
                    summary: summary.into(),
                    account: None,
                    region: None,
                    entities: vec![],
                    raw: serde_json::json!({"summary": summary}),
                    detections: vec![],
                    kind: "Finding".into(),
                    sensitive,
                },
            )
        };
        let first = pin("key AKIASECRETSECRET003 of mallory", Some(security_only()));
        let later = pin("resolved", None);
        let inc =
            Incident::fold(&[opened(at, "IR-3"), first, later]).unwrap_or_else(|| panic!("fold"));
        let seen = inc.seen_by(None);
        let all = format!("{:?}", (&seen.evidence, &seen.timeline));
        assert!(
            !all.contains("AKIASECRET") && !all.contains("mallory"),
            "{all}"
        );
        let allowed = inc.seen_by(Some("arn:aws:iam::111122223333:role/SecurityOncall"));
        assert!(format!("{:?}", allowed.timeline).contains("AKIASECRET"));
    }

    /// Fails on the session-17 main (a review): an action an allowed principal took on a
    /// sensitive signal kept its target, outcome and calls for every later reader.
    #[test]
    fn an_action_on_a_sensitive_signal_is_withheld_from_a_reader_who_may_not_see_it() {
        let at = chrono::Utc::now();
        let open = opened(at, "IR-1");
        let act = Entry::by(
            at,
            "security@host",
            EntryKind::Action {
                action: "deactivate-key".into(),
                target: "access key AKIASECRETSECRET001".into(),
                scope: Some("account 111122223333 · us-east-1".into()),
                outcome: "done on AKIASECRETSECRET001 of mallory".into(),
                reversible: true,
                calls: vec![crate::notebook::entry::ActionCall {
                    operation: "iam:UpdateAccessKey".into(),
                    parameters: serde_json::json!({"AccessKeyId": "AKIASECRETSECRET001", "UserName": "mallory"}),
                    result: "ok".into(),
                }],
                sensitive: Some(Sensitive {
                    rules: vec!["creds".into()],
                    allow: vec!["arn:aws:iam::*:role/Security*".into()],
                    withheld: false,
                    also: Vec::new(),
                }),
                status: Some("done".into()),
                account: Some("111122223333".into()),
                region: Some("us-east-1".into()),
            },
        );
        let inc = Incident::fold(&[open, act]).unwrap_or_else(|| panic!("fold"));
        let allowed = inc.seen_by(Some("arn:aws:iam::111122223333:role/SecurityOncall"));
        assert!(format!("{:?}", allowed.actions).contains("AKIASECRET"));
        let seen = inc.seen_by(None);
        let all = format!("{:?}", (&seen.actions, &seen.timeline));
        assert!(
            !all.contains("AKIASECRET")
                && !all.contains("mallory")
                && !all.contains("111122223333"),
            "{all}"
        );
        assert_eq!(seen.actions.len(), 1);
        assert_eq!(seen.actions[0].action, "deactivate-key");
    }
}
