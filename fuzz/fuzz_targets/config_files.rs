//! Fuzzes the user's config files: a keymap, a theme and a rules file of arbitrary text. Each
//! either loads or comes back as an error naming file and line; a rules file that loads then
//! routes a signal. A panic is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(body) else {
        return;
    };
    match which % 3 {
        0 => {
            let mut k = airc::keymap::Keymap::default();
            let _ = k.merge_str("fuzz.toml", text);
        }
        1 => {
            let _ = airc::theme::from_text("fuzz.toml", text);
        }
        _ => {
            if let Ok(rules) = airc::rules::Rules::parse(text, "fuzz.toml", Some(&airc::rules::Rules::defaults())) {
                let v = serde_json::json!({"eventVersion":"1.08","eventID":"e1","eventName":"StopLogging",
                    "eventSource":"cloudtrail.amazonaws.com","eventTime":"2026-11-28T00:00:00Z","awsRegion":"us-east-1",
                    "recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","userName":"x"}});
                if let Ok((_, airc::normalize::Normalized::Signal(s))) =
                    airc::normalize::normalize_record(v, &Default::default())
                {
                    if let Some(r) = rules.route(&s) {
                        let _ = r.allows(Some("arn:aws:sts::1:assumed-role/Security/x"));
                    }
                }
            }
        }
    }
});
