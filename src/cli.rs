//! Command line: clap definitions only.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "airc", version, about = "AWS incident response console", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Write logs here instead of the data directory's airc.log.
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct ConsoleArgs {
    /// Theme: dark, light, ansi16, mono, a name in <config>/themes/, or a .toml file.
    #[arg(long, value_name = "NAME|FILE")]
    pub theme: Option<String>,
    /// A keymap file layered over the default and the user keymap.
    #[arg(long, value_name = "FILE")]
    pub keymap: Option<PathBuf>,
    /// No terminal bell when a new High or Critical signal arrives.
    #[arg(long)]
    pub no_bell: bool,
    /// Measurement aid: quit right after the first frame that shows data and print the time
    /// from start to that frame on stderr.
    #[arg(long, hide = true)]
    pub exit_after_first_frame: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The console on the built-in demo scenario: no AWS account needed.
    Demo {
        #[command(flatten)]
        console: ConsoleArgs,
    },
    /// The console on files and directories you already have (CloudTrail, GuardDuty, Health).
    Replay {
        /// Files or directories (read recursively); .json, .jsonl, .json.gz and .zip.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        console: ConsoleArgs,
    },
    /// Load files and directories and report what each holds. Exit 0 when every file loaded,
    /// 1 when any failed.
    Inspect {
        /// Files or directories (read recursively); .json, .jsonl, .json.gz and .zip.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print the effective keymap (default, user file, --keymap) as TOML.
    Keys {
        #[arg(long, value_name = "FILE")]
        keymap: Option<PathBuf>,
    },
}
