//! The event loop: one task owns the state and selects over terminal input, source feeds, a
//! slow tick and termination signals. It drains what is queued, then draws once.

use crate::app::msg::{Effect, Feed, Msg};
use crate::app::state::{Mode, State};
use crate::app::{update, view, view_worker};
use crate::theme::Theme;
use chrono::{DateTime, Utc};
use futures_util::{Stream, StreamExt};
use ratatui::backend::Backend;
use ratatui::crossterm::event::Event;
use ratatui::Terminal;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;

/// Time spent applying feed messages before the loop looks at keys again and draws, so a key
/// pressed during a big load waits at most this long plus one frame.
const FEED_BUDGET: Duration = Duration::from_millis(8);

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

/// Longest a key waits for the rows of a new query.
const HOLD_AT_MOST: Duration = Duration::from_secs(3);

/// The rows on screen are not yet those of the current filters, pivots and sorts.
fn rows_stale(state: &State, shown: Option<&view::ViewQuery>) -> bool {
    shown.is_none_or(|s| !s.same(&view::ViewQuery::of(state)))
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
    // Rows are filtered and sorted on a background thread. A pass runs until it finishes unless
    // the query changes (then a new pass replaces it at once); data that arrives meanwhile is
    // picked up by the next pass, so a long load never starves the view of results.
    let mut worker = view_worker::ViewWorker::spawn()
        .map_err(|e| format!("cannot start the view thread: {e}"))?;
    state.background_view = true;
    let mut running: Option<view::ViewQuery> = None;
    // The query whose complete rows are on screen. Until the rows for a new query (a filter
    // just typed, a pivot) are in, keys of the normal mode wait in `held`: Enter must pivot on
    // the row the responder sees once the filter has applied, not on the row that was there.
    // Keys typed into the filter itself are never held. A pass that never answers (it always
    // does) would release them after HOLD_AT_MOST.
    let mut shown: Option<view::ViewQuery> = None;
    let mut held: std::collections::VecDeque<Msg> = Default::default();
    let mut held_since: Option<std::time::Instant> = None;
    loop {
        while !held.is_empty()
            && (!rows_stale(state, shown.as_ref())
                || held_since.is_some_and(|t| t.elapsed() > HOLD_AT_MOST))
        {
            if let Some(m) = held.pop_front() {
                apply(state, m, io.effects);
            }
        }
        if held.is_empty() {
            held_since = None;
        }
        if state.dirty {
            let query = view::ViewQuery::of(state);
            if running.as_ref().is_none_or(|r| !r.same(&query)) {
                state.view_gen += 1;
                worker.submit(view::ViewJob::from_state(state, state.view_gen));
                running = Some(query);
                state.dirty = false;
            }
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
        let rows_shown = state.panes.iter().any(|p| !p.rows.is_empty());
        if state.quit || (state.exit_after_first_frame && state.feed.initial_done && rows_shown) {
            return Ok(());
        }
        tokio::select! {
            biased;
            ev = io.input.next() => match ev {
                Some(Ok(ev)) => {
                    if let Some(msg) = event_msg(ev) {
                        let hold = matches!(msg, Msg::Key(_))
                            && (!held.is_empty()
                                || (state.mode == Mode::Normal
                                    && rows_stale(state, shown.as_ref())));
                        if hold {
                            held_since.get_or_insert_with(std::time::Instant::now);
                            held.push_back(msg);
                        } else {
                            apply(state, msg, io.effects);
                        }
                    }
                }
                Some(Err(e)) => return Err(format!("terminal input failed: {e}")),
                None => return Ok(()),
            },
            _ = io.signals.recv() => apply(state, Msg::Terminate, io.effects),
            Some(m) = io.results.recv() => apply(state, m, io.effects),
            Some(r) = worker.results.recv() => {
                if r.is_final() && r.gen == state.view_gen {
                    shown = running.take();
                }
                view::apply(state, r);
            }
            f = io.feed.recv(), if feed_open => match f {
                Some(f) => {
                    state.now = (io.clock)();
                    let t = std::time::Instant::now();
                    apply(state, Msg::Feed(f), io.effects);
                    while t.elapsed() < FEED_BUDGET {
                        match io.feed.try_recv() {
                            Ok(f) => apply(state, Msg::Feed(f), io.effects),
                            Err(_) => break,
                        }
                    }
                }
                None => feed_open = false,
            },
            _ = tick.tick() => apply(state, Msg::Tick((io.clock)()), io.effects),
        }
    }
}
