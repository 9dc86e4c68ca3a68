//! The bounds of a signal's texts, whichever normalizer builds it: `Draft::build` cuts the
//! findings' and monitors'; GuardDuty, Health and CloudTrail build their signals by hand and
//! cut theirs here. Every byte of a record is attacker-controlled, and a megabyte title would
//! be kept, shared, searched and drawn for as long as the signal lives. A cut text ends in "…".
//! (The original record stays whole for the detail view, within the readers' own caps.)

use crate::model::Text;
use std::borrow::Cow;

/// Bytes a signal's title, type, severity reason, account, region, category, actor, product,
/// workflow, or a call's origin and error keeps (the APIs bound a title to 256 characters).
pub const MAX_FIELD: usize = 1024;
/// Bytes a signal's summary keeps (Security Hub bounds a description to 1,024 characters).
pub const MAX_SUMMARY: usize = 4096;

/// A field's text cut to `MAX_FIELD` (borrowed when it fits).
pub fn field(s: &str) -> Cow<'_, str> {
    crate::safe_text::bounded_str(s, MAX_FIELD)
}

/// A field as the signal keeps it.
pub fn text(s: &str) -> Text {
    Text::new(&field(s))
}

/// A summary cut to `MAX_SUMMARY`.
pub fn summary(s: String) -> String {
    crate::safe_text::bounded(s, MAX_SUMMARY)
}
