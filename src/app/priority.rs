//! Background work (parsing files, view passes) runs at a lower scheduling priority than the
//! console's own task, so on a machine with few cores a keypress is handled at once even while
//! every core is busy loading a million events.

/// Lowers the calling thread's priority (Linux applies `nice` per thread). Best effort: a
/// failure leaves the thread as it was.
pub fn lower_this_thread() {
    #[cfg(unix)]
    // SAFETY: `nice` only changes the calling thread's scheduling priority; it touches no memory.
    unsafe {
        libc::nice(10);
    }
}

/// Makes rayon's global pool (file parsing, view passes) start its threads at lower priority.
/// Call before anything uses rayon; later calls do nothing.
pub fn background_pool() {
    let _ = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("airc-work-{i}"))
        .start_handler(|_| lower_this_thread())
        .build_global();
}
