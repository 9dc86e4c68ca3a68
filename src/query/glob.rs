//! Case-insensitive `*` wildcards for filter values (`type:Recon*`, `user:*admin*`).
//!
//! Hand-written: the filter needs only `*`, ASCII case folding and no allocation per row on a
//! million signals; glob crates compile a path-oriented matcher (separators, classes) we would
//! then have to disable.

/// A parsed pattern: literal pieces between `*`s, lower-cased once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    pieces: Vec<String>,
    anchored_start: bool,
    anchored_end: bool,
}

impl Glob {
    pub fn new(pattern: &str) -> Glob {
        let lower = pattern.to_lowercase();
        Glob {
            anchored_start: !lower.starts_with('*'),
            anchored_end: !lower.ends_with('*'),
            pieces: lower
                .split('*')
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect(),
        }
    }

    pub fn is_match(&self, text: &str) -> bool {
        // Most values (ARNs, ids, regions, event names) are ASCII: compare ignoring ASCII case
        // in place; only other text is lower-cased into a new string first.
        if text.is_ascii() {
            self.matches_folded(text.as_bytes())
        } else {
            self.matches_folded(text.to_lowercase().as_bytes())
        }
    }

    /// `text` is ASCII or already lower-cased; pieces are lower-cased.
    fn matches_folded(&self, text: &[u8]) -> bool {
        let eq = |a: &[u8], b: &str| a.eq_ignore_ascii_case(b.as_bytes());
        let mut rest = text;
        let n = self.pieces.len();
        if n == 0 {
            // "*" matches anything; "" matches only "".
            return !self.anchored_start || text.is_empty();
        }
        for (i, piece) in self.pieces.iter().enumerate() {
            let (first, last) = (i == 0, i == n - 1);
            let len = piece.len();
            if first && self.anchored_start {
                if rest.len() < len || !eq(&rest[..len], piece) {
                    return false;
                }
                rest = &rest[len..];
                if last && self.anchored_end {
                    return rest.is_empty();
                }
                continue;
            }
            if last && self.anchored_end {
                return rest.len() >= len && eq(&rest[rest.len() - len..], piece);
            }
            match (0..=rest.len().saturating_sub(len))
                .find(|at| rest.len() >= at + len && eq(&rest[*at..at + len], piece))
            {
                Some(at) => rest = &rest[at + len..],
                None => return false,
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::Glob;

    #[test]
    fn wildcards_anchor_and_fold_case() {
        let m = |p: &str, t: &str| Glob::new(p).is_match(t);
        assert!(m("Recon*", "Recon:EC2/PortProbeUnprotectedPort"));
        assert!(!m("Recon*", "UnauthorizedAccess:EC2/Recon"));
        assert!(m("*recon*", "UnauthorizedAccess:EC2/Recon"));
        assert!(m("us-east-1", "US-EAST-1"));
        assert!(!m("us-east-1", "us-east-10"));
        assert!(m("*-1", "eu-west-1"));
        assert!(m("a*b*c", "a-x-b-y-c"));
        assert!(!m("a*b*c", "a-x-c-y-b"));
        assert!(m("*", "anything"));
        assert!(m("ab*ab", "abab"));
        assert!(!m("ab*ab", "aba"));
        assert!(m("*émile*", "user-ÉMILE-admin"));
        assert!(!m("*émile", "user-ÉMILE-admin"));
        assert!(m(
            "ARN:AWS:IAM::*:USER/ALICE",
            "arn:aws:iam::123456789012:user/alice"
        ));
    }
}
