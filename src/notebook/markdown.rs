//! Markdown safety: every untrusted string is escaped so it stays text (no raw HTML, no
//! emphasis, links, headings, broken tables or fences), and `--redact` (`redact.rs`)
//! masks identifiers consistently across one export.

use crate::safe_text;

pub use super::redact::redact;

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
}
