//! A finished query's rows, as signals. An answer that fits in one GetQueryResults page (999
//! rows after the header) is read from that page; a larger one is read as the CSV object Athena
//! wrote to the output location, streamed from S3 (one GET instead of a call per 1,000 rows,
//! each a round trip and counted against GetQueryResults' rate limit: 100,000 rows would be 100
//! calls in a row). Without `s3:GetObject` on the output it falls back to paging and says so.

use super::csv::Reader;
use super::query::{Clients, Finished};
use super::{Outcome, Progress, Status};
use crate::aws::errors::classify;
use crate::hunt::decode::{Decoded, Decoder, HuntedFlow};
use crate::hunt::{Hunt, Logs};
use crate::normalize::Arriving;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

/// Rows per GetQueryResults page (Athena's maximum).
const PAGE: i32 = 1000;
/// Signals go out in batches of at most this many, or every `FLUSH_EVERY`.
const BATCH: usize = 512;
const FLUSH_EVERY: Duration = Duration::from_millis(100);

struct Sink<'a> {
    hunt: &'a Hunt,
    tx: &'a mpsc::Sender<Progress>,
    decoder: Decoder,
    batch: Vec<Arriving>,
    flows: Vec<HuntedFlow>,
    hunt_logs: &'static str,
    rows: u64,
    kept: u64,
    kept_flows: u64,
    /// Rows the log's reader refused, and the first one's reason.
    unreadable: u64,
    first_problem: Option<String>,
    last: Instant,
    began: Instant,
    f: &'a Finished,
}

impl Sink<'_> {
    /// One row (the first is the header).
    fn row(&mut self, cells: Vec<Option<String>>) -> Result<(), String> {
        if !self.decoder.has_header() {
            return self
                .decoder
                .header(cells.into_iter().map(Option::unwrap_or_default).collect());
        }
        self.rows += 1;
        match self.decoder.row(&cells) {
            Ok(Decoded::Signal(a)) if self.hunt.keeps(&a) => {
                self.kept += 1;
                self.batch.push(*a);
            }
            Ok(Decoded::Flow(f)) if self.hunt.keeps_flow(&f.record) => {
                self.kept_flows += 1;
                self.flows.push(*f);
            }
            Ok(_) => {}
            Err(e) => {
                self.unreadable += 1;
                self.first_problem.get_or_insert(e);
            }
        }
        Ok(())
    }

    async fn flush(&mut self, force: bool) {
        let pending = self.batch.len() + self.flows.len();
        if !force && pending < BATCH && self.last.elapsed() < FLUSH_EVERY {
            return;
        }
        self.last = Instant::now();
        if !self.batch.is_empty() {
            let _ = self
                .tx
                .send(Progress::Signals(std::mem::take(&mut self.batch)))
                .await;
        }
        if !self.flows.is_empty() {
            let _ = self
                .tx
                .send(Progress::Flows(std::mem::take(&mut self.flows)))
                .await;
        }
        let _ = self
            .tx
            .send(Progress::Status(Status {
                state: "SUCCEEDED".into(),
                elapsed: self.f.elapsed,
                scanned: self.f.scanned,
                rows: self.rows,
                reused: self.f.reused,
            }))
            .await;
    }

    /// How the hunt ended, the rows its reader refused said first (never dropped silently).
    async fn outcome(&self, via: &'static str) -> Outcome {
        if let Some(p) = &self.first_problem {
            let _ = self
                .tx
                .send(Progress::Note(format!(
                    "{} of {} rows could not be read as {} (first: {})",
                    self.unreadable,
                    self.rows,
                    self.hunt_logs,
                    crate::safe_text::line(p)
                )))
                .await;
        }
        Outcome::Finished {
            rows: self.rows,
            kept: self.kept,
            flows: self.kept_flows,
            scanned: self.f.scanned,
            reused: self.f.reused,
            via,
            read: self.began.elapsed(),
            failed: Vec::new(),
        }
    }
}

fn cells(row: &aws_sdk_athena::types::Row) -> Vec<Option<String>> {
    row.data()
        .iter()
        .map(|d| d.var_char_value().map(str::to_string))
        .collect()
}

/// `s3://bucket/key` → (bucket, key).
pub fn s3_parts(uri: &str) -> Option<(&str, &str)> {
    let rest = uri.strip_prefix("s3://")?;
    let (b, k) = rest.split_once('/')?;
    (!b.is_empty() && !k.is_empty()).then_some((b, k))
}

pub async fn read(
    c: &Clients,
    hunt: &Hunt,
    logs: Logs,
    f: &Finished,
    tx: &mpsc::Sender<Progress>,
    cancel: watch::Receiver<bool>,
) -> Outcome {
    let mut sink = Sink {
        hunt,
        hunt_logs: logs.title(),
        tx,
        decoder: Decoder::new(logs),
        batch: Vec::new(),
        flows: Vec::new(),
        rows: 0,
        kept: 0,
        kept_flows: 0,
        unreadable: 0,
        first_problem: None,
        last: Instant::now(),
        began: Instant::now(),
        f,
    };
    let first = match page(c, &f.id, None).await {
        Ok(p) => p,
        Err(e) => return Outcome::Error(e),
    };
    let mut token = first.next_token().map(str::to_string);
    if token.is_some() {
        if let Some(out) = f.output.as_deref() {
            match csv(c, out, &mut sink, &cancel).await {
                Ok(()) => {
                    sink.flush(true).await;
                    return sink.outcome("the CSV result in S3").await;
                }
                Err(Stop::Cancelled) => return cancelled(&sink),
                Err(Stop::Unreadable(why)) if sink.rows == 0 => {
                    sink.decoder.reset();
                    let _ = tx
                        .send(Progress::Note(format!(
                            "the result object cannot be read ({why}): paging through GetQueryResults instead"
                        )))
                        .await;
                }
                Err(Stop::Unreadable(why)) => {
                    return Outcome::Error(format!("reading {out}: {why}"))
                }
            }
        }
    }
    for r in first.result_set().map(|s| s.rows()).unwrap_or_default() {
        if let Err(e) = sink.row(cells(r)) {
            return Outcome::Error(e);
        }
    }
    sink.flush(false).await;
    while let Some(t) = token.take() {
        if *cancel.borrow() {
            return cancelled(&sink);
        }
        let p = match page(c, &f.id, Some(t)).await {
            Ok(p) => p,
            Err(e) => return Outcome::Error(e),
        };
        for r in p.result_set().map(|s| s.rows()).unwrap_or_default() {
            if let Err(e) = sink.row(cells(r)) {
                return Outcome::Error(e);
            }
        }
        sink.flush(false).await;
        token = p.next_token().map(str::to_string);
    }
    sink.flush(true).await;
    sink.outcome("GetQueryResults").await
}

fn cancelled(sink: &Sink) -> Outcome {
    Outcome::Cancelled(format!(
        "cancelled by the responder while reading results ({} rows read, {} kept)",
        sink.rows, sink.kept
    ))
}

async fn page(
    c: &Clients,
    id: &str,
    token: Option<String>,
) -> Result<aws_sdk_athena::operation::get_query_results::GetQueryResultsOutput, String> {
    let mut wait = Duration::from_millis(500);
    loop {
        match c
            .athena
            .get_query_results()
            .query_execution_id(id)
            .max_results(PAGE)
            .set_next_token(token.clone())
            .send()
            .await
        {
            Ok(p) => return Ok(p),
            Err(e) => match classify(&e, "athena:GetQueryResults") {
                crate::feed::Problem::Throttled(_) if wait < Duration::from_secs(16) => {
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                }
                p => return Err(format!("reading the results of {id}: {p}")),
            },
        }
    }
}

enum Stop {
    Cancelled,
    Unreadable(String),
}

async fn csv(
    c: &Clients,
    uri: &str,
    sink: &mut Sink<'_>,
    cancel: &watch::Receiver<bool>,
) -> Result<(), Stop> {
    let (bucket, key) =
        s3_parts(uri).ok_or_else(|| Stop::Unreadable(format!("{uri} is not an s3:// location")))?;
    let mut body =
        c.s3.get_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| Stop::Unreadable(classify(&e, "s3:GetObject").to_string()))?
            .body;
    let mut reader = Reader::default();
    let mut rows = Vec::new();
    loop {
        if *cancel.borrow() {
            return Err(Stop::Cancelled);
        }
        let chunk = match body.next().await {
            Some(Ok(b)) => b,
            Some(Err(e)) => return Err(Stop::Unreadable(e.to_string())),
            None => break,
        };
        reader
            .feed(&chunk, &mut |r| rows.push(r))
            .map_err(Stop::Unreadable)?;
        for r in rows.drain(..) {
            sink.row(r).map_err(Stop::Unreadable)?;
        }
        sink.flush(false).await;
    }
    reader
        .finish(&mut |r| rows.push(r))
        .map_err(Stop::Unreadable)?;
    for r in rows.drain(..) {
        sink.row(r).map_err(Stop::Unreadable)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn s3_uris() {
        assert_eq!(
            super::s3_parts("s3://b/athena/q.csv"),
            Some(("b", "athena/q.csv"))
        );
        assert_eq!(super::s3_parts("s3://b/"), None);
        assert_eq!(super::s3_parts("https://b/x"), None);
    }
}
