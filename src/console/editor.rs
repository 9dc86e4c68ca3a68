//! $EDITOR for notes: the text goes into a private temporary file, the editor runs on the
//! terminal, the text comes back. In the console this is a step of the loop (`run.rs`), which
//! drops its input stream first, so no reader thread competes with the editor for keys.

use std::io::Write;

/// Opens $EDITOR (or $VISUAL, else vi) on a temporary file holding `initial`; returns the text.
pub fn edit_in_editor(initial: &str) -> Result<String, String> {
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".into());
    let mut file = tempfile::Builder::new()
        .suffix(".md")
        .tempfile()
        .map_err(|e| format!("temporary file: {e}"))?;
    // Editors append on a new line when the text ends with one.
    let mut body = initial.to_string();
    if !body.is_empty() && !body.ends_with('\n') {
        body.push('\n');
    }
    file.write_all(body.as_bytes())
        .map_err(|e| format!("temporary file: {e}"))?;
    let path = file.path().to_path_buf();
    let mut parts = editor.split_whitespace();
    let program = parts.next().unwrap_or("vi");
    let status = std::process::Command::new(program)
        .args(parts)
        .arg(&path)
        .status()
        .map_err(|e| format!("cannot run editor '{editor}': {e}"))?;
    if !status.success() {
        // The file holds whatever the responder wrote before the editor failed: it is kept
        // (0600, never deleted) and the message names it.
        return Err(match file.keep() {
            Ok((_, path)) => format!(
                "editor '{editor}' exited with {status}; nothing saved (your text is in {})",
                path.display()
            ),
            Err(e) => format!("editor '{editor}' exited with {status}; nothing saved ({e})"),
        });
    }
    std::fs::read_to_string(&path)
        .map(|s| s.trim_end().to_string())
        .map_err(|e| match file.keep() {
            Ok((_, kept)) => format!("{}: {e} (the file is kept)", kept.display()),
            Err(_) => format!("{}: {e}", path.display()),
        })
}
