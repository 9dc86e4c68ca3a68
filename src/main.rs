use airc::cli::{Cli, Command};
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Inspect { paths, json }) => {
            let report = airc::inspect::run(&paths);
            if json {
                println!("{}", report.to_json());
            } else {
                print!("{}", report.to_text());
            }
            if report.failed() > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        None => {
            eprintln!(
                "airc: the live AWS console is not built yet.\n\
                 Inspect files you already have:  airc inspect PATH...\n\
                 (the demo and replay consoles are the next milestone)"
            );
            ExitCode::from(2)
        }
    }
}
