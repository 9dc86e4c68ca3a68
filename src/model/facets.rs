//! `Facets`: the texts a signal shares with thousands of others — what it is (kind, title), why
//! its severity, where (account, region), its category and who acted — held as one shared
//! block.
//!
//! Each of these is a `Text` already shared between signals, but seven pointers are 56 bytes in
//! every signal; ten million CloudTrail records of the bench corpus name 1,535 combinations of
//! them. One pointer to a block shared by every signal with the same seven values is 8 bytes a
//! signal and 72 bytes a combination.
//!
//! Why by hand: the combinations come from attacker-controlled input, so they are shared
//! through a bounded per-thread cache (as `Text` is) rather than a global interner that never
//! forgets. The cache is keyed by the seven texts' allocations, which the per-thread `Text`
//! cache already shares: a lookup hashes seven addresses, not the strings. Two equal blocks made
//! apart (another thread, or texts not shared) are still equal: equality compares the values.

use super::Text;
use std::cell::RefCell;
use std::hash::BuildHasher;
use std::ops::Deref;
use std::sync::Arc;

/// The values; read them through `Signal`'s accessors or `Signal::facets`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct FacetFields {
    /// Event name, finding type or Health event type code.
    pub kind: Text,
    pub title: Text,
    /// Why this severity (the risk-table rule, the GuardDuty score, the Health category).
    pub severity_reason: Text,
    pub account: Option<Text>,
    pub region: Option<Text>,
    /// Health event category (issue, scheduledChange, …), CloudTrail event type, GuardDuty
    /// resource type, when known.
    pub category: Option<Text>,
    /// Principal that acted (CloudTrail) or the principal in the finding.
    pub actor: Option<Text>,
    /// The product that made a finding, when it is not the source itself (a Macie finding read
    /// through Security Hub: `macie`), or the kind of monitor (`cloudwatch`, `costanomaly`).
    pub product: Option<Text>,
    /// Security Hub's workflow status of a finding seen through it.
    pub workflow: Option<Text>,
}

/// One shared `FacetFields`.
#[derive(Debug, Clone)]
pub struct Facets(Arc<FacetFields>);

impl PartialEq for Facets {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || *self.0 == *other.0
    }
}

impl Eq for Facets {}

impl Deref for Facets {
    type Target = FacetFields;
    fn deref(&self) -> &FacetFields {
        &self.0
    }
}

impl Default for Facets {
    fn default() -> Self {
        Facets::new(FacetFields::default())
    }
}

/// Blocks a thread's cache holds before it is emptied and starts over.
const MAX_CACHED: usize = 1 << 14;

type Key = [usize; 9];

struct Cache {
    hasher: foldhash::fast::RandomState,
    table: hashbrown::HashTable<(Key, Facets)>,
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache {
        hasher: foldhash::fast::RandomState::default(),
        table: hashbrown::HashTable::new(),
    });
}

fn key(f: &FacetFields) -> Key {
    let opt = |t: &Option<Text>| t.as_ref().map_or(0, Text::heap_id);
    [
        f.kind.heap_id(),
        f.title.heap_id(),
        f.severity_reason.heap_id(),
        opt(&f.account),
        opt(&f.region),
        opt(&f.category),
        opt(&f.actor),
        opt(&f.product),
        opt(&f.workflow),
    ]
}

impl Facets {
    /// The block for these values: one the calling thread made before for the same texts, or a
    /// new one.
    pub fn new(fields: FacetFields) -> Facets {
        let k = key(&fields);
        let made = |fields| Facets(Arc::new(fields));
        CACHE.with(|c| {
            let Ok(mut c) = c.try_borrow_mut() else {
                return made(fields);
            };
            let h = c.hasher.hash_one(k);
            if let Some((_, f)) = c.table.find(h, |(key, _)| *key == k) {
                return f.clone();
            }
            if c.table.len() >= MAX_CACHED {
                c.table.clear();
            }
            let f = made(fields);
            let Cache { hasher, table } = &mut *c;
            table.insert_unique(h, (k, f.clone()), |(key, _)| hasher.hash_one(key));
            f
        })
    }

    /// The values to change, copied first when other signals share them.
    pub fn make_mut(&mut self) -> &mut FacetFields {
        Arc::make_mut(&mut self.0)
    }

    /// Whether two signals share one block (for the tests of the cache).
    pub fn shares(&self, other: &Facets) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// The address of the shared block (memory accounting counts each once).
    pub fn heap_id(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }
}

/// Blocks one `Home` keeps before it starts over.
const MAX_HOMED: usize = 1 << 20;

/// A store's own copies of the blocks its signals hold, made on the store's thread.
///
/// A block made on a parsing thread, and the texts in it, sit on that thread's pages among the
/// record's temporaries; kept by the store, each would keep its whole page resident after the
/// rest is freed. And each parsing thread's text cache starts over when full, so the same
/// values come back in new allocations: at ten million events the signals held 53,953 blocks
/// for 203 distinct values (six fields then). The store swaps each block for its own copy of
/// the values (looked up by content: hashing seven short strings a signal), so it keeps one
/// block per distinct value, among its own data, and the parsing thread's go with the record's
/// temporaries.
#[derive(Debug, Default)]
pub struct Home {
    hasher: foldhash::fast::RandomState,
    table: hashbrown::HashTable<Facets>,
}

impl Home {
    /// The store's copy of `f`'s values (made on first sight).
    pub fn rehome(&mut self, f: &Facets) -> Facets {
        let h = self.hasher.hash_one(&**f);
        if let Some(kept) = self.table.find(h, |kept| **kept == **f) {
            return kept.clone();
        }
        if self.table.len() >= MAX_HOMED {
            self.table.clear();
        }
        let copy = |t: &Text| Text::copied(t);
        let kept = Facets(Arc::new(FacetFields {
            kind: copy(&f.kind),
            title: copy(&f.title),
            severity_reason: copy(&f.severity_reason),
            account: f.account.as_ref().map(copy),
            region: f.region.as_ref().map(copy),
            category: f.category.as_ref().map(copy),
            actor: f.actor.as_ref().map(copy),
            product: f.product.as_ref().map(copy),
            workflow: f.workflow.as_ref().map(copy),
        }));
        let hasher = &self.hasher;
        self.table
            .insert_unique(h, kept.clone(), |k| hasher.hash_one(&**k));
        kept
    }

    /// Forgets every copy (the signals keep theirs).
    pub fn clear(&mut self) {
        self.table = hashbrown::HashTable::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(kind: &str, account: &str) -> FacetFields {
        FacetFields {
            kind: Text::new(kind),
            title: Text::new(&format!("s3:{kind}")),
            severity_reason: Text::new("read"),
            account: Some(Text::new(account)),
            region: Some(Text::new("us-east-1")),
            category: None,
            actor: Some(Text::new("alice")),
            ..FacetFields::default()
        }
    }

    #[test]
    fn equal_values_share_one_block_and_others_do_not() {
        let a = Facets::new(fields("GetObject", "111122223333"));
        let b = Facets::new(fields("GetObject", "111122223333"));
        let c = Facets::new(fields("GetObject", "444455556666"));
        assert!(a.shares(&b));
        assert_eq!(a, b);
        assert!(!a.shares(&c));
        assert_ne!(a, c);
        assert_eq!(std::mem::size_of::<Facets>(), 8);
    }

    #[test]
    fn equal_values_in_unshared_texts_are_equal_and_a_change_copies() {
        let mut a = Facets::new(fields("PutObject", "1"));
        let mut other = fields("PutObject", "1");
        other.kind = Text::copied("PutObject");
        let b = Facets::new(other);
        assert!(!a.shares(&b));
        assert_eq!(a, b);
        let before = a.clone();
        a.make_mut().severity_reason = Text::new("escalated");
        assert_eq!(&*before.severity_reason, "read");
        assert_eq!(&*a.severity_reason, "escalated");
        assert_eq!(a.kind, before.kind);
    }

    #[test]
    fn a_home_keeps_one_copy_of_its_own_of_each_value() {
        let mut home = Home::default();
        let a = Facets::new(fields("ListBuckets", "1"));
        let mut other = fields("ListBuckets", "1");
        other.kind = Text::copied("ListBuckets");
        let b = Facets::new(other);
        let (ha, hb) = (home.rehome(&a), home.rehome(&b));
        assert!(ha.shares(&hb) && !ha.shares(&a) && !ha.kind.shares(&a.kind));
        assert_eq!(ha, a);
        let c = home.rehome(&Facets::new(fields("ListBuckets", "2")));
        assert!(!c.shares(&ha));
        home.clear();
        assert!(!home.rehome(&a).shares(&ha));
    }
}
