//! A hunt's result rows back into what each log wrote, read by the same reader as a file of it:
//! a CloudTrail or Resolver query record through `normalize_record`, a flow log or access log
//! line through `normalize::lines` (a flow log's header first, made of the result's columns).
//! So a hunted row and the same record replayed from its file make the same signal, or the same
//! flow record.

use super::network::{access, flow, resolver};
use super::{rows, Logs};
use crate::model::flow::FlowRecord;
use crate::normalize::lines::{Line, LineFormat, LineLog};
use crate::normalize::{normalize_record, Arriving, Normalized, Options};
use std::hash::{Hash, Hasher};

/// A flow record a hunt found, with a digest of its line: the same record found by a later
/// hunt is recognised and not summed twice.
#[derive(Debug, Clone, PartialEq)]
pub struct HuntedFlow {
    pub digest: u64,
    pub record: FlowRecord,
}

#[derive(Debug)]
pub enum Decoded {
    Signal(Box<Arriving>),
    Flow(Box<HuntedFlow>),
    /// A record that holds no event (a digest), or a blank line.
    Nothing,
}

/// Reads one result's rows (the first is its header).
pub struct Decoder {
    logs: Logs,
    header: Option<Vec<String>>,
    lines: LineLog,
    /// Access logs: where each documented column is in the result.
    positions: Vec<usize>,
    opts: Options,
}

impl Decoder {
    pub fn new(logs: Logs) -> Decoder {
        Decoder {
            logs,
            header: None,
            lines: LineLog::new(),
            positions: Vec::new(),
            opts: Options::default(),
        }
    }

    pub fn has_header(&self) -> bool {
        self.header.is_some()
    }

    /// Forgets the header (the rows are read again from the start, another way).
    pub fn reset(&mut self) {
        *self = Decoder::new(self.logs);
    }

    /// The result's header row: its column names.
    pub fn header(&mut self, names: Vec<String>) -> Result<(), String> {
        match self.logs {
            Logs::VpcFlow => {
                let h = flow::header_line(&names);
                match self.lines.line(LineFormat::FlowLog, &h) {
                    Ok((_, Line::Header)) => {}
                    _ => return Err("the flow log table's columns are not flow log fields".into()),
                }
            }
            Logs::S3Access => {
                self.positions = access::COLUMNS
                    .iter()
                    .map(|(c, _)| {
                        names
                            .iter()
                            .position(|n| n.eq_ignore_ascii_case(c))
                            .ok_or_else(|| format!("the access log result has no {c} column"))
                    })
                    .collect::<Result<_, _>>()?;
            }
            Logs::CloudTrail | Logs::Resolver => {}
        }
        self.header = Some(names);
        Ok(())
    }

    /// One row after the header.
    pub fn row(&mut self, cells: &[Option<String>]) -> Result<Decoded, String> {
        let Some(header) = &self.header else {
            return Err("a row before the header".into());
        };
        let named = || {
            header
                .iter()
                .map(String::as_str)
                .zip(cells.iter().map(Option::as_deref))
        };
        let record = match self.logs {
            Logs::CloudTrail => rows::record(named()),
            Logs::Resolver => rows::record_of(resolver::COLUMNS, named()),
            Logs::VpcFlow => {
                let line = flow::line(cells)?;
                return match self.lines.line(LineFormat::FlowLog, &line) {
                    Ok((_, Line::Flow(record))) => {
                        let mut h = std::hash::DefaultHasher::new();
                        line.hash(&mut h);
                        Ok(Decoded::Flow(Box::new(HuntedFlow {
                            digest: h.finish(),
                            record: *record,
                        })))
                    }
                    Ok(_) => Ok(Decoded::Nothing),
                    Err(e) => Err(e.to_string()),
                };
            }
            Logs::S3Access => {
                let ordered: Vec<Option<String>> = self
                    .positions
                    .iter()
                    .map(|i| cells.get(*i).cloned().flatten())
                    .collect();
                let line = access::line(&ordered)?;
                return match self.lines.line(LineFormat::S3Access, &line) {
                    Ok((_, Line::Signal(mut s))) => {
                        if self.opts.keep_raw {
                            // As the file reader keeps a line of text.
                            s.raw =
                                crate::model::Raw::text_of(&serde_json::json!({ "line": line }));
                        }
                        Ok(Decoded::Signal(Box::new(Arriving::from(*s))))
                    }
                    Ok(_) => Ok(Decoded::Nothing),
                    Err(e) => Err(e.to_string()),
                };
            }
        };
        match normalize_record(record, &self.opts) {
            Ok((_, Normalized::Signal(a))) => Ok(Decoded::Signal(a)),
            Ok(_) => Ok(Decoded::Nothing),
            Err(e) => Err(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(v: &[&str]) -> Vec<Option<String>> {
        v.iter()
            .map(|s| (*s != "NULL").then(|| s.to_string()))
            .collect()
    }

    #[test]
    fn flow_rows_read_as_the_lines_they_were() {
        let mut d = Decoder::new(Logs::VpcFlow);
        let names: Vec<String> = flow::FlowFields::default()
            .columns()
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        assert!(d.header(names).is_ok());
        let row = cells(&[
            "2",
            "123456789012",
            "eni-1",
            "10.0.0.1",
            "203.0.113.5",
            "443",
            "60220",
            "6",
            "10",
            "840",
            "1669842701",
            "1669842702",
            "ACCEPT",
            "OK",
        ]);
        let Ok(Decoded::Flow(f)) = d.row(&row) else {
            panic!("not a flow");
        };
        assert_eq!(f.record.bytes, 840);
        assert_eq!(f.record.dst_port, 60220);
        let Ok(Decoded::Flow(again)) = d.row(&row) else {
            panic!("not a flow");
        };
        assert_eq!(again.digest, f.digest);
        // NODATA: the numbers a record lacks are NULL in the table, `-` again here.
        let nodata = cells(&[
            "2",
            "123456789012",
            "eni-1",
            "NULL",
            "NULL",
            "NULL",
            "NULL",
            "NULL",
            "NULL",
            "NULL",
            "1669842701",
            "1669842702",
            "-",
            "NODATA",
        ]);
        assert!(matches!(d.row(&nodata), Ok(Decoded::Flow(_))));
        assert!(d.row(&cells(&["2"])).is_err(), "a short row is an error");
    }

    #[test]
    fn resolver_rows_become_records() {
        let mut d = Decoder::new(Logs::Resolver);
        let names = [
            "account_id",
            "query_timestamp",
            "query_name",
            "query_type",
            "rcode",
            "answers",
            "srcaddr",
            "srcport",
            "srcids",
        ];
        assert!(d
            .header(names.iter().map(|s| s.to_string()).collect())
            .is_ok());
        let row = cells(&[
            "111122223333",
            "2026-11-28T09:14:02Z",
            "pool.minexmr.com.",
            "A",
            "NOERROR",
            r#"[{"rdata":"203.0.113.77","type":"A","class":"IN"}]"#,
            "10.0.1.12",
            "48786",
            r#"{"instance":"i-0c0ffee0c0ffee001","resolver_endpoint":null}"#,
        ]);
        let Ok(Decoded::Signal(s)) = d.row(&row) else {
            panic!("not a signal");
        };
        assert_eq!(
            s.id.to_string(),
            "dns:111122223333:2026-11-28T09:14:02Z:10.0.1.12:48786:pool.minexmr.com:A"
        );
        assert!(
            s.summary().contains("→ NOERROR 203.0.113.77"),
            "{}",
            s.summary()
        );
    }
}
