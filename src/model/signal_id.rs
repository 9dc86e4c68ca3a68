//! A signal's id: `cloudtrail:<eventID>`, `guardduty:<finding id>`, `health:<event ARN>`.
//! CloudTrail's event ids are UUIDs written the usual way (36 characters of lower-case hex and
//! hyphens, version 4), and CloudTrail records are nearly all of a large replay: such an id is
//! kept as its 122 random bits inside the signal, where its text took a 48-byte heap block of
//! its own. Any other id is kept as written, in a shared text. Written by hand rather than with
//! a UUID crate: what matters is the exact text round trip (upper-case or braced UUIDs stay
//! text) and the 16 bytes, which are the few lines below.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

const CLOUDTRAIL: &str = "cloudtrail:";
/// Where the hyphens of a UUID's text are.
const HYPHENS: [usize; 4] = [8, 13, 18, 23];
const UUID_LEN: usize = 36;

/// The forms are private so that one text has one form: equality and hashing compare forms.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SignalId(Form);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Form {
    /// `cloudtrail:` and a lower-case version-4 UUID (what CloudTrail writes), as its 122
    /// random bits.
    CloudTrailUuid(V4),
    Text(super::Text),
}

/// A version-4 UUID without its six fixed bits (the version, 4, and the variant, `10`): 15 bytes
/// and two bits, those in an enum of four values. The values the enum leaves unused tell the
/// id's forms apart, so an id is 16 bytes, not 24 (8 bytes in each of ten million signals).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct V4 {
    bytes: [u8; 15],
    low: Two,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
enum Two {
    B00 = 0,
    B01 = 1,
    B10 = 2,
    B11 = 3,
}

impl V4 {
    fn pack(b: [u8; 16]) -> Option<V4> {
        if b[6] >> 4 != 4 || b[8] >> 6 != 0b10 {
            return None;
        }
        let mut bytes = [0u8; 15];
        bytes[..6].copy_from_slice(&b[..6]);
        bytes[6] = b[7];
        bytes[7..14].copy_from_slice(&b[9..]);
        bytes[14] = (b[6] << 4) | ((b[8] & 0x3f) >> 2);
        let low = match b[8] & 3 {
            0 => Two::B00,
            1 => Two::B01,
            2 => Two::B10,
            _ => Two::B11,
        };
        Some(V4 { bytes, low })
    }

    fn unpack(self) -> [u8; 16] {
        let v = self.bytes;
        let mut b = [0u8; 16];
        b[..6].copy_from_slice(&v[..6]);
        b[6] = 0x40 | v[14] >> 4;
        b[7] = v[6];
        b[8] = 0x80 | (v[14] & 0x0f) << 2 | self.low as u8;
        b[9..].copy_from_slice(&v[7..14]);
        b
    }
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}

/// The 16 bytes of a lower-case UUID's text, or `None` when `s` is anything else.
fn uuid(s: &str) -> Option<[u8; 16]> {
    let s = s.as_bytes();
    if s.len() != UUID_LEN || HYPHENS.iter().any(|&h| s[h] != b'-') {
        return None;
    }
    let mut out = [0u8; 16];
    let mut digits = s.iter().enumerate().filter(|(i, _)| !HYPHENS.contains(i));
    for byte in &mut out {
        let (_, hi) = digits.next()?;
        let (_, lo) = digits.next()?;
        *byte = (hex(*hi)? << 4) | hex(*lo)?;
    }
    Some(out)
}

impl SignalId {
    pub fn new(id: &str) -> SignalId {
        match id
            .strip_prefix(CLOUDTRAIL)
            .and_then(uuid)
            .and_then(V4::pack)
        {
            Some(v4) => SignalId(Form::CloudTrailUuid(v4)),
            None => SignalId(Form::Text(super::Text::copied(id))),
        }
    }

    /// `cloudtrail:<event_id>`.
    pub fn cloudtrail(event_id: &str) -> SignalId {
        match uuid(event_id).and_then(V4::pack) {
            Some(v4) => SignalId(Form::CloudTrailUuid(v4)),
            None => SignalId(Form::Text(super::Text::copied(&format!(
                "{CLOUDTRAIL}{event_id}"
            )))),
        }
    }

    /// The id's text (written out, 47 bytes, for a UUID).
    pub fn as_str(&self) -> Cow<'_, str> {
        match &self.0 {
            Form::Text(t) => Cow::Borrowed(t),
            Form::CloudTrailUuid(_) => Cow::Owned(self.to_string()),
        }
    }

    /// Bytes the id holds on the heap (its text, unless it is a UUID).
    pub fn heap_len(&self) -> usize {
        match &self.0 {
            Form::Text(t) => t.len(),
            Form::CloudTrailUuid(_) => 0,
        }
    }

    /// Moves the id's text (if it has one) into a block allocated by the calling thread.
    pub fn reallocate(&mut self) {
        if let Form::Text(t) = &mut self.0 {
            *t = super::Text::copied(t);
        }
    }

    pub fn starts_with(&self, prefix: &str) -> bool {
        match &self.0 {
            Form::Text(t) => t.starts_with(prefix),
            Form::CloudTrailUuid(_) => self.with_str(|s| s.starts_with(prefix)),
        }
    }
}

/// The text of `cloudtrail:` and the UUID of `bytes`.
fn uuid_text(bytes: &[u8; 16]) -> [u8; CLOUDTRAIL.len() + UUID_LEN] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = [0u8; CLOUDTRAIL.len() + UUID_LEN];
    text[..CLOUDTRAIL.len()].copy_from_slice(CLOUDTRAIL.as_bytes());
    let mut at = CLOUDTRAIL.len();
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            text[at] = b'-';
            at += 1;
        }
        text[at] = DIGITS[usize::from(b >> 4)];
        text[at + 1] = DIGITS[usize::from(b & 15)];
        at += 2;
    }
    text
}

impl SignalId {
    /// Calls `f` with the id's text, written on the stack for a UUID: for the paths that read
    /// every signal's id (filters, letter masks), where `as_str` would allocate.
    pub fn with_str<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        match &self.0 {
            Form::Text(t) => f(t),
            Form::CloudTrailUuid(v4) => {
                let text = uuid_text(&v4.unpack());
                // Only ASCII is written.
                f(std::str::from_utf8(&text).unwrap_or_default())
            }
        }
    }
}

impl fmt::Display for SignalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.with_str(|s| f.write_str(s))
    }
}

impl fmt::Debug for SignalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.with_str(|s| fmt::Debug::fmt(s, f))
    }
}

/// In the order of the ids' text (a UUID's hex digits sort as its bytes do).
impl Ord for SignalId {
    fn cmp(&self, other: &Self) -> Ordering {
        match (&self.0, &other.0) {
            (Form::CloudTrailUuid(a), Form::CloudTrailUuid(b)) => a.unpack().cmp(&b.unpack()),
            (Form::Text(a), Form::Text(b)) => a.cmp(b),
            _ => self.with_str(|a| other.with_str(|b| a.cmp(b))),
        }
    }
}

impl PartialOrd for SignalId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq<str> for SignalId {
    fn eq(&self, other: &str) -> bool {
        match &self.0 {
            Form::Text(t) => &**t == other,
            Form::CloudTrailUuid(v4) => {
                other.strip_prefix(CLOUDTRAIL).and_then(uuid) == Some(v4.unpack())
            }
        }
    }
}

impl PartialEq<&str> for SignalId {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl From<&str> for SignalId {
    fn from(id: &str) -> SignalId {
        SignalId::new(id)
    }
}

impl From<String> for SignalId {
    fn from(id: String) -> SignalId {
        SignalId::new(&id)
    }
}

impl Serialize for SignalId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.with_str(|text| s.serialize_str(text))
    }
}

impl<'de> Deserialize<'de> for SignalId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(SignalId::new(&Cow::<str>::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cloudtrail_uuid_is_kept_in_its_bytes_and_read_back_as_written() {
        let text = "cloudtrail:3e9f1c2a-0b4d-4e5f-8a6b-7c8d9e0f1a2b";
        let id = SignalId::new(text);
        assert!(matches!(id.0, Form::CloudTrailUuid(_)));
        assert_eq!(id.to_string(), text);
        assert_eq!(id.as_str(), text);
        assert_eq!(
            id,
            SignalId::cloudtrail("3e9f1c2a-0b4d-4e5f-8a6b-7c8d9e0f1a2b")
        );
        assert_eq!(id, *text);
        assert!(id.starts_with("cloudtrail:3e9f"));
        assert_eq!(format!("{id:?}"), format!("{text:?}"));
        assert_eq!(
            serde_json::to_string(&id).ok(),
            serde_json::to_string(text).ok()
        );
        let back: Option<SignalId> = serde_json::from_str(&format!("{text:?}")).ok();
        assert_eq!(back, Some(id));
    }

    #[test]
    fn anything_else_stays_text_exactly() {
        for text in [
            "cloudtrail:3E9F1C2A-0B4D-4E5F-8A6B-7C8D9E0F1A2B",
            "cloudtrail:3e9f1c2a0b4d4e5f8a6b7c8d9e0f1a2b",
            "cloudtrail:3e9f1c2a-0b4d-4e5f-8a6b-7c8d9e0f1a2",
            "cloudtrail:3e9f1c2a-0b4d-4e5f-8a6b-7c8d9e0f1a2bb",
            "cloudtrail:3e9f1c2a-0b4d-4e5f-8a6b-7c8d9e0f1a2g",
            "cloudtrail:3e9f1c2a-0b4d-4e5f-8a6b+7c8d9e0f1a2b",
            "guardduty:3e9f1c2a-0b4d-4e5f-8a6b-7c8d9e0f1a2b",
            "cloudtrail:e1",
            "cloudtrail:é9f1c2a-0b4d-4e5f-8a6b-7c8d9e0f1a2",
            "",
        ] {
            let id = SignalId::new(text);
            assert!(matches!(id.0, Form::Text(_)), "{text}");
            assert_eq!((id.to_string(), id == *text), (text.to_string(), true));
        }
    }

    #[test]
    fn an_id_takes_16_bytes_in_a_signal() {
        assert_eq!(std::mem::size_of::<SignalId>(), 16);
    }

    #[test]
    fn every_version_4_uuid_packs_and_reads_back_and_no_other_packs() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..10_000 {
            let mut b = [0u8; 16];
            b[..8].copy_from_slice(&next().to_le_bytes());
            b[8..].copy_from_slice(&next().to_le_bytes());
            let v4 = V4::pack(b);
            assert_eq!(v4.is_some(), b[6] >> 4 == 4 && b[8] >> 6 == 2, "{b:?}");
            b[6] = 0x40 | (b[6] & 0x0f);
            b[8] = 0x80 | (b[8] & 0x3f);
            assert_eq!(V4::pack(b).map(V4::unpack), Some(b));
        }
        // Another version, or another variant, stays text.
        for text in [
            "cloudtrail:3e9f1c2a-0b4d-1e5f-8a6b-7c8d9e0f1a2b",
            "cloudtrail:3e9f1c2a-0b4d-4e5f-ca6b-7c8d9e0f1a2b",
        ] {
            let id = SignalId::new(text);
            assert!(matches!(id.0, Form::Text(_)), "{text}");
            assert_eq!(id.to_string(), text);
        }
    }

    #[test]
    fn ids_sort_as_their_text_does() {
        let mut texts = vec![
            "cloudtrail:ffffffff-0000-0000-0000-000000000000",
            "cloudtrail:00000000-0000-0000-0000-00000000000a",
            "cloudtrail:00000000-0000-0000-0000-000000000009",
            "cloudtrail:e1",
            "cloudtrail:Z",
            "guardduty:x",
            "cloudtrail:0",
        ];
        let mut ids: Vec<SignalId> = texts.iter().map(|t| SignalId::new(t)).collect();
        texts.sort();
        ids.sort();
        let sorted: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
        assert_eq!(sorted, texts);
    }
}
