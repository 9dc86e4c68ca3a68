//! Flow records summed into conversations: source, destination, destination port, protocol,
//! action and interface per minute, with packets, bytes and the record count added up. Flow
//! logs are ten to a hundred times CloudTrail's volume; a conversation is about 60 bytes however
//! many records it sums (the ephemeral source port is not part of it), and no record is lost
//! from any total: NODATA and SKIPDATA records are counted too, per interface.
//!
//! Addresses and ids are numbers into the table's own lists, so a key is 20 bytes.

use super::account::AccountId;
use super::flow::{FlowAction, FlowRecord, FlowStatus};
use super::{Entity, EntityKind, Text};
use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;

type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Values numbered in the order they were first seen.
#[derive(Debug, Clone)]
struct Interner<T: Hash + Eq + Clone> {
    ids: Map<T, u32>,
    values: Vec<T>,
}

impl<T: Hash + Eq + Clone> Default for Interner<T> {
    fn default() -> Self {
        Interner {
            ids: Map::default(),
            values: Vec::new(),
        }
    }
}

impl<T: Hash + Eq + Clone> Interner<T> {
    fn intern(&mut self, v: &T) -> u32 {
        if let Some(id) = self.ids.get(v) {
            return *id;
        }
        let id = u32::try_from(self.values.len()).unwrap_or(u32::MAX);
        self.values.push(v.clone());
        self.ids.insert(v.clone(), id);
        id
    }

    fn get(&self, id: u32) -> Option<&T> {
        self.values.get(id as usize)
    }
}

/// No address, interface or id: the number a key holds for it.
const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    src: u32,
    dst: u32,
    interface: u32,
    /// Unix minutes of the record's start.
    minute: u32,
    pub port: u16,
    pub protocol: u8,
    action: u8,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub packets: u64,
    pub bytes: u64,
    pub records: u32,
}

/// What is known of one interface: its account and where it sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    account: AccountId,
    vpc: u32,
    subnet: u32,
    instance: u32,
}

/// One conversation, read out of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversation<'a> {
    pub src: Option<&'a IpAddr>,
    pub dst: Option<&'a IpAddr>,
    pub interface: Option<&'a str>,
    pub account: AccountId,
    /// Unix seconds of the minute.
    pub minute: i64,
    pub port: u16,
    pub protocol: u8,
    pub action: FlowAction,
    pub totals: Totals,
}

#[derive(Debug, Clone, Default)]
pub struct Conversations {
    ips: Interner<IpAddr>,
    ids: Interner<Text>,
    map: Map<Key, Totals>,
    places: Map<u32, Place>,
    /// Every record summed, NODATA and SKIPDATA included.
    pub records: u64,
    pub nodata: u64,
    pub skipdata: u64,
}

fn action_code(a: FlowAction) -> u8 {
    a as u8
}

fn action_of(code: u8) -> FlowAction {
    match code {
        0 => FlowAction::Accept,
        1 => FlowAction::Reject,
        _ => FlowAction::Unknown,
    }
}

impl Conversations {
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty() && self.records == 0
    }

    fn id(&mut self, t: Option<&Text>) -> u32 {
        t.map_or(NONE, |t| self.ids.intern(t))
    }

    /// Adds one record to its conversation.
    pub fn add(&mut self, r: &FlowRecord) {
        self.records += 1;
        let interface = self.id(r.interface.as_ref());
        if interface != NONE {
            let place = Place {
                account: r.account,
                vpc: self.id(r.vpc.as_ref()),
                subnet: self.id(r.subnet.as_ref()),
                instance: self.id(r.instance.as_ref()),
            };
            let have = self.places.entry(interface).or_insert(place);
            have.account = have.account.merge(place.account);
            for (mine, theirs) in [
                (&mut have.vpc, place.vpc),
                (&mut have.subnet, place.subnet),
                (&mut have.instance, place.instance),
            ] {
                if *mine == NONE {
                    *mine = theirs;
                }
            }
        }
        match r.status {
            FlowStatus::NoData => self.nodata += 1,
            FlowStatus::SkipData => self.skipdata += 1,
            FlowStatus::Ok => {}
        }
        if r.status != FlowStatus::Ok {
            return;
        }
        let key = Key {
            src: r.src.map_or(NONE, |a| self.ips.intern(&a)),
            dst: r.dst.map_or(NONE, |a| self.ips.intern(&a)),
            interface,
            minute: u32::try_from(r.start.max(0) / 60).unwrap_or(u32::MAX),
            port: r.dst_port,
            protocol: r.protocol,
            action: action_code(r.action),
        };
        let t = self.map.entry(key).or_default();
        t.packets = t.packets.saturating_add(r.packets);
        t.bytes = t.bytes.saturating_add(r.bytes);
        t.records = t.records.saturating_add(1);
    }

    /// Adds every conversation and count of `other` (another file's).
    pub fn merge(&mut self, other: &Conversations) {
        self.records += other.records;
        self.nodata += other.nodata;
        self.skipdata += other.skipdata;
        let ip = |me: &mut Self, id: u32| other.ips.get(id).map_or(NONE, |a| me.ips.intern(a));
        let text = |me: &mut Self, id: u32| other.ids.get(id).map_or(NONE, |t| me.ids.intern(t));
        for (iface, place) in &other.places {
            let mine = text(self, *iface);
            let theirs = Place {
                account: place.account,
                vpc: text(self, place.vpc),
                subnet: text(self, place.subnet),
                instance: text(self, place.instance),
            };
            let have = self.places.entry(mine).or_insert(theirs);
            have.account = have.account.merge(theirs.account);
        }
        self.map.reserve(other.map.len());
        for (k, t) in &other.map {
            let key = Key {
                src: ip(self, k.src),
                dst: ip(self, k.dst),
                interface: text(self, k.interface),
                ..*k
            };
            let have = self.map.entry(key).or_default();
            have.packets = have.packets.saturating_add(t.packets);
            have.bytes = have.bytes.saturating_add(t.bytes);
            have.records = have.records.saturating_add(t.records);
        }
    }

    /// Every conversation, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = Conversation<'_>> + '_ {
        self.map.iter().map(|(k, t)| {
            let interface = self.ids.get(k.interface).map(|t| &**t);
            Conversation {
                src: self.ips.get(k.src),
                dst: self.ips.get(k.dst),
                interface,
                account: self
                    .places
                    .get(&k.interface)
                    .map_or(AccountId::UNKNOWN, |p| p.account),
                minute: i64::from(k.minute) * 60,
                port: k.port,
                protocol: k.protocol,
                action: action_of(k.action),
                totals: *t,
            }
        })
    }

    /// The entities the flows name: every address, and each interface with its VPC, subnet and
    /// instance, in the interface's account.
    pub fn entities(&self) -> Vec<Entity> {
        let mut out: Vec<Entity> = self
            .ips
            .values
            .iter()
            .map(|ip| Entity::new(EntityKind::Ip, ip.to_string()))
            .collect();
        let mut seen = std::collections::HashSet::new();
        for (iface, place) in &self.places {
            let account = place.account.get();
            for (kind, id) in [
                (EntityKind::Interface, *iface),
                (EntityKind::Vpc, place.vpc),
                (EntityKind::Subnet, place.subnet),
                (EntityKind::Instance, place.instance),
            ] {
                if let Some(t) = self.ids.get(id) {
                    let e = Entity::new(kind, t.clone()).in_account(account.as_deref());
                    if seen.insert(e.clone()) {
                        out.push(e);
                    }
                }
            }
        }
        out
    }

    /// Bytes the table holds, about (keys, totals, the lists and maps of ids).
    pub fn heap_bytes(&self) -> usize {
        let entry = std::mem::size_of::<(Key, Totals)>() + 1;
        self.map.capacity() * entry
            + self.ips.values.capacity() * (std::mem::size_of::<IpAddr>() * 2 + 5)
            + self.ids.values.capacity() * 48
            + self.places.capacity() * 24
    }
}
