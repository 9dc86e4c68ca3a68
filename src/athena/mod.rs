//! Hunts on Athena, the I/O: start the query a `crate::hunt::Hunt` makes, follow it with
//! back-off (state, elapsed, bytes scanned), stop it on request, past the scan cap or past
//! Athena's 30 minutes, then stream its rows back into signals of the same normalizer as a
//! replay. Endpoints are the SDK's own (`AWS_ENDPOINT_URL_ATHENA`, `AWS_ENDPOINT_URL_S3`,
//! `AWS_ENDPOINT_URL`).

pub mod csv;
mod plan;
mod query;
mod results;

pub use results::s3_parts as s3_uri;

use crate::hunt::network::flow::FlowFields;
use crate::hunt::{decode::HuntedFlow, Hunt, Logs, NetTable, Table, Tables};
use crate::normalize::Arriving;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// The default scan cap: 50 GB (binary), about $0.27 at $5/TB.
pub const DEFAULT_MAX_SCAN: u64 = 50 << 30;
/// Athena ends a DML query after 30 minutes; the client stops following it then.
pub const ATHENA_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// Athena's result reuse: a repeated hunt within this many minutes reads the earlier result
/// instead of scanning again.
pub const REUSE_MINUTES: i32 = 60;

/// Where and how hunts run (`[athena]` in config.toml, overridden by flags).
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub database: String,
    pub table: String,
    pub workgroup: String,
    /// `s3://bucket/prefix/`; None: the workgroup's.
    pub output: Option<String>,
    pub region: Option<String>,
    pub profile: Option<String>,
    /// The cap of the whole hunt: every table's scan counts against it.
    pub max_scan: u64,
    pub timeout: Duration,
    /// The network and access log tables hunts read too (none unless configured).
    pub vpcflow_table: Option<String>,
    pub vpcflow_format: FlowFields,
    pub s3access_table: Option<String>,
    pub resolver_table: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database: "default".into(),
            table: "cloudtrail".into(),
            workgroup: "primary".into(),
            output: None,
            region: None,
            profile: None,
            max_scan: DEFAULT_MAX_SCAN,
            timeout: ATHENA_TIMEOUT,
            vpcflow_table: None,
            vpcflow_format: FlowFields::default(),
            s3access_table: None,
            resolver_table: None,
        }
    }
}

impl Config {
    /// `[athena]` of config.toml over the defaults.
    pub fn from_settings(s: &crate::settings::AthenaSettings) -> Result<Config, String> {
        let d = Config::default();
        let max_scan = match &s.max_scan {
            Some(t) => crate::settings::parse_size(t)
                .map_err(|e| format!("config.toml [athena] max_scan: {e}"))?,
            None => d.max_scan,
        };
        if let Some(o) = &s.output {
            if !o.starts_with("s3://") {
                return Err(format!(
                    "config.toml [athena] output {o:?} is not an s3:// location"
                ));
            }
        }
        let vpcflow_format = match &s.vpcflow_format {
            Some(f) => FlowFields::parse(f)
                .map_err(|e| format!("config.toml [athena] vpcflow_format: {e}"))?,
            None => d.vpcflow_format.clone(),
        };
        Ok(Config {
            database: s.database.clone().unwrap_or(d.database),
            table: s.table.clone().unwrap_or(d.table),
            workgroup: s.workgroup.clone().unwrap_or(d.workgroup),
            output: s.output.clone(),
            region: s.region.clone(),
            max_scan,
            vpcflow_table: s.vpcflow_table.clone(),
            vpcflow_format,
            s3access_table: s.s3access_table.clone(),
            resolver_table: s.resolver_table.clone(),
            ..d
        })
    }

    pub fn table(&self) -> Table {
        Table {
            database: self.database.clone(),
            table: self.table.clone(),
        }
    }

    /// The table of `logs`, when hunts read one.
    pub fn table_of(&self, logs: Logs) -> Option<&str> {
        match logs {
            Logs::CloudTrail => Some(&self.table),
            Logs::VpcFlow => self.vpcflow_table.as_deref(),
            Logs::S3Access => self.s3access_table.as_deref(),
            Logs::Resolver => self.resolver_table.as_deref(),
        }
    }

    /// Every table a hunt reads: the trail's and each configured network or access log table.
    pub fn tables(&self) -> Tables {
        let network = [Logs::VpcFlow, Logs::S3Access, Logs::Resolver]
            .into_iter()
            .filter_map(|logs| {
                self.table_of(logs).map(|t| NetTable {
                    logs,
                    table: t.to_string(),
                    flow_fields: self.vpcflow_format.clone(),
                })
            })
            .collect();
        Tables {
            cloudtrail: self.table(),
            network,
        }
    }
}

/// A query's state as Athena reports it while it runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED.
    pub state: String,
    pub elapsed: Duration,
    pub scanned: u64,
    /// Rows read so far (once results stream).
    pub rows: u64,
    pub reused: bool,
}

/// What a hunt reports while it runs.
#[derive(Debug)]
pub enum Progress {
    /// Athena accepted the statement.
    Started {
        id: String,
    },
    Status(Status),
    /// Something worth a line: throttled and retrying, the result read from S3.
    Note(String),
    /// Signals of rows, in order, only those naming the entity inside the window.
    Signals(Vec<Arriving>),
    /// Flow records of rows, in order, only those naming the entity inside the window.
    Flows(Vec<HuntedFlow>),
}

/// How a hunt ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Finished {
        rows: u64,
        /// Signals kept (naming the entity inside the window).
        kept: u64,
        /// Flow records kept.
        flows: u64,
        scanned: u64,
        reused: bool,
        /// "GetQueryResults" or "the CSV result in S3".
        via: &'static str,
        /// How long reading the rows took (after the query succeeded).
        read: Duration,
        /// The tables whose query failed while others answered: `table: Athena's reason`.
        failed: Vec<String>,
    },
    /// Athena's reason, as it gave it.
    Failed(String),
    /// Stopped (StopQueryExecution): by the responder, the scan cap or the time limit; why.
    Cancelled(String),
    /// The hunt could not run (credentials, permissions, settings).
    Error(String),
}

impl Outcome {
    pub fn line(&self) -> String {
        match self {
            Outcome::Finished {
                rows,
                kept,
                flows,
                scanned,
                reused,
                via,
                read,
                failed,
            } => format!(
                "{kept} signals{} from {rows} rows; {} scanned ({}){}; read through {via} in {:.1} s ({:.0} rows/s){}",
                if *flows > 0 {
                    format!(" and {flows} flow records")
                } else {
                    String::new()
                },
                bytes(*scanned),
                dollars(*scanned),
                if *reused {
                    ", Athena reused an earlier result"
                } else {
                    ""
                },
                read.as_secs_f64(),
                *rows as f64 / read.as_secs_f64().max(1e-3),
                if failed.is_empty() {
                    String::new()
                } else {
                    format!("; FAILED: {}", failed.join("; "))
                }
            ),
            Outcome::Failed(r) => format!("Athena query FAILED: {r}"),
            Outcome::Cancelled(r) => format!("cancelled: {r}"),
            Outcome::Error(e) => e.clone(),
        }
    }
}

/// `1.23 GB` (decimal, as Athena bills).
pub fn bytes(n: u64) -> String {
    let n = n as f64;
    if n >= 1e12 {
        format!("{:.2} TB", n / 1e12)
    } else if n >= 1e9 {
        format!("{:.2} GB", n / 1e9)
    } else if n >= 1e6 {
        format!("{:.1} MB", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.1} KB", n / 1e3)
    } else {
        format!("{n} B")
    }
}

/// `$0.0123` at $5/TB (Athena bills at least 10 MB a query).
pub fn dollars(scanned: u64) -> String {
    format!("${:.4}", crate::hunt::cost_usd(scanned.max(10_000_000)))
}

/// The progress line: `RUNNING 12s · 3.4 GB scanned · 120 rows · $0.0170`.
pub fn progress_line(s: &Status) -> String {
    format!(
        "{} {}s · {} scanned · {} rows · {}{}",
        s.state,
        s.elapsed.as_secs(),
        bytes(s.scanned),
        s.rows,
        dollars(s.scanned),
        if s.reused { " · reused result" } else { "" }
    )
}

/// Runs a hunt to its end: one query a table (the trail's, then each network or access log
/// table that can name the entity), one after the other, every scan counted against the cap.
/// Progress goes to `tx`; `cancel` turning true stops the running query and the hunt.
pub async fn run(
    cfg: &Config,
    hunt: &Hunt,
    tx: mpsc::Sender<Progress>,
    cancel: watch::Receiver<bool>,
) -> Outcome {
    let plan = match hunt.plan(&cfg.tables()) {
        Ok(p) => p,
        Err(e) => return Outcome::Error(e),
    };
    let clients = query::Clients::load(cfg).await;
    plan::run(&clients, cfg, hunt, &plan, &tx, cancel).await
}

/// Runs a statement that returns no rows (the DDL) and waits for it.
pub async fn execute(cfg: &Config, sql: &str) -> Outcome {
    let clients = query::Clients::load(cfg).await;
    let (tx, mut rx) = mpsc::channel(16);
    let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });
    let (_keep, cancel) = watch::channel(false);
    let out = query::follow(&clients, cfg, sql, &tx, cancel, false).await;
    drop(tx);
    let _ = drain.await;
    match out {
        Ok(f) => Outcome::Finished {
            rows: 0,
            kept: 0,
            flows: 0,
            scanned: f.scanned,
            reused: f.reused,
            via: "GetQueryExecution",
            read: Duration::ZERO,
            failed: Vec::new(),
        },
        Err(o) => o,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_say_state_scan_rows_and_cost() {
        let s = Status {
            state: "RUNNING".into(),
            elapsed: Duration::from_secs(12),
            scanned: 3_400_000_000,
            rows: 120,
            reused: false,
        };
        assert_eq!(
            progress_line(&s),
            "RUNNING 12s · 3.40 GB scanned · 120 rows · $0.0170"
        );
        assert_eq!(dollars(0), "$0.0001", "Athena bills at least 10 MB");
        assert_eq!(bytes(999), "999 B");
        let o = Outcome::Finished {
            rows: 5,
            kept: 4,
            flows: 0,
            scanned: 2_000_000,
            reused: true,
            via: "GetQueryResults",
            read: Duration::from_secs(2),
            failed: Vec::new(),
        };
        assert!(o.line().contains("4 signals from 5 rows"), "{}", o.line());
        assert!(o.line().contains("reused"));
    }
}
