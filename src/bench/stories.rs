//! Attack stories at scale: loads PATH (e.g. the 1M-event corpus), then measures what stories
//! cost as signals keep arriving and how long ranking them for the Stories view takes.
//!
//! `airc bench stories /tmp/corpus1m`
//!
//! The incremental figure: 1,000 signals (copies of the store's own story members, new ids,
//! same entities and times, so they join existing stories) inserted into the loaded store, then
//! the same 1,000 into an empty store. Building incrementally means the first costs about what
//! the second does, whatever the store already holds.

use crate::model::Signal;
use crate::normalize::{Normalized, Options};
use crate::source::replay::{load, Progress};
use crate::store::Store;
use std::path::PathBuf;
use std::time::Instant;

fn insert_all(store: &mut Store, batch: &[Signal]) -> f64 {
    let t = Instant::now();
    for s in batch {
        store.insert(Normalized::signal(s.clone()));
    }
    t.elapsed().as_secs_f64() * 1000.0
}

pub fn run(paths: &[PathBuf]) -> Result<(), String> {
    let t = Instant::now();
    let loaded = load(paths, Options::without_raw(), &Progress::default());
    let load_s = t.elapsed().as_secs_f64();
    let mut store = loaded.store;
    println!(
        "load (stories built as signals arrive): {} signals in {load_s:.2} s",
        store.len()
    );
    let t = Instant::now();
    let stories = store.stories();
    let rank_ms = t.elapsed().as_secs_f64() * 1000.0;
    let in_stories: usize = stories.iter().map(|s| s.signals).sum();
    println!(
        "stories: {} ({} signals in them); ranked for the Stories view in {rank_ms:.1} ms",
        stories.len(),
        in_stories
    );
    let t = Instant::now();
    let steps = stories
        .first()
        .map_or(0, |s| store.story_view(s, |_| false).1.len());
    println!(
        "Stories view opened (ranked, the top story's {steps} steps): {:.1} ms",
        rank_ms + t.elapsed().as_secs_f64() * 1000.0
    );
    let t = Instant::now();
    let views = store.story_views(&stories, |_| false);
    println!(
        "with a principal that may not see some signals (every story's steps read through the \
         gate): {:.1} ms for {} stories",
        rank_ms + t.elapsed().as_secs_f64() * 1000.0,
        views.len()
    );
    for s in stories.iter().take(5) {
        println!(
            "  {} score {} {} {} signals, {} tactics, {} principals",
            s.id,
            s.score,
            s.severity.label(),
            s.signals,
            s.tactics.len(),
            s.principals.len()
        );
    }
    let t = Instant::now();
    store.settle_stories();
    println!(
        "busy-entity check over the whole store: {:.1} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    // 1,000 new signals shaped like the store's story members.
    let members: Vec<&Signal> = store
        .signals()
        .iter()
        .filter(|s| crate::stories::joins(s))
        .take(1000)
        .collect();
    if members.is_empty() {
        return Err("no signal in the corpus takes part in stories".into());
    }
    let batch: Vec<Signal> = (0..1000)
        .map(|i| {
            let mut s = store.detached(members[i % members.len()]);
            s.id = format!("{}#bench{i}", s.id).into();
            s
        })
        .collect();
    let mut rounds = Vec::new();
    for round in 0..3 {
        let mut b = batch.clone();
        for s in &mut b {
            s.id = format!("{}-{round}", s.id).into();
        }
        let into_big = insert_all(&mut store, &b);
        let mut empty = Store::default();
        let into_empty = insert_all(&mut empty, &b);
        rounds.push((into_big, into_empty));
    }
    // The stories alone, without the rest of the store: the same 1,000 into stories built from
    // every signal of the store, and into empty stories.
    let ids = |s: &Signal| -> Vec<u32> {
        store
            .entities_of(s)
            .iter()
            .map(|e| store.entity_id(e).unwrap_or(u32::MAX))
            .collect()
    };
    let entity = |id| store.entity_at(id);
    let touching = |id: u32| {
        store
            .entity_at(id)
            .map_or(0, |e| store.touching_positions(e).len())
    };
    let total = store.len();
    let mut full = crate::stories::Stories::default();
    let t = Instant::now();
    for (i, s) in store.signals().iter().enumerate() {
        full.add(
            i as u32,
            s,
            store.entity_lists().get(i),
            entity,
            touching,
            total,
        );
    }
    full.settle(touching, total);
    println!(
        "stories alone over the {total} signals: {:.0} ms ({} members)",
        t.elapsed().as_secs_f64() * 1000.0,
        full.members()
    );
    for round in 0..3 {
        let add = |stories: &mut crate::stories::Stories, base: usize| {
            let t = Instant::now();
            for (i, s) in batch.iter().enumerate() {
                stories.add(
                    (base + round * 1000 + i) as u32,
                    s,
                    &ids(s),
                    entity,
                    touching,
                    total,
                );
            }
            t.elapsed().as_secs_f64() * 1000.0
        };
        let into_full = add(&mut full, total);
        let mut empty = crate::stories::Stories::default();
        let into_empty = add(&mut empty, 0);
        println!(
            "1,000 story signals, stories alone: into stories of {total} signals {into_full:.2} ms, into empty stories {into_empty:.2} ms (ratio {:.2})",
            into_full / into_empty.max(1e-9)
        );
    }
    for (big, empty) in &rounds {
        println!(
            "1,000 story signals: into the {}-signal store {big:.2} ms, into an empty store \
             {empty:.2} ms (ratio {:.2})",
            store.len(),
            big / empty.max(1e-9)
        );
    }
    Ok(())
}
