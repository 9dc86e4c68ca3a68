//! Markdown safety: every untrusted string is escaped so it stays text (no raw HTML, no
//! emphasis, links, headings, broken tables or fences), and `--redact` masks identifiers
//! consistently across one export.

use crate::safe_text;
use regex::Regex;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Escapes a string for inline markdown text (one line): HTML-significant characters become
/// entities, inline markup is backslash-escaped, block markers only where they would start a
/// block, and URL-looking text (`http://`, `www.`) is broken so no autolink forms.
pub fn text(s: &str) -> String {
    let clean = safe_text::line(s);
    let chars: Vec<char> = clean.chars().collect();
    let mut out = String::with_capacity(clean.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let at_start = chars[..i].iter().all(|x| x.is_whitespace());
        let next = |n: usize| chars.get(i + n).copied();
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '|' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '#' | '-' | '+' | '=' if at_start => {
                out.push('\\');
                out.push(c);
            }
            ':' if next(1) == Some('/') && next(2) == Some('/') => out.push_str("\\:"),
            '.' if at_start
                || (i >= 3
                    && chars[i - 3..i]
                        .iter()
                        .collect::<String>()
                        .eq_ignore_ascii_case("www")) =>
            {
                out.push_str("\\.");
            }
            c if c.is_ascii_digit()
                && at_start
                && next(1).is_some_and(|n| n == '.' || n == ')') =>
            {
                // "1." or "1)" would start an ordered list.
                out.push(c);
                out.push('\\');
            }
            c => out.push(c),
        }
    }
    out
}

/// Multi-line prose written by a responder: each line escaped, line breaks kept as paragraphs.
pub fn prose(s: &str) -> String {
    safe_text::text(s)
        .lines()
        .map(text)
        .collect::<Vec<_>>()
        .join("  \n")
}

/// The patterns to mask, compiled once. They are constants, and a test compiles them; should
/// one ever fail, redaction fails (and nothing unmasked is exported) rather than skip it.
fn patterns() -> Result<&'static [(Regex, &'static str)], super::Error> {
    type Compiled = Result<Vec<(Regex, &'static str)>, String>;
    static P: OnceLock<Compiled> = OnceLock::new();
    let compiled = P.get_or_init(|| {
        [
            (r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b", "KEY"),
            (r"\b\d{12}\b", "ACCOUNT"),
            (r"\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\\?\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b", "IP"),
            // IPv6: the full eight groups, or a compressed form with "::" (so "08:30:08" is not one).
            (r"\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b", "IP"),
            (r"(?:\b[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,6})?::(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,6}\b)?", "IP"),
        ]
        .into_iter()
        .map(|(re, label)| Regex::new(re).map(|r| (r, label)).map_err(|e| e.to_string()))
        .collect()
    });
    match compiled {
        Ok(p) => Ok(p),
        Err(e) => Err(super::Error::Redaction(e.clone())),
    }
}

/// Masks access key ids, account ids (also inside ARNs) and IP addresses; the same value gets
/// the same mask everywhere in the document.
pub fn redact(doc: &str) -> Result<String, super::Error> {
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut counters: HashMap<&str, usize> = HashMap::new();
    let mut out = doc.to_string();
    for (re, label) in patterns()? {
        out = re
            .replace_all(&out, |c: &regex::Captures| {
                let value = c[0].replace('\\', "");
                seen.entry(value)
                    .or_insert_with(|| {
                        let n = counters.entry(label).or_insert(0);
                        *n += 1;
                        format!("{label}{n}")
                    })
                    .clone()
            })
            .into_owned();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_stays_text() {
        assert_eq!(
            text("<script>alert(1)</script>"),
            "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"
        );
        assert_eq!(text("a | b"), "a \\| b");
        assert_eq!(text("```\n# head"), "\\`\\`\\` # head");
        assert_eq!(text("# head"), "\\# head");
        assert_eq!(text("- item"), "\\- item");
        assert_eq!(text("svc-backup2 called iam:X"), "svc-backup2 called iam:X");
        assert_eq!(text("[x](http://e)"), "\\[x\\]\\(http\\://e\\)");
        assert_eq!(text("see www.evil.example"), "see www\\.evil.example");
        assert_eq!(text("\x1b]0;t\x07ok"), "ok");
    }

    #[test]
    fn redaction_is_consistent() {
        let doc = "key AKIA4EXAMPLELEAKED01 in 111122223333 from 203.0.113.66, again AKIA4EXAMPLELEAKED01 and arn:aws:iam::111122223333:user/x and 2001:db8::1:2 and 444455556666 at 08:30:08";
        let r = redact(doc).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.matches("KEY1").count(), 2);
        assert_eq!(r.matches("ACCOUNT1").count(), 2);
        assert!(
            r.contains("ACCOUNT2")
                && r.contains("IP1")
                && !r.contains("111122223333")
                && !r.contains("203"),
            "{r}"
        );
        assert!(
            r.contains("IP2") && !r.contains("db8") && r.contains("at 08:30:08"),
            "{r}"
        );
    }
}
