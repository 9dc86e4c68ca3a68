//! A signal's entities, and where they are read from.
//!
//! A signal carries its own list until a store takes it (`Signal::own_entities`). The store
//! keeps each signal's entities as 4-byte numbers into its entity table instead (at ten million
//! records a list of 3.5 entities of 16 bytes behind its own heap block was ~80 bytes a record;
//! the numbers are ~18), and a held signal says only that it is held (`Signal::held`). Whoever
//! reads a signal's entities reads them through `EntitiesOf`, which the store makes for either
//! kind: a held signal's entities cannot be read as an empty list by mistake (a rule that hides
//! signals naming an entity would then not hide them).

use super::Entity;

/// Finds an entity by its number in a store's entity table.
pub trait EntityNames: Sync {
    fn entity(&self, id: u32) -> Option<&Entity>;
}

/// A signal's entities wherever they are kept: its own list, or numbers into a table.
#[derive(Clone, Copy)]
pub enum EntitiesOf<'a> {
    Own(&'a [Entity]),
    Numbered(&'a [u32], &'a dyn EntityNames),
}

impl std::fmt::Debug for EntitiesOf<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> EntitiesOf<'a> {
    pub const NONE: EntitiesOf<'static> = EntitiesOf::Own(&[]);

    pub fn iter(self) -> Iter<'a> {
        match self {
            EntitiesOf::Own(l) => Iter::Own(l.iter()),
            EntitiesOf::Numbered(ids, names) => Iter::Numbered(ids.iter(), names),
        }
    }

    pub fn len(self) -> usize {
        match self {
            EntitiesOf::Own(l) => l.len(),
            EntitiesOf::Numbered(ids, _) => ids.len(),
        }
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    pub fn contains(self, e: &Entity) -> bool {
        self.iter().any(|x| x == e)
    }

    pub fn to_vec(self) -> Vec<Entity> {
        self.iter().cloned().collect()
    }
}

impl<'a> IntoIterator for EntitiesOf<'a> {
    type Item = &'a Entity;
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

pub enum Iter<'a> {
    Own(std::slice::Iter<'a, Entity>),
    Numbered(std::slice::Iter<'a, u32>, &'a dyn EntityNames),
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a Entity;
    fn next(&mut self) -> Option<&'a Entity> {
        match self {
            Iter::Own(it) => it.next(),
            // A number the table does not have is skipped (a table always has its numbers).
            Iter::Numbered(ids, names) => ids.find_map(|id| names.entity(*id)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EntityKind;

    struct Table(Vec<Entity>);
    impl EntityNames for Table {
        fn entity(&self, id: u32) -> Option<&Entity> {
            self.0.get(id as usize)
        }
    }

    #[test]
    fn numbers_are_read_through_the_table() {
        let a = Entity::new(EntityKind::Ip, "198.51.100.7");
        let b = Entity::new(EntityKind::IamUser, "alice");
        let table = Table(vec![b.clone(), a.clone()]);
        let of = EntitiesOf::Numbered(&[1, 0, 7], &table);
        assert_eq!(
            of.to_vec(),
            vec![a.clone(), b.clone()],
            "unknown number skipped"
        );
        assert!(of.contains(&b));
        let own = [a.clone(), b.clone()];
        assert_eq!(EntitiesOf::Own(&own).to_vec(), vec![a, b]);
        assert!(EntitiesOf::NONE.is_empty());
    }
}
