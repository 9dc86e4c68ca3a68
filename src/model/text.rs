//! `Text`: the immutable, shared string a signal holds for the values that repeat across
//! records (event names, titles, severity reasons, accounts, regions, principals, entity ids).
//!
//! A `String` costs 24 bytes plus its own heap block in every signal; a million CloudTrail
//! events name a few hundred event names, a handful of accounts and regions, and the same
//! principals and resources over and over. `Text` is an `arcstr::ArcStr` (one pointer, 8 bytes:
//! the length lives in the shared allocation, where `Arc<str>` holds it in every copy) and
//! equal values made on one thread share one allocation through a small per-thread cache.
//!
//! Why by hand: the interning crates keep one global table behind locks (`internment`,
//! `lasso`'s threaded rodeo) or never free (`ustr`); values here are made on the file-parsing
//! threads (a shared lock for each of ~10 strings per record) and come from attacker-controlled
//! input, so the table must stay bounded. A per-thread cache, cleared when full, needs no lock
//! and stays bounded; a value made on two threads is at worst held twice. (Not measured against
//! those crates.)

use arcstr::ArcStr;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cell::RefCell;
use std::fmt;
use std::hash::BuildHasher;
use std::ops::Deref;

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(ArcStr);

/// Values longer than this are not looked up in the cache (descriptions, long ARNs rarely
/// repeat exactly, and hashing them would cost more than it saves).
const MAX_CACHED_LEN: usize = 160;
/// Entries a thread's cache holds before it is emptied and starts over.
const MAX_CACHED: usize = 1 << 16;
/// Slots of the small table looked at first.
const FRONT: usize = 1024;

/// A thread's values: all of them (up to `MAX_CACHED`) in `table`, and in `front`, by hash, the
/// last value seen twice at each slot. Event names, accounts and regions come back record after
/// record; the table also holds a stream of values seen once (most source addresses), and a
/// lookup in it missed the processor's caches often enough to cost as much as a new
/// allocation.
struct Cache {
    hasher: foldhash::fast::RandomState,
    /// Each with its hash: a slot holding another value is passed over without reading it.
    front: Vec<(u64, Option<ArcStr>)>,
    table: hashbrown::HashTable<ArcStr>,
}

impl Default for Cache {
    fn default() -> Self {
        Cache {
            hasher: foldhash::fast::RandomState::default(),
            front: vec![(0, None); FRONT],
            table: hashbrown::HashTable::new(),
        }
    }
}

impl Cache {
    fn get(&mut self, s: &str) -> ArcStr {
        let h = self.hasher.hash_one(s);
        let slot = h as usize % FRONT;
        if let Some((fh, Some(a))) = self.front.get(slot) {
            if *fh == h && a.as_str() == s {
                return a.clone();
            }
        }
        if let Some(a) = self.table.find(h, |a| a.as_str() == s) {
            let a = a.clone();
            if let Some(f) = self.front.get_mut(slot) {
                *f = (h, Some(a.clone()));
            }
            return a;
        }
        if self.table.len() >= MAX_CACHED {
            self.table.clear();
        }
        let a = ArcStr::from(s);
        let hasher = &self.hasher;
        self.table
            .insert_unique(h, a.clone(), |v| hasher.hash_one(v.as_str()));
        a
    }
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

impl Text {
    pub fn new(s: &str) -> Text {
        if s.len() > MAX_CACHED_LEN {
            return Text(ArcStr::from(s));
        }
        CACHE.with(|c| match c.try_borrow_mut() {
            Ok(mut c) => Text(c.get(s)),
            Err(_) => Text(ArcStr::from(s)),
        })
    }

    /// A copy in an allocation of the calling thread's own, never looked up in or added to its
    /// cache (the store re-homes what it keeps, see `Store::index`).
    pub fn copied(s: &str) -> Text {
        Text(ArcStr::from(s))
    }

    /// A value written in the program (`arcstr::literal!`): no allocation, no lookup, and its
    /// copies touch no counter.
    pub const fn literal(s: ArcStr) -> Text {
        Text(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address of the shared allocation (memory accounting counts each once).
    pub fn heap_id(&self) -> usize {
        self.0.as_ptr() as usize
    }

    /// Whether two values share one allocation (for the tests of the cache).
    pub fn shares(&self, other: &Text) -> bool {
        ArcStr::ptr_eq(&self.0, &other.0)
    }
}

impl Default for Text {
    fn default() -> Self {
        Text::new("")
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::new(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::new(&s)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Ok(Text::new(&s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_share_one_allocation_and_read_as_strings() {
        let a = Text::new("GetObject");
        let b = Text::from(String::from("GetObject"));
        assert!(a.shares(&b));
        assert_eq!(a, "GetObject");
        assert_eq!(format!("{a} {a:?}"), "GetObject \"GetObject\"");
        assert_eq!(
            serde_json::to_string(&a).ok().as_deref(),
            Some("\"GetObject\"")
        );
        let back: Text = serde_json::from_str("\"GetObject\"").unwrap_or_default();
        assert!(back.shares(&a));
        let long = "x".repeat(MAX_CACHED_LEN + 1);
        assert!(!Text::new(&long).shares(&Text::new(&long)));
        assert_eq!(Text::new(&long), Text::new(&long));
        assert_eq!(std::mem::size_of::<Option<Text>>(), 8);
    }

    #[test]
    fn the_cache_stays_bounded_under_unique_values() {
        for i in 0..(MAX_CACHED + 10) {
            Text::new(&format!("10.0.{}.{}", i / 256, i % 256));
        }
        assert!(CACHE.with(|c| c.borrow().table.len()) <= MAX_CACHED);
        let a = Text::new("after");
        assert!(a.shares(&Text::new("after")));
    }
}
