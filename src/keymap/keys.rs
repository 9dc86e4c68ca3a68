//! Key syntax: `"q"`, `"ctrl-c"`, `"shift-tab"`, `"pagedown"`, `"g g"` (a sequence). Parsing and
//! printing round-trip, so `airc keys` prints what a user can paste back.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Chord {
    pub code: Code,
    pub ctrl: bool,
    pub alt: bool,
    pub shift: bool,
}

/// The key itself, without modifiers (crossterm's `KeyCode` is not `Ord`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    Char(char),
    F(u8),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Insert,
    Home,
    End,
    PageUp,
    PageDown,
    Up,
    Down,
    Left,
    Right,
}

const NAMES: &[(&str, Code)] = &[
    ("enter", Code::Enter),
    ("esc", Code::Esc),
    ("tab", Code::Tab),
    ("backtab", Code::BackTab),
    ("backspace", Code::Backspace),
    ("delete", Code::Delete),
    ("insert", Code::Insert),
    ("home", Code::Home),
    ("end", Code::End),
    ("pageup", Code::PageUp),
    ("pagedown", Code::PageDown),
    ("up", Code::Up),
    ("down", Code::Down),
    ("left", Code::Left),
    ("right", Code::Right),
    ("space", Code::Char(' ')),
];

const ALIASES: &[(&str, &str)] = &[
    ("escape", "esc"),
    ("return", "enter"),
    ("del", "delete"),
    ("pgup", "pageup"),
    ("pgdn", "pagedown"),
];

impl Chord {
    pub fn plain(code: Code) -> Chord {
        Chord {
            code,
            ctrl: false,
            alt: false,
            shift: false,
        }
    }

    pub fn parse(text: &str) -> Result<Chord, KeyError> {
        let mut rest = text;
        let mut chord = Chord::plain(Code::Esc);
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.len() > 1 && lower.starts_with("ctrl-") {
                chord.ctrl = true;
                rest = &rest[5..];
            } else if rest.len() > 1 && lower.starts_with("alt-") {
                chord.alt = true;
                rest = &rest[4..];
            } else if rest.len() > 1 && lower.starts_with("shift-") {
                chord.shift = true;
                rest = &rest[6..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        chord.code = match (chars.next(), chars.next()) {
            (Some(c), None) => Code::Char(c),
            _ => {
                let lower = rest.to_ascii_lowercase();
                let name = ALIASES
                    .iter()
                    .find(|(a, _)| *a == lower)
                    .map(|(_, n)| *n)
                    .unwrap_or(&lower);
                if let Some((_, code)) = NAMES.iter().find(|(n, _)| *n == name) {
                    *code
                } else if let Some(n) = name
                    .strip_prefix('f')
                    .and_then(|n| n.parse::<u8>().ok())
                    .filter(|n| (1..=24).contains(n))
                {
                    Code::F(n)
                } else {
                    return Err(KeyError::NotAKey(text.to_string()));
                }
            }
        };
        Ok(chord.normalized())
    }

    /// One spelling per key: `shift-tab` is `backtab`, `shift-g` is `G`.
    fn normalized(mut self) -> Chord {
        match self.code {
            Code::Tab if self.shift => {
                self.code = Code::BackTab;
                self.shift = false;
            }
            Code::BackTab => self.shift = false,
            Code::Char(c) if self.shift && c.is_ascii_lowercase() => {
                self.code = Code::Char(c.to_ascii_uppercase());
                self.shift = false;
            }
            Code::Char(_) => self.shift = false,
            _ => {}
        }
        self
    }

    /// The key event a terminal sends for this chord (tests type keys with it).
    pub fn to_event(self) -> KeyEvent {
        let code = match self.code {
            Code::Char(c) => KeyCode::Char(c),
            Code::F(n) => KeyCode::F(n),
            Code::Enter => KeyCode::Enter,
            Code::Esc => KeyCode::Esc,
            Code::Tab => KeyCode::Tab,
            Code::BackTab => KeyCode::BackTab,
            Code::Backspace => KeyCode::Backspace,
            Code::Delete => KeyCode::Delete,
            Code::Insert => KeyCode::Insert,
            Code::Home => KeyCode::Home,
            Code::End => KeyCode::End,
            Code::PageUp => KeyCode::PageUp,
            Code::PageDown => KeyCode::PageDown,
            Code::Up => KeyCode::Up,
            Code::Down => KeyCode::Down,
            Code::Left => KeyCode::Left,
            Code::Right => KeyCode::Right,
        };
        let mut m = KeyModifiers::NONE;
        if self.ctrl {
            m |= KeyModifiers::CONTROL;
        }
        if self.alt {
            m |= KeyModifiers::ALT;
        }
        if self.shift || matches!(self.code, Code::Char(c) if c.is_ascii_uppercase()) {
            m |= KeyModifiers::SHIFT;
        }
        KeyEvent::new(code, m)
    }

    pub fn from_event(ev: &KeyEvent) -> Option<Chord> {
        let code = match ev.code {
            KeyCode::Char(c) => Code::Char(c),
            KeyCode::F(n) => Code::F(n),
            KeyCode::Enter => Code::Enter,
            KeyCode::Esc => Code::Esc,
            KeyCode::Tab => Code::Tab,
            KeyCode::BackTab => Code::BackTab,
            KeyCode::Backspace => Code::Backspace,
            KeyCode::Delete => Code::Delete,
            KeyCode::Insert => Code::Insert,
            KeyCode::Home => Code::Home,
            KeyCode::End => Code::End,
            KeyCode::PageUp => Code::PageUp,
            KeyCode::PageDown => Code::PageDown,
            KeyCode::Up => Code::Up,
            KeyCode::Down => Code::Down,
            KeyCode::Left => Code::Left,
            KeyCode::Right => Code::Right,
            _ => return None,
        };
        let m = ev.modifiers;
        Some(
            Chord {
                code,
                ctrl: m.contains(KeyModifiers::CONTROL),
                alt: m.contains(KeyModifiers::ALT),
                shift: m.contains(KeyModifiers::SHIFT),
            }
            .normalized(),
        )
    }
}

impl fmt::Display for Chord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        if self.shift {
            f.write_str("shift-")?;
        }
        match self.code {
            Code::Char(' ') => f.write_str("space"),
            Code::Char(c) => write!(f, "{c}"),
            Code::F(n) => write!(f, "f{n}"),
            Code::BackTab => f.write_str("shift-tab"),
            other => {
                let name = NAMES
                    .iter()
                    .find(|(_, c)| *c == other)
                    .map(|(n, _)| *n)
                    .unwrap_or("?");
                f.write_str(name)
            }
        }
    }
}

/// Key text that names no key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("'{0}' is not a key (try q, ctrl-c, shift-tab, pagedown, f5)")]
    NotAKey(String),
    #[error("empty key")]
    Empty,
}

/// A key sequence such as `g g`.
pub fn parse_sequence(text: &str) -> Result<Vec<Chord>, KeyError> {
    let parts: Vec<&str> = text.split(' ').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        // A lone space is the space key.
        return if text == " " {
            Ok(vec![Chord::plain(Code::Char(' '))])
        } else {
            Err(KeyError::Empty)
        };
    }
    parts.into_iter().map(Chord::parse).collect()
}

pub fn sequence_to_string(seq: &[Chord]) -> String {
    seq.iter()
        .map(Chord::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_print_round_trip() {
        for k in [
            "q",
            "G",
            "?",
            "ctrl-c",
            "alt-x",
            "shift-tab",
            "pagedown",
            "f5",
            "g g",
            "space",
            "esc",
            "ctrl-shift-up",
            "/",
        ] {
            let seq = parse_sequence(k).unwrap_or_else(|e| panic!("{k}: {e}"));
            let printed = sequence_to_string(&seq);
            assert_eq!(
                parse_sequence(&printed),
                Ok(seq.clone()),
                "{k} -> {printed}"
            );
        }
        assert_eq!(
            sequence_to_string(&parse_sequence("shift-g").unwrap_or_default()),
            "G"
        );
        assert_eq!(
            sequence_to_string(&parse_sequence("pgdn").unwrap_or_default()),
            "pagedown"
        );
        assert!(parse_sequence("ctrl-nope").is_err());
        assert!(parse_sequence("").is_err());
    }

    #[test]
    fn events_match_parsed_chords() {
        let ev = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(Chord::from_event(&ev), Chord::parse("G").ok());
        let ev = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(Chord::from_event(&ev), Chord::parse("shift-tab").ok());
        let ev = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(Chord::from_event(&ev), Chord::parse("ctrl-c").ok());
    }
}
