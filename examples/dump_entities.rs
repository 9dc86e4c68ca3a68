//! Prints every distinct entity found under the given paths, with how many signals touch it.
//! `cargo run --example dump_entities -- PATH...`
use airc::normalize::Options;
use airc::source::replay::{load, Progress};
use std::path::PathBuf;

fn main() {
    let paths: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let loaded = load(&paths, Options::without_raw(), &Progress::default());
    let mut ents: Vec<_> = loaded.store.entities().collect();
    ents.sort_by(|a, b| {
        (a.0.kind, std::cmp::Reverse(a.1), &a.0.id).cmp(&(
            b.0.kind,
            std::cmp::Reverse(b.1),
            &b.0.id,
        ))
    });
    for (e, n) in ents {
        println!("{n:6}  {}", airc::safe_text::line(&e.to_string()));
    }
}
