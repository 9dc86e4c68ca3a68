//! Every binding of the default keymap, in every mode it is bound in, does something: it changes
//! the state or asks for an effect, or it is on the list of no-ops below with the reason. A
//! command a mode does not handle falls through to the global ones, so none is swallowed.

use super::keys::context;
use super::msg::{IncidentSummary, Msg};
use super::state::{Mode, PaneId, State};
use super::{commands, update, view, Feed};
use crate::keymap::keys::{Chord, Code};
use crate::keymap::{Command, Context, Keymap};
use crate::model::{Entity, EntityKind};
use crate::notebook::{Entry, EntryKind, Incident, Phase, Priority};
use chrono::{TimeZone, Utc};

/// (command, why it may leave everything as it was). Checked only where that reason holds.
const NO_OPS: &[(Command, &str)] = &[
    (
        Command::FocusHealth,
        "focusing the pane that already has the focus",
    ),
    (
        Command::FocusGuardDuty,
        "focusing the pane that already has the focus",
    ),
    (
        Command::FocusCloudTrail,
        "focusing the pane that already has the focus",
    ),
    (
        Command::FocusEntities,
        "focusing the pane that already has the focus",
    ),
];

/// The reason of a no-op holds in this state.
fn no_op_holds(s: &State, cmd: Command) -> bool {
    let focus = match cmd {
        Command::FocusHealth => PaneId::Health,
        Command::FocusGuardDuty => PaneId::GuardDuty,
        Command::FocusCloudTrail => PaneId::CloudTrail,
        Command::FocusEntities => PaneId::Entities,
        _ => return false,
    };
    NO_OPS.iter().any(|(c, _)| *c == cmd) && s.view.focus == focus
}

/// Cursors and scrolls away from the top, so moves up and down both have somewhere to go; a
/// prompt's line with its cursor in the middle.
fn mid(mut s: State) -> State {
    match &mut s.ui.mode {
        Mode::Detail(d) => d.scroll = 3,
        Mode::Help { cursor, .. }
        | Mode::Palette { cursor, .. }
        | Mode::PivotPick { cursor, .. }
        | Mode::IncidentPick { cursor, .. }
        | Mode::ActionPick { cursor, .. } => *cursor = 1,
        Mode::Notebook { scroll } => *scroll = 2,
        Mode::Stories(v) => {
            v.cursor = 1;
            v.scroll = 3;
        }
        _ => {}
    }
    // The palette's text matches many commands, so its cursor has somewhere to go both ways
    // (with "ab cd" one more command matching left it on the last row).
    let text = if matches!(s.ui.mode, Mode::Palette { .. }) {
        "e o ef"
    } else {
        "ab cd ef"
    };
    if let Some(line) = s.ui.mode.line_mut() {
        // Text on both sides of the cursor and something to paste back: every editing key of a
        // prompt has something to do.
        let mut l = super::line::LineInput::new(text);
        l.command(Command::KillWord);
        l.command(Command::LineStart);
        for _ in 0..3 {
            l.command(Command::CharRight);
        }
        *line = l;
    }
    s
}

pub(super) fn base() -> State {
    let now = Utc
        .with_ymd_and_hms(2026, 1, 15, 3, 10, 0)
        .single()
        .unwrap_or_default();
    let mut s = State::new("demo", Keymap::default_map(), now);
    let items = crate::source::demo::scenario(now).unwrap_or_else(|e| panic!("{e}"));
    update(
        &mut s,
        Msg::Feed(Feed::Items(items.into_iter().map(|t| t.item).collect())),
    );
    update(&mut s, Msg::Feed(Feed::Loaded));
    update(&mut s, Msg::Tick(now + chrono::Duration::seconds(120)));
    // A filter to clear, an incident to write to, a row in the middle.
    s.pane_mut(PaneId::Health).filter = crate::query::parse("e").ok();
    s.session.principal_override =
        Some("arn:aws:sts::111122223333:assumed-role/SecurityResponder/demo".into());
    s.session.rules = Some(crate::rules::Rules::defaults());
    let opened = Entry::now(EntryKind::Opened {
        id: "INC-1".into(),
        title: "walk".into(),
        severity: Priority::P2,
        commander: "tester".into(),
        responders: Vec::new(),
        title_sensitive: None,
    });
    s.notebook.incident = Incident::fold(&[opened]);
    view::refresh(&mut s);
    s.view.focus = PaneId::CloudTrail;
    s.pane_mut(PaneId::CloudTrail).cursor = 2;
    s
}

fn run(s: &mut State, cmd: Command) {
    commands::execute(s, cmd);
    if s.view.dirty {
        view::refresh(s);
    }
}

pub(super) const MODES: usize = 14;

fn with(cmds: &[Command]) -> State {
    let mut s = base();
    for c in cmds {
        run(&mut s, *c);
    }
    s
}

/// Mode `i` of every mode, reached the way a responder reaches it.
pub(super) fn mode(i: usize) -> State {
    match i {
        0 => {
            // The normal mode with a pivot to step out of.
            let mut s = base();
            s.view
                .pivots
                .push(Entity::new(EntityKind::Ip, "203.0.113.66"));
            view::refresh(&mut s);
            s
        }
        1 => with(&[Command::Open]),
        2 => with(&[Command::Open, Command::Search]),
        3 => with(&[Command::Filter]),
        4 => with(&[Command::Help]),
        5 => with(&[Command::Palette]),
        6 => with(&[Command::Pivot]),
        7 => with(&[Command::IncidentNew]),
        8 => with(&[Command::Note]),
        9 => with(&[Command::Notebook]),
        10 => incident_pick(),
        11 => action_pick(),
        12 => action_plan(),
        _ => stories(),
    }
}

/// The Stories view with three stories to move between: the demo's, and two lone critical
/// findings about instances nothing else touches.
fn stories() -> State {
    let mut s = base();
    let finding = s
        .view
        .store
        .signals()
        .iter()
        .find(|x| x.source == crate::model::Source::GuardDuty)
        .cloned()
        .unwrap_or_else(|| panic!("no finding in the demo"));
    let lone = (0..2)
        .map(|i| {
            let mut f = finding.clone();
            f.id = format!("guardduty:lone{i}").into();
            f.severity = crate::model::Severity::Critical;
            f.set_entities(thin_vec::thin_vec![Entity::new(
                EntityKind::Instance,
                format!("i-0123456789abcdef{i}"),
            )]);
            crate::normalize::Normalized::signal(f)
        })
        .collect();
    update(&mut s, Msg::Feed(Feed::Items(lone)));
    run(&mut s, Command::Stories);
    assert!(
        matches!(&s.ui.mode, Mode::Stories(_)) && s.view.stories.len() == 3,
        "{} stories",
        s.view.stories.len()
    );
    s
}

fn incident_pick() -> State {
    let mut pick = base();
    let summary = |id: &str| IncidentSummary {
        id: id.into(),
        title: id.into(),
        severity: Priority::P2,
        phase: Phase::Detected,
    };
    pick.ui.mode = Mode::IncidentPick {
        items: vec![summary("INC-1"), summary("INC-2"), summary("INC-3")],
        cursor: 0,
    };
    pick
}

/// A GuardDuty finding with actions to choose from.
fn action_pick() -> State {
    let mut gd = base();
    run(&mut gd, Command::FocusGuardDuty);
    let rows = gd.pane(PaneId::GuardDuty).rows.len();
    for i in 0..rows {
        gd.pane_mut(PaneId::GuardDuty).cursor = i;
        run(&mut gd, Command::Respond);
        if matches!(gd.ui.mode, Mode::ActionPick { .. }) {
            break;
        }
    }
    assert!(
        matches!(gd.ui.mode, Mode::ActionPick { .. }),
        "{:?}",
        gd.ui.mode
    );
    gd
}

/// A plan to read and confirm.
fn action_plan() -> State {
    let mut plan = action_pick();
    run(&mut plan, Command::Accept);
    assert!(
        matches!(plan.ui.mode, Mode::ActionPlan { .. }),
        "{:?}",
        plan.ui.mode
    );
    plan
}

/// The bindings that reach `mode`: its context's table, then the global one under it (except
/// where typing text), and for the typed-into lists the list table's non-character keys.
fn bindings(k: &Keymap, mode: &Mode) -> Vec<(Vec<Chord>, Command)> {
    let ctx = context(mode);
    let mut out = k.bindings(ctx);
    if !matches!(ctx, Context::Input | Context::Editor) {
        for (keys, cmd) in k.bindings(Context::Global) {
            if !out.iter().any(|(k2, _)| *k2 == keys) {
                out.push((keys, cmd));
            }
        }
    }
    if matches!(mode, Mode::Help { .. } | Mode::Palette { .. }) {
        for (keys, cmd) in k.bindings(Context::List) {
            if !matches!(keys[0].code, Code::Char(_)) && !out.iter().any(|(k2, _)| *k2 == keys) {
                out.push((keys, cmd));
            }
        }
    }
    out
}

#[test]
fn every_binding_does_something_in_every_mode_it_is_bound_in() {
    let keymap = Keymap::default_map();
    let mut silent = Vec::new();
    let mut checked = 0;
    for m in 0..MODES {
        let proto = mid(mode(m));
        let label = proto.ui.mode.label();
        for (keys, cmd) in bindings(&keymap, &proto.ui.mode) {
            let typed = crate::keymap::keys::sequence_to_string(&keys);
            let mut s = mid(mode(m));
            let before = format!("{s:?}");
            let mut effects = Vec::new();
            for chord in &keys {
                effects.extend(update(&mut s, Msg::Key(chord.to_event())));
            }
            checked += 1;
            if effects.is_empty() && format!("{s:?}") == before && !no_op_holds(&s, cmd) {
                silent.push(format!("{label}: {typed} ({cmd})"));
            }
        }
    }
    assert!(checked > 200, "{checked} bindings walked");
    assert!(
        silent.is_empty(),
        "bindings that did nothing:\n{}",
        silent.join("\n")
    );
}
