//! Each held signal's entities, as numbers into the store's entity table, by store position.
//!
//! Per chunk of signals (the chunks of `Chunked`, so a pass over one chunk of signals finds their
//! lists in one part) one block of numbers and one 4-byte span per signal (where its numbers
//! start, how many): ~18 bytes a record where a list of its own was ~88 (an 8-byte pointer, a
//! 16-byte header and 16 bytes an entity, in the allocator's next size up). Parts are shared with
//! snapshots and copied on write, like `Chunked`.
//!
//! Hand-written: it is a few lines over `Vec` and `Arc`; a crate of ragged arrays would still
//! need the copy-on-write parts around it.

use super::chunked::CHUNK;
use std::sync::Arc;

/// Bits of a span that hold the count; the rest hold the start.
const COUNT_BITS: u32 = 9;
/// A count this large or larger (a Health event's thousands of affected entities) is written as
/// the first number of the list instead, and the span says `LONG`.
const LONG: usize = (1 << COUNT_BITS) - 1;
/// The most numbers a part holds before its lists are packed again (only replacing signals with
/// longer lists leaves unused numbers behind); also the most one list keeps.
const MAX_START: usize = (1 << (32 - COUNT_BITS)) - 1;

#[derive(Debug, Default, Clone)]
pub struct EntityLists {
    parts: Vec<Arc<Part>>,
    len: usize,
}

/// The lists of one chunk of signals (`EntityLists::chunk`).
#[derive(Clone, Copy)]
pub struct ChunkLists<'a>(Option<&'a Part>);

impl<'a> ChunkLists<'a> {
    /// The list of the chunk's `k`th signal.
    pub fn get(self, k: usize) -> &'a [u32] {
        self.0.map_or(&[], |p| p.get(k))
    }
}

#[derive(Debug, Default)]
struct Part {
    spans: Vec<u32>,
    ids: Vec<u32>,
}

/// The copy made when a snapshot shares the part being written keeps the room the original had
/// (a plain clone has room only for what it holds, and growing from there doubled the spans of
/// a part that a snapshot had copied half way).
impl Clone for Part {
    fn clone(&self) -> Self {
        let mut spans = Vec::with_capacity(self.spans.capacity().max(CHUNK));
        spans.extend_from_slice(&self.spans);
        let mut ids = Vec::with_capacity(self.ids.capacity());
        ids.extend_from_slice(&self.ids);
        Part { spans, ids }
    }
}

/// Where the list a span names starts in `ids`, how many numbers it takes there (the count's
/// own number included for a long list), and whether it is long.
fn place(span: u32, ids: &[u32]) -> (usize, usize, bool) {
    let start = (span >> COUNT_BITS) as usize;
    match span as usize & LONG {
        LONG => (start, 1 + ids.get(start).map_or(0, |n| *n as usize), true),
        n => (start, n, false),
    }
}

impl Part {
    fn get(&self, k: usize) -> &[u32] {
        let Some(&span) = self.spans.get(k) else {
            return &[];
        };
        let (start, n, long) = place(span, &self.ids);
        let list = self.ids.get(start..start + n).unwrap_or(&[]);
        list.get(usize::from(long)..).unwrap_or(&[])
    }

    /// Writes `ids` at `start` (room checked by the caller); their span.
    fn write(&mut self, start: usize, ids: &[u32]) -> u32 {
        let long = ids.len() >= LONG;
        let at = self
            .ids
            .get_mut(start..start + ids.len() + usize::from(long));
        if let Some(at) = at {
            if long {
                at[0] = ids.len() as u32;
                at[1..].copy_from_slice(ids);
            } else {
                at.copy_from_slice(ids);
            }
        }
        ((start as u32) << COUNT_BITS) | ids.len().min(LONG) as u32
    }

    /// Appends `ids` to the numbers; their span.
    fn append(&mut self, ids: &[u32]) -> u32 {
        let ids = &ids[..ids.len().min(MAX_START / 2)];
        let need = ids.len() + usize::from(ids.len() >= LONG);
        if self.ids.len() + need > MAX_START {
            self.pack();
        }
        let start = self.ids.len();
        self.ids.resize(start + need, 0);
        self.write(start, ids)
    }

    /// Lays the lists out again one after the other, dropping numbers no span points at.
    fn pack(&mut self) {
        let old = std::mem::take(&mut self.ids);
        let mut ids = Vec::with_capacity(old.len());
        for span in &mut self.spans {
            let (start, n, _) = place(*span, &old);
            let list = old.get(start..start + n).unwrap_or(&[]);
            *span = ((ids.len() as u32) << COUNT_BITS) | (*span & LONG as u32);
            ids.extend_from_slice(list);
        }
        self.ids = ids;
    }
}

impl EntityLists {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The numbers of the entities of the signal at `i` (none past the end).
    pub fn get(&self, i: usize) -> &[u32] {
        self.parts.get(i / CHUNK).map_or(&[], |p| p.get(i % CHUNK))
    }

    /// The lists of the signals of chunk `c` (positions from `c * CHUNK`), for a pass over a chunk.
    pub fn chunk(&self, c: usize) -> ChunkLists<'_> {
        ChunkLists(self.parts.get(c).map(|p| &**p))
    }

    /// The list of the next signal.
    pub fn push(&mut self, ids: &[u32]) {
        if self.len.is_multiple_of(CHUNK) {
            // The part before is full: no room held past its numbers.
            if let Some(last) = self.parts.last_mut() {
                Arc::make_mut(last).ids.shrink_to_fit();
            }
            self.parts.push(Arc::new(Part {
                spans: Vec::with_capacity(CHUNK),
                ids: Vec::new(),
            }));
        }
        if let Some(last) = self.parts.last_mut() {
            let part = Arc::make_mut(last);
            let span = part.append(ids);
            part.spans.push(span);
            self.len += 1;
        }
    }

    /// Replaces the list of the signal at `i` (in place when the new one is no longer).
    pub fn set(&mut self, i: usize, ids: &[u32]) {
        let Some(part) = self.parts.get_mut(i / CHUNK) else {
            return;
        };
        let part = Arc::make_mut(part);
        let Some(&span) = part.spans.get(i % CHUNK) else {
            return;
        };
        let (start, room, _) = place(span, &part.ids);
        let need = ids.len() + usize::from(ids.len() >= LONG);
        part.spans[i % CHUNK] = if need <= room {
            part.write(start, ids)
        } else {
            part.append(ids)
        };
    }

    /// Heap bytes held (for `airc bench`).
    pub fn heap_bytes(&self) -> usize {
        self.parts
            .iter()
            .map(|p| 4 * (p.spans.capacity() + p.ids.capacity()))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_kept_by_position_across_parts_and_replacements() {
        let mut l = EntityLists::default();
        let list = |i: usize| {
            (0..(i % 5) as u32)
                .map(|k| i as u32 * 10 + k)
                .collect::<Vec<_>>()
        };
        for i in 0..CHUNK * 2 + 3 {
            l.push(&list(i));
        }
        assert_eq!(l.len(), CHUNK * 2 + 3);
        for i in 0..l.len() {
            assert_eq!(l.get(i), list(i).as_slice(), "signal {i}");
        }
        assert_eq!(l.get(l.len()), &[] as &[u32], "past the end");
        let snap = l.clone();
        l.set(4, &[1, 2]); // shorter: in place
        l.set(5, &[7, 8, 9, 10, 11, 12]); // longer: appended
        l.set(6, &[]);
        assert_eq!(l.get(4), &[1, 2]);
        assert_eq!(l.get(5), &[7, 8, 9, 10, 11, 12]);
        assert_eq!(l.get(6), &[] as &[u32]);
        assert_eq!(l.get(3), list(3).as_slice(), "neighbours untouched");
        assert_eq!(l.get(9), list(9).as_slice());
        assert_eq!(
            snap.get(4),
            list(4).as_slice(),
            "the snapshot keeps its copy"
        );
        assert_eq!(snap.get(5), list(5).as_slice());
        // Long lists (a Health event's affected entities): pushed, replaced by shorter and longer.
        let long: Vec<u32> = (0..10_000).collect();
        l.push(&long);
        let last = l.len() - 1;
        assert_eq!(l.get(last), long.as_slice());
        l.set(last, &long[..LONG]);
        assert_eq!(l.get(last), &long[..LONG]);
        l.set(last, &long[..3]);
        assert_eq!(l.get(last), &long[..3]);
        l.set(last, &long[..LONG - 1]);
        assert_eq!(l.get(last), &long[..LONG - 1]);
        l.set(7, &long);
        assert_eq!(l.get(7), long.as_slice());
        assert_eq!(l.get(8), list(8).as_slice());
    }

    #[test]
    fn a_part_packs_its_lists_when_replacements_fill_it() {
        let mut p = Part::default();
        for list in [&[1, 2, 3][..], &[4]] {
            let span = p.append(list);
            p.spans.push(span);
        }
        let long: Vec<u32> = (0..1000).collect();
        let span = p.append(&long);
        p.spans.push(span);
        p.ids.resize(MAX_START - 1, 0); // numbers no span points at, as replacements leave
        let span = p.append(&[5, 6]);
        p.spans.push(span);
        assert_eq!(p.ids.len(), 4 + 1001 + 2, "packed before appending");
        assert_eq!(
            (p.get(0), p.get(1), p.get(3)),
            (&[1, 2, 3][..], &[4][..], &[5, 6][..])
        );
        assert_eq!(p.get(2), long.as_slice());
    }

    #[test]
    fn a_part_copied_for_a_snapshot_keeps_room_for_a_chunk_of_spans() {
        let mut l = EntityLists::default();
        let mut snaps = Vec::new();
        for i in 0..2 * CHUNK {
            l.push(&[i as u32, 1]);
            if i % 7 == 0 {
                snaps.push(l.clone());
            }
        }
        for p in &l.parts {
            assert_eq!(p.spans.capacity(), CHUNK);
        }
        assert!((0..2 * CHUNK).all(|i| l.get(i) == [i as u32, 1]));
    }
}
