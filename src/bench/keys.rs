//! Keypress-to-frame latency of the real console loop while a large replay is still loading:
//! the same `run` loop, replay feed and background view worker as `airc PATH`, drawing on a
//! 200×60 TestBackend whose flushes are timed. A thread presses keys every 40 ms (cursor moves,
//! then a filter typed letter by letter, then more cursor moves); each key's latency is the time
//! until the next frame reaches the backend. After a filter is committed the thread waits 1.5 s
//! before moving: moves right after a query change are held until its rows are in (see
//! `app::run`), and that wait is the pass time `airc bench view` reports, not a frame time.
//!
//! `airc bench keys /tmp/corpus1m`

use super::stats;
use crate::app::{Effect, State};
use crate::console::run::{run as run_loop, Io};
use crate::keymap::Keymap;
use crate::theme::Theme;
use chrono::Utc;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Size};
use ratatui::Terminal;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::unbounded_channel;

pub(super) type Times = Arc<Mutex<Vec<Instant>>>;

/// A TestBackend that notes when each frame is complete.
pub(super) struct Timed {
    pub(super) inner: TestBackend,
    pub(super) flushes: Times,
}

impl Backend for Timed {
    type Error = <TestBackend as Backend>::Error;
    fn draw<'a, I: Iterator<Item = (u16, u16, &'a Cell)>>(
        &mut self,
        c: I,
    ) -> Result<(), Self::Error> {
        self.inner.draw(c)
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, p: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(p)
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }
    fn clear_region(&mut self, t: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(t)
    }
    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.flush()?;
        if let Ok(mut f) = self.flushes.lock() {
            f.push(Instant::now());
        }
        Ok(())
    }
}

pub(super) fn key(c: KeyCode) -> std::io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(c, KeyModifiers::NONE)))
}

pub fn run(paths: &[PathBuf]) -> Result<(), String> {
    crate::app::priority::background_pool();
    let paths = paths.to_vec();
    let rt = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    let flushes: Times = Arc::default();
    let sent: Arc<Mutex<Vec<(Instant, &'static str)>>> = Arc::default();
    let loaded_at: Arc<Mutex<Option<Instant>>> = Arc::default();
    let started = Instant::now();
    rt.block_on(async {
        let (feed_tx, feed) = unbounded_channel();
        let done = Arc::clone(&loaded_at);
        std::thread::spawn(move || {
            crate::source::replay::feed::feed(paths, crate::normalize::Options::console(), feed_tx);
            if let Ok(mut d) = done.lock() {
                *d = Some(Instant::now());
            }
        });
        let (key_tx, key_rx) = unbounded_channel();
        let log = Arc::clone(&sent);
        let loading = Arc::clone(&loaded_at);
        std::thread::spawn(move || {
            let press = |c: KeyCode, what: &'static str| {
                std::thread::sleep(Duration::from_millis(40));
                if let Ok(mut l) = log.lock() {
                    l.push((Instant::now(), what));
                }
                let _ = key_tx.send(key(c));
            };
            // Until the load ends (and a little after): moves, a filter, moves.
            let mut rounds = 0;
            while rounds < 2 || loading.lock().map(|l| l.is_none()).unwrap_or(false) {
                for _ in 0..10 {
                    press(KeyCode::Char('j'), "move");
                }
                press(KeyCode::Char('/'), "open filter");
                for c in "sev:>=medium bert".chars() {
                    press(KeyCode::Char(c), "filter typing");
                }
                press(KeyCode::Enter, "filter typing");
                std::thread::sleep(Duration::from_millis(1500));
                for _ in 0..10 {
                    press(KeyCode::Char('k'), "move");
                }
                press(KeyCode::Char('/'), "open filter");
                for _ in 0..17 {
                    press(KeyCode::Backspace, "filter typing");
                }
                press(KeyCode::Enter, "filter typing");
                std::thread::sleep(Duration::from_millis(1500));
                rounds += 1;
            }
            // The console at rest with everything loaded, what a responder's host holds: the
            // feed has read every file but the console is still taking in its last batches and
            // re-ranking; wait until the resident size holds still for 3 s (at most a minute).
            if let Some((now, _)) = super::resident_mb() {
                println!("resident memory when the feed finished reading: {now} MB");
            }
            let rest = Instant::now();
            let mut still = Vec::new();
            while rest.elapsed() < Duration::from_secs(60) {
                std::thread::sleep(Duration::from_millis(500));
                let Some((now, _)) = super::resident_mb() else {
                    break;
                };
                still.push(now);
                let last = &still[still.len().saturating_sub(6)..];
                let (lo, hi) = (last.iter().min(), last.iter().max());
                if last.len() == 6 && lo.zip(hi).is_some_and(|(lo, hi)| hi - lo <= hi / 200) {
                    break;
                }
            }
            println!("at rest after {:.1} s", rest.elapsed().as_secs_f64());
            press(KeyCode::Char('q'), "quit");
        });
        let input = Box::pin(futures_util::stream::unfold(key_rx, |mut rx| async move {
            rx.recv().await.map(|e| (e, rx))
        }));
        let (_results_tx, results) = unbounded_channel();
        let (_signals_tx, signals) = unbounded_channel();
        let backend = Timed {
            inner: TestBackend::new(200, 60),
            flushes: Arc::clone(&flushes),
        };
        let mut terminal = Terminal::new(backend).map_err(|e| e.to_string())?;
        let mut state = State::new("replay", Keymap::default_map(), Utc::now());
        let theme = Theme::default_for(false);
        // The console's own handling of the one effect that changes what is measured.
        let mut effects = |e: Effect| {
            if e == Effect::ReleaseMemory {
                crate::allocator::release_freed_pages();
            }
        };
        run_loop(
            &mut terminal,
            &mut state,
            &theme,
            Io {
                input,
                feed,
                results,
                signals,
                clock: &Utc::now,
                effects: &mut effects,
            },
        )
        .await?;
        println!(
            "{} signals; CloudTrail rows {}",
            state.view.store.len(),
            state.pane(crate::app::state::PaneId::CloudTrail).rows.len()
        );
        if let Some((now, peak)) = super::resident_mb() {
            println!("resident memory with them loaded, at rest: {now} MB (peak {peak} MB)");
        }
        Ok::<(), String>(())
    })?;
    let flushes = flushes.lock().map(|f| f.clone()).unwrap_or_default();
    let sent = sent.lock().map(|s| s.clone()).unwrap_or_default();
    let loaded = loaded_at.lock().ok().and_then(|l| *l);
    if let Some(l) = loaded {
        println!("load finished after {:.1} s", (l - started).as_secs_f64());
    }
    let mut during: std::collections::BTreeMap<&str, Vec<f64>> = Default::default();
    let mut after: Vec<f64> = Vec::new();
    for (at, what) in sent {
        let Some(frame) = flushes.iter().find(|f| **f >= at) else {
            continue;
        };
        let ms = (*frame - at).as_secs_f64() * 1000.0;
        if loaded.is_none_or(|l| at < l) {
            during.entry(what).or_default().push(ms);
        } else {
            after.push(ms);
        }
    }
    for (what, ms) in during {
        stats(&format!("while loading, {what}"), ms);
    }
    stats("after loading, all keys", after);
    Ok(())
}
