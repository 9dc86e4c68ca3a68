//! Small text helpers for drawing: safe truncation to a width and fuzzy-match highlighting.

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
}
