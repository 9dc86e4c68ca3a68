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

#[derive(Debug)]
pub struct Chunked<T> {
    chunks: Vec<Arc<Vec<T>>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

/// A snapshot: shares every chunk with the original.
impl<T> Clone for Chunked<T> {
    fn clone(&self) -> Self {
        Chunked {
            chunks: self.chunks.clone(),
            len: self.len,
        }
    }
}

impl<T> Chunked<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, i: usize) -> Option<&T> {
        self.chunks.get(i / CHUNK).and_then(|c| c.get(i % CHUNK))
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

impl<T: Clone> Chunked<T> {
    pub fn push(&mut self, v: T) {
        match self.chunks.last_mut() {
            Some(c) if c.len() < CHUNK => Arc::make_mut(c).push(v),
            _ => {
                let mut c = Vec::with_capacity(CHUNK);
                c.push(v);
                self.chunks.push(Arc::new(c));
            }
        }
        self.len += 1;
    }

    /// Mutable access; copies the chunk first when a snapshot shares it.
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        self.chunks
            .get_mut(i / CHUNK)
            .and_then(|c| Arc::make_mut(c).get_mut(i % CHUNK))
    }

    pub fn to_vec(&self) -> Vec<T> {
        self.iter().cloned().collect()
    }
}

impl<T> Index<usize> for Chunked<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        &self.chunks[i / CHUNK][i % CHUNK]
    }
}

impl<T: Clone> FromIterator<T> for Chunked<T> {
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
}
