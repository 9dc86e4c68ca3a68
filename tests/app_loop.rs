//! The whole app loop headless: the demo source on paused tokio time, keys injected through a
//! stream, a TestBackend terminal, effects collected instead of written.

use airc::app::state::PaneId;
use airc::app::{Effect, State};
use airc::console::run::{run, Io};
use airc::keymap::Keymap;
use airc::theme::Theme;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use std::time::Duration;
use tokio::sync::mpsc::unbounded_channel;

fn k(c: char) -> std::io::Result<Event> {
    let mods = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    Ok(Event::Key(KeyEvent::new(KeyCode::Char(c), mods)))
}

fn code(c: KeyCode) -> std::io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(c, KeyModifiers::NONE)))
}

#[tokio::test(start_paused = true)]
async fn demo_arrives_live_keys_drive_the_panes_and_q_quits() {
    let start_wall: DateTime<Utc> = Utc::now();
    let start = tokio::time::Instant::now();
    let clock =
        move || start_wall + chrono::Duration::from_std(start.elapsed()).unwrap_or_default();
    let (feed_tx, feed_rx) = unbounded_channel();
    tokio::spawn(airc::source::demo::run(feed_tx, start_wall));

    // Keys arrive through a channel so the test decides when.
    let (key_tx, key_rx) = unbounded_channel::<std::io::Result<Event>>();
    let input =
        futures_util::stream::unfold(
            key_rx,
            |mut rx| async move { rx.recv().await.map(|e| (e, rx)) },
        )
        .boxed();
    let (_sig_tx, sig_rx) = unbounded_channel();
    let mut effects: Vec<Effect> = Vec::new();
    let mut record = |e: Effect| effects.push(e);
    let mut state = State::new("demo", Keymap::default_map(), start_wall);
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap_or_else(|e| panic!("{e}"));
    let theme = Theme::default_for(true);

    let driver = async {
        tokio::time::sleep(Duration::from_secs(2)).await;
        // Before the live window ends, some events are still to come.
        for ev in [k('2'), k('y'), k('4'), k('/')] {
            let _ = key_tx.send(ev);
        }
        for c in "AKIA4EXAMPLELEAKED01".chars() {
            let _ = key_tx.send(k(c));
        }
        let _ = key_tx.send(code(KeyCode::Enter));
        let _ = key_tx.send(code(KeyCode::Enter));
        // Let the rest of the story arrive (paused time jumps ahead).
        tokio::time::sleep(Duration::from_secs(90)).await;
        let _ = key_tx.send(k('q'));
    };
    let (_results_tx, results_rx) = unbounded_channel();
    let io = Io {
        results: results_rx,
        input,
        feed: feed_rx,
        signals: sig_rx,
        clock: &clock,
        effects: &mut record,
    };
    let (result, ()) = tokio::join!(run(&mut terminal, &mut state, &theme, io), driver);
    result.unwrap_or_else(|e| panic!("{e}"));

    assert!(state.ui.quit);
    assert_eq!(state.session.feed.pending, 0, "every live event arrived");
    assert!(
        state.view.store.len() >= 79,
        "{} signals",
        state.view.store.len()
    );
    assert_eq!(state.view.focus, PaneId::Entities);
    assert_eq!(state.view.pivots.len(), 1, "pivoted on the leaked key");
    // Copying the GuardDuty finding id and the bell for High arrivals reached the effects.
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Copy(id) if id.len() == 32)),
        "{effects:?}"
    );
    assert!(
        effects.contains(&Effect::Bell),
        "a High/Critical signal arrived live: {effects:?}"
    );
    let screen = format!("{}", terminal.backend());
    assert!(
        screen.contains("access_key:AKIA4EXAMPLELEAKED01"),
        "{screen}"
    );
}

/// Keys from a shared channel; counts the streams alive (a stream is a reader on the terminal).
struct Keys {
    rx: std::sync::Arc<
        std::sync::Mutex<tokio::sync::mpsc::UnboundedReceiver<std::io::Result<Event>>>,
    >,
    alive: std::sync::Arc<std::sync::atomic::AtomicIsize>,
}

impl Keys {
    fn new(k: &Keys) -> Keys {
        k.alive.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Keys {
            rx: k.rx.clone(),
            alive: k.alive.clone(),
        }
    }
}

impl Drop for Keys {
    fn drop(&mut self) {
        self.alive.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

impl futures_util::Stream for Keys {
    type Item = std::io::Result<Event>;
    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        match self.rx.lock() {
            Ok(mut rx) => rx.poll_recv(cx),
            Err(_) => std::task::Poll::Ready(None),
        }
    }
}

#[tokio::test(start_paused = true)]
async fn the_editor_runs_with_no_input_stream_open_and_its_text_comes_back() {
    use airc::notebook::{Entry, EntryKind, Incident, Priority};
    use std::sync::atomic::{AtomicIsize, Ordering};
    let now = Utc::now();
    let (key_tx, key_rx) = unbounded_channel::<std::io::Result<Event>>();
    let alive = std::sync::Arc::new(AtomicIsize::new(1));
    let first = Keys {
        rx: std::sync::Arc::new(std::sync::Mutex::new(key_rx)),
        alive: alive.clone(),
    };
    let template = Keys::new(&first);
    alive.fetch_sub(1, Ordering::SeqCst); // the template is not a reader
    let mut state = State::new("demo", Keymap::default_map(), now);
    state.notebook.incident = Incident::fold(&[Entry::now(EntryKind::Opened {
        id: "IR-1".into(),
        title: "editor".into(),
        severity: Priority::P2,
        commander: "t".into(),
        responders: Vec::new(),
    })]);
    let mut readers_during_edit = Vec::new();
    let mut suspend = |text: &str| {
        readers_during_edit.push(alive.load(Ordering::SeqCst));
        Ok(format!("{text} and more from the editor"))
    };
    let reopen = || Keys::new(&template);
    let hand_off = airc::console::run::HandOff {
        suspend: &mut suspend,
        reopen: &reopen,
    };
    let (_feed_tx, feed_rx) = unbounded_channel();
    let (_sig_tx, sig_rx) = unbounded_channel();
    let (_results_tx, results_rx) = unbounded_channel();
    let mut effects: Vec<Effect> = Vec::new();
    let mut record = |e: Effect| effects.push(e);
    let clock = Utc::now;
    let io = Io {
        results: results_rx,
        input: first,
        feed: feed_rx,
        signals: sig_rx,
        clock: &clock,
        effects: &mut record,
    };
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap_or_else(|e| panic!("{e}"));
    let theme = Theme::default_for(true);
    let driver = async {
        for ev in [k('a'), k('h'), k('i')] {
            let _ = key_tx.send(ev);
        }
        let _ = key_tx.send(Ok(Event::Key(KeyEvent::new(
            KeyCode::Char('e'),
            KeyModifiers::CONTROL,
        ))));
        tokio::time::sleep(Duration::from_secs(2)).await;
        let _ = key_tx.send(code(KeyCode::Esc));
        let _ = key_tx.send(k('q'));
    };
    let (result, ()) = tokio::join!(
        airc::console::run::run_with(
            &mut terminal,
            &mut state,
            &theme,
            io,
            airc::console::run::LoopOptions {
                hand_off: Some(hand_off),
                exit_after_first_frame: false
            }
        ),
        driver
    );
    result.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        readers_during_edit,
        vec![0],
        "no input stream while the editor ran"
    );
    assert_eq!(state.notebook.draft, "hi and more from the editor");
    assert!(
        !effects.iter().any(|e| matches!(
            e,
            Effect::Notebook(airc::app::msg::NbOp::EditExternal { .. })
        )),
        "the loop ran the editor itself"
    );
}
