//! Containers for the stories that grow a part at a time. At 10M events the stories hold
//! millions of members, entity links and roots; a `Vec` that doubles copies all of them in one
//! step and a hash map that grows rehashes all of them, on the console's task while a replay
//! loads (measured: 171 ms for the member list at a million members, 128 ms for the entity
//! links, 52 ms for the position map). Here a list grows by segments of at most 65,536 items and a
//! map by one of 256 parts, so no step moves more than a small share.

use std::collections::hash_map::{Entry, HashMap};
use std::ops::{Index, IndexMut};

type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

const PARTS: usize = 256;
const SEGMENT: usize = 1 << 16;

/// A map from ids handed out in sequence (member, entity and store positions), split by the
/// id's low byte so that consecutive ids spread evenly over the parts.
#[derive(Debug)]
pub struct SplitMap<V> {
    parts: Vec<Map<u32, V>>,
}

impl<V> Default for SplitMap<V> {
    fn default() -> Self {
        SplitMap {
            parts: (0..PARTS).map(|_| Map::default()).collect(),
        }
    }
}

impl<V> SplitMap<V> {
    fn part(k: u32) -> usize {
        k as usize % PARTS
    }

    pub fn get(&self, k: &u32) -> Option<&V> {
        self.parts[Self::part(*k)].get(k)
    }

    pub fn get_mut(&mut self, k: &u32) -> Option<&mut V> {
        self.parts[Self::part(*k)].get_mut(k)
    }

    pub fn insert(&mut self, k: u32, v: V) -> Option<V> {
        self.parts[Self::part(k)].insert(k, v)
    }

    pub fn remove(&mut self, k: &u32) -> Option<V> {
        self.parts[Self::part(*k)].remove(k)
    }

    pub fn entry(&mut self, k: u32) -> Entry<'_, u32, V> {
        self.parts[Self::part(k)].entry(k)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&u32, &V)> {
        self.parts.iter().flat_map(|p| p.iter())
    }

    /// Gives back the room of entries removed since the map was largest.
    pub fn shrink_to_fit(&mut self) {
        for p in &mut self.parts {
            p.shrink_to_fit();
        }
    }
}

/// A list that grows by segments of up to 65,536 items: growing moves at most one segment.
#[derive(Debug)]
pub struct Segments<T> {
    segments: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Segments<T> {
    fn default() -> Self {
        Segments {
            segments: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Segments<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn get(&self, i: usize) -> Option<&T> {
        self.segments.get(i / SEGMENT)?.get(i % SEGMENT)
    }

    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        self.segments.get_mut(i / SEGMENT)?.get_mut(i % SEGMENT)
    }

    pub fn push(&mut self, v: T) {
        match self.segments.last_mut() {
            Some(s) if s.len() < SEGMENT => s.push(v),
            // A new segment grows like a `Vec` up to its size (a small replay's stories stay
            // small; the largest copy is one segment's).
            _ => self.segments.push(vec![v]),
        }
        self.len += 1;
    }
}

impl<T> Index<usize> for Segments<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        &self.segments[i / SEGMENT][i % SEGMENT]
    }
}

impl<T> IndexMut<usize> for Segments<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        &mut self.segments[i / SEGMENT][i % SEGMENT]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_split_map_keeps_every_entry_across_its_parts() {
        let mut m: SplitMap<u64> = SplitMap::default();
        for k in 0..10_000u32 {
            assert_eq!(m.insert(k, u64::from(k) * 3), None);
        }
        *m.entry(7).or_insert(0) += 1;
        assert_eq!(m.get(&7), Some(&22));
        if let Some(v) = m.get_mut(&8) {
            *v = 0;
        }
        assert_eq!(m.remove(&8), Some(0));
        assert_eq!(m.get(&8), None);
        assert_eq!(m.iter().count(), 9_999);
        assert!(m.parts.iter().all(|p| p.len() >= 39), "uneven parts");
    }

    #[test]
    fn segments_index_across_segment_boundaries() {
        let mut s = Segments::default();
        for i in 0..(SEGMENT * 2 + 5) {
            s.push(i);
        }
        assert_eq!(s.len(), SEGMENT * 2 + 5);
        assert_eq!(s[SEGMENT - 1], SEGMENT - 1);
        assert_eq!(s[SEGMENT], SEGMENT);
        s[SEGMENT * 2 + 4] = 1;
        assert_eq!(s[SEGMENT * 2 + 4], 1);
        assert_eq!(s.get(SEGMENT), Some(&SEGMENT));
        assert_eq!(s.get(SEGMENT * 2 + 5), None);
        if let Some(x) = s.get_mut(3) {
            *x = 9;
        }
        assert_eq!(s[3], 9);
        assert_eq!(s.segments.len(), 3);
    }
}
