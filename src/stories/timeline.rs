//! One entity's story members in time order. Most entities have a few (a Vec, searched and
//! shifted cheaply); one behind thousands switches to a B-tree, so a member arriving out of
//! order (parallel readers interleave the files' times) never shifts a long array.

use std::collections::BTreeSet;
use std::ops::Bound::{Excluded, Unbounded};

/// (time, member).
type Key = (i64, u32);

const SMALL: usize = 64;

#[derive(Debug, Clone)]
pub(super) enum Timeline {
    Small(Vec<Key>),
    Large(BTreeSet<Key>),
}

impl Default for Timeline {
    fn default() -> Timeline {
        Timeline::Small(Vec::new())
    }
}

impl Timeline {
    /// Adds `k`; returns its neighbours in time (before, after).
    pub(super) fn insert(&mut self, k: Key) -> (Option<Key>, Option<Key>) {
        if let Timeline::Small(v) = self {
            if v.len() >= SMALL {
                *self = Timeline::Large(v.drain(..).collect());
            }
        }
        match self {
            Timeline::Small(v) => {
                let at = v.partition_point(|x| *x < k);
                v.insert(at, k);
                (at.checked_sub(1).map(|i| v[i]), v.get(at + 1).copied())
            }
            Timeline::Large(s) => {
                s.insert(k);
                (s.range(..k).next_back().copied(), self.after(k))
            }
        }
    }

    /// The member right after `k` in time.
    pub(super) fn after(&self, k: Key) -> Option<Key> {
        match self {
            Timeline::Small(v) => v.get(v.partition_point(|x| *x <= k)).copied(),
            Timeline::Large(s) => s.range((Excluded(k), Unbounded)).next().copied(),
        }
    }

    pub(super) fn iter(&self) -> Box<dyn Iterator<Item = Key> + '_> {
        match self {
            Timeline::Small(v) => Box::new(v.iter().copied()),
            Timeline::Large(s) => Box::new(s.iter().copied()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbours_are_the_same_small_or_large() {
        let mut t = Timeline::default();
        // Out of order, past the switch to the tree.
        let times: Vec<i64> = (0..200).map(|i| (i * 7919) % 200).collect();
        for (m, time) in times.iter().enumerate() {
            t.insert((*time * 10, m as u32));
        }
        assert!(matches!(t, Timeline::Large(_)));
        let all: Vec<Key> = t.iter().collect();
        assert!(all.windows(2).all(|w| w[0] < w[1]));
        let (before, after) = t.insert((505, 999));
        assert_eq!(before.map(|k| k.0), Some(500));
        assert_eq!(after.map(|k| k.0), Some(510));
        assert_eq!(t.after((505, 999)).map(|k| k.0), Some(510));
        let mut small = Timeline::default();
        for time in [30, 10, 20] {
            small.insert((time, time as u32));
        }
        assert_eq!(small.insert((15, 99)), (Some((10, 10)), Some((20, 20))));
        assert_eq!(small.after((20, 20)), Some((30, 30)));
    }
}
