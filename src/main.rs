use airc::cli::{Cli, Command, ConsoleArgs};
use airc::console::{run_console, ConsoleOptions, Origin};
use clap::Parser;

/// Parsing a replay allocates millions of small strings and maps across threads; mimalloc
/// handles that markedly better than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

/// Logs go to a file, never to the screen the console draws on.
fn init_logging(
    file: Option<std::path::PathBuf>,
) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let path = file.or_else(|| airc::config::data_dir().map(|d| d.join("airc.log")))?;
    let dir = path.parent()?.to_path_buf();
    // The log holds what AWS and files said: 0600 in a 0700 directory, made before the
    // appender opens it (it would create it with the umask's mode).
    airc::private_files::append(&path).ok()?;
    let name = path.file_name()?.to_owned();
    let (writer, guard) =
        tracing_appender::non_blocking(tracing_appender::rolling::never(dir, name));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}

fn console(origin: Origin, args: ConsoleArgs, started: std::time::Instant) -> ExitCode {
    use std::io::IsTerminal;
    // Checked before any source starts: without a terminal nothing should poll AWS.
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        eprintln!(
            "airc: the console needs a terminal (stdin and stdout).\n\
             Without one:  airc inspect PATH...   report what files hold\n\
             \x20             airc incident ...    the incident notebook from the shell\n\
             In a terminal: airc demo (built-in scenario), airc replay PATH..., or airc \
             [--profile NAME] for live AWS"
        );
        return ExitCode::from(2);
    }
    let opts = ConsoleOptions {
        theme: args.theme,
        keymap: args.keymap,
        no_bell: args.no_bell,
        rules: args.rules,
        exit_after_first_frame: args.exit_after_first_frame,
    };
    match run_console(origin, &opts) {
        Ok(()) => {
            if opts.exit_after_first_frame {
                eprintln!(
                    "first frame with data after {:.1} ms",
                    started.elapsed().as_secs_f64() * 1000.0
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("airc: {e}");
            ExitCode::from(1)
        }
    }
}

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    // Everything this process creates is private unless said otherwise (exports included):
    // incident data is sensitive. The data dir's files get explicit modes as well.
    #[cfg(unix)]
    // SAFETY: umask only sets the process's file mode creation mask.
    unsafe {
        libc::umask(0o077);
    }
    let cli = Cli::parse();
    let _log = init_logging(cli.log_file.clone());
    airc::panics::install();
    if let Some(n) = cli.max_file_size {
        airc::source::replay::containers::set_max_file_bytes(n);
    }
    match cli.command {
        Some(Command::Demo { console: args }) => console(Origin::Demo, args, started),
        Some(Command::Replay {
            paths,
            console: args,
        }) => console(Origin::Replay(paths), args, started),
        Some(Command::Inspect { paths, json }) => {
            let report = airc::inspect::run(&paths);
            if json {
                println!("{}", airc::safe_text::json(&report.to_json()));
            } else {
                print!("{}", report.to_text());
            }
            if report.failed() > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Some(Command::Incident { action }) => match airc::incident_cli::run(action) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("airc: {e}");
                ExitCode::from(1)
            }
        },
        Some(Command::Watch(args)) => match watch(args) {
            Ok(code) => ExitCode::from(code as u8),
            Err(e) => {
                eprintln!("airc: {e}");
                ExitCode::from(2)
            }
        },
        Some(Command::Respond(args)) => match airc::respond::cli::run(args) {
            Ok(code) => ExitCode::from(code as u8),
            Err(e) => {
                eprintln!("airc: {e}");
                ExitCode::from(2)
            }
        },
        Some(Command::Bench(b)) => match airc::bench::run(b) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("airc: {e}");
                ExitCode::from(1)
            }
        },
        Some(Command::Keys { keymap }) => {
            let (k, warnings) = airc::keymap::Keymap::load(
                airc::config::config_dir().as_deref(),
                keymap.as_deref(),
            );
            for w in &warnings {
                eprintln!("airc: {w}");
            }
            print!("{}", k.to_toml());
            if warnings.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        None => match airc::aws::options::from_args(&cli.live) {
            Ok(opts) => console(
                Origin::Live(Box::new(opts), cli.live.replay.clone()),
                cli.console,
                started,
            ),
            Err(e) => {
                eprintln!("airc: {e}");
                ExitCode::from(2)
            }
        },
    }
}

fn watch(a: airc::cli::WatchArgs) -> Result<i32, String> {
    use airc::watch::{WatchOptions, WatchSource};
    let config_dir = airc::config::config_dir();
    let rules = airc::rules::Rules::load(a.rules.as_deref(), config_dir.as_deref())?;
    let (settings, warning) = airc::settings::load(config_dir.as_deref());
    if let Some(w) = warning {
        eprintln!("airc: {w}");
    }
    let live = airc::aws::options::from_args(&a.live)?;
    let aws = (
        live.profiles.first().cloned().flatten(),
        live.regions.first().cloned(),
        live.endpoint_url.clone(),
    );
    let source = if a.demo {
        WatchSource::Demo
    } else if !a.files.is_empty() {
        WatchSource::Files(a.files.clone())
    } else {
        WatchSource::Live(Box::new(live.clone()))
    };
    let data_dir =
        airc::config::data_dir().ok_or("no data directory for this user (set AIRC_DATA_DIR)")?;
    let opts = WatchOptions {
        source,
        rules,
        once: a.once,
        dry_run: a.dry_run,
        aws,
        read_only: live.read_only || settings.read_only,
        data_dir,
        attempts: a.attempts.max(1),
        backoff: a.retry_wait,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    rt.block_on(airc::watch::run(opts))
}
