//! `airc-bench` (also reached as `airc bench`): the measurements behind BENCHMARKS.md, built
//! from the same library and release profile as `airc` so they run on exactly what responders run (and without the test build's dependency features, which
//! would rebuild the AWS SDK): a corpus generator, the view pass and frame times, and keypress
//! latency while a replay loads.

mod corpus;
mod flows;
mod hunt;
mod keys;
mod matching;
mod stories;
mod view;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "airc-bench", about = "Measurements for BENCHMARKS.md")]
pub struct BenchCli {
    #[command(subcommand)]
    pub bench: Bench,
}

#[derive(Debug, Subcommand)]
pub enum Bench {
    /// Write a CloudTrail corpus in the S3 layout from real records, ids/times/IPs varied.
    Corpus {
        out: PathBuf,
        events: u64,
        /// Plain .json files instead of .json.gz.
        #[arg(long)]
        plain: bool,
        #[arg(long, default_value_t = 2000)]
        per_file: u64,
        /// Folder of CloudTrail log files to vary (default: the Invictus records in tests/fixtures).
        #[arg(long)]
        source: Option<PathBuf>,
    },
    /// Write a VPC Flow Logs corpus in the S3 layout (`.log.gz`, default format), deterministic.
    Flows {
        out: PathBuf,
        records: u64,
        #[arg(long, default_value_t = 100_000)]
        per_file: u64,
        /// Internal hosts (one interface each).
        #[arg(long, default_value_t = 2000)]
        hosts: u64,
        /// Every record its own conversation (the worst case for memory).
        #[arg(long)]
        distinct: bool,
    },
    /// Load PATH, then time view passes (snapshot and background pass) and frames at 200×60.
    View {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Load PATH, then time adding 1,000 story signals to it (against an empty store) and
    /// ranking its stories.
    Stories {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Time detection rules per record on one thread: none, the built-in pack, the pack with
    /// `--rules`, and each file of `--rules` on its own.
    Match {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long)]
        rules: Option<PathBuf>,
        #[arg(long, default_value_t = 200_000)]
        records: usize,
        /// Also time each file of `--rules` on its own over the pack.
        #[arg(long)]
        each: bool,
    },
    /// Run the console loop on PATH and time keypress to frame while it loads.
    Keys {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Run a hunt on Athena into the console loop: rows per second, and keypress to frame
    /// while its rows arrive (Athena as `airc hunt` reaches it).
    Hunt {
        entity: String,
        #[arg(long)]
        from: String,
        #[arg(long)]
        until: String,
    },
}

pub fn run(bench: Bench) -> Result<(), String> {
    match bench {
        Bench::Corpus {
            out,
            events,
            plain,
            per_file,
            source,
        } => corpus::run(&out, events, plain, per_file, source),
        Bench::Flows {
            out,
            records,
            per_file,
            hosts,
            distinct,
        } => flows::run(&out, records, per_file, hosts, distinct),
        Bench::View { paths } => view::run(&paths),
        Bench::Keys { paths } => keys::run(&paths),
        Bench::Hunt {
            entity,
            from,
            until,
        } => hunt::run(&entity, &from, &until),
        Bench::Stories { paths } => stories::run(&paths),
        Bench::Match {
            paths,
            rules,
            records,
            each,
        } => matching::run(&paths, rules.as_deref(), records, each),
    }
}

/// This process's resident memory now and at its peak, in MB of 10^6 bytes (Linux:
/// /proc/self/status, whose "kB" are KiB).
fn resident_mb() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    };
    Some((
        kb("VmRSS:")? * 1024 / 1_000_000,
        kb("VmHWM:")? * 1024 / 1_000_000,
    ))
}

/// Prints median, p95, max and min of a set of times in milliseconds (the min is the steadiest
/// figure on a shared machine).
fn stats(label: &str, mut ms: Vec<f64>) {
    if ms.is_empty() {
        println!("{label}: nothing measured");
        return;
    }
    ms.sort_by(|a, b| a.total_cmp(b));
    let n = ms.len();
    println!(
        "{label}: n={n} median {:.3} ms, p95 {:.3} ms, max {:.3} ms, min {:.3} ms",
        ms[n / 2],
        ms[(n * 95 / 100).min(n - 1)],
        ms[n - 1],
        ms[0]
    );
}
