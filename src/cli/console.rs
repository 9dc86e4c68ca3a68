//! The console subcommands (no subcommand: live AWS; `demo`; `replay`): a terminal check, then
//! the console, then the exit code.

use super::ConsoleArgs;
use crate::console::{run_console, ConsoleOptions, Origin};
use std::process::ExitCode;

pub fn run(origin: Origin, args: ConsoleArgs, started: std::time::Instant) -> ExitCode {
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
