//! One entity's story members in time order. Most entities have one (most source addresses
//! and request ids appear once: kept inline, no heap block); some have a few (a thin vector,
//! searched and shifted cheaply); one behind thousands switches to a B-tree, so a member
//! arriving out of order never shifts a long array.
//!
//! At a million CloudTrail events the stories held 55 B per event, most of it these time lines:
//! a `Vec` of one 16-byte key took a 64-byte block (its first growth reserves four) and 24 bytes
//! in the entity's map slot.

use std::collections::BTreeSet;
use std::ops::Bound::{Excluded, Unbounded};
use thin_vec::ThinVec;

/// (time, member).
type Key = (i64, u32);

const SMALL: usize = 64;

#[derive(Debug, Clone)]
pub(super) enum Timeline {
    One(Key),
    /// Empty only before the first insert.
    Small(ThinVec<Key>),
    /// Boxed: a bare set is 24 bytes and would make every time line 32.
    #[allow(clippy::box_collection)]
    Large(Box<BTreeSet<Key>>),
}

impl Default for Timeline {
    fn default() -> Timeline {
        Timeline::Small(ThinVec::new())
    }
}

impl Timeline {
    /// Adds `k`; returns its neighbours in time (before, after).
    pub(super) fn insert(&mut self, k: Key) -> (Option<Key>, Option<Key>) {
        match self {
            Timeline::Small(v) if v.is_empty() => {
                *self = Timeline::One(k);
                return (None, None);
            }
            Timeline::One(one) => {
                let one = *one;
                let mut v = ThinVec::with_capacity(2);
                v.push(one);
                *self = Timeline::Small(v);
            }
            Timeline::Small(v) if v.len() >= SMALL => {
                *self = Timeline::Large(Box::new(v.drain(..).collect()));
            }
            _ => {}
        }
        match self {
            Timeline::One(_) => (None, None),
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
            Timeline::One(one) => (*one > k).then_some(*one),
            Timeline::Small(v) => v.get(v.partition_point(|x| *x <= k)).copied(),
            Timeline::Large(s) => s.range((Excluded(k), Unbounded)).next().copied(),
        }
    }

    pub(super) fn iter(&self) -> Box<dyn Iterator<Item = Key> + '_> {
        match self {
            Timeline::One(one) => Box::new(std::iter::once(*one)),
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
        assert_eq!(small.iter().count(), 0);
        assert_eq!(small.insert((30, 30)), (None, None));
        assert!(matches!(small, Timeline::One(_)));
        assert_eq!(small.after((29, 0)), Some((30, 30)));
        assert_eq!(small.after((30, 30)), None);
        assert_eq!(small.iter().collect::<Vec<_>>(), [(30, 30)]);
        assert_eq!(small.insert((10, 10)), (None, Some((30, 30))));
        assert!(matches!(small, Timeline::Small(_)));
        small.insert((20, 20));
        assert_eq!(small.insert((15, 99)), (Some((10, 10)), Some((20, 20))));
        assert_eq!(small.after((20, 20)), Some((30, 30)));
        assert!(std::mem::size_of::<Timeline>() <= 24);
    }
}
