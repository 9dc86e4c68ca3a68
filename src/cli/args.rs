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
    /// The most one replayed file (or zip entry) may decompress to, e.g. 500M, 4G (default 1G).
    #[arg(long, global = true, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,
    /// Sigma rules to load on top of the built-in pack and <config>/detections/: a .yml file
    /// or a folder of them (repeatable).
    #[arg(long = "detections", global = true, value_name = "PATH")]
    pub detections: Vec<PathBuf>,
    /// Match no detection rules at all (not even the built-in pack).
    #[arg(long, global = true)]
    pub no_detections: bool,
    /// Attack stories join two signals sharing an entity when at most this far apart.
    #[arg(long, global = true, value_name = "DURATION", default_value = "2h",
          value_parser = humantime::parse_duration)]
    pub story_gap: std::time::Duration,
    #[command(flatten)]
    pub live: LiveArgs,
    #[command(flatten)]
    pub console: ConsoleArgs,
}

/// Live AWS (no subcommand): which accounts, regions and sources to watch.
#[derive(Debug, Args, Clone, Default)]
pub struct LiveArgs {
    /// An AWS profile (repeatable: several accounts at once). Default: AWS_PROFILE, else the
    /// SDK's default credential chain.
    #[arg(long = "profile", value_name = "NAME")]
    pub profiles: Vec<String>,
    /// A region to watch for GuardDuty and CloudTrail (repeatable). Default: AWS_REGION, else
    /// the profile's region.
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,
    /// Send every AWS call to this endpoint (a local emulator or test server).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// AWS Health for the whole organization (management or delegated-admin account).
    #[arg(long)]
    pub org: bool,
    /// CloudTrail Lake event data store (ARN or id) for history beyond LookupEvents' 90 days.
    #[arg(long, value_name = "EVENT_DATA_STORE")]
    pub lake: Option<String>,
    /// How far back the first poll reaches (e.g. 30m, 24h, 7d).
    #[arg(long, default_value = "24h", value_parser = humantime::parse_duration)]
    pub since: std::time::Duration,
    /// Poll interval of one source: health=60s, guardduty=60s, cloudtrail=30s (repeatable).
    #[arg(long = "poll", value_name = "SOURCE=DURATION")]
    pub poll: Vec<String>,
    /// GuardDuty: fetch only findings at or above this severity (0–10).
    #[arg(long, default_value_t = 0.0)]
    pub min_severity: f64,
    /// Health: only events with these status codes (open, closed, upcoming; comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub health_status: Vec<String>,
    /// Health: only these categories (issue, accountNotification, scheduledChange, investigation).
    #[arg(long, value_delimiter = ',')]
    pub health_category: Vec<String>,
    /// Health: only these services (EC2, IAM, …).
    #[arg(long, value_delimiter = ',')]
    pub health_service: Vec<String>,
    /// Health: only events in these regions.
    #[arg(long, value_delimiter = ',')]
    pub health_region: Vec<String>,
    /// Timeout of one attempt of any AWS call.
    #[arg(long, default_value = "20s", value_parser = humantime::parse_duration)]
    pub timeout: std::time::Duration,
    /// Also load these files (e.g. Health events from EventBridge when the Health API needs a
    /// support plan you do not have).
    #[arg(long = "replay", value_name = "PATH")]
    pub replay: Vec<PathBuf>,
    /// Refuse every response action that would change something (also `read_only = true` in
    /// config.toml).
    #[arg(long)]
    pub read_only: bool,
    /// Attempts the SDK makes per call before the poller backs off (tests lower it).
    #[arg(long, default_value_t = 3, hide = true)]
    pub sdk_attempts: u32,
    /// Live sessions keep signals this long (at least --since); older ones are dropped so a
    /// console left open for days stays bounded in memory.
    #[arg(long, default_value = "7d", value_parser = humantime::parse_duration)]
    pub retain: std::time::Duration,
    /// How often working credentials are re-checked.
    #[arg(long, default_value = "5m", value_parser = humantime::parse_duration, hide = true)]
    pub identity_recheck: std::time::Duration,
}

#[derive(Debug, Args, Clone, Default)]
pub struct ConsoleArgs {
    /// Theme: dark, light, ansi16, mono, a name in <config>/themes/, or a .toml file.
    #[arg(long, value_name = "NAME|FILE")]
    pub theme: Option<String>,
    /// A keymap file layered over the default and the user keymap.
    #[arg(long, value_name = "FILE")]
    pub keymap: Option<PathBuf>,
    /// Routing rules file (default: <config>/rules.toml, else the built-in rules).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
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
    /// The rules without a terminal: route signals to their targets, run automatic actions,
    /// one JSON line each (live AWS by default; --files or --demo instead).
    Watch(WatchArgs),
    /// Run a response action from a shell: print the plan, confirm, execute, audit.
    Respond(RespondArgs),
    /// Undo what an attack story changed: its write calls, each with its inverse as plans
    /// (like `respond`), or why it needs a decision.
    Recover(super::args_recover::RecoverArgs),
    /// Measurements for BENCHMARKS.md: runs the `airc-bench` binary installed beside this one
    /// (corpus generator, view pass, keypress latency).
    #[command(hide = true)]
    Bench {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<std::ffi::OsString>,
    },
    /// Print a shell completion script: `airc completions bash > /etc/bash_completion.d/airc`,
    /// zsh into a directory of $fpath as `_airc`, fish into ~/.config/fish/completions/airc.fish.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `airc man > ~/.local/share/man/man1/airc.1`.
    Man,
    /// What an entity did across the organization's CloudTrail history on Athena: the signals of
    /// every account, region and day in the window, and its flows, access log lines and DNS
    /// queries when those tables are set (`airc athena ddl` makes the tables).
    Hunt(Box<super::hunt::HuntArgs>),
    /// Athena setup for hunts: `ddl` prints (and with --execute runs) the CloudTrail table, or
    /// with --logs the VPC Flow Logs, S3 server access logs or Resolver query logs table.
    Athena {
        #[command(subcommand)]
        action: super::hunt::AthenaAction,
    },
    /// The detection rules: `list` what loaded (and what did not, and why), `test` which rules
    /// match which records of some files.
    Detections {
        #[command(subcommand)]
        action: DetectionsAction,
    },
    /// Attack stories: the signals of some files (or the demo) grouped into candidate
    /// incidents by the entities they share, best first, each with its timeline.
    Stories {
        /// Files or directories (read recursively); .json, .jsonl, .json.gz and .zip.
        #[arg(required_unless_present = "demo")]
        paths: Vec<PathBuf>,
        /// The built-in demo scenario instead of files.
        #[arg(long, conflicts_with = "paths")]
        demo: bool,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// Steps shown per story in text (all of them in JSON).
        #[arg(long, default_value_t = 40)]
        steps: usize,
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
    /// Resolve a recovery checklist item by hand (not undone, or decided elsewhere): the
    /// change's signal id (as `airc recover` lists it) and why.
    Skip {
        id: String,
        signal: String,
        #[arg(required = true)]
        reason: Vec<String>,
    },
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
}

#[derive(Debug, Args, Clone)]
pub struct RespondArgs {
    /// The action (`airc respond --list` shows the catalog).
    #[arg(required_unless_present = "list")]
    pub action: Option<String>,
    /// i-…, i-…:sg-1,sg-2, AKIA…, user/NAME, role/NAME, s3://BUCKET, vol-…, finding/ID, or an
    /// ARN (which binds the action to the ARN's account).
    #[arg(required_unless_present = "list")]
    pub target: Option<String>,
    /// The account the target is in: refused unless the credentials answer for it.
    #[arg(long, value_name = "ACCOUNT_ID")]
    pub account: Option<String>,
    /// Print the plan and stop.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation (scripts, runbooks).
    #[arg(long)]
    pub yes: bool,
    /// Print the plan and the outcome as JSON.
    #[arg(long)]
    pub json: bool,
    /// Refuse any action that changes something (also `read_only = true` in config.toml).
    #[arg(long)]
    pub read_only: bool,
    /// The incident to record the action in (its timeline) and tag with.
    #[arg(long, value_name = "ID")]
    pub incident: Option<String>,
    /// SNS topic for `notify` (default: sns_topic in config.toml).
    #[arg(long, value_name = "ARN")]
    pub topic: Option<String>,
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// List the actions and what they apply to.
    #[arg(long)]
    pub list: bool,
}

#[derive(Debug, Args, Clone)]
pub struct WatchArgs {
    #[command(flatten)]
    pub live: LiveArgs,
    /// Read these files instead of polling AWS (SNS and actions still use the AWS flags).
    #[arg(long = "files", value_name = "PATH")]
    pub files: Vec<PathBuf>,
    /// The built-in demo scenario instead of AWS.
    #[arg(long)]
    pub demo: bool,
    /// Process what is there now and exit (for cron).
    #[arg(long)]
    pub once: bool,
    /// Print what would be sent and done; send and do nothing, remember nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// A rules file (default: <config>/rules.toml, else the built-in rules).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Attempts per delivery before it is reported failed.
    #[arg(long, default_value_t = 3)]
    pub attempts: u32,
    /// Wait before the first retry (doubling after).
    #[arg(long, default_value = "1s", value_parser = humantime::parse_duration)]
    pub retry_wait: std::time::Duration,
}

/// `500M`, `4G`, `1.5GiB`, `1048576`: a size in bytes. A few lines, not worth a dependency.
pub fn parse_size(s: &str) -> Result<u64, String> {
    crate::settings::parse_size(s)
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_parse() {
        assert_eq!(super::parse_size("500M"), Ok(500 << 20));
        assert_eq!(super::parse_size("4G"), Ok(4 << 30));
        assert_eq!(super::parse_size("1.5GiB"), Ok(3 << 29));
        assert_eq!(super::parse_size("1024"), Ok(1024));
        assert!(super::parse_size("0").is_err());
        assert!(super::parse_size("12Q").is_err());
        assert!(super::parse_size("99999999999999999999T").is_err());
    }
}

#[derive(Debug, Subcommand)]
pub enum DetectionsAction {
    /// Every loaded rule (file, level, tactics), then the ones that failed and why.
    List {
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Which rules match which records of these files (CloudTrail, any format airc reads).
    Test {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}
