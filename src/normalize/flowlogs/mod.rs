//! VPC Flow Logs: the default (version 2) format and any custom field list, read from the
//! header line S3 delivery writes (`version account-id interface-id …`), one record a line,
//! fields separated by single spaces, `-` for a field that does not apply (NODATA and SKIPDATA
//! records). Every field is checked against its documented type; a record that does not fit its
//! header is an error with its reason, never a silently shorter record.

pub mod fields;

use crate::model::account::AccountId;
use crate::model::flow::{FlowAction, FlowRecord, FlowStatus};
use fields::{canonical, field, is_documented, Field, DEFAULT};
use std::net::IpAddr;

/// The most fields a header may name: every documented field is under 70.
pub const MAX_FIELDS: usize = 128;
/// A longer line is no flow record (the longest documented record is under 2 KiB).
pub const MAX_LINE: usize = 16 << 10;

/// The fields of a file's records, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowFormat {
    fields: Vec<Field>,
    /// The header named fields that are not documented (kept as `Other`).
    pub unknown: usize,
}

impl FlowFormat {
    /// The default format (version 2): what a record means without a header line.
    pub fn default_v2() -> FlowFormat {
        FlowFormat {
            fields: DEFAULT.iter().map(|n| field(n)).collect(),
            unknown: 0,
        }
    }

    /// A header line: space-separated field names, at least two of them and most documented
    /// (a future field AWS adds is kept as `Other`); `None` for any other line.
    pub fn from_header(line: &str) -> Option<FlowFormat> {
        if line.len() > MAX_LINE {
            return None;
        }
        let names: Vec<String> = line.split_ascii_whitespace().map(canonical).collect();
        let known = names.iter().filter(|n| is_documented(n)).count();
        if names.len() > MAX_FIELDS || known < 2 || known * 2 < names.len() {
            return None;
        }
        // A record has numbers and addresses where a header has names: `2 123… eni-…` must not
        // pass as one (`2` is no field name, so it would not, but say why here).
        Some(FlowFormat {
            fields: names.iter().map(|n| field(n)).collect(),
            unknown: names.len() - known,
        })
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// One record of this format.
    pub fn parse(&self, line: &str) -> Result<FlowRecord, String> {
        if line.len() > MAX_LINE {
            return Err(format!("line of {} bytes is no flow record", line.len()));
        }
        let mut rec = FlowRecord::default();
        let mut n = 0;
        let mut tokens = line.split_ascii_whitespace();
        for f in &self.fields {
            let Some(tok) = tokens.next() else {
                break;
            };
            n += 1;
            read_field(&mut rec, *f, tok)?;
        }
        let extra = tokens.count();
        if n < self.fields.len() || extra > 0 {
            return Err(format!(
                "{} fields where the format has {}",
                n + extra,
                self.fields.len()
            ));
        }
        if rec.status == FlowStatus::Ok && rec.src.is_none() && rec.dst.is_none() {
            if !self.fields.contains(&Field::SrcAddr) && !self.fields.contains(&Field::DstAddr) {
                return Ok(rec);
            }
            return Err("no srcaddr or dstaddr in a record with log-status OK".into());
        }
        Ok(rec)
    }
}

/// A line that is a default-format record (14 fields, a version first, a log status last):
/// how a file without a header, or a CloudWatch Logs message, is recognised.
pub fn looks_like_default_record(line: &str) -> bool {
    if line.len() > MAX_LINE {
        return false;
    }
    let mut tokens = line.split_ascii_whitespace();
    let first = tokens.next();
    let rest: Vec<&str> = tokens.take(14).collect();
    matches!(first, Some(v) if v.len() == 1 && (b'2'..=b'8').contains(&v.as_bytes()[0]))
        && rest.len() == 13
        && matches!(rest.last(), Some(&("OK" | "NODATA" | "SKIPDATA")))
}

/// A value for error messages: short, whatever the line held.
fn shown(tok: &str) -> String {
    let mut s: String = tok.chars().take(40).collect();
    if s.len() < tok.len() {
        s.push('…');
    }
    s
}

fn number<T: std::str::FromStr>(tok: &str, name: &str) -> Result<Option<T>, String> {
    if tok == "-" {
        return Ok(None);
    }
    tok.parse::<T>()
        .map(Some)
        .map_err(|_| format!("{name} is not a number: {}", shown(tok)))
}

fn id(tok: &str) -> Option<crate::model::Text> {
    (tok != "-").then(|| crate::model::Text::from(tok))
}

fn address(tok: &str, name: &str) -> Result<Option<IpAddr>, String> {
    if tok == "-" {
        return Ok(None);
    }
    tok.parse::<IpAddr>()
        .map(Some)
        .map_err(|_| format!("{name} is not an IP address: {}", shown(tok)))
}

fn read_field(rec: &mut FlowRecord, f: Field, tok: &str) -> Result<(), String> {
    match f {
        Field::Version => rec.version = number::<u8>(tok, "version")?.unwrap_or(0),
        Field::AccountId => {
            // An account id that is not 12 digits (the documentation's `12345678910`) is kept as
            // unknown: the record is still traffic.
            rec.account = AccountId::parse(tok);
        }
        Field::InterfaceId => rec.interface = id(tok),
        Field::TgwSrcEni => rec.interface = rec.interface.take().or_else(|| id(tok)),
        Field::SrcAddr => rec.src = address(tok, "srcaddr")?,
        Field::DstAddr => rec.dst = address(tok, "dstaddr")?,
        Field::SrcPort => rec.src_port = number(tok, "srcport")?.unwrap_or(0),
        Field::DstPort => rec.dst_port = number(tok, "dstport")?.unwrap_or(0),
        Field::Protocol => rec.protocol = number(tok, "protocol")?.unwrap_or(0),
        Field::Packets => rec.packets = number(tok, "packets")?.unwrap_or(0),
        Field::Bytes => rec.bytes = number(tok, "bytes")?.unwrap_or(0),
        Field::Start => rec.start = number(tok, "start")?.unwrap_or(0),
        Field::End => rec.end = number(tok, "end")?.unwrap_or(0),
        Field::Action => {
            rec.action = match tok {
                "ACCEPT" => FlowAction::Accept,
                "REJECT" => FlowAction::Reject,
                "-" => FlowAction::Unknown,
                other => return Err(format!("action is not ACCEPT or REJECT: {}", shown(other))),
            }
        }
        Field::LogStatus => {
            rec.status = match tok {
                "OK" => FlowStatus::Ok,
                "NODATA" => FlowStatus::NoData,
                "SKIPDATA" => FlowStatus::SkipData,
                other => {
                    return Err(format!(
                        "log-status is not OK, NODATA or SKIPDATA: {}",
                        shown(other)
                    ))
                }
            }
        }
        Field::VpcId | Field::TgwSrcVpcId => rec.vpc = rec.vpc.take().or_else(|| id(tok)),
        Field::SubnetId | Field::TgwSrcSubnetId => {
            rec.subnet = rec.subnet.take().or_else(|| id(tok))
        }
        Field::InstanceId => rec.instance = id(tok),
        Field::Region => rec.region = id(tok),
        Field::FlowDirection => {
            rec.egress = match tok {
                "egress" => Some(true),
                "ingress" => Some(false),
                _ => None,
            }
        }
        Field::Other => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests;
