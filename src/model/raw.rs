//! The original record behind a signal, kept compactly: CloudTrail and GuardDuty records as
//! their JSON text (a fraction of a parsed tree's size), parsed and nested-decoded only when a
//! responder opens the detail view, copies or pins it. Health events keep their joined parts as
//! a tree, since later pieces merge into them.
//!
//! Records read from files are then packed: the texts of neighbouring records go into one
//! LZ4-compressed block (about 64 KiB of JSON, a few dozen records) that their signals share,
//! so a million CloudTrail events keep their originals in a fraction of the memory. Opening one
//! decompresses its block (tens of microseconds).
//!
//! A CloudTrail log file's records need not be held at all: `Raw::File` keeps where the record's
//! bytes sit in the file (after decompression) and a hash of them; the console reads them back
//! off its input task when a responder opens, copies or pins the record, and refuses when the
//! file changed since it was loaded.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::borrow::Cow;
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub enum Raw {
    /// Not kept (`airc inspect`).
    #[default]
    None,
    /// Compact JSON text of the original record.
    Text(Box<str>),
    /// A parsed tree (Health parts).
    Tree(Box<Value>),
    /// Compact JSON text inside a compressed block shared with neighbouring records.
    Packed(Packed),
    /// The record's place in the file it was read from; read back on demand by the source layer
    /// (`source::replay::reread`). Shows as nothing until then.
    File(FileSpan),
}

/// A file records were read from, and how to open it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordFile {
    pub path: std::path::PathBuf,
    /// The entry inside a zip archive, when the records came from one.
    pub entry: Option<String>,
    /// The content (the file, or the zip entry) is gzip-compressed.
    pub gzip: bool,
    /// Size and modification time when loaded: a file that changed since is not read back.
    pub size: u64,
    pub modified: Option<std::time::SystemTime>,
}

/// Where one record's bytes are in its file's decompressed content: 24 bytes, so that a
/// `Raw` holding one is 24 bytes too (ten million signals hold one each).
/// (`repr(C)` keeps `mark` last, clear of the other variants' bytes; measured: without it `Raw`
/// is 32 bytes.)
#[derive(Debug, Clone, PartialEq)]
#[repr(C)]
pub struct FileSpan {
    pub file: Arc<RecordFile>,
    /// Offset in the upper `OFFSET_BITS` bits, length in the rest.
    at: u64,
    /// `span_hash` of the bytes when loaded.
    pub hash: u32,
    /// Holds no information: its unused values are where `Raw` keeps which variant it is.
    mark: Mark,
}

#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(u8)]
enum Mark {
    Span = 0,
}

const LEN_BITS: u32 = 24;
/// Offsets up to a terabyte of decompressed content, records up to 16 MiB: a record past either
/// is kept in memory instead (`FileSpan::new` says no).
const OFFSET_BITS: u32 = 64 - LEN_BITS;

impl FileSpan {
    /// The span of `len` bytes at `offset`, or nothing when they do not fit its 64 bits.
    pub fn new(file: Arc<RecordFile>, offset: u64, len: u32, hash: u32) -> Option<FileSpan> {
        (offset >> OFFSET_BITS == 0 && len >> LEN_BITS == 0).then_some(FileSpan {
            file,
            at: offset << LEN_BITS | u64::from(len),
            hash,
            mark: Mark::Span,
        })
    }

    /// Where the record starts in the file's decompressed content.
    pub fn offset(&self) -> u64 {
        self.at >> LEN_BITS
    }

    /// The record's length in bytes.
    pub fn len(&self) -> u32 {
        (self.at & ((1 << LEN_BITS) - 1)) as u32
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The hash a `FileSpan` keeps of its bytes: not a defence against a forger (the file itself is
/// the evidence), it catches a changed file or a wrong offset before a wrong record is shown.
pub fn span_hash(bytes: &[u8]) -> u32 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0x6169_7263).hash_one(bytes) as u32
}

/// JSON text of about this many bytes is compressed together.
const BLOCK_BYTES: usize = 64 * 1024;

/// One record's place in a shared compressed block.
#[derive(Debug, Clone)]
pub struct Packed {
    /// A thin pointer (the block's length lives with it): `Raw` stays 24 bytes.
    block: Arc<Box<[u8]>>,
    start: u32,
    len: u32,
}

impl Packed {
    fn text(&self) -> Option<String> {
        let all = lz4_flex::block::decompress_size_prepended(&self.block).ok()?;
        let (start, end) = (self.start as usize, (self.start + self.len) as usize);
        String::from_utf8(all.get(start..end)?.to_vec()).ok()
    }
}

/// The same record whether packed or not.
impl PartialEq for Raw {
    fn eq(&self, other: &Raw) -> bool {
        match (self, other) {
            (Raw::None, Raw::None) => true,
            (Raw::Tree(a), Raw::Tree(b)) => a == b,
            (Raw::File(a), Raw::File(b)) => Arc::ptr_eq(&a.file, &b.file) && a.at == b.at,
            (a, b) => matches!((a.text(), b.text()), (Some(x), Some(y)) if x == y),
        }
    }
}

/// Packs the texts among `raws` into shared compressed blocks; trees and empty ones stay.
pub fn pack<'a>(raws: impl Iterator<Item = &'a mut Raw>) {
    let mut buf = String::new();
    let mut members: Vec<(&'a mut Raw, u32, u32)> = Vec::new();
    let seal = |buf: &mut String, members: &mut Vec<(&'a mut Raw, u32, u32)>| {
        let block = Arc::new(lz4_flex::block::compress_prepend_size(buf.as_bytes()).into());
        for (raw, start, len) in members.drain(..) {
            *raw = Raw::Packed(Packed {
                block: Arc::clone(&block),
                start,
                len,
            });
        }
        buf.clear();
    };
    for raw in raws {
        let Raw::Text(t) = raw else { continue };
        // A record larger than a block's offsets can hold stays as it is.
        let (Ok(start), Ok(len)) = (u32::try_from(buf.len()), u32::try_from(t.len())) else {
            continue;
        };
        buf.push_str(t);
        members.push((raw, start, len));
        if buf.len() >= BLOCK_BYTES {
            seal(&mut buf, &mut members);
        }
    }
    if !members.is_empty() {
        seal(&mut buf, &mut members);
    }
}

/// Keys whose values are live secrets: temporary credentials in `responseElements`
/// (`AssumeRole`, `GetSessionToken`, `GetFederationToken`…), key material.
const SECRET_KEYS: &[&str] = &[
    "secretaccesskey",
    "sessiontoken",
    "keymaterial",
    "privatekey",
];

pub const MASKED: &str = "<masked by airc>";

/// Replaces the value of every secret key, at any depth. A responder never needs the secret
/// itself (the access key id, which is not secret, stays).
pub fn mask_credentials(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                if val.is_string() && SECRET_KEYS.contains(&k.to_ascii_lowercase().as_str()) {
                    *val = Value::String(MASKED.into());
                } else {
                    mask_credentials(val);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_credentials),
        _ => {}
    }
}

impl Raw {
    pub fn text_of(v: &Value) -> Raw {
        Raw::Text(v.to_string().into_boxed_str())
    }

    pub fn tree(v: Value) -> Raw {
        Raw::Tree(Box::new(v))
    }

    /// The Health parts tree, when this is one.
    pub fn as_tree(&self) -> Option<&Value> {
        match self {
            Raw::Tree(v) => Some(v),
            _ => None,
        }
    }

    /// For packed records: the shared block's address and compressed size (memory accounting).
    pub fn packed_block(&self) -> Option<(usize, usize)> {
        match self {
            Raw::Packed(p) => Some((p.block.as_ptr() as usize, p.block.len())),
            _ => None,
        }
    }

    /// The compact JSON text, for texts (packed or not).
    pub fn text(&self) -> Option<Cow<'_, str>> {
        match self {
            Raw::Text(t) => Some(Cow::Borrowed(t)),
            Raw::Packed(p) => p.text().map(Cow::Owned),
            Raw::None | Raw::Tree(_) | Raw::File(_) => None,
        }
    }

    /// The place in a file to read the record back from, while it has not been.
    pub fn file_span(&self) -> Option<&FileSpan> {
        match self {
            Raw::File(f) => Some(f),
            _ => None,
        }
    }

    /// The record with JSON nested inside strings decoded (LookupEvents' `CloudTrailEvent`,
    /// GuardDuty `additionalInfo`, policy documents), credentials masked: what the detail
    /// view shows, copies, pins and exports. Every path that shows a record goes through here.
    pub fn decoded(&self) -> Value {
        let mut v = match self {
            Raw::None | Raw::File(_) => Value::Null,
            Raw::Text(_) | Raw::Packed(_) => self
                .text()
                .and_then(|t| serde_json::from_str::<Value>(&t).ok())
                .map(crate::model::nested::decode_nested)
                .unwrap_or(Value::Null),
            Raw::Tree(v) => crate::model::nested::decode_nested((**v).clone()),
        };
        mask_credentials(&mut v);
        v
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Raw::None)
    }
}

impl Serialize for Raw {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.decoded().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Raw, D::Error> {
        let v = Value::deserialize(d)?;
        Ok(if v.is_null() {
            Raw::None
        } else {
            Raw::text_of(&v)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_span_holds_a_terabyte_of_offsets_and_16_mib_records_in_24_bytes() {
        let file = Arc::new(RecordFile {
            path: "x.json".into(),
            entry: None,
            gzip: false,
            size: 0,
            modified: None,
        });
        let last = (1u64 << 40) - 1;
        let span = FileSpan::new(Arc::clone(&file), last, (1 << 24) - 1, 7);
        let span = span.expect("fits");
        assert_eq!(
            (span.offset(), span.len(), span.hash),
            (last, (1 << 24) - 1, 7)
        );
        assert!(FileSpan::new(Arc::clone(&file), 1 << 40, 1, 0).is_none());
        assert!(FileSpan::new(Arc::clone(&file), 0, 1 << 24, 0).is_none());
        assert_eq!(std::mem::size_of::<Raw>(), 24);
        assert!(matches!(Raw::File(span.clone()), Raw::File(s) if s == span));
    }

    #[test]
    fn credentials_in_response_elements_are_masked() {
        let r = Raw::text_of(
            &json!({"eventName": "AssumeRole", "responseElements": {"credentials": {
            "accessKeyId": "ASIAEXAMPLE", "secretAccessKey": "wJalrXUtnFEMI/K7MDENG", "sessionToken": "IQoJb3JpZ2lu",
            "expiration": "Nov 30, 2026"}}}),
        );
        let d = r.decoded();
        let text = d.to_string();
        assert!(
            !text.contains("wJalrXUtnFEMI") && !text.contains("IQoJb3JpZ2lu"),
            "{text}"
        );
        assert_eq!(
            d["responseElements"]["credentials"]["accessKeyId"],
            "ASIAEXAMPLE"
        );
        assert_eq!(d["responseElements"]["credentials"]["sessionToken"], MASKED);
    }

    #[test]
    fn text_is_decoded_on_demand() {
        let r = Raw::text_of(&json!({"CloudTrailEvent": "{\"eventName\":\"X\"}"}));
        assert_eq!(r.decoded(), json!({"CloudTrailEvent": {"eventName": "X"}}));
        assert_eq!(Raw::None.decoded(), Value::Null);
        assert!(Raw::tree(json!({"a": 1})).as_tree().is_some());
    }

    #[test]
    fn packed_records_share_blocks_and_come_back_whole() {
        let records: Vec<Value> = (0..3000)
            .map(|i| json!({"eventID": format!("id-{i}"), "eventName": "GetObject", "n": i}))
            .collect();
        let mut raws: Vec<Raw> = records.iter().map(Raw::text_of).collect();
        raws.push(Raw::tree(json!({"kept": true})));
        raws.push(Raw::None);
        pack(raws.iter_mut());
        assert!(matches!(raws[0], Raw::Packed(_)));
        let blocks: std::collections::HashSet<*const u8> = raws
            .iter()
            .filter_map(|r| match r {
                Raw::Packed(p) => Some(p.block.as_ptr()),
                _ => None,
            })
            .collect();
        // 3000 records of ~60 bytes: a few 64 KiB blocks, not one per record.
        assert!((2..=4).contains(&blocks.len()), "{} blocks", blocks.len());
        for (raw, v) in raws.iter().zip(&records) {
            assert_eq!(&raw.decoded(), v);
        }
        assert_eq!(raws[3000].as_tree(), Some(&json!({"kept": true})));
        assert!(raws[3001].is_none());
        assert_eq!(raws[5], Raw::text_of(&records[5]));
    }
}
