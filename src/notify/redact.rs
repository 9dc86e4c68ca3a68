//! Secrets in notifier settings never reach an output: webhook URLs carry tokens in their
//! userinfo, path and query; command lines carry them in URLs, `key=value` words and flags.
//! What `watch` prints, logs and reports shows the redacted forms only.

/// Words that name a secret (in a flag, a `key=value`, a header).
const SECRET_WORDS: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "pass",
    "key",
    "auth",
    "authorization",
    "bearer",
    "signature",
    "sig",
    "credential",
    "apikey",
    "api_key",
    "api-key",
];

fn secretish(word: &str) -> bool {
    let w = word.trim_start_matches('-').to_ascii_lowercase();
    SECRET_WORDS.iter().any(|s| w.contains(s))
}

/// `https://hooks.example.com/…`: the scheme and host only (no userinfo, path or query, where
/// webhook secrets live).
pub fn url(u: &str) -> String {
    match u.split_once("://") {
        Some((scheme, rest)) => {
            let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
            let host = authority.rsplit('@').next().unwrap_or(authority);
            format!("{scheme}://{host}/…")
        }
        None => "(bad URL)".into(),
    }
}

/// The command line with URLs shortened to their host and the values of secret-looking
/// `key=value` words, flags (`--token X`, `-H 'Authorization: …'`) and bearer tokens hidden.
pub fn command(cmd: &str) -> String {
    let mut out = Vec::new();
    let mut hide_next = false;
    for word in cmd.split_whitespace() {
        if hide_next {
            out.push("***".to_string());
            // `Authorization: Bearer TOKEN`: the scheme word is followed by the secret.
            let w = word
                .trim_matches(|c| c == '\'' || c == '"')
                .to_ascii_lowercase();
            hide_next = w == "bearer" || w == "basic" || w == "token";
            continue;
        }
        let bare = word.trim_matches(|c| c == '\'' || c == '"');
        if bare.contains("://") {
            out.push(url(bare));
        } else if let Some((k, _)) = bare.split_once('=').filter(|(k, _)| secretish(k)) {
            out.push(format!("{k}=***"));
        } else if let Some((k, _)) = bare.split_once(':').filter(|(k, _)| secretish(k)) {
            out.push(format!("{k}: ***"));
            hide_next = true;
        } else {
            if (bare.starts_with('-') && secretish(bare)) || bare.eq_ignore_ascii_case("bearer") {
                hide_next = true;
            }
            out.push(word.to_string());
        }
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show() {
        assert_eq!(
            url("https://user:tok3n@hooks.example.com/T0/B1/xyz?sig=abc"),
            "https://hooks.example.com/…"
        );
        assert_eq!(url("http://127.0.0.1:9/hook"), "http://127.0.0.1:9/…");
        let c = command("curl -H 'Authorization: Bearer s3cr3t' --token t0k https://u:p@chat.example.com/x?k=v api_key=zzz /usr/bin/page ops");
        for secret in ["s3cr3t", "t0k", "u:p", "k=v", "zzz"] {
            assert!(!c.contains(secret), "{secret} in {c}");
        }
        assert!(
            c.contains("/usr/bin/page ops") && c.contains("https://chat.example.com/…"),
            "{c}"
        );
    }
}
