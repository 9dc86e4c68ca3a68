//! Help overlay rows, generated from the active keymap (so help never drifts from the
//! bindings), filtered by what the user types.

use crate::keymap::Command;
use crate::keymap::{Context, Keymap};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpRow {
    pub context: Context,
    pub keys: String,
    pub command: Command,
}

pub fn rows(keymap: &Keymap, query: &str) -> Vec<HelpRow> {
    let q = query.to_lowercase();
    keymap
        .rows()
        .into_iter()
        .filter(|(ctx, keys, cmd)| {
            q.is_empty()
                || keys.to_lowercase().contains(&q)
                || cmd.name().contains(&q)
                || cmd.description().to_lowercase().contains(&q)
                || ctx.name().contains(&q)
        })
        .map(|(context, keys, command)| HelpRow {
            context,
            keys,
            command,
        })
        .collect()
}
