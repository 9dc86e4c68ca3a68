//! Keymaps: contexts of key sequences → commands, embedded default merged with user files key
//! by key. Lookup, pending sequences (`g g`), help rows and printing all come from the same
//! table.

pub mod command;
pub mod keys;

pub use command::Command;

use keys::{parse_sequence, sequence_to_string, Chord};
use std::collections::BTreeMap;
use std::path::Path;

/// What is wrong with a keymap file, naming the file, the line and the key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("{origin}:{line}: {message}")]
    Syntax {
        origin: String,
        line: usize,
        message: String,
    },
    #[error("{origin}:{line}: unknown context [{context}] (contexts: {known})")]
    UnknownContext {
        origin: String,
        line: usize,
        context: String,
        known: String,
    },
    #[error("{origin}: [{context}] must be a table of \"key\" = \"command\"")]
    NotATable { origin: String, context: String },
    #[error("{origin}:{line}: [{context}] \"{key}\": {problem}")]
    Binding {
        origin: String,
        line: usize,
        context: String,
        key: String,
        problem: BindingProblem,
    },
}

/// What is wrong with one `"key" = "command"` line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BindingProblem {
    #[error("{0}")]
    Key(keys::KeyError),
    #[error("the command must be a string")]
    NotAString,
    #[error("unknown command '{0}' (see `airc keys` or the help overlay)")]
    UnknownCommand(String),
}

pub const DEFAULT: &str = include_str!("../../keymaps/default.toml");

/// Where a key is looked up. `Global` applies under every context except the text-typing ones
/// (`Input`, `Editor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    Table,
    Detail,
    List,
    Notebook,
    Stories,
    Network,
    Input,
    Editor,
}

impl Context {
    pub const ALL: [Context; 9] = [
        Context::Global,
        Context::Table,
        Context::Detail,
        Context::List,
        Context::Notebook,
        Context::Stories,
        Context::Network,
        Context::Input,
        Context::Editor,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Table => "table",
            Context::Detail => "detail",
            Context::List => "list",
            Context::Notebook => "notebook",
            Context::Stories => "stories",
            Context::Network => "network",
            Context::Input => "input",
            Context::Editor => "editor",
        }
    }

    fn from_name(n: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == n)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Keymap {
    bindings: BTreeMap<Context, BTreeMap<Vec<Chord>, Command>>,
}

/// The result of feeding one chord.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Command(Command),
    /// The keys so far start a longer sequence: wait for the next.
    Pending,
    None,
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or(0)
}

impl Keymap {
    /// The embedded default. Checked by a unit test, so this cannot fail at run time.
    pub fn default_map() -> Keymap {
        let mut k = Keymap::default();
        let _ = k.merge_str("keymaps/default.toml (embedded)", DEFAULT);
        k
    }

    /// Layers one file over this keymap. On any error the file is not applied at all and the
    /// error names the file, the line and the key.
    pub fn merge_str(&mut self, origin: &str, text: &str) -> Result<(), Error> {
        let table: toml::Table = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1))
                .unwrap_or(0);
            Error::Syntax {
                origin: origin.to_string(),
                line,
                message: e.message().to_string(),
            }
        })?;
        let mut next = self.clone();
        for (ctx_name, entries) in table {
            let ctx = Context::from_name(&ctx_name).ok_or_else(|| {
                let names: Vec<&str> = Context::ALL.iter().map(|c| c.name()).collect();
                Error::UnknownContext {
                    origin: origin.to_string(),
                    line: line_of(text, &format!("[{ctx_name}]")),
                    context: ctx_name.clone(),
                    known: names.join(", "),
                }
            })?;
            let entries = entries.as_table().ok_or_else(|| Error::NotATable {
                origin: origin.to_string(),
                context: ctx_name.clone(),
            })?;
            for (key, value) in entries {
                let at = |problem: BindingProblem| Error::Binding {
                    origin: origin.to_string(),
                    line: line_of(text, &format!("\"{key}\"")),
                    context: ctx_name.clone(),
                    key: key.clone(),
                    problem,
                };
                let seq = parse_sequence(key).map_err(|e| at(BindingProblem::Key(e)))?;
                let name = value
                    .as_str()
                    .ok_or_else(|| at(BindingProblem::NotAString))?;
                let map = next.bindings.entry(ctx).or_default();
                if name.is_empty() {
                    map.remove(&seq);
                    continue;
                }
                let cmd = Command::from_name(name)
                    .ok_or_else(|| at(BindingProblem::UnknownCommand(name.to_string())))?;
                map.insert(seq, cmd);
            }
        }
        *self = next;
        Ok(())
    }

    /// Default, then `<config>/keymap.toml`, then `--keymap FILE`. Returns warnings for files
    /// that could not be applied.
    pub fn load(config_dir: Option<&Path>, extra: Option<&Path>) -> (Keymap, Vec<String>) {
        let mut k = Keymap::default_map();
        let mut warnings = Vec::new();
        let user = config_dir.map(|d| d.join("keymap.toml"));
        for (path, required) in [(user.as_deref(), false), (extra, true)] {
            let Some(path) = path else { continue };
            match std::fs::read_to_string(path) {
                Ok(text) => {
                    if let Err(e) = k.merge_str(&path.display().to_string(), &text) {
                        warnings.push(format!("keymap: {e}; this file was not applied"));
                    }
                }
                Err(e) if required || e.kind() != std::io::ErrorKind::NotFound => {
                    warnings.push(format!("keymap: {}: {e}", path.display()));
                }
                Err(_) => {}
            }
        }
        (k, warnings)
    }

    /// Looks up the keys typed so far in `ctx` (then in global, unless typing text).
    pub fn lookup(&self, ctx: Context, keys: &[Chord]) -> Lookup {
        let layers: &[Context] = match ctx {
            Context::Input => &[Context::Input],
            Context::Editor => &[Context::Editor],
            _ => &[ctx, Context::Global],
        };
        for layer in layers {
            if let Some(cmd) = self.bindings.get(layer).and_then(|m| m.get(keys)) {
                return Lookup::Command(*cmd);
            }
        }
        let pending = layers.iter().any(|layer| {
            self.bindings.get(layer).is_some_and(|m| {
                m.keys()
                    .any(|seq| seq.len() > keys.len() && seq.starts_with(keys))
            })
        });
        if pending {
            Lookup::Pending
        } else {
            Lookup::None
        }
    }

    /// The bindings of one context table (without the global layer).
    pub fn bindings(&self, ctx: Context) -> Vec<(Vec<Chord>, Command)> {
        self.bindings
            .get(&ctx)
            .map(|m| m.iter().map(|(k, c)| (k.clone(), *c)).collect())
            .unwrap_or_default()
    }

    /// The shortest key bound to `cmd` in `ctx` or global, for hints in the status bar.
    pub fn key_for(&self, ctx: Context, cmd: Command) -> Option<String> {
        [ctx, Context::Global].iter().find_map(|c| {
            self.bindings
                .get(c)?
                .iter()
                .filter(|(_, v)| **v == cmd)
                .map(|(k, _)| sequence_to_string(k))
                .min_by_key(|k| (k.chars().count(), k.clone()))
        })
    }

    /// Every binding as (context, keys, command), in a stable order: help and `airc keys`.
    pub fn rows(&self) -> Vec<(Context, String, Command)> {
        let mut out = Vec::new();
        for (ctx, map) in &self.bindings {
            let mut by_cmd: Vec<(String, Command)> = map
                .iter()
                .map(|(k, c)| (sequence_to_string(k), *c))
                .collect();
            by_cmd.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
            out.extend(by_cmd.into_iter().map(|(k, c)| (*ctx, k, c)));
        }
        out
    }

    /// The effective keymap as TOML that `merge_str` reads back to the same keymap.
    pub fn to_toml(&self) -> String {
        let mut out = String::new();
        for (ctx, map) in &self.bindings {
            out.push_str(&format!("[{}]\n", ctx.name()));
            for (seq, cmd) in map {
                let key = sequence_to_string(seq)
                    .replace('\\', "\\\\")
                    .replace('"', "\\\"");
                out.push_str(&format!(
                    "\"{key}\" = \"{}\"  # {}\n",
                    cmd.name(),
                    cmd.description()
                ));
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seq(s: &str) -> Vec<Chord> {
        parse_sequence(s).unwrap_or_default()
    }

    #[test]
    fn default_loads_and_covers_every_context() {
        let mut k = Keymap::default();
        k.merge_str("default", DEFAULT)
            .unwrap_or_else(|e| panic!("{e}"));
        for ctx in Context::ALL {
            assert!(
                k.bindings.get(&ctx).is_some_and(|m| !m.is_empty()),
                "{ctx:?}"
            );
        }
        assert_eq!(
            k.lookup(Context::Table, &seq("j")),
            Lookup::Command(Command::Down)
        );
        assert_eq!(
            k.lookup(Context::Table, &seq("q")),
            Lookup::Command(Command::Quit)
        );
        assert_eq!(
            k.lookup(Context::Detail, &seq("q")),
            Lookup::Command(Command::Close)
        );
        assert_eq!(k.lookup(Context::Table, &seq("g")), Lookup::Pending);
        assert_eq!(
            k.lookup(Context::Table, &seq("g g")),
            Lookup::Command(Command::Top)
        );
        assert_eq!(k.lookup(Context::Input, &seq("q")), Lookup::None);
    }

    #[test]
    fn user_files_override_key_by_key_and_unbind() {
        let mut k = Keymap::default_map();
        k.merge_str(
            "user",
            "[table]\n\"j\" = \"\"\n\"J\" = \"down\"\n[global]\n\"ctrl-q\" = \"quit\"\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(k.lookup(Context::Table, &seq("j")), Lookup::None);
        assert_eq!(
            k.lookup(Context::Table, &seq("J")),
            Lookup::Command(Command::Down)
        );
        assert_eq!(
            k.lookup(Context::Table, &seq("k")),
            Lookup::Command(Command::Up)
        );
        assert_eq!(
            k.lookup(Context::Table, &seq("ctrl-q")),
            Lookup::Command(Command::Quit)
        );
    }

    #[test]
    fn bad_files_name_file_line_key_and_change_nothing() {
        let mut k = Keymap::default_map();
        let before = k.clone();
        let err = k
            .merge_str(
                "my.toml",
                "[table]\n\"j\" = \"down\"\n\"x\" = \"explode\"\n",
            )
            .unwrap_err()
            .to_string();
        assert_eq!(err, "my.toml:3: [table] \"x\": unknown command 'explode' (see `airc keys` or the help overlay)");
        let err = k
            .merge_str("my.toml", "[table]\n\"ctrl-zz\" = \"down\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("my.toml:2: [table] \"ctrl-zz\""), "{err}");
        let err = k.merge_str("my.toml", "[tabel]\n").unwrap_err().to_string();
        assert!(
            err.starts_with("my.toml:1: unknown context [tabel]"),
            "{err}"
        );
        assert!(k.merge_str("my.toml", "[table\n").is_err());
        assert_eq!(k, before);
    }

    #[test]
    fn printed_keymap_reads_back_identically() {
        let k = Keymap::default_map();
        let mut again = Keymap::default();
        again
            .merge_str("printed", &k.to_toml())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again, k);
    }
}
