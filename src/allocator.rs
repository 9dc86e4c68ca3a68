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

/// A zeroed array of `T` for one computation, returned to the OS the moment it is dropped.
///
/// A view pass counts into an array with a slot of 24 bytes for every entity, one per thread:
/// 41 MB at 1M events, 410 MB at 10M (8.5M entities) on 2 cores. From the global allocator those
/// arrays stayed resident after the pass (mimalloc keeps emptied pages until their thread
/// allocates again; purging at once slows everything else). In their own anonymous mapping they
/// cost nothing between passes and need no zeroing (the kernel hands out zeroed pages). Small
/// arrays, or a mapping the kernel refuses, come from the heap.
pub struct Scratch<T: bytemuck::Pod> {
    store: ScratchStore<T>,
}

enum ScratchStore<T> {
    /// The length asked for times `size_of::<T>()` bytes: its slice is exactly the array.
    Mapped(memmap2::MmapMut),
    Heap(Vec<T>),
}

/// Below this size an array comes from the heap: a mapping costs a system call each way.
const MAP_FROM: usize = 1 << 20;

impl<T: bytemuck::Pod> Scratch<T> {
    pub fn zeroed(len: usize) -> Self {
        let bytes = len.saturating_mul(std::mem::size_of::<T>());
        let store = if bytes >= MAP_FROM && std::mem::align_of::<T>() <= 4096 {
            match memmap2::MmapMut::map_anon(bytes) {
                Ok(map) => {
                    #[cfg(target_os = "linux")]
                    // Huge pages where the process allows them: a fault zeroes 2 MiB at once.
                    let _ = map.advise(memmap2::Advice::HugePage);
                    ScratchStore::Mapped(map)
                }
                Err(_) => ScratchStore::Heap(vec![T::zeroed(); len]),
            }
        } else {
            ScratchStore::Heap(vec![T::zeroed(); len])
        };
        Scratch { store }
    }

    pub fn as_slice(&self) -> &[T] {
        match &self.store {
            ScratchStore::Mapped(map) => bytemuck::cast_slice(&map[..]),
            ScratchStore::Heap(v) => v,
        }
    }

    pub fn as_mut_slice(&mut self) -> &mut [T] {
        match &mut self.store {
            ScratchStore::Mapped(map) => bytemuck::cast_slice_mut(&mut map[..]),
            ScratchStore::Heap(v) => v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Scratch;

    #[test]
    fn scratch_arrays_start_zeroed_and_hold_what_is_written() {
        for len in [0usize, 1, 1000, 300_000] {
            let mut s: Scratch<[u64; 3]> = Scratch::zeroed(len);
            assert_eq!(s.as_slice().len(), len);
            assert!(s.as_slice().iter().all(|x| *x == [0; 3]));
            for (i, x) in s.as_mut_slice().iter_mut().enumerate() {
                x[1] = i as u64;
            }
            assert!(s
                .as_slice()
                .iter()
                .enumerate()
                .all(|(i, x)| x[1] == i as u64));
        }
    }
}
