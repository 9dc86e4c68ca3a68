//! A story as a reader who may not see some of its signals sees it: its visible members
//! joined again by the story's own rule (a strong entity that is not busy, neighbours in time
//! on it within the gap), as if the hidden ones had never arrived. Joining them any other way
//! (through any shared entity, or at any distance in time) would keep together what only a
//! hidden signal joined, and tell that it is there.

use super::Stories;
use std::collections::HashMap;

impl Stories {
    /// The part each of `positions` (store positions of one story's visible members, in time
    /// order) is in, parts numbered in order of their first member.
    pub fn parts(&self, positions: &[u32]) -> Vec<usize> {
        fn find(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        let gap = self.config.gap_secs;
        let mut parent: Vec<usize> = (0..positions.len()).collect();
        // Each entity's latest visible member so far: (time, index in `positions`).
        let mut last: HashMap<u32, (i64, usize)> = HashMap::new();
        for (i, pos) in positions.iter().enumerate() {
            let Some(&m) = self.by_pos.get(pos) else {
                continue;
            };
            let Some(x) = self.members.get(m as usize) else {
                continue;
            };
            for e in x.ids() {
                if self.busy.contains(&e) {
                    continue;
                }
                if let Some(&(t, j)) = last.get(&e) {
                    if (x.time - t).abs() <= gap {
                        let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                        if a != b {
                            parent[a.max(b)] = a.min(b);
                        }
                    }
                }
                last.insert(e, (x.time, i));
            }
        }
        let mut number: HashMap<usize, usize> = HashMap::new();
        (0..positions.len())
            .map(|i| {
                let root = find(&mut parent, i);
                let next = number.len();
                *number.entry(root).or_insert(next)
            })
            .collect()
    }

    /// The newest time of the members `shown` accepts (by store position): recency as a reader
    /// who may not see some signals measures it (the newest of all would move every story's
    /// score when a hidden signal arrives, and tell when it did). `None` when it is the newest
    /// of all anyway.
    pub fn newest_shown(&self, shown: impl Fn(u32) -> bool) -> Option<i64> {
        let mut newest = i64::MIN;
        for m in (0..self.members.len()).filter_map(|i| self.members.get(i)) {
            if m.time > newest && shown(m.pos) {
                newest = m.time;
                if newest >= self.newest {
                    return None;
                }
            }
        }
        (newest > i64::MIN).then_some(newest)
    }
}
