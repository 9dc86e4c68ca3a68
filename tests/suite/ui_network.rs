//! The Network view on a TestBackend with the monochrome theme, from the demo at a fixed time:
//! conversations ranked by bytes and by rejects, the talkers and ports lists, the flow filter
//! terms, and enter pivoting every pane on an address.

use airc::app::network::Section;
use airc::app::state::{Mode, PaneId};
use airc::app::{update, view, Feed, Msg, State};
use airc::keymap::Keymap;
use airc::source::demo;
use airc::theme::Theme;
use chrono::{TimeZone, Utc};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

fn demo_state(w: u16, h: u16) -> State {
    let now = Utc
        .with_ymd_and_hms(2026, 1, 15, 3, 10, 0)
        .single()
        .unwrap_or_default();
    let mut state = State::new("demo (built-in scenario)", Keymap::default_map(), now);
    state.ui.size = (w, h);
    let items = demo::scenario(now).unwrap_or_else(|e| panic!("{e}"));
    update(
        &mut state,
        Msg::Feed(Feed::Items(items.into_iter().map(|t| t.item).collect())),
    );
    update(&mut state, Msg::Feed(Feed::Loaded));
    update(
        &mut state,
        Msg::Tick(now + chrono::Duration::seconds(demo::LIVE_WINDOW + 5)),
    );
    view::refresh(&mut state);
    state
}

fn key(state: &mut State, code: KeyCode) {
    let mods = match code {
        KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    update(state, Msg::Key(KeyEvent::new(code, mods)));
    if state.view.dirty {
        view::refresh(state);
    }
}

fn keys(state: &mut State, text: &str) {
    for c in text.chars() {
        key(state, KeyCode::Char(c));
    }
}

fn render(state: &State) -> String {
    let mut t = Terminal::new(TestBackend::new(state.ui.size.0, state.ui.size.1))
        .unwrap_or_else(|e| panic!("{e}"));
    let theme = Theme::default_for(true);
    t.draw(|f| airc::ui::draw(f, state, &theme))
        .unwrap_or_else(|e| panic!("{e}"));
    format!("{}", t.backend())
}

fn view(state: &State) -> &airc::app::network::NetworkView {
    match &state.ui.mode {
        Mode::Network(v) => v,
        other => panic!("not the Network view: {}", other.label()),
    }
}

#[test]
fn conversations_ranked_by_bytes_then_by_rejects() {
    let mut state = demo_state(160, 30);
    key(&mut state, KeyCode::Char('6'));
    let v = view(&state);
    assert_eq!(v.section, Section::Conversations);
    // The miners' pool traffic first: the replies carry the most bytes.
    let top = &v.rows.conversations[0];
    assert_eq!(
        top.src.map(|a| a.to_string()).as_deref(),
        Some("198.51.100.77")
    );
    assert_eq!(top.domains, ["pool.minexmr.com"]);
    let bytes: Vec<u64> = v.rows.conversations.iter().map(|c| c.bytes).collect();
    assert!(bytes.windows(2).all(|w| w[0] >= w[1]), "{bytes:?}");
    let screen = render(&state);
    assert!(
        screen.contains("Network · [conversations]") && screen.contains("pool.minexmr.com"),
        "{screen}"
    );
    insta::assert_snapshot!("network_by_bytes", screen);

    key(&mut state, KeyCode::Char('s'));
    let v = view(&state);
    let first = &v.rows.conversations[0];
    assert_eq!(first.rejects(), 1);
    assert_eq!(
        first.src.map(|a| a.to_string()).as_deref(),
        Some("198.51.100.23")
    );
    insta::assert_snapshot!("network_by_rejects", render(&state));
}

#[test]
fn talkers_and_ports() {
    let mut state = demo_state(120, 24);
    keys(&mut state, "6");
    key(&mut state, KeyCode::Tab);
    let v = view(&state);
    assert_eq!(v.section, Section::Talkers);
    // The pool's address talks most: both miners' traffic goes to it.
    assert_eq!(v.rows.talkers[0].addr.to_string(), "198.51.100.77");
    insta::assert_snapshot!("network_talkers", render(&state));
    key(&mut state, KeyCode::Tab);
    let v = view(&state);
    assert_eq!(v.section, Section::Ports);
    // The pool's port from both miners; the replies' ephemeral ports are destinations too.
    let at = v
        .rows
        .ports
        .iter()
        .position(|p| p.port == 3333)
        .unwrap_or_else(|| panic!("{:?}", v.rows.ports));
    assert_eq!(v.rows.ports[at].sources, 2);
    // The scan's ports: one rejected record each.
    assert_eq!(v.rows.ports.iter().filter(|p| p.rejects == 1).count(), 12);
    insta::assert_snapshot!("network_ports", render(&state));
    // Enter on a port narrows the conversations to it.
    for _ in 0..at {
        key(&mut state, KeyCode::Char('j'));
    }
    key(&mut state, KeyCode::Enter);
    let v = view(&state);
    assert_eq!(v.section, Section::Conversations);
    assert_eq!(v.filter.value(), "port:3333 proto:tcp");
    assert_eq!(v.rows.matched, 2);
}

#[test]
fn flow_filter_terms() {
    let mut state = demo_state(160, 30);
    keys(&mut state, "6/action:reject");
    assert!(view(&state).typing);
    assert_eq!(view(&state).rows.matched, 12, "live while typed");
    key(&mut state, KeyCode::Enter);
    let v = view(&state);
    assert!(!v.typing && v.error.is_none());
    assert!(v.rows.conversations.iter().all(|c| c.rejects() == 1));
    // Each term on its own, then a bad one that says why and keeps the rows.
    for (q, n) in [
        ("port:22", 1),
        ("proto:udp", 0),
        ("bytes:>500K", 4),
        ("domain:*minexmr*", 4),
        ("domain:*minexmr* -ip:10.0.3.18", 2),
        ("ip:198.51.100.23 -action:reject", 1),
    ] {
        key(&mut state, KeyCode::Char('x'));
        keys(&mut state, &format!("/{q}"));
        key(&mut state, KeyCode::Enter);
        assert_eq!(view(&state).rows.matched, n, "{q}");
    }
    key(&mut state, KeyCode::Char('x'));
    keys(&mut state, "/bytes:>10Q");
    let v = view(&state);
    assert!(v
        .error
        .as_deref()
        .is_some_and(|e| e.contains("size such as")));
    assert_eq!(v.rows.matched, 17, "the rows before the bad term stay");
    insta::assert_snapshot!("network_filter_error", render(&state));
    key(&mut state, KeyCode::Esc);
    assert_eq!(view(&state).filter.value(), "");
}

#[test]
fn enter_pivots_every_pane_on_the_remote_address() {
    let mut state = demo_state(160, 48);
    keys(&mut state, "6");
    // The miners' own traffic to the pool: the pool is the remote end.
    keys(&mut state, "/port:3333");
    key(&mut state, KeyCode::Enter);
    key(&mut state, KeyCode::Enter);
    assert!(matches!(state.ui.mode, Mode::Normal));
    let pivots: Vec<String> = state.view.pivots.iter().map(|e| e.to_string()).collect();
    assert_eq!(pivots, ["ip:198.51.100.77"]);
    // The Resolver queries that resolved it are what the activity pane keeps.
    let rows = &state.pane(PaneId::CloudTrail).rows;
    assert_eq!(rows.len(), 8);
    assert!(rows.iter().all(|i| state.view.store.signals()[*i as usize]
        .summary()
        .contains("pool.minexmr.com")));
    key(&mut state, KeyCode::Backspace);
    assert!(state.view.pivots.is_empty());
}
