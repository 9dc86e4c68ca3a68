//! The loop's $EDITOR hand-off: the editor runs with no input stream open (a reader left on the
//! terminal would take the editor's keys), a new stream is made after it, and the text comes
//! back into the note being written. Headless, with a stream that counts its readers.

use airc::app::{Effect, State};
use airc::console::run::Io;
use airc::keymap::Keymap;
use airc::theme::Theme;
use chrono::Utc;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use std::time::Duration;
use tokio::sync::mpsc::unbounded_channel;

fn k(c: char) -> std::io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )))
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
        title_sensitive: None,
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
        let _ = key_tx.send(Ok(Event::Key(KeyEvent::new(
            KeyCode::Esc,
            KeyModifiers::NONE,
        ))));
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
