//! `AccountId`: the AWS account an entity belongs to, in five bytes.
//!
//! An entity carries the account its record names (an ARN's account field,
//! `userIdentity.accountId`, a Health affected entity's `awsAccountId`, a finding's `accountId`)
//! so that an action on it is bound to that account, never to whichever account logged the
//! call. It sits in the padding between an entity's kind and its text, so an entity stays 16
//! bytes: an account id has 12 decimal digits, below 2^40.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct AccountId([u8; 5]);

/// The largest value five bytes hold: above every 12-digit account, it marks "several".
const MANY: u64 = (1 << 40) - 1;

impl AccountId {
    /// Not known: the record did not say.
    pub const UNKNOWN: AccountId = AccountId([0; 5]);
    /// Seen with more than one account (an id that should be unique named by two accounts).
    pub const SEVERAL: AccountId = AccountId([0xff; 5]);

    fn from_u64(v: u64) -> AccountId {
        let b = v.to_be_bytes();
        AccountId([b[3], b[4], b[5], b[6], b[7]])
    }

    fn value(self) -> u64 {
        let [a, b, c, d, e] = self.0;
        u64::from_be_bytes([0, 0, 0, a, b, c, d, e])
    }

    /// A 12-digit account id; anything else (empty, text, 11 or 13 digits, all zeros) is
    /// unknown.
    pub fn parse(s: &str) -> AccountId {
        let s = s.trim();
        if s.len() != 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return AccountId::UNKNOWN;
        }
        // Twelve digits always parse and stay below 10^12 < MANY.
        s.parse::<u64>()
            .map(AccountId::from_u64)
            .unwrap_or(AccountId::UNKNOWN)
    }

    /// `parse` of an optional value.
    pub fn of(s: Option<&str>) -> AccountId {
        s.map(AccountId::parse).unwrap_or_default()
    }

    pub fn is_known(self) -> bool {
        self != AccountId::UNKNOWN && self != AccountId::SEVERAL
    }

    pub fn is_several(self) -> bool {
        self == AccountId::SEVERAL
    }

    /// The 12 digits, when exactly one account is known.
    pub fn get(self) -> Option<String> {
        self.is_known().then(|| format!("{:012}", self.value()))
    }

    /// What two sightings of one entity say together: the known one, or `SEVERAL` when they
    /// disagree.
    pub fn merge(self, other: AccountId) -> AccountId {
        match (self, other) {
            (a, b) if a == b => a,
            (AccountId::UNKNOWN, b) => b,
            (a, AccountId::UNKNOWN) => a,
            _ => AccountId::SEVERAL,
        }
    }
}

impl fmt::Debug for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The 12 digits, `several` or `?`.
impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.get() {
            Some(a) => f.write_str(&a),
            None if self.is_several() => f.write_str("several"),
            None => f.write_str("?"),
        }
    }
}

impl Serialize for AccountId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.get() {
            Some(a) => s.serialize_str(&a),
            None if self.is_several() => s.serialize_str("several"),
            None => s.serialize_none(),
        }
    }
}

impl<'de> Deserialize<'de> for AccountId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v: Option<String> = Option::deserialize(d)?;
        Ok(match v.as_deref() {
            Some("several") => AccountId::SEVERAL,
            other => AccountId::of(other),
        })
    }
}

const _: () = assert!(MANY > 999_999_999_999);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_digits_round_trip_and_anything_else_is_unknown() {
        for a in [
            "111122223333",
            "000000000001",
            "999999999999",
            "012345678901",
        ] {
            assert_eq!(AccountId::parse(a).get().as_deref(), Some(a));
        }
        for bad in [
            "",
            "1",
            "11112222333",
            "1111222233334",
            "11112222333x",
            "abc",
        ] {
            assert_eq!(AccountId::parse(bad), AccountId::UNKNOWN, "{bad}");
        }
        assert_eq!(AccountId::parse("000000000000"), AccountId::UNKNOWN);
        assert_eq!(std::mem::size_of::<AccountId>(), 5);
        assert!(!AccountId::SEVERAL.is_known() && AccountId::SEVERAL.get().is_none());
    }

    #[test]
    fn merging_keeps_the_known_account_and_marks_a_disagreement() {
        let a = AccountId::parse("111122223333");
        let b = AccountId::parse("222233334444");
        assert_eq!(AccountId::UNKNOWN.merge(a), a);
        assert_eq!(a.merge(AccountId::UNKNOWN), a);
        assert_eq!(a.merge(a), a);
        assert_eq!(a.merge(b), AccountId::SEVERAL);
        assert_eq!(AccountId::SEVERAL.merge(a), AccountId::SEVERAL);
        let json = serde_json::to_string(&[a, AccountId::SEVERAL]).unwrap_or_default();
        assert_eq!(json, r#"["111122223333","several"]"#);
        let back: Vec<AccountId> = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back, vec![a, AccountId::SEVERAL]);
    }
}
