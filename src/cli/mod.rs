//! The command line: clap definitions (`args.rs`), and one file per subcommand. The top layer:
//! it wires the lower ones together and turns their results into exit codes and messages.

mod args;
mod args_recover;
pub mod console;
pub mod detections;
pub mod hunt;
pub mod incident;
pub mod inspect;
pub mod live;
pub mod recover;
pub mod respond;
pub mod stories;
pub mod watch;

use crate::console::Origin;
pub use args::*;
use clap::Parser;
use std::process::ExitCode;

/// Logs go to a file, never to the screen the console draws on.
fn init_logging(
    file: Option<std::path::PathBuf>,
) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let path = file.or_else(|| crate::paths::data_dir().map(|d| d.join("airc.log")))?;
    let dir = path.parent()?.to_path_buf();
    // The log holds what AWS and files said: 0600 in a 0700 directory, made before the
    // appender opens it (it would create it with the umask's mode).
    crate::private_files::append(&path).ok()?;
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

/// Parses the command line and runs the subcommand.
pub fn main(started: std::time::Instant) -> ExitCode {
    let cli = Cli::parse();
    let _log = init_logging(cli.log_file.clone());
    crate::panics::install();
    if let Some(n) = cli.max_file_size {
        crate::source::replay::containers::set_max_file_bytes(n);
    }
    detections::configure(cli.no_detections, &cli.detections);
    crate::stories::configure(crate::stories::Config {
        gap_secs: cli.story_gap.as_secs().min(i64::MAX as u64) as i64,
        enabled: !matches!(
            cli.command,
            Some(Command::Inspect { .. } | Command::Detections { .. })
        ),
        ..Default::default()
    });
    // Rules that did not load are said by the commands that match records: the console as a
    // line on screen, `detections list` in full, these two on stderr.
    if matches!(
        cli.command,
        Some(Command::Inspect { .. } | Command::Watch(_) | Command::Stories { .. })
    ) {
        if let Some(line) = crate::detect::problems_line() {
            eprintln!("airc: {line}");
        }
    }
    // Commands that only print (no socket, no child): a reader that stops early (`| head`)
    // ends them quietly, as it ends `cat`, rather than a panic on the next line printed.
    // Everything else keeps Rust's ignored SIGPIPE: a closed webhook connection or a
    // notifier's pipe is an error to report, never a reason to die.
    if matches!(
        cli.command,
        Some(Command::Inspect { .. } | Command::Stories { .. } | Command::Detections { .. })
    ) {
        #[cfg(unix)]
        // SAFETY: signal() only sets the process-wide disposition of SIGPIPE; nothing these
        // commands run writes to a socket or a child.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    match cli.command {
        Some(Command::Demo { console: args }) => console::run(Origin::Demo, args, started),
        Some(Command::Replay {
            paths,
            console: args,
        }) => console::run(Origin::Replay(paths), args, started),
        Some(Command::Inspect { paths, json }) => inspect::run(&paths, json),
        Some(Command::Incident { action }) => match incident::run(action) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("airc: {e}");
                ExitCode::from(1)
            }
        },
        Some(Command::Watch(args)) => match watch::run(args) {
            Ok(code) => ExitCode::from(code as u8),
            Err(e) => {
                eprintln!("airc: {e}");
                ExitCode::from(2)
            }
        },
        Some(Command::Recover(args)) => match recover::run(args) {
            Ok(code) => ExitCode::from(code as u8),
            Err(e) => {
                eprintln!("airc: {e}");
                ExitCode::from(2)
            }
        },
        Some(Command::Respond(args)) => match respond::run(args) {
            Ok(code) => ExitCode::from(code as u8),
            Err(e) => {
                eprintln!("airc: {e}");
                ExitCode::from(2)
            }
        },
        Some(Command::Bench { args }) => bench(&args),
        Some(Command::Keys { keymap }) => keys(keymap.as_deref()),
        Some(Command::Completions { shell }) => {
            use clap::CommandFactory;
            clap_complete::generate(shell, &mut Cli::command(), "airc", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Some(Command::Man) => man(),
        Some(Command::Hunt(args)) => hunt::run_hunt(*args),
        Some(Command::Athena { action }) => hunt::run_athena(action),
        Some(Command::Detections { action }) => detections::run(action),
        Some(Command::Stories {
            paths,
            demo,
            json,
            steps,
        }) => stories::run(&paths, demo, json, steps),
        None => match live::from_args(&cli.live) {
            Ok(opts) => console::run(
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

/// `airc keys`: the effective keymap as TOML.
fn keys(keymap: Option<&std::path::Path>) -> ExitCode {
    let (k, warnings) = crate::keymap::Keymap::load(crate::paths::config_dir().as_deref(), keymap);
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

/// `airc bench ...` runs `airc-bench ...` from the same directory: the measurements are their
/// own binary, out of the product's CLI, yet the commands in BENCHMARKS.md keep working.
fn bench(args: &[std::ffi::OsString]) -> ExitCode {
    let exe = std::env::current_exe()
        .ok()
        .map(|p| p.with_file_name(format!("airc-bench{}", std::env::consts::EXE_SUFFIX)));
    let Some(exe) = exe.filter(|p| p.is_file()) else {
        eprintln!(
            "airc: airc-bench is not installed beside airc (cargo build --release builds it)"
        );
        return ExitCode::from(2);
    };
    match std::process::Command::new(&exe).args(args).status() {
        Ok(s) => ExitCode::from(s.code().unwrap_or(1).clamp(0, 255) as u8),
        Err(e) => {
            eprintln!("airc: cannot run {}: {e}", exe.display());
            ExitCode::from(2)
        }
    }
}

/// `airc man`: the man page, generated from the same clap definitions as `--help`.
fn man() -> ExitCode {
    use clap::CommandFactory;
    let page = clap_mangen::Man::new(Cli::command());
    match page.render(&mut std::io::stdout()) {
        Ok(()) => ExitCode::SUCCESS,
        // `airc man | head`: the reader left, nothing went wrong.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("airc: cannot write the man page: {e}");
            ExitCode::from(1)
        }
    }
}
