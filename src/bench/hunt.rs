//! Keypress-to-frame latency of the real console loop while a hunt's rows arrive from Athena,
//! and the client's rows per second: the same `run` loop and background view worker as the
//! console, the hunt's signals entering as the console's hunt effect sends them (`Feed::Items`
//! then their ids), on a 200×60 TestBackend whose flushes are timed (`keys::Timed`). A thread
//! presses keys every 40 ms while the rows arrive: cursor moves and a filter typed letter by
//! letter. Athena (or the fake: `tests/support/fake_athena/server.py --repeat N`) is reached
//! as `airc hunt` reaches it (`AWS_ENDPOINT_URL*`, `[athena]` of config.toml).
//!
//! `airc bench hunt iam_user:bert-jan --from 2023-07-10 --until 2023-07-11`

use super::keys::{key, Timed, Times};
use super::stats;
use crate::app::hunt::{HuntRun, Phase};
use crate::app::msg::{Feed, HuntEvent, Msg};
use crate::app::State;
use crate::athena::{Outcome, Progress};
use crate::console::run::{run as run_loop, Io};
use crate::hunt::{target, Hunt, Window};
use crate::keymap::Keymap;
use crate::normalize::Normalized;
use crate::theme::Theme;
use chrono::Utc;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::Terminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{channel, unbounded_channel, UnboundedSender};

type Marks = Arc<Mutex<(Option<Instant>, Option<Instant>, u64)>>;

pub fn run(entity: &str, from: &str, until: &str) -> Result<(), String> {
    crate::app::priority::background_pool();
    let t = |s: &str| {
        crate::model::time::parse_str(s)
            .or_else(|| {
                chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .map(|t| t.and_utc())
            })
            .ok_or_else(|| format!("{s:?} is not a time"))
    };
    let hunt = Hunt {
        entity: target::parse(entity)?,
        window: Window::new(t(from)?, t(until)?)?,
        accounts: vec![],
        regions: vec![],
    };
    let (settings, _) = crate::settings::load(crate::paths::config_dir().as_deref());
    let cfg = crate::athena::Config::from_settings(&settings.athena)?;
    let queries = hunt.plan(&cfg.tables())?;
    let rt = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    let flushes: Times = Arc::default();
    let sent: Arc<Mutex<Vec<(Instant, &'static str)>>> = Arc::default();
    // (rows began, rows ended, rows) as the hunt saw them.
    let marks: Marks = Arc::default();
    let started = Instant::now();
    let outcome = rt.block_on(async {
        let (results_tx, results) = unbounded_channel();
        let (key_tx, key_rx) = unbounded_channel();
        let hunt_task = tokio::spawn(feed(cfg.clone(), hunt.clone(), results_tx, marks.clone()));
        let log = Arc::clone(&sent);
        let watching = Arc::clone(&marks);
        std::thread::spawn(move || {
            let press = |c: KeyCode, what: &'static str| {
                std::thread::sleep(Duration::from_millis(40));
                if let Ok(mut l) = log.lock() {
                    l.push((Instant::now(), what));
                }
                let _ = key_tx.send(key(c));
            };
            let done = || watching.lock().map(|m| m.1.is_some()).unwrap_or(true);
            let mut rounds = 0;
            while rounds < 2 || !done() {
                for _ in 0..10 {
                    press(KeyCode::Char('j'), "move");
                }
                press(KeyCode::Char('/'), "open filter");
                for c in "sev:>=medium".chars() {
                    press(KeyCode::Char(c), "filter typing");
                }
                press(KeyCode::Enter, "filter typing");
                for _ in 0..10 {
                    press(KeyCode::Char('k'), "move");
                }
                press(KeyCode::Char('/'), "open filter");
                for _ in 0..12 {
                    press(KeyCode::Backspace, "filter typing");
                }
                press(KeyCode::Enter, "filter typing");
                rounds += 1;
            }
            press(KeyCode::Char('q'), "quit");
        });
        let input = Box::pin(futures_util::stream::unfold(key_rx, |mut rx| async move {
            rx.recv().await.map(|e| (e, rx))
        }));
        let (feed_tx, feed_rx) = unbounded_channel();
        // Nothing else loads: what the hunt brings is news.
        let _ = feed_tx.send(Feed::Loaded);
        let (_signals_tx, signals) = unbounded_channel();
        let backend = Timed {
            inner: TestBackend::new(200, 60),
            flushes: Arc::clone(&flushes),
        };
        let mut terminal = Terminal::new(backend).map_err(|e| e.to_string())?;
        let mut state = State::new("hunt", Keymap::default_map(), Utc::now());
        state.hunts.current = Some(HuntRun {
            hunt: hunt.clone(),
            queries,
            max_scan: cfg.max_scan,
            generation: 1,
            phase: Phase::Running {
                since: Utc::now(),
                status: None,
                signals: 0,
                note: None,
            },
        });
        let theme = Theme::default_for(false);
        let mut effects = |_: crate::app::Effect| {};
        run_loop(
            &mut terminal,
            &mut state,
            &theme,
            Io {
                input,
                feed: feed_rx,
                results,
                signals,
                clock: &Utc::now,
                effects: &mut effects,
            },
        )
        .await?;
        drop(feed_tx);
        println!(
            "{} signals in the store; CloudTrail rows {}",
            state.view.store.len(),
            state.pane(crate::app::state::PaneId::CloudTrail).rows.len()
        );
        hunt_task.await.map_err(|e| e.to_string())
    })?;
    println!("{}", outcome.line());
    let (began, ended, rows) = marks.lock().map(|m| *m).unwrap_or_default();
    if let (Some(b), Some(e)) = (began, ended) {
        let secs = (e - b).as_secs_f64();
        println!(
            "query to first rows {:.1} s; {rows} rows arrived in {secs:.2} s: {:.0} rows/s in the console",
            (b - started).as_secs_f64(),
            rows as f64 / secs.max(1e-3)
        );
    }
    let flushes = flushes.lock().map(|f| f.clone()).unwrap_or_default();
    let sent = sent.lock().map(|s| s.clone()).unwrap_or_default();
    let mut during: std::collections::BTreeMap<&str, Vec<f64>> = Default::default();
    let mut other: Vec<f64> = Vec::new();
    for (at, what) in sent {
        let Some(frame) = flushes.iter().find(|f| **f >= at) else {
            continue;
        };
        let ms = (*frame - at).as_secs_f64() * 1000.0;
        match (began, ended) {
            (Some(b), Some(e)) if at >= b && at <= e => during.entry(what).or_default().push(ms),
            _ => other.push(ms),
        }
    }
    for (what, ms) in during {
        stats(&format!("while the rows arrive, {what}"), ms);
    }
    stats("before and after the rows, all keys", other);
    Ok(())
}

/// The hunt, its signals sent to the loop as the console's hunt effect sends them.
async fn feed(
    cfg: crate::athena::Config,
    hunt: Hunt,
    tx: UnboundedSender<Msg>,
    marks: Marks,
) -> Outcome {
    let (ptx, mut prx) = channel(32);
    let (_stop, cancel) = tokio::sync::watch::channel(false);
    let send = |event: HuntEvent| {
        let _ = tx.send(Msg::Hunt {
            generation: 1,
            event,
        });
    };
    let forward = async {
        while let Some(p) = prx.recv().await {
            match p {
                Progress::Status(s) => send(HuntEvent::Status(s)),
                Progress::Signals(batch) => {
                    if let Ok(mut m) = marks.lock() {
                        m.0.get_or_insert_with(Instant::now);
                        m.2 += batch.len() as u64;
                    }
                    let ids = batch.iter().map(|a| a.signal.id.clone()).collect();
                    send(HuntEvent::Arrived(ids));
                    let items = batch.into_iter().map(Normalized::signal).collect();
                    let _ = tx.send(Msg::Feed(Feed::Items(items)));
                }
                _ => {}
            }
        }
    };
    let (outcome, ()) = tokio::join!(crate::athena::run(&cfg, &hunt, ptx, cancel), forward);
    if let Ok(mut m) = marks.lock() {
        m.1 = Some(Instant::now());
    }
    send(HuntEvent::Done(outcome.clone()));
    outcome
}
