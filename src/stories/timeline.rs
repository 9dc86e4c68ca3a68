//! One entity's story members in time order. Most entities have one (most source addresses
//! and request ids appear once: kept inline, no heap block); some have a few (a thin vector,
//! searched and shifted cheaply); one behind thousands switches to sorted blocks of at most
//! 1,024, so a member arriving out of order never shifts a long array.
//!
//! At a million CloudTrail events the stories held 55 B per event, most of it these time lines:
//! a `Vec` of one 16-byte key took a 64-byte block (its first growth reserves four) and 24 bytes
//! in the entity's map slot.

use thin_vec::ThinVec;

/// (time, member).
type Key = (i64, u32);

const SMALL: usize = 64;

#[derive(Debug, Clone)]
pub(super) enum Timeline {
    One(Key),
    /// Empty only before the first insert.
    Small(ThinVec<Key>),
    /// Boxed: bare blocks are 24 bytes and would make every time line 32.
    Large(Box<Blocks>),
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
                *self = Timeline::Large(Box::new(Blocks::of(v)));
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
            Timeline::Large(b) => b.insert(k),
        }
    }

    /// The member right after `k` in time.
    pub(super) fn after(&self, k: Key) -> Option<Key> {
        match self {
            Timeline::One(one) => (*one > k).then_some(*one),
            Timeline::Small(v) => v.get(v.partition_point(|x| *x <= k)).copied(),
            Timeline::Large(b) => b.after(k),
        }
    }

    pub(super) fn iter(&self) -> Box<dyn Iterator<Item = Key> + '_> {
        match self {
            Timeline::One(one) => Box::new(std::iter::once(*one)),
            Timeline::Small(v) => Box::new(v.iter().copied()),
            Timeline::Large(b) => Box::new(b.blocks.iter().flatten().copied()),
        }
    }
}

/// Keys in order, in blocks of at most `BLOCK`. The principal behind an attack is in hundreds of
/// thousands of story members: a B-tree of their 16-byte keys took ~30 bytes a key (its nodes
/// half full after in-order inserts); a block filled in order is exactly 16 KiB, one allocation
/// with nothing unused. A key past the last one starts a new block when the last is full; one
/// arriving out of order into a full block splits it.
#[derive(Debug, Clone, Default)]
pub(super) struct Blocks {
    blocks: Vec<Vec<Key>>,
}

const BLOCK: usize = 1024;

impl Blocks {
    fn of(keys: &[Key]) -> Blocks {
        // The first block grows to `BLOCK` as keys come: most long time lines stay short of it.
        let mut first = Vec::with_capacity((2 * keys.len()).min(BLOCK));
        first.extend_from_slice(keys);
        Blocks {
            blocks: vec![first],
        }
    }

    /// Adds `k`; returns its neighbours (before, after).
    fn insert(&mut self, k: Key) -> (Option<Key>, Option<Key>) {
        // The block it goes in: the first whose last key is past it, else the last.
        let last = self.blocks.len().saturating_sub(1);
        let mut b = self
            .blocks
            .partition_point(|b| b.last().is_some_and(|x| *x < k))
            .min(last);
        if self.blocks.is_empty() {
            self.blocks.push(Vec::with_capacity(BLOCK));
        }
        if self.blocks[b].len() >= BLOCK {
            let full = &mut self.blocks[b];
            if b == last && full.last().is_some_and(|x| *x < k) {
                // In order: a new block.
                self.blocks.push(Vec::with_capacity(BLOCK));
                b += 1;
            } else {
                // Split where the key goes when that is in the upper half: a key arriving a
                // little late leaves the block below nearly full, not half.
                let at = full.partition_point(|x| *x < k).clamp(BLOCK / 2, BLOCK - 1);
                // The last block fills as keys come in order; one in between grows only by
                // late keys, so it starts small.
                let room = match b == last {
                    true => BLOCK,
                    false => (2 * (BLOCK - at + 1)).min(BLOCK),
                };
                let mut upper = Vec::with_capacity(room);
                upper.extend(full.drain(at..));
                let goes_up = upper.first().is_some_and(|x| *x < k);
                self.blocks.insert(b + 1, upper);
                b += usize::from(goes_up);
            }
        }
        let block = &mut self.blocks[b];
        if block.len() == block.capacity() {
            // Doubling, but never past `BLOCK` (a `Vec` would double 520 to 1,040).
            let more = block.capacity().clamp(1, BLOCK - block.len());
            block.reserve_exact(more);
        }
        let at = block.partition_point(|x| *x < k);
        block.insert(at, k);
        let before = match at {
            0 => b
                .checked_sub(1)
                .and_then(|p| self.blocks[p].last().copied()),
            _ => Some(self.blocks[b][at - 1]),
        };
        let after = match self.blocks[b].get(at + 1) {
            Some(x) => Some(*x),
            None => self.blocks.get(b + 1).and_then(|n| n.first().copied()),
        };
        (before, after)
    }

    fn after(&self, k: Key) -> Option<Key> {
        let b = self
            .blocks
            .partition_point(|b| b.last().is_some_and(|x| *x <= k));
        let block = self.blocks.get(b)?;
        block.get(block.partition_point(|x| *x <= k)).copied()
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

    #[test]
    fn blocks_keep_order_and_neighbours_in_and_out_of_order() {
        // Against a sorted list, through appends, blocks filling, and inserts that split them.
        let mut t = Timeline::default();
        let mut want: Vec<Key> = Vec::new();
        let mut x: u64 = 88_172_645_463_325_252;
        for m in 0..20_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Mostly in order, one in eight anywhere.
            let time = if x.is_multiple_of(8) {
                (x >> 8) as i64 % 20_000
            } else {
                i64::from(m)
            };
            let k = (time, m);
            let at = want.partition_point(|w| *w < k);
            let expect = (at.checked_sub(1).map(|i| want[i]), want.get(at).copied());
            want.insert(at, k);
            assert_eq!(t.insert(k), expect, "{k:?}");
            if m % 97 == 0 {
                let probe = (time, u32::MAX);
                let next = want.get(want.partition_point(|w| *w <= probe)).copied();
                assert_eq!(t.after(probe), next);
            }
        }
        assert_eq!(t.iter().collect::<Vec<_>>(), want);
        let Timeline::Large(b) = &t else {
            panic!("large");
        };
        assert!(b.blocks.iter().all(|b| !b.is_empty() && b.len() <= BLOCK));
        assert!(
            b.blocks.iter().all(|b| b.capacity() <= BLOCK),
            "no block over 16 KiB"
        );
        // Keys in order but one in fifty a little late (files of several regions interleaved):
        // the blocks stay nearly full.
        let mut t = Timeline::default();
        for m in 0..20_000u32 {
            let time = if m % 50 == 0 {
                i64::from(m) - 30
            } else {
                i64::from(m)
            };
            t.insert((time, m));
        }
        let Timeline::Large(b) = &t else {
            panic!("large");
        };
        let held: usize = b.blocks.iter().map(Vec::capacity).sum();
        assert!(held < 20_000 * 11 / 10, "{held} keys of room for 20,000");
        assert!(
            b.blocks.len() < 2 * 20_000 / BLOCK + 2,
            "{} blocks",
            b.blocks.len()
        );
    }
}
