//! Every prompt of the console edits its line the same way, through keys as a responder types
//! them: readline's moves and kills, typing at the cursor, and a message about a rejected input
//! gone once that input is replaced.

use super::bindings_tests::{base, mode, MODES};
use super::msg::{Effect, Msg, NbOp};
use super::state::{Mode, PaneId, State};
use super::{update, view};
use crate::keymap::keys::Chord;

/// Presses keys written as in the keymap, separated by spaces ("ctrl-w alt-b enter").
fn press(s: &mut State, keys: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for k in keys.split_whitespace() {
        let chord = Chord::parse(k).unwrap_or_else(|e| panic!("{k}: {e}"));
        effects.extend(update(s, Msg::Key(chord.to_event())));
    }
    if s.view.dirty {
        view::refresh(s);
    }
    effects
}

/// Types text, one character a key.
fn type_text(s: &mut State, text: &str) {
    for c in text.chars() {
        update(
            s,
            Msg::Key(Chord::plain(crate::keymap::keys::Code::Char(c)).to_event()),
        );
    }
    if s.view.dirty {
        view::refresh(s);
    }
}

/// The prompt's line with `|` at its cursor.
fn line(s: &mut State) -> String {
    let l =
        s.ui.mode
            .line_mut()
            .unwrap_or_else(|| panic!("no prompt open: {}", "mode"));
    let (a, b) = l.split();
    format!("{a}|{b}")
}

fn pane_filter(s: &State) -> Option<String> {
    s.pane(PaneId::CloudTrail)
        .filter
        .as_ref()
        .map(|q| q.text.clone())
}

#[test]
fn every_prompt_edits_its_line_like_readline() {
    let mut prompts = Vec::new();
    for m in 0..MODES {
        let mut s = mode(m);
        if s.ui.mode.line_mut().is_none() {
            continue;
        }
        let label = s.ui.mode.label();
        prompts.push(label);
        *s.ui.mode.line_mut().unwrap_or_else(|| panic!()) = Default::default();
        type_text(&mut s, "cd ef");
        press(&mut s, "ctrl-a");
        type_text(&mut s, "ab ");
        assert_eq!(line(&mut s), "ab |cd ef", "{label}: typed at the cursor");
        press(&mut s, "ctrl-e ctrl-w");
        assert_eq!(line(&mut s), "ab cd |", "{label}: ctrl-w");
        press(&mut s, "alt-b");
        assert_eq!(line(&mut s), "ab |cd ", "{label}: alt-b");
        press(&mut s, "alt-b alt-f");
        assert_eq!(line(&mut s), "ab |cd ", "{label}: alt-f");
        press(&mut s, "right right ctrl-u");
        assert_eq!(line(&mut s), "| ", "{label}: ctrl-u");
        press(&mut s, "ctrl-y");
        assert_eq!(line(&mut s), "ab cd| ", "{label}: ctrl-y");
        press(&mut s, "home delete end left backspace");
        assert_eq!(
            line(&mut s),
            "b c| ",
            "{label}: home, delete, end, left, backspace"
        );
        press(&mut s, "ctrl-k");
        assert_eq!(line(&mut s), "b c|", "{label}: ctrl-k");
        assert_eq!(s.ui.mode.label(), label, "still in the prompt");
    }
    assert_eq!(
        prompts,
        [
            "SEARCH",
            "FILTER",
            "HELP",
            "PALETTE",
            "NEW INCIDENT",
            "PLAN"
        ],
        "every prompt walked"
    );
}

#[test]
fn the_filter_follows_every_edit_live() {
    let mut s = base();
    s.pane_mut(PaneId::CloudTrail).filter = None;
    press(&mut s, "/");
    type_text(&mut s, "user:alice");
    press(&mut s, "ctrl-a");
    type_text(&mut s, "sev:>=high ");
    assert_eq!(pane_filter(&s).as_deref(), Some("sev:>=high user:alice"));
    press(&mut s, "ctrl-e ctrl-w");
    assert_eq!(pane_filter(&s).as_deref(), Some("sev:>=high "));
    press(&mut s, "ctrl-u");
    assert_eq!(pane_filter(&s), None, "an empty line is no filter");
    type_text(&mut s, "source:cloudtrail");
    press(&mut s, "enter");
    assert_eq!(s.ui.mode, Mode::Normal);
    assert_eq!(pane_filter(&s).as_deref(), Some("source:cloudtrail"));
    // Opened again, the line holds the filter with the cursor at its end.
    press(&mut s, "/");
    assert_eq!(line(&mut s), "source:cloudtrail|");
}

#[test]
fn a_rejected_filters_message_goes_when_its_text_is_replaced() {
    let mut s = base();
    press(&mut s, "/");
    type_text(&mut s, "sev:>=bogus");
    press(&mut s, "enter");
    assert!(
        matches!(&s.ui.mode, Mode::Filter { error: Some(_), .. }),
        "the line stays open with the reason"
    );
    let rejected = |s: &State| {
        s.ui.toasts
            .iter()
            .any(|t| t.text.starts_with("filter not applied"))
    };
    assert!(rejected(&s));
    // A message the prompt did not raise (a file that failed to load) stays.
    update(
        &mut s,
        Msg::Feed(super::Feed::FileFailed {
            path: "x.json".into(),
            reason: "truncated".into(),
        }),
    );
    press(&mut s, "left");
    assert!(rejected(&s), "moving the cursor replaces nothing");
    press(&mut s, "ctrl-e ctrl-u");
    assert!(!rejected(&s), "the text it was about is gone");
    assert!(s.ui.toasts.iter().any(|t| t.text.contains("x.json")));
    type_text(&mut s, "sev:>=high");
    press(&mut s, "enter");
    assert_eq!(s.ui.mode, Mode::Normal);
    assert!(!rejected(&s));
    assert_eq!(pane_filter(&s).as_deref(), Some("sev:>=high"));
}

#[test]
fn a_new_incidents_title_is_fixed_in_place_and_its_message_goes_too() {
    let mut s = base();
    press(&mut s, "N enter");
    assert!(
        s.ui.toasts
            .iter()
            .any(|t| t.text == "an incident needs a title"),
        "{:?}",
        s.ui.toasts
    );
    type_text(&mut s, "lekaed key p1");
    assert!(
        !s.ui
            .toasts
            .iter()
            .any(|t| t.text == "an incident needs a title"),
        "a title is being typed"
    );
    // alt-f goes to the start of the next word; ctrl-w takes the word before with its space.
    press(&mut s, "ctrl-a alt-f ctrl-w");
    assert_eq!(line(&mut s), "|key p1");
    type_text(&mut s, "leaked ");
    assert_eq!(line(&mut s), "leaked |key p1");
    let effects = press(&mut s, "enter");
    assert!(
        matches!(effects.as_slice(), [Effect::Notebook(NbOp::Create { title })] if title == "leaked key p1"),
        "{effects:?}"
    );
}

#[test]
fn a_destructive_plans_confirmation_is_edited_and_its_refusal_cleared() {
    let mut s = mode(12);
    let Mode::ActionPlan { plan, .. } = &s.ui.mode else {
        panic!("{:?}", s.ui.mode)
    };
    let Some(word) = plan.confirm_word().map(str::to_string) else {
        return; // the demo's first finding's first action is not destructive: nothing typed
    };
    type_text(&mut s, &format!("{word}x"));
    press(&mut s, "enter");
    assert!(matches!(
        &s.ui.mode,
        Mode::ActionPlan { error: Some(_), .. }
    ));
    press(&mut s, "backspace");
    assert!(
        matches!(&s.ui.mode, Mode::ActionPlan { error: None, .. }),
        "the refusal was about the text replaced"
    );
    let effects = press(&mut s, "enter");
    assert!(
        matches!(effects.as_slice(), [Effect::Respond(_)]),
        "{effects:?}"
    );
}
