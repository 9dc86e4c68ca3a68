//! The command palette: every command, fuzzy-matched by name and description.

use crate::keymap::Command;
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

/// Commands that make sense to run from the palette, best match first.
pub fn matches(query: &str) -> Vec<Command> {
    let runnable = Command::ALL.iter().copied().filter(|c| {
        !matches!(c, Command::Accept | Command::Cancel | Command::Palette) && !c.is_line_edit()
    });
    if query.is_empty() {
        return runnable.collect();
    }
    let m = SkimMatcherV2::default().ignore_case();
    let mut scored: Vec<(i64, Command)> = runnable
        .filter_map(|c| {
            let hay = format!("{} {}", c.name().replace('_', " "), c.description());
            m.fuzzy_match(&hay, query).map(|s| (s, c))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_commands_by_words() {
        assert_eq!(matches("zoom").first(), Some(&Command::Zoom));
        assert_eq!(matches("copy json").first(), Some(&Command::CopyJson));
        assert!(matches("").len() > 20);
        assert!(matches("qqqqzzzz").is_empty());
    }
}
