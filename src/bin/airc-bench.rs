//! `airc-bench`: the measurements behind BENCHMARKS.md (`airc bench ...` runs it too).

/// The same allocator as `airc`, so the figures are the product's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    use clap::Parser;
    let cli = airc::bench::BenchCli::parse();
    match airc::bench::run(cli.bench) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("airc-bench: {e}");
            std::process::ExitCode::from(1)
        }
    }
}
