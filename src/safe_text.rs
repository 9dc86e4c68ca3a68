//! Display-safe text: every string from AWS or a file goes through here before it reaches the
//! terminal.
//!
//! Written by hand because no single crate does the whole job: `strip-ansi-escapes` removes
//! ANSI sequences but leaves bare C0/C1 controls and Unicode bidi overrides in place, and a
//! hostile finding description needs all three removed in one pass (an unterminated OSC must not
//! swallow the rest of the screen, a C1 `CSI` must not start a sequence on terminals that honour
//! 8-bit controls, and a right-to-left override must not reorder the text a responder reads).

use std::borrow::Cow;

const ESC: char = '\u{1b}';
const BEL: char = '\u{7}';

/// Bidi embedding/override/isolate controls and marks that can reorder displayed text.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Invisible formatting characters (zero-width spaces and joiners, word joiner, invisible
/// operators, soft hyphen, tag characters…): they hide text, or make two different strings look
/// alike, in a view where every character should be what it seems.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{115F}' | '\u{1160}' | '\u{180E}' | '\u{200B}'..='\u{200D}'
        | '\u{2028}' | '\u{2029}' | '\u{2060}'..='\u{2064}' | '\u{206A}'..='\u{206F}'
        | '\u{3164}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}')
}

fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || is_invisible_format(c)
}

/// Whether a value holds anything that is not plain printable text: a copy of it could do more
/// than paste (a newline runs a command in a shell) or show other than it is.
pub fn has_unsafe(input: &str) -> bool {
    input.chars().any(is_unsafe)
}

/// JSON text with every character that JSON lets through raw but a terminal, an editor or a
/// shell may act on (C1 controls, bidi controls, invisible formatting characters, U+2028/9)
/// written as `\uXXXX`. Correct on serialized JSON: outside strings there are only ASCII
/// structural characters.
pub fn json_text(json: String) -> String {
    if !json.chars().any(|c| c as u32 >= 0x80 && is_unsafe(c)) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if c as u32 >= 0x80 && is_unsafe(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{:04x}", u));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A value as one line of JSON for a terminal or a pipe (`json_text` of its serialization).
pub fn json<T: serde::Serialize + ?Sized>(v: &T) -> String {
    json_text(serde_json::to_string(v).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}")))
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Text,
    /// After ESC: the next character decides the sequence kind.
    Escape,
    /// CSI: parameters until a final byte in 0x40..=0x7E.
    Csi,
    /// OSC, DCS, SOS, PM, APC: a string terminated by BEL or ST (ESC \ or U+009C).
    Str,
    /// ESC seen inside a string sequence: `\` ends it.
    StrEscape,
}

/// Removes escape sequences and control characters. `keep_newlines` keeps `\n` (and turns `\t`
/// into spaces) for multi-line views; otherwise line breaks and tabs become single spaces.
pub fn sanitize(input: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !input.chars().any(is_unsafe) {
        return Cow::Borrowed(input);
    }
    let mut out = String::with_capacity(input.len());
    let mut state = State::Text;
    for c in input.chars() {
        state = match state {
            State::Text => match c {
                ESC => State::Escape,
                '\u{9B}' => State::Csi,
                '\u{90}' | '\u{98}' | '\u{9D}' | '\u{9E}' | '\u{9F}' => State::Str,
                '\n' if keep_newlines => {
                    out.push('\n');
                    State::Text
                }
                '\n' | '\r' | '\t' => {
                    if !out.ends_with(' ') && !out.ends_with('\n') {
                        out.push(' ');
                    }
                    State::Text
                }
                c if is_unsafe(c) => State::Text,
                c => {
                    out.push(c);
                    State::Text
                }
            },
            State::Escape => match c {
                '[' => State::Csi,
                ']' | 'P' | 'X' | '^' | '_' => State::Str,
                // Intermediate bytes (e.g. `ESC ( B`) take one more character.
                ' '..='/' => State::Escape,
                _ => State::Text,
            },
            State::Csi => {
                if ('\u{40}'..='\u{7E}').contains(&c) {
                    State::Text
                } else {
                    State::Csi
                }
            }
            State::Str => match c {
                BEL | '\u{9C}' => State::Text,
                ESC => State::StrEscape,
                _ => State::Str,
            },
            State::StrEscape => match c {
                '\\' => State::Text,
                ESC => State::StrEscape,
                _ => State::Str,
            },
        };
    }
    Cow::Owned(out)
}

/// One line, safe to print: the form tables, titles and summaries use.
pub fn line(input: &str) -> Cow<'_, str> {
    sanitize(input, false)
}

/// Several lines, safe to print: the form detail views use.
pub fn text(input: &str) -> Cow<'_, str> {
    sanitize(input, true)
}

/// At most `max` bytes of `s` (cut at a character boundary), ending in "…" when cut: for text
/// from a file or an API that nothing else bounds (a finding's title of megabytes would be
/// drawn, searched and copied on every key).
pub fn bounded(mut s: String, max: usize) -> String {
    if s.len() <= max {
        return s;
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s.push('…');
    s
}

/// `bounded` of a borrowed text: borrowed when it fits, else a copy of only what is kept (a
/// megabyte is never copied to be cut).
pub fn bounded_str(s: &str, max: usize) -> Cow<'_, str> {
    if s.len() <= max {
        return Cow::Borrowed(s);
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = String::with_capacity(end + '…'.len_utf8());
    out.push_str(&s[..end]);
    out.push('…');
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_cuts_at_a_character_boundary_and_says_so() {
        assert_eq!(bounded("short".into(), 10), "short");
        let cut = bounded("é".repeat(100), 10);
        assert_eq!(cut, "ééé…");
        assert!(cut.len() <= 10);
        assert_eq!(bounded("abcdef".into(), 3), "…");
        assert!(matches!(bounded_str("short", 10), Cow::Borrowed("short")));
        assert_eq!(bounded_str(&"é".repeat(100), 10), "ééé…");
        assert_eq!(bounded_str("abcdef", 3), "…");
    }

    #[test]
    fn invisible_characters_are_stripped_and_json_escapes_what_it_let_through() {
        assert_eq!(
            line("AKIA\u{200B}EXAMPLE\u{2060}KEY\u{E0041}"),
            "AKIAEXAMPLEKEY"
        );
        assert!(has_unsafe("id\nrm -rf ~") && has_unsafe("a\u{202E}b") && !has_unsafe("i-0abc"));
        let v = serde_json::json!({"k": "x\u{9b}31m\u{202e}y\u{200b}z\n"});
        let j = json(&v);
        assert_eq!(j, r#"{"k":"x\u009b31m\u202ey\u200bz\n"}"#);
        let back: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(back, v, "the same value, escaped");
        assert_eq!(json(&serde_json::json!({"ok": "東京"})), r#"{"ok":"東京"}"#);
    }

    #[test]
    fn plain_text_is_borrowed_untouched() {
        assert!(matches!(
            line("GetObject by alice ✓ 東京"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn strips_csi_colour_and_cursor_sequences() {
        assert_eq!(line("\x1b[31mred\x1b[0m"), "red");
        assert_eq!(line("a\x1b[2J\x1b[Hb"), "ab");
        assert_eq!(line("x\x1b[?1049hy"), "xy");
    }

    #[test]
    fn strips_osc_titles_and_hyperlinks_with_either_terminator() {
        assert_eq!(line("\x1b]0;pwned\x07ok"), "ok");
        assert_eq!(
            line("\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\"),
            "click"
        );
        assert_eq!(line("\x1b]52;c;Y3VybCBldmlsfHNo\x07copy"), "copy");
    }

    #[test]
    fn an_unterminated_osc_swallows_only_itself() {
        assert_eq!(line("before\x1b]0;never ends"), "before");
    }

    #[test]
    fn strips_c1_controls_and_dcs() {
        assert_eq!(line("a\u{9b}31mb"), "ab");
        assert_eq!(line("a\u{9d}0;t\u{9c}b"), "ab");
        assert_eq!(line("a\x1bP1$r\x1b\\b"), "ab");
        assert_eq!(line("a\x1b(Bb"), "ab");
    }

    #[test]
    fn strips_bidi_overrides_and_controls() {
        assert_eq!(line("user\u{202E}fdp.exe"), "userfdp.exe");
        assert_eq!(line("a\u{2066}b\u{2069}c\u{200F}"), "abc");
        assert_eq!(
            line("bell\x07 back\x08space\x00nul\x7fdel"),
            "bell backspacenuldel"
        );
    }

    #[test]
    fn newlines_fold_to_spaces_on_one_line_and_survive_in_text() {
        assert_eq!(line("one\r\ntwo\tthree"), "one two three");
        assert_eq!(text("one\ntwo\x1b[1m!"), "one\ntwo!");
    }
}
