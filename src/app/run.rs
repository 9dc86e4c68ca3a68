//! The event loop: one task owns the state and selects over terminal input, source feeds, a
//! slow tick and termination signals. It drains what is queued, then draws once.

use super::msg::{Effect, Feed, Msg};
use super::state::State;
use super::{update, view};
use crate::theme::Theme;
use chrono::{DateTime, Utc};
use futures_util::{Stream, StreamExt};
use ratatui::backend::Backend;
use ratatui::crossterm::event::Event;
use ratatui::Terminal;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;

/// Feed messages applied per frame at most, so keys stay responsive during a big load.
const FEED_BUDGET: usize = 512;

pub struct Io<'a, S> {
    pub input: S,
    pub feed: UnboundedReceiver<Feed>,
    /// Results of effects that ran elsewhere (notebook I/O).
    pub results: UnboundedReceiver<Msg>,
    /// SIGTERM / SIGHUP, as messages.
    pub signals: UnboundedReceiver<()>,
    pub clock: &'a dyn Fn() -> DateTime<Utc>,
    pub effects: &'a mut dyn FnMut(Effect),
}

fn apply(state: &mut State, msg: Msg, io_effects: &mut dyn FnMut(Effect)) {
    for e in update(state, msg) {
        io_effects(e);
    }
}

fn event_msg(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) => Some(Msg::Key(k)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        _ => None,
    }
}

pub async fn run<B, S>(
    terminal: &mut Terminal<B>,
    state: &mut State,
    theme: &Theme,
    mut io: Io<'_, S>,
) -> Result<(), String>
where
    B: Backend,
    S: Stream<Item = std::io::Result<Event>> + Unpin,
{
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    if let Ok(size) = terminal.size() {
        state.size = (size.width, size.height);
    }
    let mut feed_open = true;
    // Feed-driven refreshes are throttled to a fifth of the loop's time: with a million signals
    // a refresh costs seconds, and keys must not queue behind one refresh per file loaded.
    // Commands typed by the user refresh at once (in `update`).
    let mut last_refresh: Option<(std::time::Instant, Duration)> = None;
    loop {
        let due = last_refresh.is_none_or(|(at, cost)| at.elapsed() >= cost * 4);
        if state.dirty && due {
            let t = std::time::Instant::now();
            view::refresh(state);
            last_refresh = Some((t, t.elapsed()));
        }
        if state.clear_screen {
            // Another program had the terminal and the screen is blank now. A blank frame first
            // makes ratatui's idea of the screen match, so the next frame paints every cell.
            // (`Terminal::clear` would ask the terminal for the cursor position, and the input
            // reader swallows the answer.)
            let _ = terminal.draw(|f| f.render_widget(ratatui::widgets::Clear, f.area()));
            state.clear_screen = false;
        }
        terminal
            .draw(|f| crate::ui::draw(f, state, theme))
            .map_err(|e| format!("drawing failed: {e}"))?;
        if state.quit
            || (state.exit_after_first_frame && state.feed.initial_done && !state.store.is_empty())
        {
            return Ok(());
        }
        tokio::select! {
            biased;
            ev = io.input.next() => match ev {
                Some(Ok(ev)) => {
                    if let Some(msg) = event_msg(ev) {
                        apply(state, msg, io.effects);
                    }
                }
                Some(Err(e)) => return Err(format!("terminal input failed: {e}")),
                None => return Ok(()),
            },
            _ = io.signals.recv() => apply(state, Msg::Terminate, io.effects),
            Some(m) = io.results.recv() => apply(state, m, io.effects),
            f = io.feed.recv(), if feed_open => match f {
                Some(f) => {
                    state.now = (io.clock)();
                    apply(state, Msg::Feed(f), io.effects);
                    let mut n = 1;
                    while n < FEED_BUDGET {
                        match io.feed.try_recv() {
                            Ok(f) => apply(state, Msg::Feed(f), io.effects),
                            Err(_) => break,
                        }
                        n += 1;
                    }
                }
                None => feed_open = false,
            },
            _ = tick.tick() => apply(state, Msg::Tick((io.clock)()), io.effects),
        }
    }
}
