//! `airc watch`: the routing rules without a terminal. The loop is in `crate::watch`; this file
//! turns flags, config and settings into its options.

use super::WatchArgs;

pub fn run(a: WatchArgs) -> Result<i32, String> {
    use crate::watch::{WatchOptions, WatchSource};
    let config_dir = crate::paths::config_dir();
    let rules = crate::rules::Rules::load(a.rules.as_deref(), config_dir.as_deref())
        .map_err(|e| e.to_string())?;
    let (settings, warning) = crate::settings::load(config_dir.as_deref());
    if let Some(w) = warning {
        eprintln!("airc: {w}");
    }
    let live = super::live::from_args(&a.live)?;
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
        crate::paths::data_dir().ok_or("no data directory for this user (set AIRC_DATA_DIR)")?;
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
        out: crate::watch::Out::default(),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        // Security Hub's generated ASFF deserializers take more than the default 2 MiB of
        // stack in debug builds once under an action's plan, read-back and audit (measured:
        // ~2.3 MiB); 8 MiB of address space, touched only as far as it is used.
        .thread_stack_size(8 << 20)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    rt.block_on(crate::watch::run(opts))
}
