//! VPC Flow Logs on Athena: the table of the AWS documentation ("Create and query a table for
//! Amazon VPC flow logs using partition projection"), one column per field of the flow log's
//! format in the order its records write them (the table is read by position, space-delimited,
//! the header line skipped), with the documented names (`account_id`, `interface_id`, …) and
//! types (`srcport INT`, `bytes BIGINT`, …). A result row goes back to the line the flow log
//! wrote, for the same reader as a file (`normalize::flowlogs`).

use super::super::sql::{ident, lit};
use crate::model::flow::FlowRecord;
use crate::model::{Entity, EntityKind};
use crate::normalize::flowlogs::fields::{canonical, is_documented, DEFAULT};
use crate::normalize::flowlogs::MAX_FIELDS;

/// The partition columns of the documented table: the account and region of the log's folder,
/// and its day (`yyyy/MM/dd`).
pub const PARTITIONS: [&str; 3] = ["accid", "region", "day"];

/// A flow log's fields, as its header line names them (canonical: `account-id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowFields(Vec<String>);

impl Default for FlowFields {
    fn default() -> Self {
        FlowFields(DEFAULT.iter().map(|s| s.to_string()).collect())
    }
}

impl FlowFields {
    /// A header line (`version account-id …`) or the flow log's format string
    /// (`${version} ${account-id} …`). Every field must be a documented one, once.
    pub fn parse(s: &str) -> Result<FlowFields, String> {
        let names: Vec<String> = s.split_ascii_whitespace().map(canonical).collect();
        if names.is_empty() || names.len() > MAX_FIELDS {
            return Err(format!(
                "a flow log format names 1 to {MAX_FIELDS} fields, this one {}",
                names.len()
            ));
        }
        for (i, n) in names.iter().enumerate() {
            if !is_documented(n) {
                let shown: String = n.chars().take(40).collect();
                return Err(format!("{shown:?} is not a VPC Flow Logs field"));
            }
            if names[..i].contains(n) {
                return Err(format!("the flow log format names {n} twice"));
            }
        }
        Ok(FlowFields(names))
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|f| f == field)
    }

    pub fn names(&self) -> &[String] {
        &self.0
    }

    /// `(column, Hive type)` of each field, in order.
    pub fn columns(&self) -> Vec<(String, &'static str)> {
        self.0
            .iter()
            .map(|f| (column_of(f), hive_type(f)))
            .collect()
    }

    /// The SELECT list: every column, quoted (`end` is a reserved word).
    pub fn select(&self) -> String {
        self.columns()
            .iter()
            .map(|(c, _)| ident(c))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The column of a field: its name with `_` for `-`. A `region` field is `flow_region`: the
/// table's `region` is the partition of the log's folder, and Athena refuses a column and a
/// partition of one name.
pub fn column_of(field: &str) -> String {
    if field == "region" {
        "flow_region".into()
    } else {
        field.replace('-', "_")
    }
}

/// The field a column holds (the inverse of `column_of`).
pub fn field_of(column: &str) -> String {
    if column.eq_ignore_ascii_case("flow_region") {
        "region".into()
    } else {
        canonical(column)
    }
}

/// The documented type of a field's column.
fn hive_type(field: &str) -> &'static str {
    match field {
        "version" | "srcport" | "dstport" | "tcp-flags" | "traffic-path" => "INT",
        "protocol" | "packets" | "bytes" | "start" | "end" => "BIGINT",
        f if f.starts_with("packets-lost-") => "BIGINT",
        _ => "STRING",
    }
}

/// The columns that may name `e`, of those the format has (an interface is `interface-id`, or
/// a Transit Gateway record's `tgw-src-eni`, as the reader takes it).
fn columns_for(e: &Entity) -> &'static [&'static str] {
    match e.kind {
        EntityKind::Ip => &["srcaddr", "dstaddr"],
        EntityKind::Interface => &["interface-id", "tgw-src-eni"],
        EntityKind::Instance => &["instance-id"],
        EntityKind::Vpc => &["vpc-id", "tgw-src-vpc-id"],
        EntityKind::Subnet => &["subnet-id", "tgw-src-subnet-id"],
        _ => &[],
    }
}

/// The predicate finding the records that name `e`; None when the format has no field that
/// can (a flow log without `instance-id` cannot name an instance).
pub fn predicate(fields: &FlowFields, e: &Entity) -> Option<String> {
    let terms: Vec<String> = columns_for(e)
        .iter()
        .filter(|f| fields.has(f))
        .map(|f| format!("{} = {}", ident(&column_of(f)), lit(&e.id)))
        .collect();
    (!terms.is_empty()).then(|| format!("({})", terms.join(" OR ")))
}

/// Whether the record names `e` as the reader read it (what the conversations it joins hold).
pub fn names(r: &FlowRecord, e: &Entity) -> bool {
    let text = |t: &Option<crate::model::Text>| t.as_deref() == Some(&*e.id);
    match e.kind {
        EntityKind::Ip => match e.id.parse::<std::net::IpAddr>() {
            Ok(ip) => r.src == Some(ip) || r.dst == Some(ip),
            Err(_) => false,
        },
        EntityKind::Interface => text(&r.interface),
        EntityKind::Instance => text(&r.instance),
        EntityKind::Vpc => text(&r.vpc),
        EntityKind::Subnet => text(&r.subnet),
        _ => false,
    }
}

/// The header line of a result whose columns are `names`.
pub fn header_line(names: &[String]) -> String {
    names
        .iter()
        .map(|c| field_of(c))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A row back into the line the flow log wrote: NULL (a `-` the column could not read as a
/// number, or a field the line lacked) is `-` again.
pub fn line(cells: &[Option<String>]) -> Result<String, String> {
    let mut out = String::new();
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        match c.as_deref() {
            None | Some("") => out.push('-'),
            Some(v) if v.chars().any(char::is_whitespace) => {
                return Err("a flow log field holds a space".into())
            }
            Some(v) => out.push_str(v),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_columns_and_predicates() {
        let f = FlowFields::default();
        assert_eq!(f.columns().len(), 14);
        assert_eq!(
            f.select(),
            "\"version\", \"account_id\", \"interface_id\", \"srcaddr\", \"dstaddr\", \"srcport\", \"dstport\", \"protocol\", \"packets\", \"bytes\", \"start\", \"end\", \"action\", \"log_status\""
        );
        let ip = Entity::new(EntityKind::Ip, "10.0.0.1");
        assert_eq!(
            predicate(&f, &ip).as_deref(),
            Some("(\"srcaddr\" = '10.0.0.1' OR \"dstaddr\" = '10.0.0.1')")
        );
        let inst = Entity::new(EntityKind::Instance, "i-0123456789abcdef0");
        assert_eq!(predicate(&f, &inst), None, "v2 has no instance-id");
        let v5 = FlowFields::parse("${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${instance-id} ${region}")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            predicate(&v5, &inst).as_deref(),
            Some("(\"instance_id\" = 'i-0123456789abcdef0')")
        );
        assert!(v5.columns().contains(&("flow_region".into(), "STRING")));
        assert_eq!(
            header_line(&["account_id".into(), "flow_region".into(), "end".into()]),
            "account-id region end"
        );
        assert!(FlowFields::parse("version nosuch")
            .unwrap_err()
            .contains("nosuch"));
        assert!(FlowFields::parse("version version").is_err());
        assert!(FlowFields::parse("").is_err());
        let hostile = Entity::new(EntityKind::Ip, "1' OR '1'='1");
        assert!(predicate(&f, &hostile)
            .unwrap_or_default()
            .contains("'1'' OR ''1''=''1'"));
    }

    #[test]
    fn rows_become_lines() {
        let cells = vec![Some("2".to_string()), None, Some(String::new())];
        assert_eq!(line(&cells).as_deref(), Ok("2 - -"));
        assert!(line(&[Some("a b".into())]).is_err());
    }
}
