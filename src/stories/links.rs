//! Joining members through their entities, and the busy check that un-joins them.

use super::{Agg, Stories};

/// Entities `settle_some` checks at a time.
const SETTLE_SLICE: usize = 32_768;

/// Entities whose busy state a check found changed.
#[derive(Default)]
struct Changes {
    now_busy: Vec<u32>,
    now_quiet: Vec<u32>,
}

impl Changes {
    fn note(&mut self, e: u32, was_busy: bool, busy: bool) {
        if busy && !was_busy {
            self.now_busy.push(e);
        } else if !busy && was_busy {
            self.now_quiet.push(e);
        }
    }
}

impl Stories {
    /// Puts member `m` (at `time`) on each entity's time line and joins it with its neighbours
    /// there when they are within the gap and the entity is not busy.
    pub(super) fn link(
        &mut self,
        m: u32,
        time: i64,
        entities: &[u32],
        touching: &impl Fn(u32) -> usize,
        total: usize,
    ) {
        for e in entities {
            let busy_now = self.is_busy(touching(*e), total);
            let by_time = match self.by_entity.entry(*e) {
                std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => {
                    self.linked.push(*e);
                    if busy_now {
                        self.busy.insert(*e);
                    }
                    v.insert(Default::default())
                }
            };
            let (before, after) = by_time.insert((time, m));
            if self.busy.contains(e) {
                continue;
            }
            let gap = self.config.gap_secs;
            for (t, other) in before.into_iter().chain(after) {
                if (t - time).abs() <= gap {
                    self.union(m, other);
                }
            }
        }
    }

    /// Re-checks which entities are busy now that the store holds `total` signals: a newly busy
    /// entity's stories are split apart again (only those), a no-longer-busy one joins its
    /// members. Cheap when nothing changed: one look per entity that is in a story.
    pub fn settle(&mut self, touching: impl Fn(u32) -> usize, total: usize) {
        self.since_settle = 0;
        let mut changes = Changes::default();
        for (e, _) in self.by_entity.iter() {
            changes.note(*e, self.busy.contains(e), self.is_busy(touching(*e), total));
        }
        self.apply(changes);
    }

    /// `settle` over the next `SETTLE_SLICE` entities only (in the order they joined, wrapping
    /// around), so that while a replay loads no single check reads every entity: at 10M events
    /// the whole check took 45–80 ms on the console's task every 4,096 story members. A change
    /// is seen within a few rounds instead of at once; the check after the load is whole.
    pub fn settle_some(&mut self, touching: impl Fn(u32) -> usize, total: usize) {
        self.settle_slice(touching, total, SETTLE_SLICE);
    }

    pub(super) fn settle_slice(
        &mut self,
        touching: impl Fn(u32) -> usize,
        total: usize,
        slice: usize,
    ) {
        self.since_settle = 0;
        let n = self.linked.len();
        let mut changes = Changes::default();
        for k in 0..n.min(slice) {
            let e = self.linked[(self.settle_cursor + k) % n];
            if self.by_entity.get(&e).is_some() {
                changes.note(e, self.busy.contains(&e), self.is_busy(touching(e), total));
            }
        }
        if n > 0 {
            self.settle_cursor = (self.settle_cursor + slice) % n;
        }
        self.apply(changes);
    }

    fn apply(&mut self, changes: Changes) {
        let Changes {
            now_busy,
            now_quiet,
        } = changes;
        if now_busy.is_empty() && now_quiet.is_empty() {
            return;
        }
        self.version += 1;
        let mut affected = Vec::new();
        for e in &now_busy {
            let Some(by_time) = self.by_entity.get(e) else {
                continue;
            };
            let members: Vec<u32> = by_time.iter().map(|(_, m)| m).collect();
            self.busy.insert(*e);
            for m in members {
                affected.push(self.find(m));
            }
        }
        affected.sort_unstable();
        affected.dedup();
        if !affected.is_empty() {
            self.rebuild(&affected);
        }
        for e in now_quiet {
            let Some(by_time) = self.by_entity.get(&e) else {
                continue;
            };
            self.busy.remove(&e);
            let pairs: Vec<(u32, u32)> = by_time
                .iter()
                .zip(by_time.iter().skip(1))
                .filter(|(a, b)| b.0 - a.0 <= self.config.gap_secs)
                .map(|(a, b)| (a.1, b.1))
                .collect();
            for (a, b) in pairs {
                self.union(a, b);
            }
        }
    }

    /// Forms the stories rooted at `roots` again from their members' links.
    fn rebuild(&mut self, roots: &[u32]) {
        let members: Vec<u32> = (0..self.members.len() as u32)
            .filter(|m| roots.binary_search(&self.root_of(*m)).is_ok())
            .collect();
        for r in roots {
            self.aggs.remove(r);
        }
        for m in &members {
            let member = &mut self.members[*m as usize];
            member.parent = *m;
            let agg = Agg::of(member);
            self.aggs.insert(*m, agg);
        }
        let gap = self.config.gap_secs;
        for m in members {
            let (time, entities) = {
                let member = &self.members[m as usize];
                (member.time, member.ids().collect::<Vec<u32>>())
            };
            for e in entities.iter() {
                let Some(by_time) = self.by_entity.get(e) else {
                    continue;
                };
                if self.busy.contains(e) {
                    continue;
                }
                if let Some((t, other)) = by_time.after((time, m)) {
                    if t - time <= gap {
                        self.union(m, other);
                    }
                }
            }
        }
        // Every member was a root for a moment: the aggregates' map grew to hold them all (at a
        // million events, 161,713 members of one story: ~9 B an event kept as empty room).
        self.aggs.shrink_to_fit();
    }
}
