//! Hunts over the network and data-access logs on Athena (VPC Flow Logs, S3 server access logs,
//! Route 53 Resolver query logs), the pure part: each table's documented definition (`ddl`),
//! the statement that finds an entity in it without a full scan (the window's day partitions,
//! the accounts, regions, bucket or VPC when known), and a result row back into the line or
//! record the log wrote, for the same reader as a file of it (`decode`).

pub mod access;
pub mod ddl;
pub mod flow;
pub mod resolver;

use super::sql::{ident, is_catalog_name, lit, select_list_of};
use super::{Hunt, Logs, Query};

/// A network or access log table hunts read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetTable {
    pub logs: Logs,
    pub table: String,
    /// Flow logs: the format's fields, which are the table's columns.
    pub flow_fields: flow::FlowFields,
}

/// How one kind of table is searched.
struct Shape {
    select: String,
    /// The day partition (`yyyy/MM/dd`), the account partition, the region partition if any.
    day: &'static str,
    account: &'static str,
    region: Option<&'static str>,
    /// A data column holding the region, where the folders have none.
    region_column: Option<&'static str>,
    /// A partition the entity itself narrows to (`bucket`, `vpc`) and its value.
    narrow: Option<(&'static str, String)>,
    time: String,
    order: String,
    entity: String,
}

fn shape(h: &Hunt, t: &NetTable) -> Option<Shape> {
    let e = &h.entity;
    Some(match t.logs {
        Logs::VpcFlow => Shape {
            select: t.flow_fields.select(),
            day: "day",
            account: "accid",
            region: Some("region"),
            region_column: None,
            narrow: None,
            time: h.window.epoch_predicate("start"),
            order: ident("start"),
            entity: flow::predicate(&t.flow_fields, e)?,
        },
        Logs::S3Access => {
            let (entity, bucket) = access::predicate(e)?;
            Shape {
                select: access::select(),
                day: "timestamp",
                account: "account",
                region: Some("region"),
                region_column: None,
                narrow: bucket.map(|b| ("bucket", b)),
                time: h.window.timestamp_predicate(access::TIME),
                order: access::TIME.to_string(),
                entity,
            }
        }
        Logs::Resolver => {
            let (entity, vpc) = resolver::predicate(e)?;
            Shape {
                select: select_list_of(resolver::COLUMNS),
                day: "date",
                account: "account",
                region: None,
                region_column: Some("region"),
                narrow: vpc.map(|v| ("vpc", v)),
                time: h.window.iso_predicate("query_timestamp"),
                order: "query_timestamp".into(),
                entity,
            }
        }
        Logs::CloudTrail => return None,
    })
}

fn list(col: &str, vals: &[String]) -> String {
    let v: Vec<String> = vals.iter().map(|s| lit(s)).collect();
    format!("{} IN ({})", ident(col), v.join(", "))
}

/// The statement that finds what `t` holds of the hunt's entity; None when these logs cannot
/// name it (a bucket in the flow logs). The caller checked the hunt's accounts and regions.
pub fn query(h: &Hunt, database: &str, t: &NetTable) -> Option<Result<Query, String>> {
    if !is_catalog_name(database) || !is_catalog_name(&t.table) {
        return Some(Err(format!(
            "{database:?}.{:?} is not a Glue database and table name (lower-case letters, digits, _)",
            t.table
        )));
    }
    let s = shape(h, t)?;
    let mut wheres = vec![h.window.day_predicate(s.day)];
    if !h.accounts.is_empty() {
        wheres.push(list(s.account, &h.accounts));
    }
    let mut regions = "every region".to_string();
    if !h.regions.is_empty() {
        if let Some(r) = s.region.or(s.region_column) {
            wheres.push(list(r, &h.regions));
            regions = super::scope(&h.regions, "region");
        }
    }
    let mut narrowed = String::new();
    if let Some((col, v)) = &s.narrow {
        wheres.push(list(col, std::slice::from_ref(v)));
        narrowed = format!(" × {col} {v}");
    }
    wheres.push(s.time);
    wheres.push(s.entity);
    let sql = format!(
        "SELECT {} FROM {}.{}\nWHERE {}\nORDER BY {}",
        s.select,
        ident(database),
        ident(&t.table),
        wheres.join("\n  AND "),
        s.order
    );
    Some(Ok(Query {
        sql,
        partitions: format!(
            "{} × {} × {regions}{narrowed}",
            super::day_scope(&h.window),
            super::scope(&h.accounts, "account"),
        ),
    }))
}

#[cfg(test)]
mod tests;
