//! Athena's result CSV, read as it streams in: every value in double quotes (`""` inside for a
//! quote, newlines kept), and NULL as an empty field without quotes. Written by hand because the
//! `csv` crate reads `""` and an empty field alike, and a NULL must stay a NULL (a record that
//! had no `errorCode` must not come back with an empty one). Bounded: a field longer than
//! `MAX_FIELD` ends the read with an error rather than growing without end.

/// The most one value may hold (a CloudTrail record is at most a few hundred KB).
pub const MAX_FIELD: usize = 16 << 20;

#[derive(Debug, Default)]
pub struct Reader {
    row: Vec<Option<String>>,
    field: Vec<u8>,
    quoted: bool,
    in_quotes: bool,
    /// A quote seen inside quotes: either the end of the value or the first of `""`.
    quote_pending: bool,
    started: bool,
}

impl Reader {
    /// Feeds bytes; calls `row` for every complete row.
    pub fn feed(
        &mut self,
        bytes: &[u8],
        row: &mut dyn FnMut(Vec<Option<String>>),
    ) -> Result<(), String> {
        for &b in bytes {
            if self.quote_pending {
                self.quote_pending = false;
                if b == b'"' {
                    self.field.push(b'"');
                    continue;
                }
                self.in_quotes = false;
            }
            if self.in_quotes {
                if b == b'"' {
                    self.quote_pending = true;
                } else {
                    self.field.push(b);
                    if self.field.len() > MAX_FIELD {
                        return Err(format!("a result value is over {MAX_FIELD} bytes"));
                    }
                }
                continue;
            }
            match b {
                b'"' if self.field.is_empty() && !self.quoted => {
                    self.quoted = true;
                    self.in_quotes = true;
                    self.started = true;
                }
                b',' => {
                    self.end_field();
                    self.started = true;
                }
                b'\n' => {
                    if self.started || !self.field.is_empty() {
                        self.end_field();
                        row(std::mem::take(&mut self.row));
                    }
                    self.started = false;
                }
                b'\r' => {}
                _ => {
                    self.started = true;
                    self.field.push(b);
                    if self.field.len() > MAX_FIELD {
                        return Err(format!("a result value is over {MAX_FIELD} bytes"));
                    }
                }
            }
        }
        Ok(())
    }

    /// The last row when the object does not end with a newline.
    pub fn finish(&mut self, row: &mut dyn FnMut(Vec<Option<String>>)) -> Result<(), String> {
        if self.in_quotes && !self.quote_pending {
            return Err("the result ends inside a quoted value".into());
        }
        self.quote_pending = false;
        self.in_quotes = false;
        if self.started || !self.field.is_empty() {
            self.end_field();
            row(std::mem::take(&mut self.row));
        }
        self.started = false;
        Ok(())
    }

    fn end_field(&mut self) {
        let bytes = std::mem::take(&mut self.field);
        let v = if self.quoted || !bytes.is_empty() {
            Some(
                String::from_utf8(bytes)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            )
        } else {
            None
        };
        self.quoted = false;
        self.row.push(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(chunks: &[&[u8]]) -> Vec<Vec<Option<String>>> {
        let mut r = Reader::default();
        let mut out = Vec::new();
        for c in chunks {
            r.feed(c, &mut |row| out.push(row))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        r.finish(&mut |row| out.push(row))
            .unwrap_or_else(|e| panic!("{e}"));
        out
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn nulls_empties_quotes_and_newlines() {
        let text =
            b"\"a\",\"b\",\"c\"\n\"x\",,\"\"\n\"say \"\"hi\"\"\",\"two\nlines\",\"\xc3\xa9\"\n";
        let want = vec![
            vec![s("a"), s("b"), s("c")],
            vec![s("x"), None, s("")],
            vec![s("say \"hi\""), s("two\nlines"), s("é")],
        ];
        assert_eq!(read(&[text]), want);
        // Any split of the stream reads the same, a quote pair or a UTF-8 character cut in two.
        for cut in 0..text.len() {
            assert_eq!(read(&[&text[..cut], &text[cut..]]), want, "cut at {cut}");
        }
        assert_eq!(read(&[b"\"a\",\"b\""]), vec![vec![s("a"), s("b")]]);
        assert_eq!(read(&[b"\"a\"\r\n\r\n"]), vec![vec![s("a")]]);
    }

    #[test]
    fn unterminated_and_oversized_values_are_errors() {
        let mut r = Reader::default();
        r.feed(b"\"abc", &mut |_| {})
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(r.finish(&mut |_| {}).is_err());
        let mut r = Reader::default();
        let big = vec![b'x'; MAX_FIELD + 1];
        assert!(r.feed(&big, &mut |_| {}).is_err());
    }
}
