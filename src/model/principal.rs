//! Who may see a sensitive signal: a rule's `allow` list against the principal reading it.
//!
//! An entry matches a principal's ARN exactly, or as a glob where `*` — and only `*`, only
//! where written — stands for any run of characters; case counts (`*Security*` does not match
//! a role named `Insecurity`). An assumed-role session is matched as its role, never by its
//! session name (anyone who can assume a role names their session): the forms tried are
//! `arn:aws:sts::ACCOUNT:assumed-role/ROLE` and `arn:aws:iam::ACCOUNT:role/ROLE`.
//!
//! Hand-written: glob crates give `?`, `[…]` and path separators a meaning an ARN glob must not
//! have, and the filter language's glob (`query::glob`) folds case on purpose.

/// The forms a principal is matched in.
pub fn forms(p: &str) -> Vec<String> {
    let Some((prefix, rest)) = p.split_once(":assumed-role/") else {
        return vec![p.to_string()];
    };
    let role = rest.split('/').next().unwrap_or(rest);
    let account = prefix.rsplit(':').next().unwrap_or("");
    let partition = prefix.split(':').nth(1).unwrap_or("aws");
    vec![
        format!("{prefix}:assumed-role/{role}"),
        format!("arn:{partition}:iam::{account}:role/{role}"),
    ]
}

/// `*` for any run of characters (none included), everything else literally, case counting.
pub fn glob_match(pattern: &str, text: &str) -> bool {
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
            "*:role/Security*",
            "arn:aws:iam::1:role/SecurityOncall"
        ));
        assert!(!glob_match(
            "*:role/Security*",
            "arn:aws:iam::1:role/Insecurity"
        ));
        assert!(!glob_match(
            "*:role/*Security*",
            "arn:aws:iam::1:role/Insecurity"
        ));
        assert!(!glob_match(
            "*:role/security*",
            "arn:aws:iam::1:role/SecurityOncall"
        ));
        assert!(glob_match("a*b*c", "abc") && glob_match("a*b*c", "a-b-b-c"));
        assert!(!glob_match("a*b*c", "a-c-b"));
        assert!(glob_match("*", "") && glob_match("**", "x"));
        assert!(!glob_match("", "x") && glob_match("", ""));
        assert!(!glob_match("ab*ba", "aba"), "pieces may not overlap");
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
