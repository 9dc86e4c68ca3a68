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
