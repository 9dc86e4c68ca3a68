//! A signal's one-line summary. GuardDuty and Health summaries are kept as written. A CloudTrail
//! call's ("alice called s3:GetObject on bucket:logs from 198.51.100.7 → AccessDenied") is put
//! together from the signal's own fields when it is read: the principal and the title are held
//! anyway, the target shares its entity's id, an IPv4 source is 4 bytes inline and any other
//! source and the error are shared `Text`s. At a million records that is about 100 bytes a
//! record less than the written-out line.
//!
//! Filters read the pieces in order (`Signal::summary_until`), stopping as soon as they know;
//! drawing, copying and exports join them (`Signal::summary`).

use super::{EntityKind, Signal, Text};
use std::borrow::Cow;
use std::net::Ipv4Addr;

#[derive(Debug, Clone, PartialEq)]
pub enum Summary {
    /// Written out (GuardDuty, Health).
    Text(Box<str>),
    /// A CloudTrail call, put together when read.
    Call(Call),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The call's target: its first entity that is not the caller (the id shared with it).
    target: Option<Text>,
    target_kind: EntityKind,
    /// `sourceIPAddress` when it is not an IPv4 address written the usual way.
    from: Option<Text>,
    /// `sourceIPAddress` when it is one (`from_v4` says so).
    v4: [u8; 4],
    from_v4: bool,
    /// `errorCode`.
    error: Option<Text>,
}

impl Summary {
    pub fn text(s: impl Into<Box<str>>) -> Summary {
        Summary::Text(s.into())
    }

    /// Makes a call's target share the text of the equal entity in `entities` (the store's
    /// copy), so the copy it was made with can go.
    pub fn share_target<'a>(&mut self, mut entities: impl Iterator<Item = &'a super::Entity>) {
        if let Summary::Call(c) = self {
            if let Some(t) = &mut c.target {
                if let Some(e) = entities.find(|e| e.kind == c.target_kind && e.id == *t) {
                    *t = e.id.clone();
                }
            }
        }
    }

    pub fn call(
        target: Option<&super::Entity>,
        from: Option<&str>,
        error: Option<&str>,
    ) -> Summary {
        // Inline only when it reads back the same (no leading zeros or other spellings).
        let v4 = from
            .and_then(|f| f.parse::<Ipv4Addr>().ok().filter(|a| a.to_string() == f))
            .map(|a| a.octets());
        Summary::Call(Call {
            target: target.map(|e| e.id.clone()),
            target_kind: target.map_or(EntityKind::Other, |e| e.kind),
            from: from.filter(|_| v4.is_none()).map(Text::from),
            v4: v4.unwrap_or_default(),
            from_v4: v4.is_some(),
            error: error.map(Text::from),
        })
    }

    /// The shared strings it holds (memory accounting).
    pub fn texts(&self) -> impl Iterator<Item = &Text> {
        let c = match self {
            Summary::Call(c) => Some(c),
            Summary::Text(_) => None,
        };
        c.into_iter()
            .flat_map(|c| [&c.target, &c.from, &c.error].into_iter().flatten())
    }
}

impl Signal {
    /// Hands the summary's pieces to `f` in order until it returns true (then true); joined,
    /// the pieces are `summary()`. Pieces are read only as they are reached: a filter that
    /// matches in the principal's name touches nothing else.
    pub fn summary_until(&self, mut f: impl FnMut(&str) -> bool) -> bool {
        let c = match &self.summary {
            Summary::Text(t) => return f(t),
            Summary::Call(c) => c,
        };
        let who = self.actor().unwrap_or("unknown principal");
        if f(who) || f(" called ") || f(self.title()) {
            return true;
        }
        if let Some(id) = &c.target {
            if f(" on ") || f(c.target_kind.label()) || f(":") || f(id) {
                return true;
            }
        }
        if c.from_v4 {
            let mut buf = [0u8; 15];
            if f(" from ") || f(v4_text(c.v4, &mut buf)) {
                return true;
            }
        } else if let Some(ip) = &c.from {
            if f(" from ") || f(ip) {
                return true;
            }
        }
        match &c.error {
            Some(err) => f(" → ") || f(err),
            None => false,
        }
    }

    /// One line: who did what to what, from where.
    pub fn summary(&self) -> Cow<'_, str> {
        match &self.summary {
            Summary::Text(t) => Cow::Borrowed(t),
            Summary::Call(_) => {
                let mut out = String::new();
                self.summary_until(|p| {
                    out.push_str(p);
                    false
                });
                Cow::Owned(out)
            }
        }
    }
}

/// Dotted decimal into `buf`, without `fmt` (filters write a million of these).
fn v4_text(octets: [u8; 4], buf: &mut [u8; 15]) -> &str {
    let mut n = 0;
    for (i, o) in octets.into_iter().enumerate() {
        if i > 0 {
            buf[n] = b'.';
            n += 1;
        }
        let digits = [o / 100, o / 10 % 10, o % 10];
        let skip = if o >= 100 {
            0
        } else if o >= 10 {
            1
        } else {
            2
        };
        for d in &digits[skip..] {
            buf[n] = b'0' + d;
            n += 1;
        }
    }
    std::str::from_utf8(&buf[..n]).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_sources_read_back_as_written_and_others_stay_text() {
        for ip in ["0.0.0.0", "9.10.99.100", "255.255.255.255", "198.51.100.7"] {
            let mut buf = [0u8; 15];
            let a: Ipv4Addr = ip.parse().unwrap_or(Ipv4Addr::UNSPECIFIED);
            assert_eq!(v4_text(a.octets(), &mut buf), ip);
        }
        for from in [
            "198.51.100.7",
            "010.1.1.1",
            "ec2.amazonaws.com",
            "2001:db8::1",
        ] {
            let Summary::Call(c) = Summary::call(None, Some(from), None) else {
                panic!()
            };
            assert_eq!(c.from_v4, from == "198.51.100.7", "{from}");
            assert_eq!(c.from.is_some(), from != "198.51.100.7", "{from}");
        }
    }
}
