//! `airc athena ddl [--logs cloudtrail|vpcflow|s3access|resolver] --bucket B … [--execute]`:
//! the table of each kind of log, as the AWS documentation defines it, with partition
//! projection over the bucket's layout; `--execute` runs it on Athena.

use super::{config, runtime, AthenaArgs};
use crate::athena::{self, Outcome};
use crate::hunt::network::ddl::Layout;
use crate::hunt::{ddl::Trail, Logs};
use crate::safe_text::line;
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum AthenaAction {
    /// Print the CREATE TABLE for a bucket of logs, with partition projection (and run it with
    /// --execute).
    Ddl {
        /// Which logs: cloudtrail (default), vpcflow, s3access or resolver.
        #[arg(long, value_name = "KIND", default_value = "cloudtrail", value_parser = Logs::parse)]
        logs: Logs,
        /// The S3 bucket the logs are delivered to.
        #[arg(long, value_name = "BUCKET")]
        bucket: String,
        /// CloudTrail: the organization id of an organization trail (o-…).
        #[arg(long, value_name = "ORG_ID")]
        organization: Option<String>,
        /// The accounts whose logs are in the bucket: only these are projected (repeatable or
        /// comma-separated).
        #[arg(long = "account", value_name = "ID", value_delimiter = ',')]
        accounts: Vec<String>,
        /// The regions projected (default: every commercial region).
        #[arg(long = "region", value_name = "REGION", value_delimiter = ',')]
        regions: Vec<String>,
        /// Resolver query logs: the VPCs whose queries are logged (repeatable or comma-separated).
        #[arg(long = "vpc", value_name = "VPC_ID", value_delimiter = ',')]
        vpcs: Vec<String>,
        /// S3 server access logs: the buckets whose access logs are delivered to --bucket.
        #[arg(long = "source-bucket", value_name = "BUCKET", value_delimiter = ',')]
        source_buckets: Vec<String>,
        /// The S3 key prefix the logs are delivered under, if any.
        #[arg(long, value_name = "PREFIX")]
        prefix: Option<String>,
        /// Run the statement on Athena too.
        #[arg(long)]
        execute: bool,
        #[command(flatten)]
        athena: AthenaArgs,
    },
}

pub fn run_athena(action: AthenaAction) -> ExitCode {
    let AthenaAction::Ddl {
        logs,
        bucket,
        organization,
        accounts,
        regions,
        vpcs,
        source_buckets,
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
    let table = cfg
        .table_of(logs)
        .unwrap_or(logs.default_table())
        .to_string();
    let made = match logs {
        Logs::CloudTrail => Trail {
            bucket,
            prefix,
            organization,
            accounts,
            regions,
            database: cfg.database.clone(),
            table: table.clone(),
        }
        .ddl(),
        other => {
            if organization.is_some() {
                eprintln!(
                    "airc: --organization is for the CloudTrail table; {} are delivered by account",
                    other.title()
                );
                return ExitCode::from(2);
            }
            Layout {
                bucket,
                prefix,
                accounts,
                regions,
                vpcs,
                buckets: source_buckets,
                flow_fields: cfg.vpcflow_format.clone(),
                database: cfg.database.clone(),
                table: table.clone(),
            }
            .ddl(other)
        }
    };
    let ddl = match made {
        Ok(d) => d,
        Err(e) => {
            eprintln!("airc: {e}");
            return ExitCode::from(2);
        }
    };
    println!("{ddl};");
    let hint = || {
        if logs != Logs::CloudTrail && cfg.table_of(logs).is_none() {
            eprintln!(
                "airc: hunts read this table once config.toml says so: [athena] {}_table = \"{table}\"",
                logs.label()
            );
        }
        if logs == Logs::VpcFlow && a.athena_vpcflow_format.is_some() {
            eprintln!(
                "airc: and its columns: [athena] vpcflow_format = \"{}\"",
                cfg.vpcflow_format.names().join(" ")
            );
        }
    };
    if !execute {
        hint();
        return ExitCode::SUCCESS;
    }
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    match rt.block_on(athena::execute(&cfg, &ddl)) {
        Outcome::Finished { .. } => {
            eprintln!(
                "airc: table {}.{table} created (or already there)",
                cfg.database
            );
            hint();
            ExitCode::SUCCESS
        }
        o => {
            eprintln!("airc: {}", line(&o.line()));
            ExitCode::from(1)
        }
    }
}
