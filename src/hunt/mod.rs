//! Hunts over an organization's CloudTrail history on Athena, and over its network and access
//! logs (`network`), the pure part: which entity, which window, the SQL that finds it without a
//! full scan, the DDL of each table, and putting each result row back into the record (or line)
//! the log wrote so the same normalizer as a replay gives the same signal (id, severity,
//! detections, entities) or flow record (`decode`). The I/O is in `crate::athena`.

pub mod ddl;
pub mod decode;
pub mod logs;
pub mod network;
pub mod rows;
pub mod schema;
pub mod sql;
pub mod target;
pub mod window;

use crate::model::Entity;
pub use logs::Logs;
pub use network::NetTable;
pub use window::Window;

/// The table a hunt reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub database: String,
    pub table: String,
}

/// "This entity, this window, the whole organization" (or the accounts and regions named).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunt {
    pub entity: Entity,
    pub window: Window,
    /// Empty: every account the table projects.
    pub accounts: Vec<String>,
    /// Empty: every region the table projects.
    pub regions: Vec<String>,
}

/// A hunt's statement and what it will touch, for the responder to read before it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub sql: String,
    /// "2 days (2023/07/10–2023/07/11) × every account × every region".
    pub partitions: String,
}

/// Every table a hunt may read: the trail's, and the network and access logs' configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tables {
    pub cloudtrail: Table,
    pub network: Vec<NetTable>,
}

/// One statement of a hunt: the table it reads and the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub logs: Logs,
    /// The table it reads (`database.table`), to show.
    pub table: String,
    pub query: Query,
}

/// "every account", "111122223333", "3 accounts".
fn scope(vals: &[String], what: &str) -> String {
    match vals.len() {
        0 => format!("every {what}"),
        1 => vals[0].clone(),
        k => format!("{k} {what}s"),
    }
}

/// "2 days (2023/07/10–2023/07/11)".
fn day_scope(w: &Window) -> String {
    let (a, b) = w.days();
    let n = w.day_count();
    format!(
        "{n} day{} ({}–{})",
        if n == 1 { "" } else { "s" },
        a.format("%Y/%m/%d"),
        b.format("%Y/%m/%d"),
    )
}

impl Hunt {
    /// Every statement of the hunt: the trail's, then each network or access log table that
    /// can name the entity (a bucket is in the access logs, not in the flow logs).
    pub fn plan(&self, t: &Tables) -> Result<Vec<Planned>, String> {
        let mut out = vec![Planned {
            logs: Logs::CloudTrail,
            table: format!("{}.{}", t.cloudtrail.database, t.cloudtrail.table),
            query: self.query(&t.cloudtrail)?,
        }];
        for n in &t.network {
            if let Some(q) = network::query(self, &t.cloudtrail.database, n) {
                out.push(Planned {
                    logs: n.logs,
                    table: format!("{}.{}", t.cloudtrail.database, n.table),
                    query: q?,
                });
            }
        }
        Ok(out)
    }

    /// Account and region lists must hold ids of AWS's shapes (they are the responder's, but a
    /// pasted list can hold anything).
    fn check(&self) -> Result<(), String> {
        for a in &self.accounts {
            if !crate::model::entity::is_account_id(a) {
                return Err(format!("{a:?} is not an account id"));
            }
        }
        for r in &self.regions {
            if r.is_empty()
                || !r
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                return Err(format!("{r:?} is not a region"));
            }
        }
        Ok(())
    }

    /// The trail's statement.
    pub fn query(&self, t: &Table) -> Result<Query, String> {
        if !sql::is_catalog_name(&t.database) || !sql::is_catalog_name(&t.table) {
            return Err(format!(
                "{:?}.{:?} is not a Glue database and table name (lower-case letters, digits, _)",
                t.database, t.table
            ));
        }
        self.check()?;
        let mut wheres = vec![self.window.partition_predicate()];
        let list = |col: &str, vals: &[String]| {
            let v: Vec<String> = vals.iter().map(|s| sql::lit(s)).collect();
            format!("{col} IN ({})", v.join(", "))
        };
        if !self.accounts.is_empty() {
            wheres.push(list("account", &self.accounts));
        }
        if !self.regions.is_empty() {
            wheres.push(list("region", &self.regions));
        }
        wheres.push(self.window.event_predicate());
        wheres.push(target::predicate(&self.entity));
        let sql = format!(
            // Ties in time in one order, the correlation rules' (fed in arrival order).
            "SELECT {} FROM {}.{}\nWHERE {}\nORDER BY eventtime, eventid",
            sql::select_list(),
            sql::ident(&t.database),
            sql::ident(&t.table),
            wheres.join("\n  AND ")
        );
        Ok(Query {
            sql,
            partitions: format!(
                "{} × {} × {}",
                day_scope(&self.window),
                scope(&self.accounts, "account"),
                scope(&self.regions, "region")
            ),
        })
    }

    /// Whether a signal made from a result row is one this hunt answers with: in the window and
    /// naming the entity, as the normalizer found it (the SQL is a superset).
    pub fn keeps(&self, s: &crate::model::Signal) -> bool {
        self.window.contains(s.time) && s.names(&self.entity)
    }

    /// The same for a flow record: it starts in the window and names the entity as the reader
    /// read it.
    pub fn keeps_flow(&self, r: &crate::model::flow::FlowRecord) -> bool {
        chrono::DateTime::from_timestamp(r.start, 0).is_some_and(|t| self.window.contains(t))
            && network::flow::names(r, &self.entity)
    }
}

/// What a scan of `bytes` costs at Athena's $5 per TB (10^12 bytes), in dollars.
pub fn cost_usd(bytes: u64) -> f64 {
    bytes as f64 / 1e12 * 5.0
}

#[cfg(test)]
mod tests;
