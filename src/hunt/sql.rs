//! Athena (Trino) SQL text: literals and identifiers quoted, and the pieces a hunt's query is
//! made of. Every value from outside (an entity id is whatever an attacker put in a request)
//! reaches the SQL only through `lit`, so it can never end a string and start SQL of its own.

use super::schema::{Back, Field, COLUMNS};

/// A string literal: `'` doubled, as Trino reads it (a backslash is an ordinary character in a
/// Trino string, so nothing else needs escaping). NUL, which no engine keeps in a string, is
/// dropped: no entity id holds one.
pub fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\0' => {}
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A quoted identifier (`"timestamp"` is a reserved word in Trino).
pub fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// `strpos(expr, 'needle') > 0`: a substring test without LIKE's wildcards, so `_` and `%` in
/// an id mean themselves.
pub fn contains(expr: &str, needle: &str) -> String {
    format!("strpos({expr}, {}) > 0", lit(needle))
}

/// The expression that selects one column as the record held it: a STRUCT or ARRAY as its JSON
/// text, anything else as it is.
pub fn select_expr(column_lower: &str, back: Back) -> String {
    match back {
        Back::Nested => format!("json_format(CAST({column_lower} AS JSON))"),
        _ => column_lower.to_string(),
    }
}

/// The SELECT list of a hunt: every documented column, named as the catalog names it.
pub fn select_list() -> String {
    select_list_of(COLUMNS)
}

/// The same for another table's columns.
pub fn select_list_of(columns: &[(Field, Back)]) -> String {
    columns
        .iter()
        .map(|(f, back)| {
            let name = f.name.to_ascii_lowercase();
            match back {
                Back::Nested => format!("{} AS {name}", select_expr(&name, *back)),
                _ => name,
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A name that may stand unquoted in a statement: a Glue database or table name
/// (lower-case letters, digits and `_`, at most 255 characters).
pub fn is_catalog_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 255
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_cannot_be_escaped_from() {
        assert_eq!(lit("abc"), "'abc'");
        assert_eq!(lit("x' OR '1'='1"), "'x'' OR ''1''=''1'");
        assert_eq!(lit(r"x\' OR 1=1 --"), r"'x\'' OR 1=1 --'");
        assert_eq!(lit("a\0b"), "'ab'");
        // A literal's inside has only doubled quotes, so the SQL reader's first lone quote is
        // its end.
        for hostile in ["'", "''", "\\'", "';DROP TABLE t;--", "\u{2019}'"] {
            let l = lit(hostile);
            let inner = &l[1..l.len() - 1];
            assert_eq!(inner.replace("''", "").matches('\'').count(), 0, "{l}");
        }
        assert_eq!(ident("timestamp"), "\"timestamp\"");
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(contains("x", "a_%"), "strpos(x, 'a_%') > 0");
    }

    #[test]
    fn select_list_names_every_column_and_casts_the_nested_ones() {
        let s = select_list();
        assert!(
            s.starts_with(
                "eventversion, json_format(CAST(useridentity AS JSON)) AS useridentity, eventtime,"
            ),
            "{s}"
        );
        assert!(s.contains("json_format(CAST(resources AS JSON)) AS resources"));
        assert!(s.contains("requestparameters, responseelements"));
        assert_eq!(s.matches(", ").count() + 1, COLUMNS.len());
    }

    #[test]
    fn catalog_names() {
        assert!(is_catalog_name("cloudtrail_logs"));
        assert!(!is_catalog_name("CloudTrail"));
        assert!(!is_catalog_name("a;b"));
        assert!(!is_catalog_name(""));
    }
}
