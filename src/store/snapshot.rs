//! What a background view pass reads from the store, and the per-signal letter masks that let a
//! fuzzy filter skip most signals unread.

use super::Chunked;
use crate::model::{EntitiesOf, Entity, EntityNames, Signal};

/// What a background view pass reads: the signals and their entities as they were when it
/// started, shared with the store (see `Chunked`).
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Held signals: read their entities with `entities_at`.
    pub signals: Chunked<Signal>,
    /// Every entity seen, by id.
    pub entities: super::EntityChunks,
    /// Each signal's entities, as ids into `entities`, by position.
    pub lists: super::EntityLists,
    /// Per signal: `text_mask` of its text and its source (see `Store::masks`).
    pub masks: Chunked<u64>,
    /// Changes when positions stop meaning the same signals (the store was rebuilt).
    pub epoch: u64,
    /// Changes whenever a signal is added or replaced.
    pub version: u64,
}

impl Snapshot {
    /// The entities of the signal at `i`.
    pub fn entities_at(&self, i: usize) -> EntitiesOf<'_> {
        EntitiesOf::Numbered(self.lists.get(i), &self.entities)
    }
}

impl EntityNames for super::EntityChunks {
    fn entity(&self, id: u32) -> Option<&Entity> {
        self.get(id as usize)
    }
}

/// Bits 0–35: which of `a`–`z` and `0`–`9` (case folded) occur in the text a fuzzy filter
/// searches (summary, title, actor, id). A filter whose letters are not all there cannot match,
/// and this is known without reading the signal itself.
pub fn text_mask(text: &str) -> u64 {
    text.bytes().fold(0, |m, b| m | CHAR_BITS[b as usize])
}

/// `char_bit` of every byte, looked up rather than branched on: the mask is made for every
/// signal as it arrives (it showed in the load profile).
static CHAR_BITS: [u64; 256] = {
    let mut t = [0; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = char_bit(b as u8);
        b += 1;
    }
    t
};

const fn char_bit(b: u8) -> u64 {
    match b.to_ascii_lowercase() {
        c @ b'a'..=b'z' => 1 << (c - b'a'),
        c @ b'0'..=b'9' => 1 << (26 + c - b'0'),
        _ => 0,
    }
}

/// Bits 62–63 of a mask: the signal pane that shows it (`Source::pane`).
pub const SOURCE_SHIFT: u32 = 62;

pub(super) fn signal_mask(s: &Signal) -> u64 {
    let mut summary = 0;
    s.summary_until(|p| {
        summary |= text_mask(p);
        false
    });
    let text = summary
        | text_mask(s.title())
        | text_mask(s.actor().unwrap_or(""))
        | s.id.with_str(text_mask);
    text | (s.source.pane() as u64) << SOURCE_SHIFT
}
