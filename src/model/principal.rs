//! Who may see a sensitive signal: a rule's `allow` list against the principal reading it.
//!
//! An entry matches a principal's ARN exactly, or as a glob where `*` — and only `*`, only
//! where written — stands for any run of characters within one of the ARN's colon-separated
//! fields: a pattern and an ARN match field by field, with as many fields each
//! (`arn:*:iam::*:role/Security*`; an IAM path may hold a colon, `user/:role/SecurityX/bob`,
//! and such an ARN has more fields than a role's). Case counts (`*Security*` does not match a
//! role named `Insecurity`). An STS assumed-role session is matched as its role, never by its
//! session name (anyone who can assume a role names their session): the forms tried are
//! `arn:aws:sts::ACCOUNT:assumed-role/ROLE` and `arn:aws:iam::ACCOUNT:role/ROLE`.
//!
//! Hand-written: glob crates give `?`, `[…]` and path separators a meaning an ARN glob must not
//! have, and the filter language's glob (`query::glob`) folds case on purpose.

/// The forms a principal is matched in.
pub fn forms(p: &str) -> Vec<String> {
    // Only a session STS names: `arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
    let f: Vec<&str> = p.split(':').collect();
    let session = match f.as_slice() {
        ["arn", partition, "sts", "", account, resource] => resource
            .strip_prefix("assumed-role/")
            .and_then(|r| r.split_once('/'))
            .filter(|(role, _)| !role.is_empty())
            .map(|(role, _)| (*partition, *account, role)),
        _ => None,
    };
    let Some((partition, account, role)) = session else {
        return vec![p.to_string()];
    };
    vec![
        format!("arn:{partition}:sts::{account}:assumed-role/{role}"),
        format!("arn:{partition}:iam::{account}:role/{role}"),
    ]
}

/// Whether an `allow` entry is an ARN or an ARN glob (`arn:` and six fields at least): the
/// only entries `glob_match` can match a principal with.
pub fn is_arn_pattern(a: &str) -> bool {
    let f: Vec<&str> = a.split(':').collect();
    f.len() >= 6 && f[0] == "arn"
}

/// Field by field (`:`-separated, as many in each), each a glob: `*` for any run of
/// characters (none included), everything else literally, case counting.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<&str>, Vec<&str>) = (pattern.split(':').collect(), text.split(':').collect());
    p.len() == t.len() && p.iter().zip(&t).all(|(p, t)| field_match(p, t))
}

fn field_match(pattern: &str, text: &str) -> bool {
    let mut pieces = pattern.split('*');
    let first = pieces.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    let Some((last, middle)) = pieces.split_last() else {
        // No `*`: the whole text, exactly.
        return rest.is_empty();
    };
    for piece in middle {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// Whether `principal` is one of `allow`. No principal (a replay, a command line without an
/// AWS identity) is never allowed.
pub fn allowed(allow: &[String], principal: Option<&str>) -> bool {
    let Some(p) = principal else { return false };
    let forms = forms(p);
    allow.iter().any(|g| forms.iter().any(|f| glob_match(g, f)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_only_where_written_and_case_counts() {
        assert!(glob_match(
            "arn:aws:iam::1:role/Admin",
            "arn:aws:iam::1:role/Admin"
        ));
        assert!(!glob_match(
            "arn:aws:iam::1:role/Admin",
            "arn:aws:iam::1:role/Admin2"
        ));
        assert!(!glob_match(
            "arn:aws:iam::1:role/Admin",
            "xarn:aws:iam::1:role/Admin"
        ));
        assert!(glob_match(
            "arn:*:iam::*:role/Security*",
            "arn:aws:iam::1:role/SecurityOncall"
        ));
        assert!(!glob_match(
            "arn:*:iam::*:role/Security*",
            "arn:aws:iam::1:role/Insecurity"
        ));
        assert!(!glob_match(
            "arn:aws:iam::*:role/*Security*",
            "arn:aws:iam::1:role/Insecurity"
        ));
        assert!(!glob_match(
            "arn:aws:iam::*:role/security*",
            "arn:aws:iam::1:role/SecurityOncall"
        ));
        assert!(glob_match("a*b*c", "abc") && glob_match("a*b*c", "a-b-b-c"));
        assert!(!glob_match("a*b*c", "a-c-b"));
        assert!(glob_match("*", "") && glob_match("**", "x"));
        assert!(!glob_match("", "x") && glob_match("", ""));
        assert!(!glob_match("ab*ba", "aba"), "pieces may not overlap");
    }

    /// Fails on the session-17 main: `*` ran across the ARN's fields, so an IAM user whose
    /// path holds `:role/SecurityX/` (or `:assumed-role/SecurityX/`) passed the defaults.
    #[test]
    fn a_path_with_colons_is_no_role() {
        let allow = vec![
            "arn:*:iam::*:role/Security*".to_string(),
            "arn:*:sts::*:assumed-role/Security*".to_string(),
        ];
        for p in [
            "arn:aws:iam::123:user/:role/SecurityX/bob",
            "arn:aws:iam::123:user/:assumed-role/SecurityX/bob",
            "arn:aws:iam::123:user/x:assumed-role/SecurityX/bob",
            "arn:aws:iam::123:role/Insecurity",
        ] {
            assert!(!allowed(&allow, Some(p)), "{p}");
        }
        for p in [
            "arn:aws:iam::123:role/SecurityOncall",
            "arn:aws:sts::123:assumed-role/SecurityOncall/alice",
            "arn:aws-us-gov:sts::123:assumed-role/SecurityIR/bob",
        ] {
            assert!(allowed(&allow, Some(p)), "{p}");
        }
    }

    #[test]
    fn a_session_name_never_opens_a_secret() {
        let allow = vec!["arn:aws:sts::1:assumed-role/Security*".to_string()];
        assert!(allowed(
            &allow,
            Some("arn:aws:sts::1:assumed-role/SecurityOncall/alice")
        ));
        assert!(!allowed(
            &allow,
            Some("arn:aws:sts::1:assumed-role/Dev/Security")
        ));
        let allow = vec!["arn:aws:iam::1:role/Oncall".to_string()];
        assert!(allowed(
            &allow,
            Some("arn:aws:sts::1:assumed-role/Oncall/bob")
        ));
        assert!(!allowed(&allow, None));
        assert!(!allowed(&[], Some("arn:aws:iam::1:user/x")));
    }
}
