//! `airc hunt ENTITY [--since 30d | --from T --until T] [--json]`: what an entity did across the
//! organization's CloudTrail history on Athena, and in its network and access logs when their
//! tables are set, as signals (JSON lines with `--json`) and flow conversations; and
//! `airc athena ddl [--logs cloudtrail|vpcflow|s3access|resolver] --bucket B … [--execute]`,
//! the tables (`ddl.rs`). What is printed and how: `print.rs`.

mod ddl;
mod print;

use crate::athena::{self, Config, Outcome};
use crate::hunt::network::flow::FlowFields;
use crate::hunt::{target, Hunt, Window};
use crate::rules::Rules;
use crate::safe_text::line;
use clap::Args;
use std::process::ExitCode;

pub use ddl::{run_athena, AthenaAction};
pub use print::signal_json;

/// Where hunts run: each flag overrides `[athena]` in config.toml.
#[derive(Debug, Args, Clone, Default)]
pub struct AthenaArgs {
    /// The Glue database of the tables (default: default).
    #[arg(long, value_name = "NAME")]
    pub athena_database: Option<String>,
    /// The CloudTrail table (default: cloudtrail).
    #[arg(long, value_name = "NAME")]
    pub athena_table: Option<String>,
    /// The VPC Flow Logs table; hunts read it when set (`airc athena ddl --logs vpcflow`).
    #[arg(long, value_name = "NAME")]
    pub athena_vpcflow_table: Option<String>,
    /// The flow log's format, its header line or ${…} string (default: the default format).
    #[arg(long, value_name = "FIELDS")]
    pub athena_vpcflow_format: Option<String>,
    /// The S3 server access logs table; hunts read it when set.
    #[arg(long, value_name = "NAME")]
    pub athena_s3access_table: Option<String>,
    /// The Route 53 Resolver query logs table; hunts read it when set.
    #[arg(long, value_name = "NAME")]
    pub athena_resolver_table: Option<String>,
    /// The Athena workgroup (default: primary).
    #[arg(long, value_name = "NAME")]
    pub athena_workgroup: Option<String>,
    /// Where Athena writes results, s3://bucket/prefix/ (default: the workgroup's).
    #[arg(long, value_name = "S3_URI")]
    pub athena_output: Option<String>,
    /// The region Athena runs in (default: the profile's).
    #[arg(long, value_name = "REGION")]
    pub athena_region: Option<String>,
    /// Stop a hunt whose scans pass this, every table's counted (e.g. 50GB, 500M; default 50GB).
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
    /// assumed_role:ROLE/SESSION, ip:1.2.3.4, instance:i-…, bucket:NAME, domain:NAME,
    /// interface:eni-…, vpc:vpc-… (or a bare id).
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
    /// One JSON object per signal (and flow conversation) on stdout; progress stays on stderr.
    #[arg(long)]
    pub json: bool,
    /// After the signals, the attack stories they make (as `airc stories` prints them).
    #[arg(long)]
    pub stories: bool,
    #[command(flatten)]
    pub athena: AthenaArgs,
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
    let vpcflow_format = match &a.athena_vpcflow_format {
        Some(f) => FlowFields::parse(f).map_err(|e| format!("--athena-vpcflow-format: {e}"))?,
        None => base.vpcflow_format,
    };
    Ok(Config {
        database: a.athena_database.clone().unwrap_or(base.database),
        table: a.athena_table.clone().unwrap_or(base.table),
        workgroup: a.athena_workgroup.clone().unwrap_or(base.workgroup),
        output,
        region: a.athena_region.clone().or(base.region),
        profile: a.profile.clone(),
        max_scan: a.max_scan.unwrap_or(base.max_scan),
        timeout: a.athena_timeout.unwrap_or(base.timeout),
        vpcflow_table: a.athena_vpcflow_table.clone().or(base.vpcflow_table),
        vpcflow_format,
        s3access_table: a.athena_s3access_table.clone().or(base.s3access_table),
        resolver_table: a.athena_resolver_table.clone().or(base.resolver_table),
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

fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("airc: {e}");
            ExitCode::from(2)
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
        let plan = hunt.plan(&cfg.tables())?;
        Ok::<_, String>((hunt, cfg, plan))
    })();
    let (hunt, cfg, plan) = match prepared {
        Ok(x) => x,
        Err(e) => {
            eprintln!("airc: {e}");
            return ExitCode::from(2);
        }
    };
    eprintln!(
        "airc: hunting {} on Athena (workgroup {}); scan cap {}",
        line(&hunt.entity.to_string()),
        cfg.workgroup,
        athena::bytes(cfg.max_scan),
    );
    for p in &plan {
        eprintln!(
            "airc: {} ({}): {}\n{}",
            p.table,
            p.logs.title(),
            p.query.partitions,
            p.query.sql
        );
    }
    let rules = Rules::load(None, crate::paths::config_dir().as_deref()).unwrap_or_else(|e| {
        eprintln!("airc: the routing rules do not load ({e}); every signal a rule could mark sensitive is withheld");
        Rules::defaults()
    });
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let mut printer = print::Printer::new(rules, a.json);
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
        loop {
            tokio::select! {
                o = &mut run => {
                    while let Ok(p) = rx.try_recv() {
                        printer.show(p);
                    }
                    break o;
                }
                Some(p) = rx.recv() => printer.show(p),
            }
        }
    });
    printer.finish(&hunt, a.stories);
    eprintln!("airc: {}", line(&outcome.line()));
    match outcome {
        Outcome::Finished { failed, .. } if failed.is_empty() => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    }
}
