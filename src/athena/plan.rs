//! A hunt of several tables: the trail's query, then each network or access log table's, run
//! and read one after the other. The scan cap is the hunt's: each query may scan what the ones
//! before it left. A cancel (the responder's, the cap's, the time limit's) ends the hunt; a table
//! whose query fails (not created yet, no permission on its bucket) is said and the others still
//! answer.

use super::query::Clients;
use super::{Config, Outcome, Progress};
use crate::hunt::{Hunt, Planned};
use std::time::Duration;
use tokio::sync::{mpsc, watch};

pub async fn run(
    c: &Clients,
    cfg: &Config,
    hunt: &Hunt,
    plan: &[Planned],
    tx: &mpsc::Sender<Progress>,
    cancel: watch::Receiver<bool>,
) -> Outcome {
    let many = plan.len() > 1;
    let (mut rows, mut kept, mut flows, mut scanned) = (0u64, 0u64, 0u64, 0u64);
    let mut reused = true;
    let mut vias: Vec<&'static str> = Vec::new();
    let mut read = Duration::ZERO;
    let mut failed = Vec::new();
    let mut answered = 0;
    for p in plan {
        let left = cfg.max_scan.saturating_sub(scanned);
        if left == 0 {
            return Outcome::Cancelled(format!(
                "the hunt's scan cap ({}) is spent before {}",
                super::bytes(cfg.max_scan),
                p.table
            ));
        }
        if many {
            let _ = tx
                .send(Progress::Note(format!(
                    "{} ({}): {}; {} of the scan cap left",
                    p.table,
                    p.logs.title(),
                    p.query.partitions,
                    super::bytes(left)
                )))
                .await;
        }
        let this = Config {
            max_scan: left,
            ..cfg.clone()
        };
        let out = super::query::run(c, &this, hunt, p.logs, &p.query.sql, tx, cancel.clone()).await;
        match out {
            Outcome::Finished {
                rows: r,
                kept: k,
                flows: f,
                scanned: s,
                reused: u,
                via,
                read: t,
                failed: _,
            } => {
                answered += 1;
                rows += r;
                kept += k;
                flows += f;
                scanned += s;
                reused &= u;
                if !vias.contains(&via) {
                    vias.push(via);
                }
                read += t;
            }
            Outcome::Cancelled(why) if many => {
                return Outcome::Cancelled(format!("{}: {why}", p.table));
            }
            Outcome::Failed(why) | Outcome::Error(why) if many => {
                let line = format!("{}: {why}", p.table);
                let _ = tx.send(Progress::Note(line.clone())).await;
                failed.push(line);
            }
            other => return other,
        }
    }
    if answered == 0 {
        return Outcome::Failed(failed.join("; "));
    }
    Outcome::Finished {
        rows,
        kept,
        flows,
        scanned,
        reused,
        via: match vias.as_slice() {
            [one] => one,
            _ => "GetQueryResults and the CSV result in S3",
        },
        read,
        failed,
    }
}
