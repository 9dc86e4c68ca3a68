//! The binary is thin: the process's file mode mask, the allocator, then the CLI
//! (`airc::cli::main`), which logs to a file and dispatches to a subcommand.

/// Parsing a replay allocates millions of small strings and maps across threads; mimalloc
/// handles that markedly better than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let started = std::time::Instant::now();
    // Everything this process creates is private unless said otherwise (exports included):
    // incident data is sensitive. The data dir's files get explicit modes as well.
    #[cfg(unix)]
    // SAFETY: umask only sets the process's file mode creation mask.
    unsafe {
        libc::umask(0o077);
    }
    airc::cli::main(started)
}
