//! The in-memory store: one copy of each signal (duplicates across files count once), Health
//! pieces joined by event ARN, and an entity index (for any entity, every signal touching it).

use crate::model::{EntitiesOf, Entity, EntityKind, Signal, Source};
use crate::normalize::health::Catalog;
use crate::normalize::Normalized;
use std::collections::{BTreeMap, HashMap};

mod chunked;
mod copies;
mod entity_lists;
mod entity_table;
mod health_parts;
mod network;
mod sharded;
mod snapshot;
mod stories;
pub use chunked::{Chunked, EntityChunks};
pub use entity_lists::{ChunkLists, EntityLists};
use entity_table::EntityTable;
use sharded::Positions;
use snapshot::signal_mask;
pub use snapshot::{text_mask, Snapshot, SOURCE_SHIFT};
pub use stories::StoryStep;

/// The store's maps are keyed by strings from files and AWS: a fast hasher with a per-process
/// random seed (foldhash) instead of SipHash, which dominated load and refresh profiles.
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Insert {
    New,
    /// Replaced or joined with an existing signal of the same id.
    Updated,
    /// Already held (same id, not newer): dropped.
    Duplicate,
    /// Not a signal (a catalog row, a digest).
    Other,
}

#[derive(Debug, Default)]
pub struct Store {
    /// Held signals: their entities are in `lists` (`Signal::own_entities` is `None`).
    signals: Chunked<Signal>,
    /// Each signal's entities, as numbers into `table`, by position.
    lists: EntityLists,
    masks: Chunked<u64>,
    version: u64,
    /// Every entity, its id, and the signals touching it.
    table: EntityTable,
    /// Signal id → position (the ids are not held twice).
    by_id: Positions,
    epoch: u64,
    catalog: Catalog,
    duplicates: usize,
    /// Signals per severity, kept as signals come and go so the header never scans.
    severity_counts: [usize; 5],
    /// Health pieces that cannot make a signal yet (no time known), waiting for the rest.
    pending_health: Map<String, (serde_json::Value, String)>,
    /// Correlation rules' state (`detect`), fed one new signal at a time.
    correlator: crate::detect::Correlator,
    /// Attack stories, built as signals arrive (`stories`).
    stories: crate::stories::Stories,
    /// A signal's entity numbers on their way to `lists` (reused).
    list_buf: Vec<u32>,
    /// The store's own copies of its signals' shared facets.
    facets: crate::model::facets::Home,
    /// Flow log records, summed into conversations (not signals: ten to a hundred times
    /// CloudTrail's volume).
    flows: crate::model::conversations::Conversations,
}

impl Store {
    pub fn signals(&self) -> &Chunked<Signal> {
        &self.signals
    }

    /// A copy for a background pass; costs a few reference counts, not the signals.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            signals: self.signals.clone(),
            entities: self.table.entities().clone(),
            lists: self.lists.clone(),
            masks: self.masks.clone(),
            epoch: self.epoch,
            version: self.version,
        }
    }

    /// The entity with this id.
    pub fn entity_at(&self, id: u32) -> Option<&Entity> {
        self.table.get(id)
    }

    /// The entities of the signal at `i`.
    pub fn entities_at(&self, i: usize) -> EntitiesOf<'_> {
        EntitiesOf::Numbered(self.lists.get(i), self.table.entities())
    }

    /// Every signal's entity numbers.
    pub fn entity_lists(&self) -> &EntityLists {
        &self.lists
    }

    /// A signal's entities: its own, or the store's for the signal it holds with its id.
    pub fn entities_of<'a>(&'a self, s: &'a Signal) -> EntitiesOf<'a> {
        match s.own_entities() {
            Some(l) => EntitiesOf::Own(l),
            None => self
                .position_of(&s.id)
                .map_or(EntitiesOf::NONE, |i| self.entities_at(i)),
        }
    }

    /// A copy of `s` that carries its entities (to keep, send or pin outside the store).
    pub fn detached(&self, s: &Signal) -> Signal {
        let mut out = s.clone();
        if out.held {
            out.set_entities(self.entities_of(s).to_vec());
        }
        out
    }

    /// The id an entity has in snapshots, when any signal ever touched it.
    pub fn entity_id(&self, e: &Entity) -> Option<u32> {
        self.table.id(e)
    }

    /// Replaces a signal's original record (one read back from its file); false when there is
    /// no such signal.
    pub fn set_raw(&mut self, id: &str, raw: crate::model::Raw) -> bool {
        match self.find(id).and_then(|i| self.signals.get_mut(i)) {
            Some(s) => {
                s.raw = raw;
                true
            }
            None => false,
        }
    }

    fn find(&self, id: &str) -> Option<usize> {
        self.position_of(&crate::model::SignalId::new(id))
    }

    /// Changes each time the store is rebuilt (positions then name other signals).
    pub fn snapshot_epoch(&self) -> u64 {
        self.epoch
    }

    /// Room for about `n` signals (and as many entities) in the indexes, so a load that knows
    /// roughly how much is coming does not grow them on the way (see `Positions::reserve`):
    /// made by `prepare`, a few of their tables at a time.
    pub fn reserve(&mut self, n: usize) {
        self.by_id.reserve(n);
        self.table.reserve(n);
    }

    /// Makes the room `reserve` asked for in up to `tables` more tables of each index; false
    /// once it is all there.
    pub fn prepare(&mut self, tables: usize) -> bool {
        let ids = self.by_id.prepare(tables, id_at(&self.signals));
        self.table.prepare(tables) || ids
    }

    /// Position of a signal by id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.find(id)
    }

    /// The same for an id as signals hold it.
    pub fn position_of(&self, id: &crate::model::SignalId) -> Option<usize> {
        self.by_id
            .find(id, id_at(&self.signals))
            .map(|i| i as usize)
    }

    pub fn len(&self) -> usize {
        self.signals.len()
    }

    pub fn is_empty(&self) -> bool {
        self.signals.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Signal> {
        self.find(id).map(|i| &self.signals[i])
    }

    /// Records dropped because the same event was already held.
    pub fn duplicates(&self) -> usize {
        self.duplicates
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    pub fn count(&self, source: Source) -> usize {
        self.signals.iter().filter(|s| s.source == source).count()
    }

    /// Every signal touching `entity`, in insertion order.
    pub fn touching<'a>(&'a self, entity: &Entity) -> impl Iterator<Item = &'a Signal> + 'a {
        self.touching_positions(entity)
            .iter()
            .map(|i| &self.signals[*i as usize])
    }

    /// Store positions of the signals touching `entity`.
    pub fn touching_positions(&self, entity: &Entity) -> &[u32] {
        self.entity_id(entity)
            .map_or(&[], |id| self.table.touching(id))
    }

    /// Every distinct entity some signal touches, with how many signals touch it.
    pub fn entities(&self) -> impl Iterator<Item = (&Entity, usize)> {
        self.table.counts().filter(|(_, n)| *n > 0)
    }

    pub fn entity_counts(&self) -> BTreeMap<EntityKind, usize> {
        let mut out = BTreeMap::new();
        for (e, _) in self.entities() {
            *out.entry(e.kind).or_default() += 1;
        }
        out
    }

    pub fn insert(&mut self, item: Normalized) -> Insert {
        match item {
            Normalized::Signal(s) => self.insert_arriving(*s),
            Normalized::HealthPart { arn, parts } => self.insert_health(arn, parts),
            Normalized::EventType { code, category } => {
                self.catalog.insert(code, category);
                Insert::Other
            }
            Normalized::NoEvent => Insert::Other,
            Normalized::Flows(c) => {
                if self.flows.is_empty() {
                    self.flows = *c;
                } else {
                    self.flows.merge(&c);
                }
                Insert::Other
            }
        }
    }

    /// The flow log conversations of every file read.
    pub fn flows(&self) -> &crate::model::conversations::Conversations {
        &self.flows
    }

    /// How many signals of each severity (indexed by `Severity as usize`).
    pub fn severity_counts(&self) -> [usize; 5] {
        self.severity_counts
    }

    /// Indexes a signal about to be placed at `i` (pushed or replacing another): severity
    /// count, its entities numbered in the table (into `list_buf`, its list from now on) and
    /// the positions touching them; returns its letter mask.
    fn index(&mut self, s: &mut Signal, i: usize) -> u64 {
        self.severity_counts[s.severity as usize] += 1;
        // What the store keeps of a signal is allocated anew here, on its own thread: made on a
        // parsing thread, each long-lived piece would pin a page that otherwise held only the
        // record's temporaries (parse trees, buffers), and those pages would stay resident.
        s.id.reallocate();
        s.facets = self.facets.rehome(&s.facets);
        self.list_buf.clear();
        for e in s.hand_over_entities().iter() {
            let id = self.table.intern(e);
            self.table.add_touch(id, i as u32);
            self.list_buf.push(id);
        }
        let table = &self.table;
        s.summary
            .share_target(self.list_buf.iter().filter_map(|id| table.get(*id)));
        signal_mask(s)
    }

    fn unindex(&mut self, i: usize) {
        let s = &self.signals[i];
        let sev = s.severity as usize;
        self.severity_counts[sev] = self.severity_counts[sev].saturating_sub(1);
        for id in self.lists.get(i) {
            self.table.remove_touch(*id, i as u32);
        }
    }

    /// Places a signal at `i` (indexed, see `index`): at the end, or over the one there.
    fn place(&mut self, i: usize, mut s: Signal) {
        let mask = self.index(&mut s, i);
        if i == self.signals.len() {
            self.signals.push(s);
            self.masks.push(mask);
            self.lists.push(&self.list_buf);
        } else {
            self.lists.set(i, &self.list_buf);
            if let Some(slot) = self.signals.get_mut(i) {
                *slot = s;
            }
            if let Some(slot) = self.masks.get_mut(i) {
                *slot = mask;
            }
        }
        self.version += 1;
        self.add_to_stories(i);
    }

    fn replace(&mut self, i: usize, s: Signal) {
        self.unindex(i);
        self.place(i, s);
    }

    pub fn insert_signal(&mut self, s: Signal) -> Insert {
        self.insert_arriving(s.into())
    }

    fn insert_arriving(&mut self, a: crate::normalize::Arriving) -> Insert {
        let crate::normalize::Arriving {
            signal: mut s,
            correlation: input,
        } = a;
        // A signal another store holds has no entities of its own left: `detached` gives one
        // that carries them.
        debug_assert!(!s.held, "insert a detached signal");
        let h = self.by_id.hash(&s.id);
        let found = self.by_id.find_hashed(h, &s.id, id_at(&self.signals));
        match found.map(|i| i as usize) {
            Some(i) => self.insert_again(i, s),
            None => {
                let i = self.signals.len();
                self.by_id.insert_hashed(h, i as u32, id_at(&self.signals));
                if let Some(input) = input {
                    self.correlate(&mut s, *input);
                }
                self.place(i, s);
                Insert::New
            }
        }
    }

    /// Runs the correlation rules on a new signal (in arrival order); what they find joins its
    /// detections and may raise its severity.
    fn correlate(&mut self, s: &mut Signal, input: crate::model::detection::CorrelationInput) {
        let found = self.correlator.feed(s.time, input);
        if found.is_empty() {
            return;
        }
        s.rare_mut().detections.extend(found);
        let current = (s.severity, s.facets.severity_reason.clone());
        let (severity, reason) =
            crate::normalize::cloudtrail_severity::raise(current, s.detections());
        if reason != s.facets.severity_reason {
            s.facets_mut().severity_reason = reason;
        }
        s.severity = severity;
    }

    /// Keeps only the signals `keep` accepts (the index is rebuilt); returns how many went.
    pub fn retain(&mut self, keep: impl Fn(&Signal) -> bool) -> usize {
        let mut old = std::mem::take(self);
        let before = old.len();
        *self = Store {
            catalog: std::mem::take(&mut old.catalog),
            pending_health: std::mem::take(&mut old.pending_health),
            flows: std::mem::take(&mut old.flows),
            epoch: old.epoch + 1,
            stories: old.stories.emptied(),
            ..Store::default()
        };
        for s in old.signals.iter().filter(|s| keep(s)) {
            self.insert_signal(old.detached(s));
        }
        before - self.signals.len()
    }

    /// Drops the signals last updated before `cutoff`, once a tenth of the store (or 100,000
    /// signals) is that old, so the rebuild is amortised; how many went.
    pub fn expire(&mut self, cutoff: chrono::DateTime<chrono::Utc>) -> usize {
        let old = |s: &Signal| s.updated().unwrap_or(s.time) < cutoff;
        let expired = self.signals.iter().filter(|s| old(s)).count();
        if expired == 0 || (expired * 10 < self.len() && expired < 100_000) {
            return 0;
        }
        self.retain(|s| !old(s))
    }
}

/// The id of the signal at a position, for the id lookup (`sharded::Positions`).
fn id_at<'a>(
    signals: &'a Chunked<Signal>,
) -> impl Fn(u32) -> Option<&'a crate::model::SignalId> + 'a {
    move |i| signals.get(i as usize).map(|s| &s.id)
}

#[cfg(test)]
mod tests;
