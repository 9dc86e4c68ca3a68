//! Frame time of the console with a large replay loaded: loads PATH (e.g. a corpus written by
//! `gen_corpus`), then times view refreshes (pivot/filter/sort over every signal) and frames
//! drawn on a 200×60 TestBackend.
//!
//! `cargo run --release --example frame_bench -- /tmp/corpus1m`

use airc::app::state::PaneId;
use airc::app::{update, view, Feed, Msg, State};
use airc::keymap::Keymap;
use airc::normalize::Options;
use airc::source::replay::{load, Progress};
use airc::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::PathBuf;
use std::time::Instant;

// The same allocator as the airc binary, so memory and times match what the console sees.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn stats(label: &str, mut ms: Vec<f64>) {
    ms.sort_by(|a, b| a.total_cmp(b));
    let n = ms.len();
    println!(
        "{label}: n={n} median {:.3} ms, p95 {:.3} ms, max {:.3} ms",
        ms[n / 2],
        ms[(n * 95 / 100).min(n - 1)],
        ms[n - 1]
    );
}

fn main() {
    let paths: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        eprintln!("usage: frame_bench PATH...");
        std::process::exit(2);
    }
    let t = Instant::now();
    let loaded = load(&paths, Options::default(), &Progress::default());
    println!(
        "loaded {} signals in {:.1} s",
        loaded.store.len(),
        t.elapsed().as_secs_f64()
    );
    let now = loaded
        .store
        .signals()
        .iter()
        .map(|s| s.time)
        .max()
        .unwrap_or_default();
    let mut state = State::new("replay", Keymap::default_map(), now);
    state.store = loaded.store;
    state.size = (200, 60);
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
    stats("view refresh, no filter", refresh);

    state.pane_mut(PaneId::CloudTrail).filter = airc::query::parse("sev:>=medium bert").ok();
    let mut filtered = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        view::refresh(&mut state);
        filtered.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    stats("view refresh, filter 'sev:>=medium bert'", filtered);
    println!(
        "CloudTrail rows after filter: {}",
        state.pane(PaneId::CloudTrail).rows.len()
    );
    state.pane_mut(PaneId::CloudTrail).filter = None;
    view::refresh(&mut state);

    let theme = Theme::default_for(false);
    let mut terminal = match Terminal::new(TestBackend::new(200, 60)) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let mut frames = Vec::new();
    for i in 0..200 {
        // Move the cursor so every frame draws different rows.
        state.pane_mut(PaneId::CloudTrail).cursor =
            i * 997 % state.pane(PaneId::CloudTrail).rows.len().max(1);
        let t = Instant::now();
        let _ = terminal.draw(|f| airc::ui::draw(f, &state, &theme));
        frames.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    stats("frame draw 200x60", frames);
}
