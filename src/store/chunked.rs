//! An append-only vector in shared chunks: a snapshot is a handful of reference-count bumps, so a
//! background task can filter and sort a million signals while the feed keeps appending. Writing
//! to a chunk a snapshot still holds copies that chunk first (copy on write), which is rare: the
//! tail chunk once per snapshot, an older one only when a signal is replaced in place.
//!
//! Hand-written because the crates for persistent vectors (im, rpds) pay a tree walk on every
//! index and a node copy on every push, where the store only ever appends and reads by position.

use std::ops::Index;
use std::sync::Arc;

/// Items per chunk: small enough that copying the tail chunk costs well under a millisecond, and
/// as many signals as fill 128 KiB. The allocator (mimalloc) gives a block over 64 KiB whole
/// 64 KiB slices: 1,024 signals of 120 or of 112 bytes both took two slices, 8 and 16 bytes a
/// signal left unused. Every chunked vector uses the same length, so that position `i` is in
/// chunk `i / CHUNK` of each (the view pass reads the signals, their masks and their entity
/// lists a chunk at a time).
pub(super) const CHUNK: usize = 128 * 1024 / std::mem::size_of::<crate::model::Signal>();

/// The entity table's entities by id: 4,096 of 16 bytes, exactly one 64 KiB block (1,170 took a
/// 20 KiB size class for 18.3 KiB).
pub type EntityChunks =
    Chunked<crate::model::Entity, { 64 * 1024 / std::mem::size_of::<crate::model::Entity>() }>;

/// `N` items a chunk: `CHUNK` unless a list is indexed on its own (`EntityChunks`).
#[derive(Debug)]
pub struct Chunked<T, const N: usize = CHUNK> {
    chunks: Vec<Arc<Vec<T>>>,
    len: usize,
}

impl<T, const N: usize> Default for Chunked<T, N> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

/// A snapshot: shares every chunk with the original.
impl<T, const N: usize> Clone for Chunked<T, N> {
    fn clone(&self) -> Self {
        Chunked {
            chunks: self.chunks.clone(),
            len: self.len,
        }
    }
}

impl<T, const N: usize> Chunked<T, N> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, i: usize) -> Option<&T> {
        self.chunks.get(i / N).and_then(|c| c.get(i % N))
    }

    pub fn first(&self) -> Option<&T> {
        self.get(0)
    }

    pub fn last(&self) -> Option<&T> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + '_ {
        self.chunks.iter().flat_map(|c| c.iter())
    }

    /// The chunks as slices, in order (for passes that work a chunk at a time).
    pub fn slices(&self) -> impl Iterator<Item = &[T]> + '_ {
        self.chunks.iter().map(|c| c.as_slice())
    }
}

impl<T: Clone, const N: usize> Chunked<T, N> {
    pub fn push(&mut self, v: T) {
        match self.chunks.last_mut() {
            Some(c) if c.len() < N => unshared::<T, N>(c).push(v),
            _ => {
                let mut c = Vec::with_capacity(N);
                c.push(v);
                self.chunks.push(Arc::new(c));
            }
        }
        self.len += 1;
    }

    /// Mutable access; copies the chunk first when a snapshot shares it.
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        self.chunks
            .get_mut(i / N)
            .and_then(|c| unshared::<T, N>(c).get_mut(i % N))
    }

    pub fn to_vec(&self) -> Vec<T> {
        self.iter().cloned().collect()
    }
}

/// The chunk to write to, copied first when a snapshot shares it. The copy has room for the
/// whole chunk: a plain clone has room for what it holds, and pushing past that doubled it, so
/// in the console (a snapshot every view pass) a full chunk held ~25 % more than its items.
fn unshared<T: Clone, const N: usize>(c: &mut Arc<Vec<T>>) -> &mut Vec<T> {
    if Arc::get_mut(c).is_none() {
        let mut copy = Vec::with_capacity(N.max(c.len()));
        copy.extend_from_slice(c);
        *c = Arc::new(copy);
    }
    // Not shared now: no copy.
    Arc::make_mut(c)
}

impl<T, const N: usize> Index<usize> for Chunked<T, N> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        &self.chunks[i / N][i % N]
    }
}

impl<T: Clone, const N: usize> FromIterator<T> for Chunked<T, N> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut out = Chunked::default();
        for v in iter {
            out.push(v);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_keeps_its_contents_while_the_original_grows_and_changes() {
        let mut v: Chunked<usize> = (0..CHUNK + 5).collect();
        let snap = v.clone();
        v.push(99);
        if let Some(x) = v.get_mut(3) {
            *x = 7;
        }
        assert_eq!(v.len(), CHUNK + 6);
        assert_eq!(snap.len(), CHUNK + 5);
        assert_eq!(snap[3], 3);
        assert_eq!(v[3], 7);
        assert_eq!(v.last(), Some(&99));
        assert_eq!(snap.last(), Some(&(CHUNK + 4)));
        assert_eq!(snap.iter().count(), CHUNK + 5);
        assert_eq!(v.get(CHUNK + 6), None);
        assert_eq!(v.slices().map(<[usize]>::len).sum::<usize>(), CHUNK + 6);
    }

    #[test]
    fn a_chunk_copied_for_a_snapshot_holds_no_more_room_than_a_chunk() {
        // The console takes a snapshot for every view pass while signals arrive.
        let mut v: Chunked<u64> = Chunked::default();
        let mut snaps = Vec::new();
        for i in 0..3 * CHUNK as u64 {
            v.push(i);
            if i % 7 == 0 {
                snaps.push(v.clone());
            }
            if let Some(x) = v.get_mut(i as usize / 2) {
                *x += 0;
            }
        }
        for c in &v.chunks {
            assert_eq!(c.capacity(), CHUNK);
        }
        assert!(v.iter().copied().eq(0..3 * CHUNK as u64));
    }
}
