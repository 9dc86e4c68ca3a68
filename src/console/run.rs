//! The event loop: one task owns the state and selects over terminal input, source feeds, a
//! slow tick and termination signals. It drains what is queued, then draws once.

use crate::app::msg::{Effect, Feed, Msg, NbMsg, NbOp};
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
/// What each turn of the loop also takes in of the queued results and feed, whatever woke it.
const FAIR_SHARE: Duration = Duration::from_millis(4);

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

/// Hands the terminal to another program ($EDITOR) and takes it back: the console's part of
/// `NbOp::EditExternal`. `suspend` leaves raw mode and the alternate screen, runs the editor,
/// and re-enters them; `reopen` makes a new input stream.
pub struct HandOff<'a, S> {
    pub suspend: &'a mut dyn FnMut(&str) -> Result<String, String>,
    pub reopen: &'a dyn Fn() -> S,
}

/// How the loop runs, beyond its inputs: the console's, not the state's.
pub struct LoopOptions<'a, S> {
    /// $EDITOR as a step of the loop (None: `EditExternal` goes to the effects like the rest).
    pub hand_off: Option<HandOff<'a, S>>,
    /// Measurement aid: stop after the first frame that shows data.
    pub exit_after_first_frame: bool,
}

impl<S> Default for LoopOptions<'_, S> {
    fn default() -> Self {
        LoopOptions {
            hand_off: None,
            exit_after_first_frame: false,
        }
    }
}

fn apply(state: &mut State, msg: Msg, io: &mut Effects<'_>) {
    for e in update(state, msg) {
        match e {
            Effect::Notebook(NbOp::EditExternal { text }) if io.edit_in_loop => {
                io.edit = Some(text);
            }
            e => (io.run)(e),
        }
    }
}

/// Where `update`'s effects go: the console's runner, except an editor hand-off, which the
/// loop does itself between two events (it must drop the input stream first).
struct Effects<'a> {
    run: &'a mut dyn FnMut(Effect),
    edit_in_loop: bool,
    edit: Option<String>,
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

/// The next terminal event; pending for ever while the stream is handed off.
async fn next_event<S>(input: &mut Option<S>) -> Option<std::io::Result<Event>>
where
    S: Stream<Item = std::io::Result<Event>> + Unpin,
{
    match input {
        Some(s) => s.next().await,
        None => std::future::pending().await,
    }
}

/// The loop without an editor hand-off (`EditExternal` goes to `io.effects` like any effect).
pub async fn run<B, S>(
    terminal: &mut Terminal<B>,
    state: &mut State,
    theme: &Theme,
    io: Io<'_, S>,
) -> Result<(), String>
where
    B: Backend,
    S: Stream<Item = std::io::Result<Event>> + Unpin,
{
    run_with(terminal, state, theme, io, LoopOptions::default()).await
}

/// The loop. With a `hand_off`, $EDITOR runs as a step of the loop: the input stream is dropped
/// first (crossterm's reader thread would otherwise take the editor's keys), the editor runs,
/// a new stream is made, and the text comes back as `NbMsg::Edited`.
pub async fn run_with<B, S>(
    terminal: &mut Terminal<B>,
    state: &mut State,
    theme: &Theme,
    io: Io<'_, S>,
    opts: LoopOptions<'_, S>,
) -> Result<(), String>
where
    B: Backend,
    S: Stream<Item = std::io::Result<Event>> + Unpin,
{
    let Io {
        input,
        mut feed,
        mut results,
        mut signals,
        clock,
        effects,
    } = io;
    let mut input = Some(input);
    let mut hand_off = opts.hand_off;
    let mut fx = Effects {
        run: effects,
        edit_in_loop: hand_off.is_some(),
        edit: None,
    };
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    if let Ok(size) = terminal.size() {
        state.ui.size = (size.width, size.height);
    }
    let mut feed_open = true;
    // Rows are filtered and sorted on a background thread. A pass runs until it finishes unless
    // the query changes (then a new pass replaces it at once); data that arrives meanwhile is
    // picked up by the next pass, so a long load never starves the view of results.
    let mut worker = view_worker::ViewWorker::spawn()
        .map_err(|e| format!("cannot start the view thread: {e}"))?;
    state.view.background = true;
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
        if let (Some(text), Some(h)) = (fx.edit.take(), hand_off.as_mut()) {
            // No reader may be left on the terminal while the editor has it.
            drop(input.take());
            let edited = (h.suspend)(&text);
            input = Some((h.reopen)());
            state.ui.clear_screen = true;
            apply(state, Msg::Notebook(NbMsg::Edited(edited)), &mut fx);
        }
        while !held.is_empty()
            && (!rows_stale(state, shown.as_ref())
                || held_since.is_some_and(|t| t.elapsed() > HOLD_AT_MOST))
        {
            if let Some(m) = held.pop_front() {
                apply(state, m, &mut fx);
            }
        }
        if held.is_empty() {
            held_since = None;
        }
        if state.view.dirty {
            let query = view::ViewQuery::of(state);
            if running.as_ref().is_none_or(|r| !r.same(&query)) {
                state.view.view_gen += 1;
                worker.submit(view::ViewJob::from_state(state, state.view.view_gen));
                running = Some(query);
                state.view.dirty = false;
            }
        }
        if state.ui.clear_screen {
            // Another program had the terminal and the screen is blank now. A blank frame first
            // makes ratatui's idea of the screen match, so the next frame paints every cell.
            // (`Terminal::clear` would ask the terminal for the cursor position, and the input
            // reader swallows the answer.)
            let _ = terminal.draw(|f| f.render_widget(ratatui::widgets::Clear, f.area()));
            state.ui.clear_screen = false;
        }
        terminal
            .draw(|f| crate::ui::draw(f, state, theme))
            .map_err(|e| format!("drawing failed: {e}"))?;
        let rows_shown = state.view.panes.iter().any(|p| !p.rows.is_empty());
        if state.ui.quit
            || (opts.exit_after_first_frame && state.session.feed.initial_done && rows_shown)
        {
            return Ok(());
        }
        tokio::select! {
            biased;
            ev = next_event(&mut input) => match ev {
                Some(Ok(ev)) => {
                    // The loop owns the clock: notes and pins are stamped with the time of
                    // their key, and `update` reads no clock itself.
                    state.now = clock();
                    if let Some(msg) = event_msg(ev) {
                        let hold = matches!(msg, Msg::Key(_))
                            && (!held.is_empty()
                                || (state.ui.mode == Mode::Normal
                                    && rows_stale(state, shown.as_ref())));
                        if hold {
                            held_since.get_or_insert_with(std::time::Instant::now);
                            held.push_back(msg);
                        } else {
                            apply(state, msg, &mut fx);
                        }
                    }
                }
                Some(Err(e)) => return Err(format!("terminal input failed: {e}")),
                None => return Ok(()),
            },
            _ = signals.recv() => apply(state, Msg::Terminate, &mut fx),
            Some(m) = results.recv() => {
                // Effects' results too are taken in batches within the feed's budget (a hunt
                // sends its rows as many messages): one frame for what is queued, not one each.
                let t = std::time::Instant::now();
                apply(state, m, &mut fx);
                take_queued(&mut results, t, FEED_BUDGET, |m| apply(state, m, &mut fx));
            }
            Some(r) = worker.results.recv() => {
                if r.is_final() && r.gen == state.view.view_gen {
                    shown = running.take();
                }
                apply(state, Msg::View(Box::new(r)), &mut fx);
            }
            f = feed.recv(), if feed_open => match f {
                Some(f) => {
                    state.now = clock();
                    let t = std::time::Instant::now();
                    apply(state, Msg::Feed(f), &mut fx);
                    take_queued(&mut feed, t, FEED_BUDGET, |f| {
                        apply(state, Msg::Feed(f), &mut fx)
                    });
                }
                None => feed_open = false,
            },
            _ = tick.tick() => apply(state, Msg::Tick(clock()), &mut fx),
        }
        // Keys come first, but never only keys: with one always waiting (a held key, a fast
        // typist, a paste) the biased choice above would take nothing else, and a hunt's rows
        // or a load would wait behind them without end. Each turn also takes in what is
        // queued, for a share of the feed's budget.
        let t = std::time::Instant::now();
        take_queued(&mut results, t, FAIR_SHARE, |m| apply(state, m, &mut fx));
        if feed_open {
            let t = std::time::Instant::now();
            take_queued(&mut feed, t, FAIR_SHARE, |f| {
                state.now = clock();
                apply(state, Msg::Feed(f), &mut fx)
            });
        }
    }
}

/// Hands `each` what is queued on `rx` until `budget` has passed since `started`.
fn take_queued<T>(
    rx: &mut UnboundedReceiver<T>,
    started: std::time::Instant,
    budget: Duration,
    mut each: impl FnMut(T),
) {
    while started.elapsed() < budget {
        match rx.try_recv() {
            Ok(x) => each(x),
            Err(_) => break,
        }
    }
}
