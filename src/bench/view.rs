//! Frame time of the console with a large replay loaded: loads PATH (e.g. a corpus written by
//! `airc bench corpus`), then times view refreshes (pivot/filter/sort over every signal) and frames
//! drawn on a 200×60 TestBackend.
//!
//! `airc bench view /tmp/corpus1m`

use super::stats;
use crate::app::state::PaneId;
use crate::app::{update, view, Feed, Msg, State};
use crate::keymap::Keymap;
use crate::normalize::Options;
use crate::source::replay::{load, Progress};
use crate::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::PathBuf;
use std::time::Instant;

pub fn run(paths: &[PathBuf]) -> Result<(), String> {
    let t = Instant::now();
    let loaded = load(paths, Options::console(), &Progress::default());
    let secs = t.elapsed().as_secs_f64();
    println!(
        "ingest: {} signals in {secs:.1} s, {:.0} MB/s of JSON (read, parse, normalize, entity \
         extraction, store)",
        loaded.store.len(),
        loaded.json_bytes as f64 / 1e6 / secs.max(1e-9)
    );
    memory(&loaded.store);
    if let Some((now, peak)) = super::resident_mb() {
        println!("resident memory after the load: {now} MB (peak {peak} MB)");
    }
    let now = loaded
        .store
        .signals()
        .iter()
        .map(|s| s.time)
        .max()
        .unwrap_or_default();
    let mut state = State::new("replay", Keymap::default_map(), now);
    state.view.store = loaded.store;
    state.ui.size = (200, 60);
    update(&mut state, Msg::Feed(Feed::Loaded));

    let rounds: usize = std::env::var("REFRESH_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    let mut refresh = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        view::refresh(&mut state);
        refresh.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    stats("full view pass (entities recomputed), no filter", refresh);

    // The console's split: the snapshot is taken on the UI task, the pass runs in the background.
    // Typing into a signal pane's filter leaves the entity rows as they were: the worker's cache
    // holds them from the first pass, as in the console.
    let mut cache = view::EntityCache::default();
    let job = view::ViewJob::from_state(&state, state.view.view_gen);
    let _ = view::compute(&job, &|| false, &mut |_| {}, &mut cache);
    for filter in [
        "sev:>=medium bert",
        "bert",
        "GetObject",
        "user:bert* region:us-east-1",
        "zzqx",
    ] {
        state.pane_mut(PaneId::CloudTrail).filter = crate::query::parse(filter).ok();
        state.view.global_filter = None;
        let (mut snap, mut pass) = (Vec::new(), Vec::new());
        let mut rows = 0;
        for _ in 0..rounds {
            let t = Instant::now();
            let job = view::ViewJob::from_state(&state, state.view.view_gen);
            snap.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            if let Some(r) = view::compute(&job, &|| false, &mut |_| {}, &mut cache) {
                rows = r.rows[2].len();
            }
            pass.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        stats(&format!("snapshot on the UI task, filter '{filter}'"), snap);
        stats(
            &format!("background pass, filter '{filter}' ({rows} CloudTrail rows)"),
            pass,
        );
    }
    state.pane_mut(PaneId::CloudTrail).filter = None;
    view::refresh(&mut state);
    if let Some((now, peak)) = super::resident_mb() {
        println!("resident memory after the passes: {now} MB (peak {peak} MB)");
    }

    let theme = Theme::default_for(false);
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).map_err(|e| e.to_string())?;
    let mut frames = Vec::new();
    for i in 0..200 {
        // Move the cursor so every frame draws different rows.
        state.pane_mut(PaneId::CloudTrail).cursor =
            i * 997 % state.pane(PaneId::CloudTrail).rows.len().max(1);
        let t = Instant::now();
        let _ = terminal.draw(|f| crate::ui::draw(f, &state, &theme));
        frames.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    stats("frame draw 200x60", frames);
    Ok(())
}

/// Where the memory of the loaded signals goes (bytes of the heap blocks they own; allocator
/// rounding and the maps' tables not counted).
fn memory(store: &crate::store::Store) {
    use crate::model::Signal;
    let n = store.len().max(1);
    // A `Text` is counted once per allocation, however many signals share it.
    let mut seen = std::collections::HashSet::new();
    let mut facets_seen = std::collections::HashSet::new();
    let mut facet_values = std::collections::HashSet::new();
    let mut text = |t: &crate::model::Text| {
        if seen.insert(t.heap_id()) {
            16 + t.len()
        } else {
            0
        }
    };
    let (mut strings, mut entities, mut blocks) =
        (0usize, 0usize, std::collections::HashMap::new());
    let (mut entity_refs, mut in_files) = (0usize, 0usize);
    for s in store.signals().iter() {
        strings += s.id.heap_len();
        if let crate::model::Summary::Text(t) = &s.summary {
            strings += t.len();
        }
        for t in s.summary.texts() {
            strings += text(t);
        }
        if facets_seen.insert(s.facets.heap_id()) {
            facet_values.insert((*s.facets).clone());
            strings += 16 + std::mem::size_of::<crate::model::FacetFields>();
            let f = &*s.facets;
            for t in [&f.severity_reason, &f.kind, &f.title] {
                strings += text(t);
            }
            for t in [&f.account, &f.region, &f.category, &f.actor]
                .into_iter()
                .flatten()
            {
                strings += text(t);
            }
        }
        if let Some((at, len)) = s.raw.packed_block() {
            blocks.insert(at, len);
        }
        in_files += usize::from(s.raw.file_span().is_some());
    }
    // Each signal's entity ids (`EntityLists`) and each distinct entity's text (shared with the
    // summaries that name it, counted once).
    entities += store.entity_lists().heap_bytes();
    for i in 0..store.len() {
        entity_refs += store.entity_lists().get(i).len();
    }
    let structs = n * std::mem::size_of::<Signal>();
    let raw: usize = blocks.values().sum();
    // The entity table: per entity its copy (16 B), a 4-byte id in the lookup table (~8 B with
    // its load factor) and who touches it (4 B, and a list kept apart past one signal); per
    // signal its letter mask and its position in `by_id` (~8 B).
    let (mut distinct, mut once, mut many_refs) = (0usize, 0usize, 0usize);
    for (e, count) in store.entities() {
        entities += text(&e.id);
        distinct += 1;
        once += usize::from(count == 1);
        if count > 1 {
            many_refs += 24 + count * 4;
        }
    }
    let index = distinct * (16 + 8 + 4) + many_refs + n * (8 + 8);
    let per = |b: usize| b / n;
    println!(
        "memory per signal: struct {} B, strings {} B, entities {} B ({:.1} per signal), \
         raw records {} B ({} shared LZ4 blocks; {} records read back from their files), store index ~{} B \
         ({} distinct entities, {} of them touched by one signal); {} shared facet blocks ({} distinct values); total ~{} MB",
        per(structs),
        per(strings),
        per(entities),
        entity_refs as f64 / n as f64,
        per(raw),
        blocks.len(),
        in_files,
        per(index),
        distinct,
        once,
        facets_seen.len(),
        facet_values.len(),
        (structs + strings + entities + raw + index) / 1_000_000
    );
}
