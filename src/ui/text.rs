//! Small text helpers for drawing: safe truncation to a width and fuzzy-match highlighting.

use crate::app::line::LineInput;
use crate::safe_text;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

/// Display-safe and cut to `width` columns, with an ellipsis when cut.
pub fn fit(s: &str, width: usize) -> String {
    let clean = safe_text::line(s);
    let mut out = String::new();
    let mut used = 0;
    let total: usize = clean.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return clean.into_owned();
    }
    for c in clean.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// The end of `s` in `cols` columns, an ellipsis first when cut.
fn tail(s: &str, cols: usize) -> String {
    if width(s) <= cols {
        return s.to_string();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > cols {
            break;
        }
        kept.push(c);
        used += w;
    }
    let mut out = String::from(if cols > 0 { "…" } else { "" });
    out.extend(kept.into_iter().rev());
    out
}

/// A prompt's line in `cols` columns, display-safe, with `▏` where its cursor is. A line longer
/// than the room shows the part around the cursor, with `…` where it is cut.
pub fn with_cursor(line: &LineInput, cols: usize) -> String {
    let (before, after) = line.split();
    let (before, after) = (safe_text::line(before), safe_text::line(after));
    let room = cols.saturating_sub(1);
    if width(&before) + width(&after) <= room {
        return format!("{before}▏{after}");
    }
    // Some of what follows the cursor stays in view (up to a third of the room).
    let shown_before = tail(&before, room - width(&after).min(room / 3));
    let shown_after = fit(&after, room - width(&shown_before));
    format!("{shown_before}▏{shown_after}")
}

/// A line with the characters at `positions` (char indices in `s`) in `hit` style.
pub fn highlighted(
    s: &str,
    positions: &[usize],
    base: Style,
    hit: Style,
    width: usize,
) -> Line<'static> {
    let text = fit(s, width);
    if positions.is_empty() || text != safe_text::line(s) {
        // Positions refer to the unsanitised, uncut text: only highlight when unchanged.
        return Line::from(Span::styled(text, base));
    }
    let mut spans = Vec::new();
    let mut cur = String::new();
    let mut cur_hit = false;
    for (i, c) in text.chars().enumerate() {
        let is_hit = positions.binary_search(&i).is_ok();
        if is_hit != cur_hit && !cur.is_empty() {
            spans.push(Span::styled(
                std::mem::take(&mut cur),
                if cur_hit { hit } else { base },
            ));
        }
        cur_hit = is_hit;
        cur.push(c);
    }
    if !cur.is_empty() {
        spans.push(Span::styled(cur, if cur_hit { hit } else { base }));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_and_sanitises() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
        assert_eq!(fit("a\x1b[31mb", 4), "ab");
        assert_eq!(fit("東京東京", 5), "東京…");
    }

    #[test]
    fn the_cursor_is_drawn_where_it_is_and_kept_in_view() {
        use crate::keymap::Command;
        let mut l = LineInput::new("sev:high user:alice");
        assert_eq!(with_cursor(&l, 40), "sev:high user:alice▏");
        l.command(Command::WordLeft);
        assert_eq!(with_cursor(&l, 40), "sev:high ▏user:alice");
        l.command(Command::LineStart);
        assert_eq!(with_cursor(&l, 40), "▏sev:high user:alice");
        // Too long for the room: the cursor stays in view, cuts are marked.
        assert_eq!(with_cursor(&l, 10), "▏sev:high…");
        l.command(Command::LineEnd);
        assert_eq!(with_cursor(&l, 10), "…er:alice▏");
        l.command(Command::WordLeft);
        let shown = with_cursor(&l, 10);
        assert_eq!(shown, "…high ▏us…");
        assert_eq!(shown.chars().count(), 10, "{shown}");
        assert_eq!(with_cursor(&LineInput::new("a\x1b[2Jb"), 20), "ab▏");
    }
}
