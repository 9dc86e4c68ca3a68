//! One query's life: StartQueryExecution (throttling backed off), GetQueryExecution polled with
//! back-off until it ends, StopQueryExecution on request, past the scan cap or past the time
//! limit, and each stop said with its reason.

use super::{Config, Outcome, Progress, Status};
use crate::aws::errors::{classify, Problem};
use aws_sdk_athena::types::{
    QueryExecutionContext, QueryExecutionState, ResultConfiguration, ResultReuseByAgeConfiguration,
    ResultReuseConfiguration,
};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

pub struct Clients {
    pub athena: aws_sdk_athena::Client,
    pub s3: aws_sdk_s3::Client,
}

fn local_endpoint() -> bool {
    ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"]
        .iter()
        .any(|k| std::env::var_os(k).is_some_and(|v| !v.is_empty()))
}

impl Clients {
    pub async fn load(cfg: &Config) -> Clients {
        let opts = crate::aws::LiveOptions::default();
        let sdk =
            crate::aws::session::load(cfg.profile.as_deref(), cfg.region.as_deref(), &opts).await;
        // An emulator's S3 answers on a path, not on a bucket's host name.
        let s3 = aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(local_endpoint())
            .build();
        Clients {
            athena: aws_sdk_athena::Client::new(&sdk),
            s3: aws_sdk_s3::Client::from_conf(s3),
        }
    }
}

/// A query that ended SUCCEEDED.
pub struct Finished {
    pub id: String,
    pub output: Option<String>,
    pub scanned: u64,
    pub reused: bool,
    pub elapsed: Duration,
}

fn problem_text(p: &Problem) -> String {
    p.to_string()
}

/// Waits `d`, or less when `cancel` turns true (returns true then).
async fn pause(d: Duration, cancel: &mut watch::Receiver<bool>) -> bool {
    if *cancel.borrow() {
        return true;
    }
    tokio::select! {
        _ = tokio::time::sleep(d) => *cancel.borrow(),
        r = cancel.changed() => r.is_ok() && *cancel.borrow(),
    }
}

async fn stop(c: &Clients, id: &str) -> Result<(), String> {
    c.athena
        .stop_query_execution()
        .query_execution_id(id)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| problem_text(&classify(&e, "athena:StopQueryExecution")))
}

/// The output location: the configured one, else the workgroup's (GetWorkGroup).
async fn output(c: &Clients, cfg: &Config, tx: &mpsc::Sender<Progress>) -> Option<String> {
    if cfg.output.is_some() {
        return cfg.output.clone();
    }
    match c
        .athena
        .get_work_group()
        .work_group(&cfg.workgroup)
        .send()
        .await
    {
        Ok(w) => w
            .work_group()
            .and_then(|w| w.configuration())
            .and_then(|c| c.result_configuration())
            .and_then(|r| r.output_location())
            .map(str::to_string),
        Err(e) => {
            let p = classify(&e, "athena:GetWorkGroup");
            let _ = tx
                .send(Progress::Note(format!(
                    "workgroup {}: {} (its output location is unknown)",
                    cfg.workgroup,
                    problem_text(&p)
                )))
                .await;
            None
        }
    }
}

async fn start(
    c: &Clients,
    cfg: &Config,
    sql: &str,
    out: Option<&str>,
    reuse: bool,
    tx: &mpsc::Sender<Progress>,
    cancel: &mut watch::Receiver<bool>,
) -> Result<String, Outcome> {
    let mut wait = Duration::from_secs(1);
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut req = c
            .athena
            .start_query_execution()
            .query_string(sql)
            .work_group(&cfg.workgroup)
            .query_execution_context(
                QueryExecutionContext::builder()
                    .database(&cfg.database)
                    .build(),
            );
        if let Some(o) = out {
            req =
                req.result_configuration(ResultConfiguration::builder().output_location(o).build());
        }
        if reuse {
            req = req.result_reuse_configuration(
                ResultReuseConfiguration::builder()
                    .result_reuse_by_age_configuration(
                        ResultReuseByAgeConfiguration::builder()
                            .enabled(true)
                            .max_age_in_minutes(super::REUSE_MINUTES)
                            .build(),
                    )
                    .build(),
            );
        }
        match req.send().await {
            Ok(r) => {
                return r.query_execution_id().map(str::to_string).ok_or_else(|| {
                    Outcome::Error("StartQueryExecution returned no query id".into())
                })
            }
            Err(e) => match classify(&e, "athena:StartQueryExecution") {
                Problem::Throttled(code) if attempt < 6 => {
                    let _ = tx
                        .send(Progress::Note(format!(
                            "Athena is throttling ({code}: too many queries at once): retrying in {} s",
                            wait.as_secs()
                        )))
                        .await;
                    if pause(wait, cancel).await {
                        return Err(Outcome::Cancelled(
                            "cancelled before Athena accepted the query".into(),
                        ));
                    }
                    wait = (wait * 2).min(Duration::from_secs(16));
                }
                p => {
                    return Err(Outcome::Error(format!(
                        "Athena refused the query: {}",
                        problem_text(&p)
                    )))
                }
            },
        }
    }
}

/// Starts `sql` and follows it to its end. `reuse`: ask for Athena's result reuse.
pub async fn follow(
    c: &Clients,
    cfg: &Config,
    sql: &str,
    tx: &mpsc::Sender<Progress>,
    mut cancel: watch::Receiver<bool>,
    reuse: bool,
) -> Result<Finished, Outcome> {
    let out = output(c, cfg, tx).await;
    let id = start(c, cfg, sql, out.as_deref(), reuse, tx, &mut cancel).await?;
    let _ = tx.send(Progress::Started { id: id.clone() }).await;
    let t0 = Instant::now();
    let mut delay = Duration::from_millis(200);
    let stopped = |why: String| {
        let id = id.clone();
        async move {
            match stop(c, &id).await {
                Ok(()) => Outcome::Cancelled(format!("{why}; StopQueryExecution sent")),
                Err(e) => Outcome::Cancelled(format!("{why}; StopQueryExecution failed: {e}")),
            }
        }
    };
    loop {
        if pause(delay, &mut cancel).await {
            return Err(stopped("cancelled by the responder".into()).await);
        }
        delay = (delay * 3 / 2).min(Duration::from_secs(2));
        let q = match c
            .athena
            .get_query_execution()
            .query_execution_id(&id)
            .send()
            .await
        {
            Ok(r) => r,
            Err(e) => match classify(&e, "athena:GetQueryExecution") {
                Problem::Throttled(_) => {
                    delay = Duration::from_secs(4);
                    continue;
                }
                p => {
                    return Err(Outcome::Error(format!(
                        "following query {id}: {}",
                        problem_text(&p)
                    )))
                }
            },
        };
        let qe = q.query_execution();
        let st = qe.and_then(|q| q.status());
        let state = st.and_then(|s| s.state()).cloned();
        let stats = qe.and_then(|q| q.statistics());
        let scanned = stats
            .and_then(|s| s.data_scanned_in_bytes())
            .unwrap_or(0)
            .max(0) as u64;
        let reused = stats
            .and_then(|s| s.result_reuse_information())
            .is_some_and(|r| r.reused_previous_result());
        let status = Status {
            state: state
                .as_ref()
                .map(|s| s.as_str().to_string())
                .unwrap_or_else(|| "UNKNOWN".into()),
            elapsed: t0.elapsed(),
            scanned,
            rows: 0,
            reused,
        };
        let _ = tx.send(Progress::Status(status.clone())).await;
        let reason = || {
            st.and_then(|s| {
                s.athena_error()
                    .and_then(|e| e.error_message())
                    .or(s.state_change_reason())
            })
            .map(|r| crate::safe_text::line(r).into_owned())
            .unwrap_or_else(|| "no reason given".into())
        };
        match state {
            Some(QueryExecutionState::Succeeded) => {
                return Ok(Finished {
                    output: qe
                        .and_then(|q| q.result_configuration())
                        .and_then(|r| r.output_location())
                        .map(str::to_string),
                    id,
                    scanned,
                    reused,
                    elapsed: t0.elapsed(),
                })
            }
            Some(QueryExecutionState::Failed) => return Err(Outcome::Failed(reason())),
            Some(QueryExecutionState::Cancelled) => {
                return Err(Outcome::Cancelled(format!(
                    "Athena says the query was cancelled: {}",
                    reason()
                )))
            }
            _ => {}
        }
        if scanned > cfg.max_scan {
            return Err(stopped(format!(
                "the scan passed the cap ({} scanned, --max-scan {})",
                super::bytes(scanned),
                super::bytes(cfg.max_scan)
            ))
            .await);
        }
        if t0.elapsed() > cfg.timeout {
            return Err(stopped(format!(
                "still {} after {} min, Athena's limit for one query",
                status.state,
                cfg.timeout.as_secs() / 60
            ))
            .await);
        }
    }
}

/// One table of a hunt: the query, then its rows as signals (or flow records).
pub async fn run(
    c: &Clients,
    cfg: &Config,
    hunt: &crate::hunt::Hunt,
    logs: crate::hunt::Logs,
    sql: &str,
    tx: &mpsc::Sender<Progress>,
    cancel: watch::Receiver<bool>,
) -> Outcome {
    let f = match follow(c, cfg, sql, tx, cancel.clone(), true).await {
        Ok(f) => f,
        Err(o) => return o,
    };
    super::results::read(c, hunt, logs, &f, tx, cancel).await
}
