//! A hash map split into 16 maps by the top bits of the key's hash. Each part grows on its own,
//! so when a million-entry map doubles, the console's task stops for a sixteenth of the rehash
//! (a few milliseconds) instead of all of it (measured ~100 ms at a million ids, long enough to
//! drop keypresses while a replay loads).

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};

type State = foldhash::fast::RandomState;

#[derive(Debug)]
pub struct Sharded<K, V> {
    shards: Vec<HashMap<K, V, State>>,
    hasher: State,
}

impl<K, V> Default for Sharded<K, V> {
    fn default() -> Self {
        Sharded {
            shards: (0..16).map(|_| HashMap::default()).collect(),
            hasher: State::default(),
        }
    }
}

impl<K: Hash + Eq, V> Sharded<K, V> {
    fn shard<Q: Hash + ?Sized>(&self, k: &Q) -> usize {
        (self.hasher.hash_one(k) >> 60) as usize
    }

    pub fn get(&self, k: &K) -> Option<&V> {
        self.shards[self.shard(k)].get(k)
    }

    pub fn entry(&mut self, k: K) -> std::collections::hash_map::Entry<'_, K, V> {
        let s = self.shard(&k);
        self.shards[s].entry(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_spread_over_the_parts_and_are_found_again() {
        let mut m: Sharded<u64, u64> = Sharded::default();
        for i in 0..10_000 {
            m.entry(i * 7919).or_insert(i);
        }
        for i in 0..10_000 {
            assert_eq!(m.get(&(i * 7919)), Some(&i));
        }
        assert_eq!(m.get(&1), None);
        assert!(m.shards.iter().all(|s| s.len() > 400), "uneven parts");
        assert_eq!(m.shards.iter().map(HashMap::len).sum::<usize>(), 10_000);
    }
}
