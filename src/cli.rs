//! Command line: clap definitions only.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "airc", version, about = "AWS incident response console", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load files and directories (CloudTrail, GuardDuty, Health in any supported format) and
    /// report what each holds. Exit 0 when every file loaded, 1 when any failed.
    Inspect {
        /// Files or directories (read recursively); .json, .jsonl, .json.gz and .zip.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}
