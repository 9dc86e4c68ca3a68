//! The notebook's durability: nothing reported saved is ever lost (SIGKILL at random points),
//! and two writers on one incident interleave whole entries.

use crate::common;

use airc::notebook::{journal, EntryKind, Incident};
use common::{new_incident, run_ok};
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

/// A writer process for the durability tests: this test binary run again with only
/// `stress_writer` selected. (The writer used to be a hidden `airc incident stress` command; a
/// test aid does not belong in the product's CLI.) It appends through the same `Book` the CLI
/// and the console use, and prints `saved X` only once an entry is synced.
fn writer(data: &std::path::Path, id: &str, count: usize, tag: &str) -> Command {
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    let mut c = Command::new(exe);
    // The test's name in this binary: its module path without the crate.
    let name = match module_path!().split_once("::") {
        Some((_, module)) => format!("{module}::stress_writer"),
        None => "stress_writer".to_string(),
    };
    c.args(["--exact", name.as_str(), "--nocapture", "--test-threads=1"])
        .env("AIRC_DATA_DIR", data)
        .env("AIRC_STRESS", format!("{id}\t{count}\t{tag}"));
    c
}

#[test]
fn stress_writer() {
    use std::io::Write;
    let Ok(spec) = std::env::var("AIRC_STRESS") else {
        return; // an ordinary test run: nothing to do
    };
    let mut parts = spec.split('\t');
    let (Some(id), Some(count), Some(tag)) = (parts.next(), parts.next(), parts.next()) else {
        panic!("AIRC_STRESS: {spec}");
    };
    let count: usize = count.parse().unwrap_or_else(|e| panic!("{e}"));
    let book = airc::notebook::Book::default_location().unwrap_or_else(|e| panic!("{e}"));
    let mut out = std::io::stdout();
    for i in 0..count {
        book.append(
            id,
            EntryKind::Note {
                text: format!("{tag}{i}"),
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let _ = writeln!(out, "saved {tag}{i}");
        let _ = out.flush();
    }
}

fn notes(data: &std::path::Path, id: &str) -> (Vec<String>, Vec<journal::Problem>) {
    let path = data.join("incidents").join(format!("{id}.jsonl"));
    let (entries, problems) = journal::load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        Incident::fold(&entries).is_some(),
        "the journal must still fold"
    );
    let texts = entries
        .into_iter()
        .filter_map(|e| match e.kind {
            EntryKind::Note { text } => Some(text),
            _ => None,
        })
        .collect();
    (texts, problems)
}

/// A tiny deterministic PRNG for kill points (the test must be reproducible).
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[test]
fn sigkill_at_random_points_never_loses_a_saved_entry() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let id = new_incident(dir.path());
    let mut seed = 0x5EED_u64;
    let mut reported_total = 0;
    for run in 0..100 {
        let tag = format!("r{run}-");
        let mut child = writer(dir.path(), &id, 1_000_000, &tag)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        let mut stdout = BufReader::new(child.stdout.take().unwrap_or_else(|| panic!("no stdout")));
        // Kill after a random number of reported saves (1..40), i.e. at a random point.
        let wait_for = 1 + next(&mut seed) % 40;
        let mut reported = Vec::new();
        let mut line = String::new();
        while (reported.len() as u64) < wait_for {
            line.clear();
            if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            if let Some(saved) = line.trim().strip_prefix("saved ") {
                reported.push(saved.to_string());
            }
        }
        let _ = child.kill(); // SIGKILL on Unix
        let mut rest = String::new();
        let _ = stdout.read_to_string(&mut rest);
        reported.extend(
            rest.lines()
                .filter_map(|l| l.strip_prefix("saved "))
                .map(str::to_string),
        );
        let _ = child.wait();
        let (saved, problems) = notes(dir.path(), &id);
        for r in &reported {
            assert!(
                saved.contains(r),
                "run {run}: '{r}' was reported saved but is missing"
            );
        }
        // Only a torn last line may be reported, never anything else.
        assert!(
            problems
                .iter()
                .all(|p| p.reason.starts_with("torn last line")
                    || p.reason.starts_with("not a journal entry")),
            "{problems:?}"
        );
        reported_total += reported.len();
    }
    eprintln!(
        "durability: {reported_total} entries reported saved over 100 SIGKILLed runs, all present"
    );
    assert!(reported_total >= 100, "{reported_total} entries checked");
    // After all the kills the incident still opens from the shell.
    run_ok(dir.path(), &["incident", "show", &id]);
}

#[test]
fn two_writers_on_one_incident_interleave_whole_entries_in_order() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let id = new_incident(dir.path());
    let spawn = |tag: &str| {
        writer(dir.path(), &id, 300, tag)
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let mut a = spawn("a");
    let mut b = spawn("b");
    assert!(a.wait().is_ok_and(|s| s.success()) && b.wait().is_ok_and(|s| s.success()));
    let (saved, problems) = notes(dir.path(), &id);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(saved.len(), 600);
    for tag in ["a", "b"] {
        let seq: Vec<usize> = saved
            .iter()
            .filter_map(|t| t.strip_prefix(tag)?.parse().ok())
            .collect();
        assert_eq!(
            seq,
            (0..300).collect::<Vec<_>>(),
            "writer {tag} in its own order"
        );
    }
}
