//! The line typed into a prompt (filter, search, new incident, palette, help, confirmation): its
//! text and cursor, and readline's editing on it. One type for every prompt, so each edits the
//! same way; the keys are the keymap's `[input]` table (`line_start`, `kill_word`, …).
//!
//! The editing itself is `tui-input`'s (grapheme-aware moves, UAX #29 words, a yank buffer);
//! this wraps it for the state (`PartialEq` for the mode, `&str` for its readers) and maps the
//! keymap's commands onto its requests.

use crate::keymap::Command;
use tui_input::{Input, InputRequest};

#[derive(Debug, Clone, Default)]
pub struct LineInput(Input);

/// Two lines are the same when they say the same with the cursor in the same place (what was
/// last deleted, kept for `yank`, does not count).
impl PartialEq for LineInput {
    fn eq(&self, other: &Self) -> bool {
        self.0.value() == other.0.value() && self.0.cursor() == other.0.cursor()
    }
}

/// What a key did to the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Edited {
    /// The text changed (a prompt then re-reads it: the live filter, the list it searches).
    pub text: bool,
    /// The cursor moved.
    pub cursor: bool,
}

impl LineInput {
    /// A line holding `text`, the cursor at its end.
    pub fn new(text: impl Into<String>) -> LineInput {
        LineInput(Input::new(text.into()))
    }

    pub fn value(&self) -> &str {
        self.0.value()
    }

    /// Characters (code points) before the cursor.
    pub fn cursor(&self) -> usize {
        self.0.cursor()
    }

    /// The text before and after the cursor.
    pub fn split(&self) -> (&str, &str) {
        let s = self.0.value();
        let at = s
            .char_indices()
            .nth(self.0.cursor())
            .map_or(s.len(), |(i, _)| i);
        s.split_at(at)
    }

    /// Types one character at the cursor.
    pub fn insert(&mut self, c: char) -> Edited {
        self.apply(InputRequest::InsertChar(c))
    }

    /// Types `s` at the cursor (as if typed: tests, pastes).
    pub fn push_str(&mut self, s: &str) {
        for c in s.chars() {
            self.insert(c);
        }
    }

    /// Deletes the character before the cursor (backspace).
    pub fn backspace(&mut self) -> Edited {
        self.apply(InputRequest::DeletePrevChar)
    }

    /// Runs an editing command of the keymap; `None` when `cmd` is not one.
    pub fn command(&mut self, cmd: Command) -> Option<Edited> {
        request(cmd).map(|r| self.apply(r))
    }

    fn apply(&mut self, r: InputRequest) -> Edited {
        match self.0.handle(r) {
            Some(c) => Edited {
                text: c.value,
                cursor: c.cursor,
            },
            None => Edited::default(),
        }
    }
}

/// The editing request a command of the keymap's `[input]` table stands for.
pub fn request(cmd: Command) -> Option<InputRequest> {
    Some(match cmd {
        Command::LineStart => InputRequest::GoToStart,
        Command::LineEnd => InputRequest::GoToEnd,
        Command::CharLeft => InputRequest::GoToPrevChar,
        Command::CharRight => InputRequest::GoToNextChar,
        Command::WordLeft => InputRequest::GoToPrevWord,
        Command::WordRight => InputRequest::GoToNextWord,
        Command::KillToStart => InputRequest::DeleteFromStart,
        Command::KillWord => InputRequest::DeletePrevWord,
        Command::KillToEnd => InputRequest::DeleteTillEnd,
        Command::DeleteChar => InputRequest::DeleteNextChar,
        Command::Yank => InputRequest::Yank,
        _ => return None,
    })
}

/// Readers of the text (`trim`, `is_empty`, a `&str` argument) read it as a `str`.
impl std::ops::Deref for LineInput {
    type Target = str;
    fn deref(&self) -> &str {
        self.0.value()
    }
}

impl From<&str> for LineInput {
    fn from(s: &str) -> LineInput {
        LineInput::new(s)
    }
}

impl From<String> for LineInput {
    fn from(s: String) -> LineInput {
        LineInput::new(s)
    }
}

impl From<LineInput> for String {
    fn from(l: LineInput) -> String {
        l.0.value().to_string()
    }
}

impl std::fmt::Display for LineInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` with the cursor where `|` is.
    fn at(text: &str) -> LineInput {
        let cursor = text.find('|').map_or(0, |i| text[..i].chars().count());
        let mut l = LineInput::new(text.replace('|', ""));
        l.command(Command::LineStart);
        for _ in 0..cursor {
            l.command(Command::CharRight);
        }
        l
    }

    fn shown(l: &LineInput) -> String {
        let (a, b) = l.split();
        format!("{a}|{b}")
    }

    fn after(text: &str, cmds: &[Command]) -> String {
        let mut l = at(text);
        for c in cmds {
            l.command(*c);
        }
        shown(&l)
    }

    #[test]
    fn readline_moves() {
        use Command::*;
        assert_eq!(
            after("sev:>=high user:al|ice", &[LineStart]),
            "|sev:>=high user:alice"
        );
        assert_eq!(after("|sev:high", &[LineEnd]), "sev:high|");
        assert_eq!(after("ab|c", &[CharLeft, CharLeft]), "|abc");
        assert_eq!(after("|abc", &[CharLeft]), "|abc");
        assert_eq!(after("abc|", &[CharRight]), "abc|");
        assert_eq!(after("one two three|", &[WordLeft]), "one two |three");
        assert_eq!(
            after("one two three|", &[WordLeft, WordLeft]),
            "one |two three"
        );
        assert_eq!(after("|one two three", &[WordRight]), "one |two three");
        assert_eq!(
            after("one |two three", &[WordRight, WordRight]),
            "one two three|"
        );
    }

    #[test]
    fn readline_kills_and_yank() {
        use Command::*;
        assert_eq!(after("sev:high user:al|ice", &[KillToStart]), "|ice");
        assert_eq!(after("sev:high user:alice|", &[KillToStart]), "|");
        assert_eq!(after("sev:high user:alice|", &[KillWord]), "sev:high |");
        assert_eq!(after("one two|", &[KillWord, KillWord]), "|");
        assert_eq!(after("one two   |", &[KillWord]), "one |");
        assert_eq!(after("one t|wo", &[KillToEnd]), "one t|");
        assert_eq!(after("one t|wo", &[DeleteChar]), "one t|o");
        assert_eq!(after("abc|", &[DeleteChar]), "abc|");
        assert_eq!(after("one two|", &[KillWord, LineStart, Yank]), "two|one ");
        assert_eq!(after("ab|cd", &[KillToStart, LineEnd, Yank]), "cdab|");
    }

    #[test]
    fn typing_and_backspace_happen_at_the_cursor_in_characters_not_bytes() {
        let mut l = at("héllo| wörld");
        l.insert('!');
        assert_eq!(shown(&l), "héllo!| wörld");
        l.command(Command::LineStart);
        l.insert('>');
        assert_eq!(shown(&l), ">|héllo! wörld");
        l.command(Command::LineEnd);
        l.backspace();
        assert_eq!(shown(&l), ">héllo! wörl|");
        assert_eq!(&*l, ">héllo! wörl");
        assert_eq!(l.cursor(), 12);
        let e = l.command(Command::CharLeft).unwrap_or_default();
        assert_eq!((e.text, e.cursor), (false, true));
        let e = l.command(Command::KillToEnd).unwrap_or_default();
        assert!(e.text);
        assert_eq!(l.command(Command::Quit), None, "not an editing command");
    }

    #[test]
    fn equal_when_text_and_cursor_are() {
        assert_eq!(at("ab|c"), at("ab|c"));
        assert_ne!(at("ab|c"), at("a|bc"));
        assert_eq!(LineInput::from("x"), LineInput::new(String::from("x")));
        assert_eq!(String::from(LineInput::from("x")), "x");
    }
}
