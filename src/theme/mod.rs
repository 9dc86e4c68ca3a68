//! Themes: TOML files with `inherits`, a `[palette]` of named colours and named style slots.
//! The four in `themes/` are embedded; `--theme NAME|FILE` and `<config>/themes/NAME.toml`
//! override them. `NO_COLOR` selects the monochrome theme.

mod color;

use crate::model::Severity;
use ratatui::style::{Modifier, Style};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub const EMBEDDED: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("ansi16", include_str!("../../themes/ansi16.toml")),
    ("mono", include_str!("../../themes/mono.toml")),
];

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SlotSpec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    dim: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underline: bool,
    #[serde(default)]
    reverse: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: Option<String>,
    inherits: Option<String>,
    #[serde(default)]
    monochrome: bool,
    #[serde(default)]
    palette: HashMap<String, String>,
    #[serde(default)]
    styles: HashMap<String, SlotSpec>,
}

#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    pub monochrome: bool,
    styles: HashMap<String, Style>,
}

impl Theme {
    /// The style of a slot; a missing `a.b` falls back to `a`, then to `text`.
    pub fn style(&self, slot: &str) -> Style {
        let mut key = slot;
        loop {
            if let Some(s) = self.styles.get(key) {
                return *s;
            }
            match key.rsplit_once('.') {
                Some((parent, _)) => key = parent,
                None => return self.styles.get("text").copied().unwrap_or_default(),
            }
        }
    }

    pub fn severity(&self, sev: Severity) -> Style {
        self.style(&format!("severity.{}", sev.label()))
    }

    /// The embedded default (dark, or mono under NO_COLOR). Cannot fail: the embedded files are
    /// checked by a unit test.
    pub fn default_for(no_color: bool) -> Theme {
        let name = if no_color { "mono" } else { "dark" };
        load_named(name, None).unwrap_or_else(|_| Theme {
            name: name.into(),
            monochrome: true,
            styles: HashMap::new(),
        })
    }
}

/// What is wrong with a theme, naming the file, the line and the style slot where there is one.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("{path}: {reason}")]
    Read { path: String, reason: String },
    #[error("no theme named '{name}' (built in: {builtin})")]
    Unknown { name: String, builtin: String },
    #[error("{origin}:{line}: {message}")]
    Syntax {
        origin: String,
        line: usize,
        message: String,
    },
    #[error("{origin}: inherits more than 8 levels (a cycle?)")]
    TooDeep { origin: String },
    #[error("{origin}: inherits '{name}', which is not an embedded theme")]
    NotEmbedded { origin: String, name: String },
    #[error("{origin}:{line}: styles.\"{slot}\": {reason}")]
    Colour {
        origin: String,
        line: usize,
        slot: String,
        reason: color::BadColour,
    },
}

/// Where a theme came from, for error messages.
fn source_text(name: &str, config_dir: Option<&Path>) -> Result<(String, String), Error> {
    let as_path = PathBuf::from(name);
    if name.ends_with(".toml") || name.contains('/') {
        let text = std::fs::read_to_string(&as_path).map_err(|e| Error::Read {
            path: as_path.display().to_string(),
            reason: e.to_string(),
        })?;
        return Ok((as_path.display().to_string(), text));
    }
    if let Some(dir) = config_dir {
        let p = dir.join("themes").join(format!("{name}.toml"));
        if let Ok(text) = std::fs::read_to_string(&p) {
            return Ok((p.display().to_string(), text));
        }
    }
    EMBEDDED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, t)| (format!("themes/{n}.toml (embedded)"), t.to_string()))
        .ok_or_else(|| {
            let names: Vec<&str> = EMBEDDED.iter().map(|(n, _)| *n).collect();
            Error::Unknown {
                name: name.to_string(),
                builtin: names.join(", "),
            }
        })
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or(0)
}

fn parse_file(origin: &str, text: &str) -> Result<ThemeFile, Error> {
    toml::from_str::<ThemeFile>(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].lines().count().max(1))
            .unwrap_or(0);
        Error::Syntax {
            origin: origin.to_string(),
            line,
            message: e.message().to_string(),
        }
    })
}

/// Loads a theme by name or file, following `inherits` (at most 8 levels).
pub fn load_named(name: &str, config_dir: Option<&Path>) -> Result<Theme, Error> {
    let mut chain = Vec::new();
    let mut next = Some(name.to_string());
    while let Some(n) = next.take() {
        if chain.len() >= 8 {
            return Err(Error::TooDeep {
                origin: format!("theme '{name}'"),
            });
        }
        let (origin, text) = source_text(&n, config_dir)?;
        let file = parse_file(&origin, &text)?;
        next = file.inherits.clone();
        chain.push((origin, text, file));
    }
    build(name, chain)
}

/// A theme from its text (tests and fuzzing): `inherits` may name only embedded themes.
pub fn from_text(origin: &str, text: &str) -> Result<Theme, Error> {
    let file = parse_file(origin, text)?;
    let mut next = file.inherits.clone();
    let mut chain = vec![(origin.to_string(), text.to_string(), file)];
    while let Some(n) = next.take() {
        if chain.len() >= 8 {
            return Err(Error::TooDeep {
                origin: origin.to_string(),
            });
        }
        let Some((_, t)) = EMBEDDED.iter().find(|(e, _)| *e == n) else {
            return Err(Error::NotEmbedded {
                origin: origin.to_string(),
                name: n,
            });
        };
        let o = format!("themes/{n}.toml (embedded)");
        let f = parse_file(&o, t)?;
        next = f.inherits.clone();
        chain.push((o, t.to_string(), f));
    }
    build(origin, chain)
}

/// Merges a chain of theme files (the first one wins over those it inherits).
fn build(name: &str, chain: Vec<(String, String, ThemeFile)>) -> Result<Theme, Error> {
    let mut palette: HashMap<String, String> = HashMap::new();
    let mut specs: Vec<(String, String, String, SlotSpec)> = Vec::new();
    let mut monochrome = false;
    let mut theme_name = name.to_string();
    for (origin, text, file) in chain.into_iter().rev() {
        palette.extend(file.palette);
        monochrome = file.monochrome;
        if let Some(n) = file.name {
            theme_name = n;
        }
        for (slot, spec) in file.styles {
            specs.retain(|(s, _, _, _)| *s != slot);
            specs.push((slot, origin.clone(), text.clone(), spec));
        }
    }
    let mut styles = HashMap::new();
    for (slot, origin, text, spec) in specs {
        let colour = |c: &Option<String>| -> Result<Option<ratatui::style::Color>, Error> {
            match c {
                None => Ok(None),
                Some(c) => color::resolve(c, &palette)
                    .map(Some)
                    .map_err(|reason| Error::Colour {
                        origin: origin.clone(),
                        line: line_of(&text, &format!("\"{slot}\"")),
                        slot: slot.clone(),
                        reason,
                    }),
            }
        };
        let mut style = Style::default();
        if !monochrome {
            if let Some(fg) = colour(&spec.fg)? {
                style = style.fg(fg);
            }
            if let Some(bg) = colour(&spec.bg)? {
                style = style.bg(bg);
            }
        }
        for (on, m) in [
            (spec.bold, Modifier::BOLD),
            (spec.dim, Modifier::DIM),
            (spec.italic, Modifier::ITALIC),
            (spec.underline, Modifier::UNDERLINED),
            (spec.reverse, Modifier::REVERSED),
        ] {
            if on {
                style = style.add_modifier(m);
            }
        }
        styles.insert(slot, style);
    }
    Ok(Theme {
        name: theme_name,
        monochrome,
        styles,
    })
}

/// The theme to use: `--theme` wins, else `NO_COLOR` means mono, else dark. A bad theme gives a
/// warning naming the file, line and key, and the default is used.
pub fn select(
    requested: Option<&str>,
    config_dir: Option<&Path>,
    no_color: bool,
) -> (Theme, Option<String>) {
    match requested {
        Some(name) => match load_named(name, config_dir) {
            Ok(t) => (t, None),
            Err(e) => (
                Theme::default_for(no_color),
                Some(format!("theme: {e}; using the default")),
            ),
        },
        None => (Theme::default_for(no_color), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Color;

    #[test]
    fn every_embedded_theme_loads_and_has_every_severity() {
        for (name, _) in EMBEDDED {
            let t = load_named(name, None).unwrap_or_else(|e| panic!("{name}: {e}"));
            for sev in Severity::ALL {
                assert!(
                    t.styles.contains_key(&format!("severity.{}", sev.label())),
                    "{name} lacks {sev}"
                );
            }
        }
    }

    #[test]
    fn inheritance_palette_and_fallback() {
        let light = load_named("light", None).unwrap_or_else(|e| panic!("{e}"));
        // severity.critical is defined in dark, coloured by light's palette.
        assert_eq!(
            light.severity(Severity::Critical).fg,
            Some(Color::Rgb(0xaf, 0, 0))
        );
        assert_eq!(
            light.style("pane.focused.extra"),
            light.style("pane.focused")
        );
    }

    #[test]
    fn mono_has_no_colour_but_keeps_selection_and_severity_visible() {
        let m = Theme::default_for(true);
        assert!(m.monochrome);
        assert_eq!(m.severity(Severity::Critical).fg, None);
        assert!(m
            .style("selection")
            .add_modifier
            .contains(Modifier::REVERSED));
        assert!(m
            .severity(Severity::High)
            .add_modifier
            .contains(Modifier::BOLD));
    }

    #[test]
    fn bad_files_name_file_line_and_key() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let p = dir.path().join("bad.toml");
        std::fs::write(
            &p,
            "inherits = \"dark\"\n[styles]\n\"selection\" = { fg = \"chartreuse-ish\" }\n",
        )
        .unwrap_or_default();
        let err = load_named(&p.display().to_string(), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("bad.toml:3: styles.\"selection\""), "{err}");
        std::fs::write(&p, "[styles]\n\"text\" = { colour = \"red\" }\n").unwrap_or_default();
        let err = load_named(&p.display().to_string(), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("bad.toml:2"), "{err}");
        let (t, warn) = select(Some(&p.display().to_string()), None, false);
        assert_eq!(t.name, "dark");
        assert!(warn.is_some_and(|w| w.contains("using the default")));
    }
}
