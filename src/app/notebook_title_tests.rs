//! What the console says of an incident it opens, through the gate.

use super::*;
use crate::notebook::entry::{Entry, EntryKind, Priority};
use crate::notebook::sensitive::{Sensitive, SensitiveTitle};

/// Fails on 2ad1c93 (third review of issue 33): the "incident opened" message showed the
/// full title of an incident opened from a sensitive signal to a reader not allowed.
#[test]
fn the_incident_opened_message_shows_the_title_as_its_reader_may_read_it() {
    let at = chrono::Utc::now();
    let open = Entry::by(
        at,
        "watch",
        EntryKind::Opened {
            id: "IR-9".into(),
            title: "creds: key AKIA4SECRETSECRET0001 user bob-secret".into(),
            severity: Priority::P1,
            commander: "watch".into(),
            responders: vec![],
            title_sensitive: Some(SensitiveTitle {
                title_withheld: "creds: AWS_RISK_CREDENTIALS_EXPOSED".into(),
                sensitive: Sensitive {
                    rules: vec!["creds".into()],
                    allow: vec!["arn:*:sts::*:assumed-role/Security*".into()],
                    withheld: false,
                    also: Vec::new(),
                },
            }),
        },
    );
    let inc = crate::notebook::Incident::fold(&[open]).unwrap_or_else(|| panic!("fold"));
    let mut s = State::new("replay", crate::keymap::Keymap::default(), at);
    on_result(&mut s, NbMsg::Opened(Box::new(inc.clone())));
    let said =
        s.ui.toasts
            .last()
            .map(|t| t.text.clone())
            .unwrap_or_default();
    assert!(said.contains("AWS_RISK_CREDENTIALS_EXPOSED"), "{said}");
    assert!(
        !said.contains("AKIA4SECRET") && !said.contains("bob-secret"),
        "{said}"
    );
    // An allowed reader reads it whole.
    let mut s = State::new("demo", crate::keymap::Keymap::default(), at);
    s.session.principal_override =
        Some("arn:aws:sts::111122223333:assumed-role/SecurityResponder/a".into());
    on_result(&mut s, NbMsg::Opened(Box::new(inc)));
    let said =
        s.ui.toasts
            .last()
            .map(|t| t.text.clone())
            .unwrap_or_default();
    assert!(said.contains("bob-secret"), "{said}");
}
