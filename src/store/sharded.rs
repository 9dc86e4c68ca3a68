//! A hash index of positions into a list the owner keeps (signals by id, entities by value):
//! it holds only the 4-byte positions and hashes and compares through the owner's list, where a
//! map keyed by the value held a second copy of it (or, keyed by a 64-bit hash, 16 bytes a slot
//! and a side map for colliding hashes) — at a million signals ~20 MB for the id index alone.
//!
//! Split into 256 tables: each grows on its own, so when the index doubles the console's task
//! stops for 1/256 of the rehash, which reads every moved value back from the owner's list
//! (with 16 tables, 10M signals stalled keypresses for up to 116 ms while a replay loaded). A
//! table is picked by bits 32–39 of the hash, which the tables use for nothing: they place an
//! entry by the low bits and tell entries apart by the top 7 before comparing values (picking by
//! the top bits left 3 of those 7 varying within a table, and 1 probe in 8 compared values).

use hashbrown::HashTable;
use std::hash::{BuildHasher, Hash};

const SHARDS: usize = 256;

#[derive(Debug)]
pub struct Positions {
    shards: Vec<HashTable<u32>>,
    hasher: foldhash::fast::RandomState,
    /// Room each table is to have (`reserve`), and the next table `prepare` looks at.
    target: usize,
    cursor: usize,
}

impl Default for Positions {
    fn default() -> Self {
        Positions {
            shards: (0..SHARDS).map(|_| HashTable::new()).collect(),
            hasher: foldhash::fast::RandomState::default(),
            target: 0,
            cursor: SHARDS,
        }
    }
}

impl Positions {
    fn shard(hash: u64) -> usize {
        (hash >> 32) as usize % SHARDS
    }

    /// The hash `find_hashed` and `insert_hashed` take: a value looked up and then added is
    /// hashed once.
    pub fn hash<Q: Hash + ?Sized>(&self, v: &Q) -> u64 {
        self.hasher.hash_one(v)
    }

    /// The position holding `v`; `value` reads the owner's list.
    pub fn find<'a, Q: Hash + PartialEq + ?Sized + 'a>(
        &self,
        v: &Q,
        value: impl Fn(u32) -> Option<&'a Q>,
    ) -> Option<u32> {
        self.find_hashed(self.hash(v), v, value)
    }

    /// `find` with `v`'s hash (`hash`).
    pub fn find_hashed<'a, Q: PartialEq + ?Sized + 'a>(
        &self,
        h: u64,
        v: &Q,
        value: impl Fn(u32) -> Option<&'a Q>,
    ) -> Option<u32> {
        self.shards[Self::shard(h)]
            .find(h, |p| value(*p) == Some(v))
            .copied()
    }

    /// Adds `pos`, which holds `v` (not held before); `value` reads the owner's list when a
    /// table grows.
    #[cfg(test)]
    pub fn insert<'a, Q: Hash + ?Sized + 'a>(
        &mut self,
        v: &Q,
        pos: u32,
        value: impl Fn(u32) -> Option<&'a Q>,
    ) {
        self.insert_hashed(self.hash(v), pos, value)
    }

    /// `insert` with the value's hash (`hash`).
    pub fn insert_hashed<'a, Q: Hash + ?Sized + 'a>(
        &mut self,
        h: u64,
        pos: u32,
        value: impl Fn(u32) -> Option<&'a Q>,
    ) {
        let hasher = &self.hasher;
        self.shards[Self::shard(h)]
            .insert_unique(h, pos, |p| value(*p).map_or(0, |v| hasher.hash_one(v)));
    }

    /// Room for `n` positions in all, spread over the tables as the hashes spread them; made by
    /// `prepare`, a few tables at a time. A load that knows about how many values are coming
    /// skips the tables' growth: each growth re-hashes every value it moves by reading it back
    /// from the owner's list, at 10M events 4–7 ms a table, and a batch of inserts between two
    /// keys met two or three of them. Making all the room at once cost the console 290 ms.
    pub fn reserve(&mut self, n: usize) {
        self.target = self.target.max(n / SHARDS + 1);
        self.cursor = 0;
    }

    /// Makes the room `reserve` asked for in up to `tables` more tables; false once all have it.
    pub fn prepare<'a, Q: Hash + ?Sized + 'a>(
        &mut self,
        tables: usize,
        value: impl Fn(u32) -> Option<&'a Q>,
    ) -> bool {
        let hasher = &self.hasher;
        let end = self.cursor.saturating_add(tables).min(SHARDS);
        for shard in self.shards.get_mut(self.cursor..end).into_iter().flatten() {
            if shard.capacity() < self.target {
                shard.reserve(self.target - shard.len(), |p| {
                    value(*p).map_or(0, |v| hasher.hash_one(v))
                });
            }
        }
        self.cursor = end;
        end < SHARDS
    }

    #[cfg(test)]
    pub fn shard_sizes(&self) -> Vec<usize> {
        self.shards.iter().map(HashTable::len).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_spread_over_the_parts_and_are_found_again() {
        let values: Vec<u64> = (0..10_000).map(|i| i * 7919).collect();
        let mut m = Positions::default();
        for (pos, v) in values.iter().enumerate() {
            m.insert(v, pos as u32, |p| values.get(p as usize));
        }
        for (pos, v) in values.iter().enumerate() {
            assert_eq!(m.find(v, |p| values.get(p as usize)), Some(pos as u32));
        }
        assert_eq!(m.find(&1, |p| values.get(p as usize)), None);
        // Spread, not exact: the hasher's seed is random per index, and over 3,000 seeds the
        // smallest of the 256 parts held 3 to ~40 of these 10,000 values (1 % under 16), the
        // largest at most 90 (the mean is 39). A part under 10 was seen once in a few hundred
        // runs, so this asks for few of them and none four times the mean.
        let sizes = m.shard_sizes();
        let small = sizes.iter().filter(|n| **n < 10).count();
        assert!(
            small <= 8 && sizes.iter().all(|n| *n < 160),
            "uneven parts: {sizes:?}"
        );
        assert_eq!(m.shard_sizes().iter().sum::<usize>(), 10_000);
        // Reserving with values already in: the tables grow a few at a time, re-hashing their
        // values through the list, and they are found again.
        m.reserve(1_000_000);
        let mut rounds = 1;
        while m.prepare(100, |p| values.get(p as usize)) {
            rounds += 1;
        }
        assert_eq!(rounds, SHARDS.div_ceil(100));
        assert!(m.shards.iter().all(|s| s.capacity() >= 1_000_000 / SHARDS));
        for (pos, v) in values.iter().enumerate() {
            assert_eq!(m.find(v, |p| values.get(p as usize)), Some(pos as u32));
        }
        assert!(
            !m.prepare(100, |p| values.get(p as usize)),
            "nothing left to do"
        );
    }

    #[test]
    fn a_position_past_the_list_is_never_a_match() {
        let values = ["a", "b"];
        let mut m = Positions::default();
        m.insert("a", 0, |p| values.get(p as usize).copied());
        m.insert("z", 7, |p| values.get(p as usize).copied());
        assert_eq!(m.find("a", |p| values.get(p as usize).copied()), Some(0));
        assert_eq!(m.find("z", |p| values.get(p as usize).copied()), None);
    }
}
