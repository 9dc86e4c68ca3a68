//! The store's entity table: every distinct entity a signal touched, numbered in the order they
//! were first seen (the ids snapshots and stories use), the id of an entity, and the store
//! positions of the signals touching each.
//!
//! A replay of a busy day names about one new entity per event (most source addresses, request
//! ids and sessions appear once), so this table's cost per entity is a cost per event. A map
//! keyed by the entity held a second copy of it with padding (~40 B per entry at a typical load
//! factor) and a `Vec` of positions was 24 B plus a heap block even for an entity touched once.
//! Here the lookup holds only the 4-byte ids (`sharded::Positions`) and a single position is kept
//! inline.

use super::sharded::Positions;
use super::EntityChunks;
use crate::model::{Entity, Text};
use thin_vec::ThinVec;

#[derive(Debug, Default)]
pub struct EntityTable {
    entities: EntityChunks,
    ids: Positions,
    /// Per entity, the signals touching it (see `Touching`). Not shared with snapshots (they
    /// read the entities only): plain segments, so adding a position is an index, not a
    /// copy-on-write check of a shared chunk.
    touching: crate::stories::Segments<u32>,
    /// The positions of entities touched by more than one signal, all of them, in order.
    spill: crate::stories::Segments<ThinVec<u32>>,
}

/// What `touching` holds for an entity, in 4 bytes (an enum of none, one position inline or a
/// list was 16, for every entity, and most are touched once): `NONE`; a position below
/// `MANY`, the one signal touching it; or `MANY | i`, its positions at `spill[i]`.
struct Touching;

impl Touching {
    const NONE: u32 = u32::MAX;
    const MANY: u32 = 1 << 31;
}

impl EntityTable {
    /// Every entity seen, by id (shared with snapshots).
    pub fn entities(&self) -> &EntityChunks {
        &self.entities
    }

    pub fn get(&self, id: u32) -> Option<&Entity> {
        self.entities.get(id as usize)
    }

    /// The id of `e`, when a signal ever touched it.
    pub fn id(&self, e: &Entity) -> Option<u32> {
        let entities = &self.entities;
        self.ids.find(e, |id| entities.get(id as usize))
    }

    /// The id of `e`, numbering it when it is new.
    pub fn intern(&mut self, e: &Entity) -> u32 {
        let h = self.ids.hash(e);
        let entities = &self.entities;
        if let Some(id) = self.ids.find_hashed(h, e, |id| entities.get(id as usize)) {
            // An id unique across accounts (a key, an instance, a bucket) keeps what the
            // sightings say of its account together: the known one, or `several`.
            if let Some(held) = self.entities.get(id as usize) {
                let merged = held.account.merge(e.account);
                if merged != held.account {
                    if let Some(held) = self.entities.get_mut(id as usize) {
                        held.account = merged;
                    }
                }
            }
            return id;
        }
        let id = self.entities.len() as u32;
        // A copy of the entity's text made here, on the store's thread: the parsing thread's
        // copy goes with the record's other temporaries instead of pinning its page.
        let mut copy = Entity::new(e.kind, Text::copied(&e.id));
        copy.account = e.account;
        self.entities.push(copy);
        self.touching.push(Touching::NONE);
        let entities = &self.entities;
        self.ids
            .insert_hashed(h, id, |id| entities.get(id as usize));
        id
    }

    /// Room for `n` more entities in the lookup.
    pub fn reserve(&mut self, n: usize) {
        self.ids.reserve(n);
    }

    /// See `Positions::prepare`.
    pub fn prepare(&mut self, tables: usize) -> bool {
        let entities = &self.entities;
        self.ids.prepare(tables, |id| entities.get(id as usize))
    }

    /// Store positions of the signals touching the entity `id`.
    pub fn touching(&self, id: u32) -> &[u32] {
        match self.touching.get(id as usize) {
            None => &[],
            Some(&Touching::NONE) => &[],
            Some(t) if *t & Touching::MANY == 0 => std::slice::from_ref(t),
            Some(t) => self
                .spill
                .get((*t & !Touching::MANY) as usize)
                .map_or(&[], |v| v.as_slice()),
        }
    }

    /// How many signals touch the entity `id`.
    pub fn count(&self, id: u32) -> usize {
        self.touching(id).len()
    }

    pub fn add_touch(&mut self, id: u32, pos: u32) {
        let Some(t) = self.touching.get_mut(id as usize) else {
            return;
        };
        if *t == Touching::NONE && pos < Touching::MANY {
            *t = pos;
            return;
        }
        if *t != Touching::NONE && *t & Touching::MANY != 0 {
            if let Some(v) = self.spill.get_mut((*t & !Touching::MANY) as usize) {
                v.push(pos);
            }
            return;
        }
        let mut v = ThinVec::with_capacity(2);
        if *t != Touching::NONE {
            v.push(*t);
        }
        v.push(pos);
        *t = Touching::MANY | self.spill.len() as u32;
        self.spill.push(v);
    }

    pub fn remove_touch(&mut self, id: u32, pos: u32) {
        let Some(t) = self.touching.get_mut(id as usize) else {
            return;
        };
        if *t == Touching::NONE {
            return;
        }
        if *t & Touching::MANY == 0 {
            if *t == pos {
                *t = Touching::NONE;
            }
            return;
        }
        let Some(v) = self.spill.get_mut((*t & !Touching::MANY) as usize) else {
            return;
        };
        v.retain(|p| *p != pos);
        // Back inline when one is left (the spill slot stays, emptied: rare, and 8 bytes).
        match v.as_slice() {
            [] => *t = Touching::NONE,
            [one] if *one < Touching::MANY => *t = *one,
            _ => return,
        }
        *v = ThinVec::new();
    }

    /// Every entity with how many signals touch it (none included).
    pub fn counts(&self) -> impl Iterator<Item = (&Entity, usize)> {
        self.entities
            .iter()
            .enumerate()
            .map(|(id, e)| (e, self.count(id as u32)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EntityKind;

    fn ip(i: u32) -> Entity {
        Entity::new(
            EntityKind::Ip,
            std::net::Ipv4Addr::from(i).to_string().as_str(),
        )
    }

    #[test]
    fn entities_are_numbered_once_and_found_again_across_growth() {
        let mut t = EntityTable::default();
        for i in 0..20_000 {
            assert_eq!(t.intern(&ip(i)), i);
        }
        for i in (0..20_000).rev() {
            assert_eq!(t.intern(&ip(i)), i, "interned again");
            assert_eq!(t.id(&ip(i)), Some(i));
            assert_eq!(t.get(i), Some(&ip(i)));
        }
        assert_eq!(t.id(&ip(20_000)), None);
        assert_eq!(
            t.id(&Entity::new(EntityKind::Account, "0.0.0.1")),
            None,
            "kind counts"
        );
    }

    #[test]
    fn a_global_id_keeps_its_known_account_and_users_stay_per_account() {
        let mut t = EntityTable::default();
        let key = |a: Option<&str>| {
            Entity::new(EntityKind::AccessKey, "AKIAEXAMPLEEXAMPLE01").in_account(a)
        };
        let k = t.intern(&key(None));
        assert_eq!(t.intern(&key(Some("111122223333"))), k);
        assert_eq!(
            t.get(k).and_then(Entity::account).as_deref(),
            Some("111122223333")
        );
        assert_eq!(t.intern(&key(None)), k);
        assert_eq!(
            t.get(k).and_then(Entity::account).as_deref(),
            Some("111122223333")
        );
        assert_eq!(t.intern(&key(Some("222233334444"))), k);
        assert!(t.get(k).is_some_and(|e| e.account.is_several()));
        let user = |a: &str| Entity::new(EntityKind::IamUser, "ci-deploy").in_account(Some(a));
        let b = t.intern(&user("222222222222"));
        let c = t.intern(&user("333333333333"));
        assert_ne!(b, c);
        assert_eq!(
            t.get(c).and_then(Entity::account).as_deref(),
            Some("333333333333")
        );
    }

    #[test]
    fn touching_lists_keep_order_through_one_and_many() {
        let mut t = EntityTable::default();
        let a = t.intern(&ip(1));
        assert_eq!(t.touching(a), &[] as &[u32]);
        t.add_touch(a, 7);
        assert_eq!(t.touching(a), &[7]);
        t.add_touch(a, 3);
        t.add_touch(a, 9);
        assert_eq!(t.touching(a), &[7, 3, 9]);
        t.remove_touch(a, 3);
        assert_eq!(t.touching(a), &[7, 9]);
        t.remove_touch(a, 7);
        assert_eq!(t.touching(a), &[9]);
        t.remove_touch(a, 1);
        assert_eq!(t.touching(a), &[9], "removing a position it lacks keeps it");
        t.remove_touch(a, 9);
        assert_eq!(t.count(a), 0);
        assert_eq!(t.touching(99), &[] as &[u32], "unknown id");
        let counts: Vec<usize> = t.counts().map(|(_, n)| n).collect();
        assert_eq!(counts, vec![0]);
        // Back to many after being one again; a position too large to keep inline is listed.
        t.add_touch(a, 4);
        t.add_touch(a, 5);
        assert_eq!(t.touching(a), &[4, 5]);
        let b = t.intern(&ip(2));
        t.add_touch(b, Touching::MANY + 1);
        assert_eq!(t.touching(b), &[Touching::MANY + 1]);
        t.remove_touch(b, Touching::MANY + 1);
        assert_eq!(t.count(b), 0);
        assert_eq!(t.touching(a), &[4, 5], "another entity's list untouched");
    }
}
