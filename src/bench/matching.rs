//! What detection rules cost per record, apart from reading and normalizing it: loads up to
//! `--records` CloudTrail records from PATH, then times parsing each and `Detections::match_record` on
//! one thread for no rules, the built-in pack, the pack with all of `--rules`, and (`--each`)
//! the pack with each file of `--rules` alone (its own cost over the pack's), costliest first.
//!
//! `airc bench match /tmp/corpus1m --rules ../shared/datasets/sigma-aws/rules`
//!
//! One thread and the records already in memory make this steadier than timing whole loads,
//! which move ±10% on this machine; `airc inspect` gives the end-to-end ratio.

use crate::detect::Detections;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The records as text: each pass parses one and matches it while it is hot in the cache, as
/// a load does (matching a hundred thousand parsed trees read cold would time the memory).
fn records(paths: &[PathBuf], limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    for p in paths {
        let found = super::corpus::records(p, limit - out.len());
        out.extend(found.iter().map(|r| r.to_string()));
    }
    out
}

/// One pass: parse each record and match it; nanoseconds per record and records matched.
fn pass(d: &Detections, recs: &[String]) -> (f64, usize) {
    let t = Instant::now();
    let matched = recs
        .iter()
        .filter(|r| {
            let v: Value = serde_json::from_str(r).unwrap_or_default();
            !d.match_record(&v).detections.is_empty()
        })
        .count();
    (
        t.elapsed().as_secs_f64() * 1e9 / recs.len().max(1) as f64,
        matched,
    )
}

/// The rule sets timed in turn, five rounds after a warm-up pass; the fastest pass of each
/// (what the machine's noise did not slow down).
fn time(sets: &[&Detections], recs: &[String]) -> Vec<(f64, usize)> {
    let mut best = vec![(f64::MAX, 0); sets.len()];
    pass(sets[0], recs);
    for _ in 0..5 {
        for (d, b) in sets.iter().zip(best.iter_mut()) {
            let (t, m) = pass(d, recs);
            *b = (b.0.min(t), m);
        }
    }
    best
}

pub fn run(
    paths: &[PathBuf],
    rules: Option<&Path>,
    limit: usize,
    each_file: bool,
) -> Result<(), String> {
    let recs = records(paths, limit);
    if recs.is_empty() {
        return Err("no CloudTrail records found under the paths".into());
    }
    println!(
        "{} records, one thread, fastest of 5 rounds; each record parsed, then matched",
        recs.len()
    );
    let none = Detections::none();
    let pack = Detections::builtin();
    let all = rules.map(|dir| Detections::with_paths(&[dir.to_path_buf()]));
    let mut sets = vec![&none, &pack];
    sets.extend(all.as_ref());
    let t = time(&sets, &recs);
    let (base, (pack_ns, pm)) = (t[0].0, t[1]);
    println!("parsing alone (no rules): {base:.0} ns/record");
    println!(
        "built-in pack: +{:.0} ns/record ({:.2}×; {pm} records matched)",
        pack_ns - base,
        pack_ns / base
    );
    let (Some(dir), Some(all), Some(&(all_ns, m))) = (rules, all.as_ref(), t.get(2)) else {
        return Ok(());
    };
    println!(
        "pack + {}: +{:.0} ns/record ({:.2}×; {m} records matched; {} rules)",
        dir.display(),
        all_ns - base,
        all_ns / base,
        all.rules().len()
    );
    if !each_file {
        return Ok(());
    }
    let mut each = Vec::new();
    for e in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if e.path()
            .extension()
            .is_some_and(|x| x == "yml" || x == "yaml")
        {
            let d = Detections::with_paths(&[e.path().to_path_buf()]);
            let t = time(&[&pack, &d], &recs);
            each.push((
                t[1].0 - t[0].0,
                t[1].1.saturating_sub(pm),
                e.path().to_path_buf(),
            ));
        }
    }
    each.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("each file's own cost over the pack (ns/record, records it adds), costliest first:");
    for (ns, m, p) in each.iter().take(15) {
        println!("  {ns:>6.0}  {m:>7}  {}", p.display());
    }
    Ok(())
}
