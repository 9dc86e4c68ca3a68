//! The console drawn on a TestBackend with the monochrome theme, from the demo scenario at a
//! fixed time: every pane, the detail view, the filter, pivots, help and the palette.

use airc::app::state::{Layout, PaneId};
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
    let mut state = State::new(
        "demo · account 111122223333 · us-east-1 (built-in scenario)",
        Keymap::default_map(),
        now,
    );
    state.ui.size = (w, h);
    let items = demo::scenario(now).unwrap_or_else(|e| panic!("{e}"));
    // Everything delivered, as after the first minute, at a time just after the last event.
    let later = now + chrono::Duration::seconds(demo::LIVE_WINDOW + 5);
    update(
        &mut state,
        Msg::Feed(Feed::Items(items.into_iter().map(|t| t.item).collect())),
    );
    update(&mut state, Msg::Feed(Feed::Loaded));
    update(&mut state, Msg::Tick(later));
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

#[test]
fn grid_of_four_panes_at_160x48() {
    let state = demo_state(160, 48);
    let screen = render(&state);
    for title in [
        "Health (6)",
        "Findings (18)",
        "CloudTrail (80)",
        "Entities (",
    ] {
        assert!(screen.contains(title), "{title} missing:\n{screen}");
    }
    insta::assert_snapshot!("grid_160x48", screen);
}

#[test]
fn each_pane_zoomed_at_80x24() {
    let mut state = demo_state(80, 24);
    key(&mut state, KeyCode::Char('z'));
    assert_eq!(state.view.layout, Layout::Zoomed);
    for (n, pane) in [
        ('1', PaneId::Health),
        ('2', PaneId::GuardDuty),
        ('3', PaneId::CloudTrail),
        ('4', PaneId::Entities),
    ] {
        key(&mut state, KeyCode::Char(n));
        assert_eq!(state.view.focus, pane);
        let screen = render(&state);
        assert!(screen.contains(pane.title()), "{screen}");
        insta::assert_snapshot!(
            format!("zoomed_{}_80x24", pane.title().to_lowercase()),
            screen
        );
    }
}

#[test]
fn detail_view_with_search() {
    let mut state = demo_state(120, 40);
    key(&mut state, KeyCode::Char('2'));
    key(&mut state, KeyCode::Enter);
    keys(&mut state, "/");
    keys(&mut state, "remoteIpDetails");
    key(&mut state, KeyCode::Enter);
    let screen = render(&state);
    assert!(
        screen.contains("Detail ·") && screen.contains("\"remoteIpDetails\""),
        "{screen}"
    );
    insta::assert_snapshot!("detail_guardduty_search", screen);
}

#[test]
fn filter_being_typed_applies_live() {
    let mut state = demo_state(160, 48);
    key(&mut state, KeyCode::Char('3'));
    keys(&mut state, "/sev:>=high user:svc*");
    let screen = render(&state);
    assert!(
        screen.contains("FILTER") && screen.contains("filter: sev:>=high user:svc*"),
        "{screen}"
    );
    let n = state.pane(PaneId::CloudTrail).rows.len();
    assert!(n > 0 && n < 20, "{n} rows");
    insta::assert_snapshot!("filter_cloudtrail", screen);
}

#[test]
fn pivot_on_the_leaked_key_from_a_finding() {
    let mut state = demo_state(160, 48);
    key(&mut state, KeyCode::Char('4'));
    keys(&mut state, "/AKIA4EXAMPLELEAKED01");
    key(&mut state, KeyCode::Enter);
    key(&mut state, KeyCode::Enter);
    assert_eq!(state.view.pivots.len(), 1);
    let health: Vec<String> = state
        .pane(PaneId::Health)
        .rows
        .iter()
        .map(|i| state.view.store.signals()[*i as usize].kind().to_string())
        .collect();
    assert_eq!(health, ["AWS_RISK_CREDENTIALS_EXPOSED"]);
    let screen = render(&state);
    assert!(
        screen.contains("pivot") && screen.contains("access_key:AKIA4EXAMPLELEAKED01"),
        "{screen}"
    );
    insta::assert_snapshot!("pivot_leaked_key", screen);
    key(&mut state, KeyCode::Backspace);
    assert!(state.view.pivots.is_empty());
}

#[test]
fn help_overlay_and_palette() {
    let mut state = demo_state(120, 40);
    keys(&mut state, "?");
    keys(&mut state, "copy");
    let screen = render(&state);
    assert!(
        screen.contains("copy_json") && !screen.contains("focus_next"),
        "{screen}"
    );
    insta::assert_snapshot!("help_search_copy", screen);
    key(&mut state, KeyCode::Esc);
    keys(&mut state, ":zoom");
    let screen = render(&state);
    insta::assert_snapshot!("palette_zoom", screen);
    key(&mut state, KeyCode::Enter);
    assert_eq!(state.view.layout, Layout::Zoomed);
}

#[test]
fn routed_column_and_a_sensitive_signal_hidden_from_an_unlisted_principal() {
    let now = Utc
        .with_ymd_and_hms(2026, 1, 15, 3, 10, 0)
        .single()
        .unwrap_or_default();
    let mut state = State::new("demo", Keymap::default_map(), now);
    state.ui.size = (160, 24);
    state.session.rules = Some(airc::rules::Rules::defaults());
    state.session.principal_override = Some("arn:aws:iam::111122223333:user/intern".into());
    let items = demo::scenario(now).unwrap_or_else(|e| panic!("{e}"));
    update(
        &mut state,
        Msg::Feed(Feed::Items(items.into_iter().map(|t| t.item).collect())),
    );
    update(&mut state, Msg::Feed(Feed::Loaded));
    view::refresh(&mut state);
    key(&mut state, KeyCode::Char('1'));
    key(&mut state, KeyCode::Char('z'));
    let screen = render(&state);
    assert!(
        screen.contains("routed") && screen.contains("→security"),
        "{screen}"
    );
    assert!(
        screen.contains("sensitive: details hidden (rules credentials-exposed)"),
        "{screen}"
    );
    assert!(
        !screen.contains("We have become aware"),
        "the exposure notice stays hidden:\n{screen}"
    );
    insta::assert_snapshot!("routed_and_sensitive_160x24", screen);
    // The detail view says why, and shows no JSON (the billing alarm is the newest row).
    for _ in 0..4 {
        key(&mut state, KeyCode::Char('j'));
    }
    key(&mut state, KeyCode::Enter);
    let detail = render(&state);
    assert!(
        detail.contains("This signal is sensitive") && detail.contains("user/intern"),
        "{detail}"
    );
    assert!(!detail.contains("\"eventTypeCode\""), "{detail}");
}

/// The console on the findings fixtures (Security Hub, Macie, Inspector, Access Analyzer,
/// GuardDuty, alarms and an anomaly), at a fixed time after the last of them.
fn findings_state(w: u16, h: u16) -> State {
    let now = Utc
        .with_ymd_and_hms(2026, 1, 15, 3, 20, 0)
        .single()
        .unwrap_or_default();
    let mut state = State::new("replay · findings", Keymap::default_map(), now);
    state.ui.size = (w, h);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/findings");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    let items = files
        .iter()
        .flat_map(|f| airc::source::replay::read_path(f, Default::default()))
        .flat_map(|o| o.items)
        .collect();
    update(&mut state, Msg::Feed(Feed::Items(items)));
    update(&mut state, Msg::Feed(Feed::Loaded));
    update(&mut state, Msg::Tick(now));
    view::refresh(&mut state);
    state
}

#[test]
fn the_findings_pane_with_every_product_and_monitors_beside_health() {
    let mut state = findings_state(130, 30);
    key(&mut state, KeyCode::Char('2'));
    key(&mut state, KeyCode::Char('z'));
    let screen = render(&state);
    for want in [
        "Findings (9)",
        "product",
        "GuardDuty+",
        "SecHub",
        "Macie",
        "Inspector",
        "AccessAn",
    ] {
        assert!(screen.contains(want), "{want} missing:\n{screen}");
    }
    insta::assert_snapshot!("findings_pane_products_130x30", screen);
    // Filter terms of the new sources.
    keys(&mut state, "/product:macie");
    key(&mut state, KeyCode::Enter);
    assert_eq!(state.pane(PaneId::GuardDuty).rows.len(), 1);
    key(&mut state, KeyCode::Char('x'));
    keys(&mut state, "/source:securityhub workflow:new");
    key(&mut state, KeyCode::Enter);
    assert_eq!(
        state.pane(PaneId::GuardDuty).rows.len(),
        4,
        "control, partner, Inspector's, GuardDuty's OCSF"
    );
    // Alarms and the anomaly are rows of the Health pane, labelled as such.
    key(&mut state, KeyCode::Char('1'));
    let health = render(&state);
    assert!(
        health.contains("alarm: gpu-spend") && health.contains("cost anomaly: Cost anomaly in"),
        "{health}"
    );
    assert_eq!(state.pane(PaneId::Health).rows.len(), 4);
}

#[test]
fn a_findings_detail_view_shows_its_format_s_own_fields() {
    let mut state = findings_state(120, 60);
    key(&mut state, KeyCode::Char('2'));
    keys(&mut state, "/product:macie");
    key(&mut state, KeyCode::Enter);
    key(&mut state, KeyCode::Enter);
    let screen = render(&state);
    for want in [
        "Macie",
        "Bucket",
        "acme-prod-backups (public access: PUBLIC)",
        "PutBucketPolicy (s3.amazonaws.com)",
        "─ JSON ─",
    ] {
        assert!(screen.contains(want), "{want} missing:\n{screen}");
    }
}
