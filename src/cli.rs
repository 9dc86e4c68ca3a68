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
    /// The incident notebook from the shell: list, open, write notes, change phase, export.
    Incident {
        #[command(subcommand)]
        action: IncidentAction,
    },
    /// Print the effective keymap (default, user file, --keymap) as TOML.
    Keys {
        #[arg(long, value_name = "FILE")]
        keymap: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum IncidentAction {
    /// Every incident: id, severity, phase, title.
    List,
    /// Open a new incident; prints its id.
    New {
        #[arg(long)]
        title: String,
        /// P1 (most urgent) to P4.
        #[arg(long, default_value = "P2")]
        severity: String,
        /// Incident commander (default: you).
        #[arg(long)]
        commander: Option<String>,
        /// A responder (repeatable).
        #[arg(long = "responder")]
        responders: Vec<String>,
    },
    /// The incident, its metrics and its timeline.
    Show { id: String },
    /// Add a timestamped note (text from the arguments, from stdin with `-`, or $EDITOR).
    Note {
        id: String,
        /// The note; `-` reads stdin.
        text: Vec<String>,
        /// Write a postmortem section instead: summary, root_cause, went_well, went_badly, lucky,
        /// detection_gaps, action_items.
        #[arg(long)]
        section: Option<String>,
        /// Write the note in $EDITOR.
        #[arg(long)]
        editor: bool,
    },
    /// Move to a phase: detected, analysing, contained, eradicated, recovered, closed (a closed
    /// incident moved to another phase is reopened).
    Phase { id: String, phase: String },
    /// Change title, severity, commander or responders.
    Update {
        id: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        severity: Option<String>,
        #[arg(long)]
        commander: Option<String>,
        #[arg(long = "responder")]
        responders: Vec<String>,
    },
    /// Write the markdown postmortem (stdout, or -o FILE).
    Export {
        id: String,
        /// Mask account ids, access key ids and IP addresses (consistently).
        #[arg(long)]
        redact: bool,
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Test aid: append COUNT notes, printing `saved N` after each is synced.
    #[command(hide = true)]
    Stress {
        id: String,
        #[arg(long, default_value_t = 1000)]
        count: usize,
        #[arg(long, default_value = "")]
        tag: String,
    },
}
