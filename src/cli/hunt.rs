//! `airc hunt ENTITY [--since 30d | --from T --until T] [--json]`: what an entity did across the
//! organization's CloudTrail history on Athena, as signals (JSON lines with `--json`); and
//! `airc athena ddl --bucket B [--organization o-…] --account A,… [--execute]`, the table.

use crate::athena::{self, Config, Outcome, Progress};
use crate::hunt::{ddl::Trail, target, Hunt, Window};
use crate::model::{EntitiesOf, Signal};
use crate::rules::Rules;
use crate::safe_text::line;
use clap::{Args, Subcommand};
use serde_json::json;
use std::io::Write as _;
use std::process::ExitCode;

/// Where hunts run: each flag overrides `[athena]` in config.toml.
#[derive(Debug, Args, Clone, Default)]
pub struct AthenaArgs {
    /// The Glue database of the CloudTrail table (default: default).
    #[arg(long, value_name = "NAME")]
    pub athena_database: Option<String>,
    /// The CloudTrail table (default: cloudtrail).
    #[arg(long, value_name = "NAME")]
    pub athena_table: Option<String>,
    /// The Athena workgroup (default: primary).
    #[arg(long, value_name = "NAME")]
    pub athena_workgroup: Option<String>,
    /// Where Athena writes results, s3://bucket/prefix/ (default: the workgroup's).
    #[arg(long, value_name = "S3_URI")]
    pub athena_output: Option<String>,
    /// The region Athena runs in (default: the profile's).
    #[arg(long, value_name = "REGION")]
    pub athena_region: Option<String>,
    /// Stop a query whose scan passes this (e.g. 50GB, 500M; default 50GB).
    #[arg(long, value_name = "SIZE", value_parser = super::parse_size)]
    pub max_scan: Option<u64>,
    /// An AWS profile (default: AWS_PROFILE, else the SDK's default chain).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Stop following a query after this long (Athena's own limit is 30 minutes).
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration, hide = true)]
    pub athena_timeout: Option<std::time::Duration>,
}

#[derive(Debug, Args)]
pub struct HuntArgs {
    /// The entity as the Entities pane shows it: access_key:AKIA…, iam_user:NAME, iam_role:NAME,
    /// assumed_role:ROLE/SESSION, ip:1.2.3.4, instance:i-…, bucket:NAME (or a bare id).
    pub entity: String,
    /// How far back from now (e.g. 24h, 7d, 30d).
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration,
          conflicts_with_all = ["from", "until"])]
    pub since: Option<std::time::Duration>,
    /// The window's start (RFC 3339 or a date), with --until.
    #[arg(long, value_name = "TIME", requires = "until")]
    pub from: Option<String>,
    /// The window's end (RFC 3339 or a date), with --from.
    #[arg(long, value_name = "TIME", requires = "from")]
    pub until: Option<String>,
    /// Only these accounts' partitions (repeatable or comma-separated; default: every account).
    #[arg(long = "account", value_name = "ID", value_delimiter = ',')]
    pub accounts: Vec<String>,
    /// Only these regions' partitions (repeatable or comma-separated; default: every region).
    #[arg(long = "region", value_name = "REGION", value_delimiter = ',')]
    pub regions: Vec<String>,
    /// One JSON object per signal on stdout (progress stays on stderr).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub athena: AthenaArgs,
}

#[derive(Debug, Subcommand)]
pub enum AthenaAction {
    /// Print the CREATE TABLE for a trail's bucket, with partition projection (and run it with
    /// --execute).
    Ddl {
        /// The trail's S3 bucket.
        #[arg(long, value_name = "BUCKET")]
        bucket: String,
        /// The organization id of an organization trail (o-…).
        #[arg(long, value_name = "ORG_ID")]
        organization: Option<String>,
        /// The accounts whose logs are in the bucket (repeatable or comma-separated).
        #[arg(long = "account", value_name = "ID", value_delimiter = ',')]
        accounts: Vec<String>,
        /// The regions projected (default: every commercial region).
        #[arg(long = "region", value_name = "REGION", value_delimiter = ',')]
        regions: Vec<String>,
        /// The trail's S3 key prefix, if it has one.
        #[arg(long, value_name = "PREFIX")]
        prefix: Option<String>,
        /// Run the statement on Athena too.
        #[arg(long)]
        execute: bool,
        #[command(flatten)]
        athena: AthenaArgs,
    },
}

/// `[athena]` from config.toml with the flags over it.
pub fn config(a: &AthenaArgs) -> Result<Config, String> {
    let (settings, warning) = crate::settings::load(crate::paths::config_dir().as_deref());
    if let Some(w) = warning {
        return Err(w);
    }
    let base = Config::from_settings(&settings.athena)?;
    let output = a.athena_output.clone().or(base.output);
    if let Some(o) = &output {
        if !o.starts_with("s3://") {
            return Err(format!("{o:?} is not an s3://bucket/prefix/ location"));
        }
    }
    Ok(Config {
        database: a.athena_database.clone().unwrap_or(base.database),
        table: a.athena_table.clone().unwrap_or(base.table),
        workgroup: a.athena_workgroup.clone().unwrap_or(base.workgroup),
        output,
        region: a.athena_region.clone().or(base.region),
        profile: a.profile.clone(),
        max_scan: a.max_scan.unwrap_or(base.max_scan),
        timeout: a.athena_timeout.unwrap_or(base.timeout),
    })
}

fn window(a: &HuntArgs) -> Result<Window, String> {
    let now = chrono::Utc::now();
    match (&a.from, &a.until) {
        (Some(f), Some(u)) => {
            let p = |s: &str| {
                crate::model::time::parse_str(s)
                    .or_else(|| {
                        chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                            .ok()
                            .and_then(|d| d.and_hms_opt(0, 0, 0))
                            .map(|t| t.and_utc())
                    })
                    .ok_or_else(|| format!("{s:?} is not a time (RFC 3339 or YYYY-MM-DD)"))
            };
            Window::new(p(f)?, p(u)?)
        }
        _ => Window::since(
            now,
            a.since
                .unwrap_or(std::time::Duration::from_secs(30 * 86400)),
        ),
    }
}

/// One signal as a JSON line: what a replay's signal says, marked as from history.
pub fn signal_json<'a>(
    s: &Signal,
    entities: impl Iterator<Item = &'a crate::model::Entity>,
) -> serde_json::Value {
    json!({
        "id": s.id, "time": s.time.to_rfc3339(), "source": s.source.label(),
        "severity": s.severity.label(), "kind": s.kind(), "title": s.title(),
        "summary": s.summary(), "account": s.account(), "region": s.region(),
        "entities": entities.map(|e| e.to_string()).collect::<Vec<_>>(),
        "detections": s.detections().iter().map(|d| d.rule.credit()).collect::<Vec<_>>(),
        "history": true,
    })
}

pub fn run_hunt(a: HuntArgs) -> ExitCode {
    let prepared = (|| {
        let entity = target::parse(&a.entity)?;
        let hunt = Hunt {
            entity,
            window: window(&a)?,
            accounts: a.accounts.clone(),
            regions: a.regions.clone(),
        };
        let cfg = config(&a.athena)?;
        let q = hunt.query(&cfg.table())?;
        Ok::<_, String>((hunt, cfg, q))
    })();
    let (hunt, cfg, q) = match prepared {
        Ok(x) => x,
        Err(e) => {
            eprintln!("airc: {e}");
            return ExitCode::from(2);
        }
    };
    eprintln!(
        "airc: hunting {} on Athena ({}.{}, workgroup {}): {}; scan cap {}\n{}",
        line(&hunt.entity.to_string()),
        cfg.database,
        cfg.table,
        cfg.workgroup,
        q.partitions,
        athena::bytes(cfg.max_scan),
        q.sql
    );
    let rules = Rules::load(None, crate::paths::config_dir().as_deref()).unwrap_or_else(|e| {
        eprintln!("airc: the routing rules do not load ({e}); every signal a rule could mark sensitive is withheld");
        Rules::defaults()
    });
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("airc: {e}");
            return ExitCode::from(2);
        }
    };
    let outcome = rt.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::channel(64);
        let (cancel_tx, cancel) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("airc: cancelling the query (StopQueryExecution)…");
                let _ = cancel_tx.send(true);
            }
        });
        let run = athena::run(&cfg, &hunt, tx, cancel);
        tokio::pin!(run);
        let mut last_status = std::time::Instant::now() - std::time::Duration::from_secs(10);
        loop {
            tokio::select! {
                o = &mut run => {
                    while let Ok(p) = rx.try_recv() {
                        show(p, a.json, &rules, &mut last_status);
                    }
                    break o;
                }
                Some(p) = rx.recv() => show(p, a.json, &rules, &mut last_status),
            }
        }
    });
    eprintln!("airc: {}", line(&outcome.line()));
    match outcome {
        Outcome::Finished { .. } => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    }
}

/// Progress on stderr, signals on stdout as they arrive (in event time order), through the
/// sensitivity gate.
fn show(p: Progress, as_json: bool, rules: &Rules, last_status: &mut std::time::Instant) {
    match p {
        Progress::Started { id } => eprintln!("airc: query {} started", line(&id)),
        Progress::Note(n) => eprintln!("airc: {}", line(&n)),
        Progress::Status(s) => {
            // A line a second at most: a long query is followed, not flooded.
            if last_status.elapsed() >= std::time::Duration::from_secs(1) {
                *last_status = std::time::Instant::now();
                eprintln!("airc: {}", athena::progress_line(&s));
            }
        }
        Progress::Signals(batch) => {
            let mut out = std::io::stdout().lock();
            for a in batch {
                let s = &a.signal;
                let entities = EntitiesOf::Own(s.own_entities().unwrap_or(&[]));
                let _ = writeln!(out, "{}", signal_text(s, entities, as_json, rules));
            }
            let _ = out.flush();
        }
    }
}

/// One signal as the hunt prints it (a sensitive one as its kind only).
fn signal_text(s: &Signal, entities: EntitiesOf, as_json: bool, rules: &Rules) -> String {
    let hidden = rules.route(s, entities).is_some_and(|r| !r.allows(None));
    if hidden {
        let v = json!({"id": s.id, "time": s.time.to_rfc3339(), "kind": s.kind(), "sensitive": true, "history": true});
        if as_json {
            crate::safe_text::json(&v)
        } else {
            format!(
                "{}  {} (sensitive: details withheld)",
                s.time.format("%Y-%m-%d %H:%M:%S"),
                line(s.kind())
            )
        }
    } else if as_json {
        crate::safe_text::json(&signal_json(s, entities.iter()))
    } else {
        format!(
            "{}  {:<6} {:<40} {}",
            s.time.format("%Y-%m-%d %H:%M:%S"),
            s.severity.label(),
            line(s.title()),
            line(&s.summary())
        )
    }
}

pub fn run_athena(action: AthenaAction) -> ExitCode {
    let AthenaAction::Ddl {
        bucket,
        organization,
        accounts,
        regions,
        prefix,
        execute,
        athena: a,
    } = action;
    let cfg = match config(&a) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("airc: {e}");
            return ExitCode::from(2);
        }
    };
    let trail = Trail {
        bucket,
        prefix,
        organization,
        accounts,
        regions,
        database: cfg.database.clone(),
        table: cfg.table.clone(),
    };
    let ddl = match trail.ddl() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("airc: {e}");
            return ExitCode::from(2);
        }
    };
    println!("{ddl};");
    if !execute {
        return ExitCode::SUCCESS;
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("airc: {e}");
            return ExitCode::from(2);
        }
    };
    match rt.block_on(athena::execute(&cfg, &ddl)) {
        Outcome::Finished { .. } => {
            eprintln!(
                "airc: table {}.{} created (or already there)",
                cfg.database, cfg.table
            );
            ExitCode::SUCCESS
        }
        o => {
            eprintln!("airc: {}", line(&o.line()));
            ExitCode::from(1)
        }
    }
}
