//! Splits an access log line: space-separated tokens, `"…"` (with `\"` inside) and `[…]` kept
//! whole without their delimiters. Hand-written: the format is not CSV (brackets, backslash
//! escapes), and a regular expression per line would cost more than this one pass.

/// The tokens of `line`, at most `max`; an unclosed quote or bracket is an error.
pub fn split(line: &str, max: usize) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = line.char_indices().peekable();
    while let Some(&(_, c)) = chars.peek() {
        if c == ' ' {
            chars.next();
            continue;
        }
        if out.len() >= max {
            return Err(format!("more than {max} fields"));
        }
        let mut tok = String::new();
        match c {
            '"' => {
                chars.next();
                let mut closed = false;
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some((_, n)) = chars.next() {
                                tok.push(n);
                            }
                        }
                        '"' => {
                            closed = true;
                            break;
                        }
                        _ => tok.push(c),
                    }
                }
                if !closed {
                    return Err(format!(
                        "field {} opens a quote it never closes",
                        out.len() + 1
                    ));
                }
            }
            '[' => {
                chars.next();
                let mut closed = false;
                for (_, c) in chars.by_ref() {
                    if c == ']' {
                        closed = true;
                        break;
                    }
                    tok.push(c);
                }
                if !closed {
                    return Err(format!(
                        "field {} opens a bracket it never closes",
                        out.len() + 1
                    ));
                }
            }
            _ => {
                while let Some(&(_, c)) = chars.peek() {
                    if c == ' ' {
                        break;
                    }
                    tok.push(c);
                    chars.next();
                }
            }
        }
        out.push(tok);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_brackets_and_escapes() {
        let t = split(
            r#"a [06/Feb/2019:00:00:38 +0000] "GET /x HTTP/1.1" "say \"hi\"" -"#,
            64,
        );
        assert_eq!(
            t,
            Ok(vec![
                "a".to_string(),
                "06/Feb/2019:00:00:38 +0000".into(),
                "GET /x HTTP/1.1".into(),
                "say \"hi\"".into(),
                "-".into()
            ])
        );
        assert!(split(r#"a "never closed"#, 64).is_err());
        assert!(split("a [never closed", 64).is_err());
        assert_eq!(split("a b c d", 3), Err("more than 3 fields".into()));
        assert_eq!(split("", 3), Ok(vec![]));
    }
}
