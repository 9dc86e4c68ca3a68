//! The filter language: fuzzy text plus `field:value` terms, parsed once per keystroke and
//! matched against every signal.
//!
//! ```text
//! sev:>=high type:Recon* user:alice key:AKIA... region:us-east-1 since:2h -source:health root login
//! ```

pub mod flow;
pub mod glob;
mod parse;

use crate::model::{EntitiesOf, EntityKind, Severity, Signal, Source};
use chrono::{DateTime, Duration, Utc};
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use glob::Glob;
pub use parse::{parse, ParseError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Eq,
    Ge,
    Gt,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Severity(Cmp, Severity),
    Kind(Glob),
    User(Glob),
    Entity(Option<EntityKind>, Glob),
    Region(Glob),
    Account(Glob),
    Source(Source),
    Id(Glob),
    Since(Duration),
    Abuse(Glob),
    Category(Glob),
    /// A detection rule's title, name or id.
    Rule(Glob),
    Tactic(Glob),
    Technique(Glob),
    /// The product that made a finding (`macie`, `inspector`, a partner's name).
    Product(Glob),
    /// Security Hub's workflow status (NEW, NOTIFIED, RESOLVED, SUPPRESSED).
    Workflow(Glob),
    /// Flow terms (`flow.rs`): a conversation's destination port, protocol number, action and
    /// bytes. They hold on no signal.
    Port(u16),
    Proto(u8),
    Action(crate::model::flow::FlowAction),
    Bytes(Cmp, u64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub negate: bool,
    pub cond: Cond,
}

/// The fields a user can name, for help and error messages.
pub const FIELDS: &[(&str, &str)] = &[
    ("sev", "severity: sev:high, sev:>=medium, sev:<high"),
    (
        "type",
        "event name / finding type / Health code, * wildcards",
    ),
    ("user", "principal: user, role or session name"),
    ("key", "access key id"),
    ("ip", "IP address"),
    ("instance", "EC2 instance id"),
    ("bucket", "S3 bucket"),
    ("entity", "any entity id"),
    ("region", "AWS region"),
    ("account", "AWS account id"),
    (
        "source",
        "health, guardduty, cloudtrail, securityhub (also findings merged with their copy there), macie, inspector, accessanalyzer, monitors",
    ),
    (
        "product",
        "finding's product: guardduty, macie, inspector, accessanalyzer, securityhub, config, a partner's",
    ),
    ("workflow", "Security Hub workflow: new, notified, resolved, suppressed"),
    ("id", "signal id"),
    ("since", "newer than: 30s, 15m, 2h, 7d"),
    ("abuse", "Health abuse type"),
    (
        "category",
        "Health category / resource type / CloudTrail event type",
    ),
    ("rule", "detection rule title, name or id, * wildcards"),
    ("tactic", "ATT&CK tactic: persistence, defense-evasion, …"),
    ("technique", "ATT&CK technique: T1078, T1098*"),
    ("domain", "DNS name (Resolver logs; the Network view: names resolved to an address)"),
    ("port", "Network view: destination port, port:22"),
    ("proto", "Network view: protocol, proto:tcp, proto:udp, proto:17"),
    ("action", "Network view: action:accept, action:reject"),
    ("bytes", "Network view: bytes summed, bytes:>10M (K, M, G: thousands)"),
];

#[derive(Debug, Clone, Default)]
pub struct Query {
    pub text: String,
    pub terms: Vec<Term>,
    /// Free text for the fuzzy matcher (terms removed).
    pub fuzzy: String,
}

/// How a signal matched: positions (char indices) of fuzzy matches in its summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hit {
    pub summary_positions: Vec<usize>,
}

impl Query {
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.fuzzy.is_empty()
    }

    fn cond_holds(cond: &Cond, s: &Signal, entities: EntitiesOf, now: DateTime<Utc>) -> bool {
        let any_entity = |kinds: &[EntityKind], g: &Glob| {
            entities
                .iter()
                .any(|e| (kinds.is_empty() || kinds.contains(&e.kind)) && g.is_match(&e.id))
        };
        match cond {
            Cond::Severity(cmp, sev) => match cmp {
                Cmp::Lt => s.severity < *sev,
                Cmp::Le => s.severity <= *sev,
                Cmp::Eq => s.severity == *sev,
                Cmp::Ge => s.severity >= *sev,
                Cmp::Gt => s.severity > *sev,
            },
            Cond::Kind(g) => g.is_match(s.kind()) || g.is_match(s.title()),
            Cond::User(g) => {
                s.actor().is_some_and(|a| g.is_match(a))
                    || any_entity(
                        &[
                            EntityKind::IamUser,
                            EntityKind::IamRole,
                            EntityKind::AssumedRole,
                        ],
                        g,
                    )
            }
            Cond::Entity(Some(kind), g) => any_entity(&[*kind], g),
            Cond::Entity(None, g) => any_entity(&[], g),
            Cond::Region(g) => s.region().is_some_and(|r| g.is_match(r)),
            Cond::Account(g) => {
                s.account().is_some_and(|a| g.is_match(a)) || any_entity(&[EntityKind::Account], g)
            }
            // A finding merged with its Security Hub copy was read there too.
            Cond::Source(Source::SecurityHub) => s.via_securityhub(),
            Cond::Source(src) => s.source == *src,
            Cond::Id(g) => s.id.with_str(|id| g.is_match(id)),
            Cond::Since(d) => now.checked_sub_signed(*d).is_none_or(|t| s.time >= t),
            Cond::Abuse(g) => s.abuse().is_some_and(|a| g.is_match(a.label())),
            Cond::Category(g) => s.category().is_some_and(|c| g.is_match(c)),
            Cond::Rule(g) => s
                .detections()
                .iter()
                .any(|d| d.rule.names().any(|n| g.is_match(n))),
            Cond::Tactic(g) => crate::model::detection::signal_tactics(s)
                .iter()
                .any(|t| g.is_match(t) || g.is_match(&t.replace('-', "_"))),
            Cond::Technique(g) => s
                .detections()
                .iter()
                .any(|d| d.rule.techniques.iter().any(|t| g.is_match(t))),
            Cond::Product(g) => g.is_match(s.product()),
            Cond::Workflow(g) => s.workflow().is_some_and(|w| g.is_match(w)),
            Cond::Port(_) | Cond::Proto(_) | Cond::Action(_) | Cond::Bytes(..) => false,
        }
    }

    /// `Some(hit)` when every term holds and the fuzzy text (if any) matches.
    pub fn matches(
        &self,
        s: &Signal,
        entities: EntitiesOf,
        now: DateTime<Utc>,
        matcher: &SkimMatcherV2,
    ) -> Option<Hit> {
        if !self.terms_hold(s, entities, now) {
            return None;
        }
        if self.fuzzy.is_empty() {
            return Some(Hit::default());
        }
        if let Some((_, positions)) = matcher.fuzzy_indices(&s.summary(), &self.fuzzy) {
            return Some(Hit {
                summary_positions: positions,
            });
        }
        let other = format!("{} {} {}", s.title(), s.actor().unwrap_or(""), s.id);
        matcher
            .fuzzy_match(&other, &self.fuzzy)
            .map(|_| Hit::default())
    }

    /// `accepts`, first ruling out signals whose `store::text_mask` lacks a letter or digit of
    /// the fuzzy text (most of them, for a selective filter) without reading the signal.
    pub fn accepts_masked(
        &self,
        s: &Signal,
        entities: EntitiesOf,
        mask: u64,
        now: DateTime<Utc>,
    ) -> bool {
        let needle = crate::store::text_mask(&self.fuzzy);
        needle & !mask == 0 && self.accepts(s, entities, now)
    }

    /// Whether every term holds and the fuzzy text (if any) matches: `matches` without the
    /// match positions, for filtering many signals.
    pub fn accepts(&self, s: &Signal, entities: EntitiesOf, now: DateTime<Utc>) -> bool {
        if !self.terms_hold(s, entities, now) {
            return false;
        }
        if self.fuzzy.is_empty() {
            return true;
        }
        // The summary's pieces in order, as if joined (a CloudTrail summary is not held whole).
        // A CloudTrail summary is not held whole: its pieces are joined in a reused buffer and
        // scanned once (scanning each short piece on its own costs more than the copy).
        let found = SUMMARY.with(|b| {
            let Ok(mut b) = b.try_borrow_mut() else {
                return fuzzy_accepts(&s.summary(), &self.fuzzy);
            };
            b.clear();
            s.summary_until(|part| {
                b.push_str(part);
                false
            });
            fuzzy_accepts(&b, &self.fuzzy)
        });
        if found {
            return true;
        }
        // As `matches`: title, actor and id joined by spaces.
        let parts = [s.title(), " ", s.actor().unwrap_or(""), " "];
        let mut left = self.fuzzy.as_str();
        for part in parts {
            left = advance(part, left);
            if left.is_empty() {
                return true;
            }
        }
        s.id.with_str(|id| advance(id, left).is_empty())
    }

    fn terms_hold(&self, s: &Signal, entities: EntitiesOf, now: DateTime<Utc>) -> bool {
        self.terms
            .iter()
            .all(|t| Self::cond_holds(&t.cond, s, entities, now) != t.negate)
    }
}

/// Matches the characters of `needle` in order inside `hay` and returns the part of `needle`
/// still unmatched (empty: all of it matched).
///
/// This is the skim matcher's own acceptance rule (every pattern character in order, ASCII case
/// ignored, everything else exact) which fuzzy-matcher only offers together with scoring. A
/// filter over a million rows needs the yes/no alone, and memchr finds each character with SIMD
/// instead of scoring a matrix, so it is written here; `matches` still scores with skim for the
/// highlighted positions of the rows on screen.
fn advance<'n>(hay: &str, needle: &'n str) -> &'n str {
    let bytes = hay.as_bytes();
    let mut at = 0;
    let mut left = needle;
    while let Some(c) = left.chars().next() {
        let found = if c.is_ascii() {
            let b = c as u8;
            memchr::memchr2(b.to_ascii_lowercase(), b.to_ascii_uppercase(), &bytes[at..])
                .map(|i| i + 1)
        } else {
            let mut buf = [0u8; 4];
            let enc = c.encode_utf8(&mut buf).as_bytes();
            memchr::memmem::find(&bytes[at..], enc).map(|i| i + enc.len())
        };
        match found {
            Some(end) => {
                at += end;
                left = &left[c.len_utf8()..];
            }
            None => break,
        }
    }
    left
}

thread_local! {
    /// A CloudTrail summary, joined for one scan (`Query::accepts`).
    static SUMMARY: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Whether the fuzzy matcher would match `needle` in `hay` (see `advance`).
pub fn fuzzy_accepts(hay: &str, needle: &str) -> bool {
    advance(hay, needle).is_empty()
}

/// One matcher for the whole filter pass (it holds scratch buffers).
pub fn matcher() -> SkimMatcherV2 {
    SkimMatcherV2::default().ignore_case()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_fuzzy_check_agrees_with_the_skim_matcher() {
        let m = matcher();
        let alphabet: Vec<char> = "aAbBeErRtT -:/éÉ_1".chars().collect();
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut word = |len: usize| -> String {
            (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    alphabet[(x % alphabet.len() as u64) as usize]
                })
                .collect()
        };
        let mut answers = (0, 0);
        for _ in 0..20_000 {
            let hay = word(24);
            let needle = word(3);
            let skim = m.fuzzy_match(&hay, &needle).is_some();
            assert_eq!(fuzzy_accepts(&hay, &needle), skim, "{hay:?} / {needle:?}");
            // The mask check never turns away a match.
            let (h, n) = (
                crate::store::text_mask(&hay),
                crate::store::text_mask(&needle),
            );
            assert!(!skim || n & !h == 0, "{hay:?} / {needle:?}");
            if skim {
                answers.0 += 1;
            } else {
                answers.1 += 1;
            }
        }
        // Both answers occur, so the comparison means something.
        assert!(answers.0 > 1000 && answers.1 > 1000, "{answers:?}");
    }
}
