//! Panics never print over the console. Whatever panics is logged with a backtrace; a panic on
//! a background thread (a view pass, a poller, a file being parsed) is caught where it runs,
//! said as one line in the UI and the work restarted; only a panic of the console's own thread
//! restores the terminal and ends the program with a short message.

use std::sync::atomic::{AtomicBool, Ordering};

/// The console owns the terminal (raw mode, alternate screen).
static CONSOLE: AtomicBool = AtomicBool::new(false);

/// The text of a caught panic's payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

/// Replaces the default hook (which prints a backtrace on stderr, over the panes).
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let thread = std::thread::current();
        let name = thread.name().unwrap_or("unnamed");
        let backtrace = std::backtrace::Backtrace::force_capture();
        tracing::error!("panic on thread {name}: {info}\n{backtrace}");
        let console = CONSOLE.load(Ordering::Relaxed);
        if console && name != "main" {
            // Caught where it ran and said in the UI; the screen stays the console's.
            return;
        }
        if console {
            CONSOLE.store(false, Ordering::Relaxed);
            ratatui::restore();
        }
        eprintln!("airc: internal error on thread {name}: {info} (the backtrace is in the log)");
    }));
}

/// While the console draws, a background panic prints nothing.
pub fn console_active(on: bool) {
    CONSOLE.store(on, Ordering::Relaxed);
}
