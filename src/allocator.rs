//! Handing freed memory back to the OS at the moments the program knows it is done with it.
//!
//! mimalloc (the global allocator of `airc` and `airc-bench`) returns a page to the OS only some
//! time after it empties and only when the thread that owns it allocates again. A replay's
//! parsing threads free their JSON trees and buffers as each file is merged, then go quiet when
//! the load ends: at a million events ~60 MB of emptied pages stayed resident after the load.
//! Purging at once (`mi_option_purge_delay` 0) gives that back too, but every view pass then
//! faults its buffers in again (measured: load 4.3 → 5.0 s, full pass 53 → 77–119 ms median);
//! collecting once on every thread when a load ends costs nothing measurable.
//! Under another allocator (the test binaries) mimalloc's heaps are empty and this does nothing.

/// Keeps this process (and what it starts) on 4 KiB pages: no transparent huge pages. For
/// `airc inspect`, a batch read with no keys to answer.
///
/// mimalloc asks the kernel for 2 MiB pages on its regions (`MADV_HUGEPAGE`), so every first
/// touch of a region zeroes 2 MiB and every purge that later faults back in zeroes it again.
/// Measured on a 1M-event replay: `airc inspect` 1.1–1.7 s → 0.4–0.5 s of system time, 4.5–5.0
/// → 4.2–4.6 s wall. The console stays on huge pages: with small ones it held 5–8 % less at a
/// million events, but at ten million keys pressed while loading waited up to 106, 188 and 381
/// ms in three runs of four (huge pages: 36 and 44 ms in two), and its view passes ran 4–6 %
/// slower.
pub fn use_small_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and only sets a flag on this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Returns the pages this thread's heap has emptied (and any delayed purges) to the OS now.
pub fn release_freed_pages() {
    // SAFETY: `mi_collect` takes no pointers; it may be called from any thread at any time.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

/// `release_freed_pages` on every thread of rayon's global pool (where loads parse) and on this
/// one. Blocks until each pool thread has run it between two of its jobs.
pub fn release_freed_pages_everywhere() {
    rayon::broadcast(|_| release_freed_pages());
    release_freed_pages();
}
