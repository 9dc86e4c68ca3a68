//! Memory per CloudTrail event, checked at a small scale so a regression fails the build.
//!
//! 50,000 real-shaped events (`airc bench corpus`, the Invictus records with ids, times and
//! addresses varied) are loaded the way the console loads a replay (originals kept, packed);
//! a counting allocator gives the bytes still held afterwards. It counts what was asked for,
//! not the allocator's rounding or its free pages, so it is steadier than resident memory and
//! a little under it; BENCHMARKS.md has the resident figures at 1M events.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering::Relaxed};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            LIVE.fetch_add(l.size() as isize, Relaxed);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(l) };
        if !p.is_null() {
            LIVE.fetch_add(l.size() as isize, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        LIVE.fetch_sub(l.size() as isize, Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, l, new) };
        if !q.is_null() {
            LIVE.fetch_add(new as isize - l.size() as isize, Relaxed);
        }
        q
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const EVENTS: u64 = 50_000;
/// Bytes held per event after the load (debug build, as the test command runs it). Measured
/// 2026-11-30: 1,055 B per event, 1,268 B of JSON each, the same on every run; then 695 B with
/// thin shared strings and vectors and the originals read back from their files, 596 B with
/// CloudTrail summaries put together when read; 2026-12-01: 501 B with the store's indexes
/// holding 4-byte positions, the signal id boxed and the rare fields in one optional block
/// (1,379 B before any of the cuts); 472 B with each signal's entity numbers
/// in its entities' padding instead of a boxed slice of their own, then 485 B once the store
/// keeps its own copy of each entity's text (the parsing threads' copies stay in their bounded
/// caches, up to 65,536 values a thread: at 50k events most of them; at 1M the same change
/// took the live bytes per event from 452 to 439); 489 B with the indexes reserved for the
/// records the files' sizes suggest (at this size the guess rounds each table up to twice the
/// buckets, +13 B) and the touching lists in 4 bytes an entity (−9 B); 450 B with CloudTrail's
/// UUID event ids kept as their 16 bytes (`model::SignalId`); 395 B with kind, title,
/// severity reason, account, region and category in one shared block (`model::Facets`), a
/// call's target as an entity number and a file span in 24 bytes (signal 184 → 128 B); 394 B
/// with the detections among the rare fields (120 B; in this corpus 16 % of records match a
/// rule, so the rare block most signals no longer pay for is paid by those); 408 B with the
/// call's target a shared text again (128 B: as an entity number it cost text filters another
/// heap block per row, 15 % at 1M); 402–410 B with the principal among the shared facets
/// (120 B; the figure moves by a few bytes between runs with the parsing threads' caches);
/// 357 B with each signal's entities as 4-byte numbers in the store's lists (`EntityLists`)
/// instead of a list of its own; 344 B with ids in 16 bytes (signal 112 B); 332 B with the
/// stories' members and long time lines slimmer and a signal's own entities among its rare
/// fields (104 B). The bound leaves room for small changes, not for a regression; a cut that
/// lands lowers it.
const MAX_BYTES_PER_EVENT: i64 = 350;

#[test]
fn fifty_thousand_events_stay_within_their_memory_bound() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().join("corpus");
    airc::bench::run(airc::bench::Bench::Corpus {
        out: corpus.clone(),
        events: EVENTS,
        plain: true,
        per_file: 2000,
        source: None,
    })
    .expect("corpus");
    let json: u64 = walkdir::WalkDir::new(&corpus)
        .into_iter()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum();
    // Rules compiled and thread pools started before the baseline: they do not grow with events.
    let _ = airc::detect::installed();
    let before = LIVE.load(Relaxed);
    let loaded = airc::source::replay::load(
        &[corpus],
        airc::normalize::Options::console(),
        &airc::source::replay::Progress::default(),
    );
    let held = (LIVE.load(Relaxed) - before) as i64;
    let n = loaded.store.len() as i64;
    assert_eq!(n, EVENTS as i64, "every event loaded");
    let per_event = held / n;
    println!(
        "{n} events, {} B of JSON each: {per_event} B held per event ({:.2}× the JSON)",
        json as i64 / n,
        held as f64 / json as f64
    );
    assert!(
        per_event <= MAX_BYTES_PER_EVENT,
        "{per_event} B per event, bound {MAX_BYTES_PER_EVENT} B: memory per event regressed"
    );
    drop(loaded);
}
