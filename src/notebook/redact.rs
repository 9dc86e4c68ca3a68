//! `--redact`: access key ids, account ids (also the one inside an ARN) and IP addresses are
//! masked in an exported postmortem, the same value with the same mask everywhere in the
//! document (`ACCOUNT1`, `KEY2`, `IP3`).
//!
//! One scan from left to right, so what one pattern took no other sees: an ARN's
//! `arn:PARTITION:SERVICE:REGION:ACCOUNT:` prefix is read as a whole (its `::` and `:::` are
//! separators, never an IPv6 address) and only the account in it is masked. An IPv6 candidate is
//! masked only when `std::net::Ipv6Addr` parses it and it stands apart from the words around it
//! (`iam::1`, `08:30:08`, `a:b` and a bare `::` are left alone).
//!
//! By hand, not a crate: no redaction crate knows ARNs; the address grammar is the standard
//! library's.

use regex::{Captures, Regex};
use std::collections::HashMap;
use std::net::Ipv6Addr;
use std::sync::OnceLock;

/// The patterns, in the order they are tried at one position, compiled once. They are
/// constants, and a test compiles them; should they ever fail, redaction fails (and nothing
/// unmasked is exported) rather than skip them.
fn pattern() -> Result<&'static Regex, super::Error> {
    static P: OnceLock<Result<Regex, String>> = OnceLock::new();
    let compiled = P.get_or_init(|| {
        let arn = r"(?P<arn>\barn:aws[a-z-]{0,16}:[a-z0-9-]{1,64}:[a-z0-9-]{0,32}:)(?P<acct>[A-Za-z0-9-]{0,32}):";
        // Keys wherever they are glued too (`role\_AKIA…` after markdown escaping, `keyAKIA…`):
        // masking a little too much is the safe side.
        let key = r"(?P<key>(?i:AKIA|ASIA)[A-Za-z0-9]{16})";
        // Account ids and IPv4 addresses wherever they are glued (`role_111122223333`,
        // `acct111122223333`, `sg_1.2.3.4`): `masked` checks that no digit (or dotted number)
        // goes on before or after them.
        let account = r"(?P<account>\d{12})";
        // As the AWS console shows an account id: `1111-2222-3333`.
        let dashed = r"(?P<dashed>\b\d{4}-\d{4}-\d{4}\b)";
        // The EC2 host name form (`ip-10-1-2-3.ec2.internal`), masked like the address.
        // And the public one (`ec2-203-0-113-66.compute-1.amazonaws.com`).
        let iphost = r"(?P<iphost>\b(?P<hp>ip|ec2)-(?P<h1>\d{1,3})-(?P<h2>\d{1,3})-(?P<h3>\d{1,3})-(?P<h4>\d{1,3})\b)";
        // Dots may carry the backslash markdown escaping put before them ("1\.2.3.4" at the
        // start of a line).
        // Zero-padded octets too (`203.0.113.066`).
        let ip4 = r"(?P<ip4>0{0,2}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\\?\.0{0,2}(?:25[0-5]|2[0-4]\d|1?\d?\d)){3})";
        // Groups of up to four hex digits between two to eight colons, an IPv4 tail (whose
        // first number is the last group), a zone: a candidate that `Ipv6Addr` has the last word
        // on. Bounded, so a long run of hex and colons costs a bounded scan per position.
        let ip6 = r"(?P<ip6>[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,8}(?:\\?\.\d{1,3}){0,3}(?:%[0-9A-Za-z]{1,16}(?:[.-][0-9A-Za-z]{1,16}){0,3})?)";
        Regex::new(&[arn, key, iphost, dashed, account, ip4, ip6].join("|")).map_err(|e| e.to_string())
    });
    compiled
        .as_ref()
        .map_err(|e| super::Error::Redaction(e.clone()))
}

/// The same value gets the same mask: `LABEL` and a number counted per label.
#[derive(Default)]
struct Masks {
    seen: HashMap<(&'static str, String), String>,
    counters: HashMap<&'static str, usize>,
}

impl Masks {
    fn mask(&mut self, label: &'static str, value: String) -> String {
        let counters = &mut self.counters;
        self.seen
            .entry((label, value))
            .or_insert_with(|| {
                let n = counters.entry(label).or_insert(0);
                *n += 1;
                format!("{label}{n}")
            })
            .clone()
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The IPv6 address in the candidate `doc[start..end]`, as (start, end, canonical form), when
/// it is one and stands apart from the words around it.
fn ipv6_at(doc: &str, start: usize, end: usize) -> Option<(usize, usize, String)> {
    let (mut start, mut end) = (start, end);
    // "ip:2001:db8::1", "id:…": the colon after a field name is not part of it (but in
    // "1:2:3:4:5:6:7:8:9" the run goes on before that colon: no address there).
    let field = doc[start..end].starts_with(':') && !doc[start..end].starts_with("::");
    if field {
        start += 1;
    }
    // "… at 2001:db8::1: then": nor is a colon that ends a sentence.
    let ends_sentence = doc[start..end].ends_with(':') && !doc[start..end].ends_with("::");
    if ends_sentence {
        end -= 1;
    }
    // What follows (past that colon) must not go on with the word.
    let after_at = end + usize::from(ends_sentence);
    let after = doc[after_at..].chars().next();
    let glued = |c: Option<char>| c.is_some_and(|c| is_word_char(c) || c == ':' || c == '.');
    let glued_before = if field {
        doc[..start - 1]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit() || c == ':' || c == '.')
    } else {
        glued(doc[..start].chars().next_back())
    };
    // `after == '.'` ends a sentence only when no digit follows it.
    let dot_then_digit = after == Some('.')
        && doc[after_at + 1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit());
    if glued_before || (glued(after) && (after != Some('.') || dot_then_digit)) {
        return None;
    }
    let text = doc[start..end].replace('\\', "");
    let (addr, zone) = match text.split_once('%') {
        Some((a, z)) => (a, Some(z)),
        None => (text.as_str(), None),
    };
    if !addr.bytes().any(|b| b.is_ascii_hexdigit()) {
        return None; // "::" alone is punctuation in prose, not the unspecified address
    }
    let ip: Ipv6Addr = addr.parse().ok()?;
    let key = match zone {
        Some(z) => format!("{ip}%{z}"),
        None => ip.to_string(),
    };
    Some((start, end, key))
}

/// Masks access key ids, account ids (also inside ARNs) and IP addresses; the same value gets
/// the same mask everywhere in the document.
pub fn redact(doc: &str) -> Result<String, super::Error> {
    let re = pattern()?;
    let mut masks = Masks::default();
    let mut out = String::with_capacity(doc.len());
    let mut copied = 0; // doc[..copied] is in `out`
    let mut at = 0; // where the next search starts
    while let Some(c) = re.captures_at(doc, at) {
        let Some(m) = c.get(0) else { break };
        match masked(doc, &c, &mut masks) {
            Some((start, end, replacement)) => {
                out.push_str(&doc[copied..start]);
                out.push_str(&replacement);
                copied = end;
                at = end.max(m.start() + 1);
            }
            None if c.name("ip6").is_none() => at = m.start() + 1,
            None => {
                // Not one after all (an IPv6 candidate that does not parse or is glued to a
                // word). Inside it, only what starts at one of its colons can still be one (an
                // address after a field name, an IPv4 tail): the search goes on from there.
                at = doc[m.start() + 1..m.end()]
                    .find(':')
                    .map_or(m.end(), |i| m.start() + 1 + i);
            }
        }
        if at > doc.len() {
            break;
        }
        while !doc.is_char_boundary(at) {
            at += 1;
        }
    }
    out.push_str(&doc[copied..]);
    Ok(out)
}

/// Whether the digits at `doc[start..end]` go on before or after: a digit, or a dot (possibly
/// markdown-escaped) and a digit (`1.2.3.4.5`, `9.1.2.3.4`).
fn glued_number(doc: &str, start: usize, end: usize) -> bool {
    let before = doc[..start].trim_end_matches('\\');
    let mut back = before.chars().rev();
    let prev = back.next();
    let digit_before = prev.is_some_and(|c| c.is_ascii_digit())
        || (prev == Some('.') && back.next().is_some_and(|c| c.is_ascii_digit()));
    let after = doc[end..].trim_start_matches('\\');
    let mut fwd = after.chars();
    let next = fwd.next();
    let digit_after = next.is_some_and(|c| c.is_ascii_digit())
        || (next == Some('.') && fwd.next().is_some_and(|c| c.is_ascii_digit()));
    digit_before || digit_after
}

/// Whether the digits at `doc[start..end]` are part of a hex identifier rather than an account
/// id glued to a word: a UUID (8-4-4-4-12 hex digits; its last group can be twelve digits) or
/// a run of at least 32 hex digits with a letter in it (GuardDuty finding and detector ids).
fn in_hex_id(doc: &str, start: usize, end: usize) -> bool {
    let hexish = |b: u8| b.is_ascii_hexdigit() || b == b'-';
    let bytes = doc.as_bytes();
    let mut a = start;
    while a > 0 && hexish(bytes[a - 1]) && start - a < 64 {
        a -= 1;
    }
    let mut z = end;
    while z < bytes.len() && hexish(bytes[z]) && z - end < 64 {
        z += 1;
    }
    let token = doc[a..z].trim_matches('-');
    let word_after = doc[z..].chars().next().is_some_and(is_word_char);
    let word_before = doc[..a].chars().next_back().is_some_and(is_word_char);
    if word_after || word_before {
        return false;
    }
    let groups: Vec<usize> = token.split('-').map(str::len).collect();
    let uuid = groups == [8, 4, 4, 4, 12];
    // The group holding the digits must itself be the long hex run (a 12-digit group beside
    // one, `111122223333-5f1a…`, is an account id glued to an id).
    let hex_run = token.split('-').any(|g| {
        g.len() >= 32 && g.bytes().any(|b| b.is_ascii_alphabetic()) && g.contains(&doc[start..end])
    });
    uuid || hex_run
}

/// What replaces the match `c`: (start, end, text), or `None` when it is not one.
fn masked(doc: &str, c: &Captures, masks: &mut Masks) -> Option<(usize, usize, String)> {
    let whole = c.get(0)?;
    if let Some(prefix) = c.name("arn") {
        let acct = c.name("acct")?;
        let is_account = acct.len() == 12 && acct.as_str().bytes().all(|b| b.is_ascii_digit());
        let account = if is_account {
            masks.mask("ACCOUNT", acct.as_str().to_string())
        } else {
            acct.as_str().to_string() // "" (S3) or "aws" (AWS managed policies)
        };
        return Some((
            whole.start(),
            whole.end(),
            format!("{}{account}:", prefix.as_str()),
        ));
    }
    if c.name("iphost").is_some() {
        let parts: Vec<&str> = ["h1", "h2", "h3", "h4"]
            .iter()
            .filter_map(|g| c.name(g).map(|m| m.as_str()))
            .collect();
        let ip: std::net::Ipv4Addr = parts.join(".").parse().ok()?;
        let mask = masks.mask("IP", ip.to_string());
        let prefix = c.name("hp").map_or("ip", |m| m.as_str());
        return Some((whole.start(), whole.end(), format!("{prefix}-{mask}")));
    }
    if let Some(m) = c.name("dashed") {
        let digits = m.as_str().replace('-', "");
        return Some((m.start(), m.end(), masks.mask("ACCOUNT", digits)));
    }
    for (group, label) in [("key", "KEY"), ("account", "ACCOUNT"), ("ip4", "IP")] {
        if let Some(m) = c.name(group) {
            if group != "key" && glued_number(doc, m.start(), m.end()) {
                return None;
            }
            if group == "account" && in_hex_id(doc, m.start(), m.end()) {
                return None;
            }
            let mut value = m.as_str().replace('\\', "");
            if group == "ip4" {
                // One address, one mask, however its octets were padded.
                value = value
                    .split('.')
                    .map(|o| o.trim_start_matches('0'))
                    .map(|o| if o.is_empty() { "0" } else { o })
                    .collect::<Vec<_>>()
                    .join(".");
            }
            if group == "key" {
                value = value.to_ascii_uppercase();
            }
            return Some((m.start(), m.end(), masks.mask(label, value)));
        }
    }
    let m = c.name("ip6")?;
    let (start, end, key) = ipv6_at(doc, m.start(), m.end())?;
    Some((start, end, masks.mask("IP", key)))
}

#[cfg(test)]
#[path = "redact_tests.rs"]
mod tests;
