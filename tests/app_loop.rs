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
        // Rows come from a view thread that runs in real time while this test's clock is
        // paused: give it a real second to put the loaded signals on screen (on a busy machine
        // the first keys otherwise met a pane the thread had not filled yet).
        let _ = tokio::task::spawn_blocking(|| std::thread::sleep(Duration::from_secs(1))).await;
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

fn ctrl(c: char) -> std::io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::CONTROL,
    )))
}

/// The prompts through the real loop: a filter with a typo cleared with ctrl-u and retyped (its
/// rejection message gone with it), an incident title's word taken back with ctrl-w.
#[tokio::test(start_paused = true)]
async fn prompts_edit_like_readline_and_a_replaced_filters_message_goes() {
    let start_wall: DateTime<Utc> = Utc::now();
    let start = tokio::time::Instant::now();
    let clock =
        move || start_wall + chrono::Duration::from_std(start.elapsed()).unwrap_or_default();
    let (feed_tx, feed_rx) = unbounded_channel();
    tokio::spawn(airc::source::demo::run(feed_tx, start_wall));
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
        let send = |keys: Vec<std::io::Result<Event>>| {
            for k in keys {
                let _ = key_tx.send(k);
            }
        };
        let typed = |text: &str| text.chars().map(k).collect::<Vec<_>>();
        send(vec![k('3'), k('/')]);
        send(typed("sev:>=bogus"));
        send(vec![code(KeyCode::Enter), ctrl('u')]);
        send(typed("sev:>=high"));
        send(vec![code(KeyCode::Enter)]);
        tokio::time::sleep(Duration::from_millis(200)).await;
        send(vec![k('N')]);
        send(typed("lekaed key"));
        send(vec![ctrl('w'), ctrl('w')]);
        send(typed("leaked key"));
        send(vec![code(KeyCode::Enter)]);
        tokio::time::sleep(Duration::from_millis(200)).await;
        // Out of any prompt left open (a filter that never parsed would take `q` as text).
        send(vec![code(KeyCode::Esc), code(KeyCode::Esc), k('q')]);
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

    let filter = state.pane(PaneId::CloudTrail).filter.as_ref();
    assert_eq!(filter.map(|q| q.text.as_str()), Some("sev:>=high"));
    assert!(
        !state
            .ui
            .toasts
            .iter()
            .any(|t| t.text.contains("filter not applied")),
        "{:?}",
        state.ui.toasts
    );
    let screen = format!("{}", terminal.backend());
    assert!(!screen.contains("filter not applied"), "{screen}");
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::Notebook(airc::notebook::NbOp::Create { title }) if title == "leaked key"
        )),
        "{effects:?}"
    );
}

/// Fails on the session-18 main: with a key always waiting (a responder holding `j`), the
/// loop's biased choice took keys only, and a hunt's rows queued on the results channel never
/// entered the store (a 100,000-row hunt had 387 in when its client finished).
#[tokio::test(start_paused = true)]
async fn keys_always_waiting_do_not_starve_a_hunt_s_rows() {
    let start_wall: DateTime<Utc> = Utc::now();
    let clock = move || start_wall;
    let (_feed_tx, feed_rx) = unbounded_channel();
    // 300 terminal events always waiting (resizes: no key is held back for a view pass), then
    // the end of input, which ends the loop.
    let events: Vec<std::io::Result<Event>> =
        (0..300).map(|_| Ok(Event::Resize(120, 40))).collect();
    let input = futures_util::stream::iter(events).boxed();
    let (_sig_tx, sig_rx) = unbounded_channel();
    let mut record = |_e: Effect| {};
    let mut state = State::new("live", Keymap::default_map(), start_wall);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap_or_else(|e| panic!("{e}"));
    let theme = Theme::default_for(true);
    let (results_tx, results_rx) = unbounded_channel();
    for i in 0..2000 {
        let v = serde_json::json!({"eventVersion":"1.08","eventID":format!("hunt-{i}"),
            "eventTime":"2026-11-28T00:00:01Z","eventSource":"s3.amazonaws.com","eventName":"GetObject",
            "awsRegion":"us-east-1","sourceIPAddress":"198.51.100.9","recipientAccountId":"111122223333",
            "userIdentity":{"type":"IAMUser","accountId":"111122223333","userName":"bert"}});
        let (_, n) = airc::normalize::normalize_record(v, &Default::default())
            .unwrap_or_else(|e| panic!("{e:?}"));
        let _ = results_tx.send(airc::app::msg::Msg::Feed(airc::app::msg::Feed::Items(
            vec![n],
        )));
    }
    let io = Io {
        results: results_rx,
        input,
        feed: feed_rx,
        signals: sig_rx,
        clock: &clock,
        effects: &mut record,
    };
    run(&mut terminal, &mut state, &theme, io)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        state.view.store.len(),
        2000,
        "every queued row entered while the keys were taken"
    );
}
