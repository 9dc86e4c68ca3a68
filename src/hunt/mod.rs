//! Hunts over an organization's CloudTrail history on Athena, the pure part: which entity, which
//! window, the SQL that finds it without a full scan, the DDL of the table, and putting each
//! result row back into the record CloudTrail wrote so the same normalizer as a replay gives the
//! same signal (id, severity, detections, entities). The I/O is in `crate::athena`.

pub mod ddl;
pub mod rows;
pub mod schema;
pub mod sql;
pub mod target;
pub mod window;

use crate::model::Entity;
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

impl Hunt {
    /// The statement. Account and region lists must hold ids of AWS's shapes (checked here:
    /// they are the responder's, but a pasted list can hold anything).
    pub fn query(&self, t: &Table) -> Result<Query, String> {
        if !sql::is_catalog_name(&t.database) || !sql::is_catalog_name(&t.table) {
            return Err(format!(
                "{:?}.{:?} is not a Glue database and table name (lower-case letters, digits, _)",
                t.database, t.table
            ));
        }
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
            "SELECT {} FROM {}.{}\nWHERE {}\nORDER BY eventtime",
            sql::select_list(),
            sql::ident(&t.database),
            sql::ident(&t.table),
            wheres.join("\n  AND ")
        );
        let (a, b) = self.window.days();
        let n = self.window.day_count();
        let scope = |vals: &[String], what: &str| match vals.len() {
            0 => format!("every {what}"),
            1 => vals[0].clone(),
            k => format!("{k} {what}s"),
        };
        Ok(Query {
            sql,
            partitions: format!(
                "{n} day{} ({}–{}) × {} × {}",
                if n == 1 { "" } else { "s" },
                a.format("%Y/%m/%d"),
                b.format("%Y/%m/%d"),
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
}

/// What a scan of `bytes` costs at Athena's $5 per TB (10^12 bytes), in dollars.
pub fn cost_usd(bytes: u64) -> f64 {
    bytes as f64 / 1e12 * 5.0
}

#[cfg(test)]
mod tests;
