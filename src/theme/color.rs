//! Colour values in theme files: palette names, ANSI names, `#rrggbb`, or 0–255.

use ratatui::style::Color;
use std::collections::HashMap;

/// A colour value that names nothing.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("'{0}' is not a palette name, a colour name, #rrggbb or 0-255")]
pub struct BadColour(pub String);

pub fn resolve(value: &str, palette: &HashMap<String, String>) -> Result<Color, BadColour> {
    let mut v = value;
    // A palette entry may name another palette entry; stop at 8 hops.
    for _ in 0..8 {
        match palette.get(v) {
            Some(next) => v = next,
            None => break,
        }
    }
    parse(v).ok_or_else(|| BadColour(value.to_string()))
}

fn parse(v: &str) -> Option<Color> {
    if let Some(hex) = v.strip_prefix('#') {
        if hex.len() == 6 {
            let n = u32::from_str_radix(hex, 16).ok()?;
            return Some(Color::Rgb((n >> 16) as u8, (n >> 8) as u8, n as u8));
        }
        return None;
    }
    if let Ok(i) = v.parse::<u8>() {
        return Some(Color::Indexed(i));
    }
    Some(
        match v.to_ascii_lowercase().replace(['_', '-', ' '], "").as_str() {
            "reset" | "default" => Color::Reset,
            "black" => Color::Black,
            "red" => Color::Red,
            "green" => Color::Green,
            "yellow" => Color::Yellow,
            "blue" => Color::Blue,
            "magenta" => Color::Magenta,
            "cyan" => Color::Cyan,
            "gray" | "grey" => Color::Gray,
            "darkgray" | "darkgrey" => Color::DarkGray,
            "lightred" => Color::LightRed,
            "lightgreen" => Color::LightGreen,
            "lightyellow" => Color::LightYellow,
            "lightblue" => Color::LightBlue,
            "lightmagenta" => Color::LightMagenta,
            "lightcyan" => Color::LightCyan,
            "white" => Color::White,
            _ => return None,
        },
    )
}
