//! The Network view: flow conversations ranked by bytes or rejected records, the top talkers
//! and ports, with its own filter (`port:`, `proto:`, `action:reject`, `bytes:>10M`,
//! `domain:`, addresses and free text). Enter on an address's row pivots every pane on that
//! address, like any other pivot; on a port's row it narrows the conversations to that port.

use super::msg::Effect;
pub use super::network_rows::{ConvRow, PortRow, Rank, Rows, TalkerRow};
use super::state::{LineInput, Mode, PaneId, State};
use crate::keymap::Command;
use crate::model::{Entity, EntityKind};
use std::net::IpAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Conversations,
    Talkers,
    Ports,
}

impl Section {
    pub const ALL: [Section; 3] = [Section::Conversations, Section::Talkers, Section::Ports];

    pub fn label(self) -> &'static str {
        match self {
            Section::Conversations => "conversations",
            Section::Talkers => "talkers",
            Section::Ports => "ports",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NetworkView {
    pub section: Section,
    pub rank: Rank,
    pub cursor: usize,
    /// The filter as typed; `typing` while the prompt is open.
    pub filter: LineInput,
    pub typing: bool,
    pub error: Option<String>,
    pub rows: Rows,
    /// The store's flow records and conversations when the rows were built.
    built_at: (u64, usize, usize),
    /// When the rows were last rebuilt.
    synced: Option<chrono::DateTime<chrono::Utc>>,
}

impl NetworkView {
    pub fn len(&self) -> usize {
        match self.section {
            Section::Conversations => self.rows.conversations.len(),
            Section::Talkers => self.rows.talkers.len(),
            Section::Ports => self.rows.ports.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn stamp(state: &State) -> (u64, usize, usize) {
    let store = &state.view.store;
    (store.flows().records, store.flows().len(), store.len())
}

/// Rebuilds the rows from the store and the filter text (a filter that does not parse keeps
/// the rows and says why).
fn rebuild(state: &mut State) {
    let stamp = stamp(state);
    let Mode::Network(v) = &state.ui.mode else {
        return;
    };
    let text = v.filter.value().to_string();
    let rank = v.rank;
    let query = match crate::query::parse(&text) {
        Ok(q) => q,
        Err(e) => {
            let why = e.to_string();
            if let Mode::Network(v) = &mut state.ui.mode {
                v.error = Some(why);
            }
            return;
        }
    };
    let visible = |s: &crate::model::Signal| !super::routing::is_hidden(state, s);
    let rows = super::network_rows::build(
        &state.view.store,
        (!query.is_empty()).then_some(&query),
        rank,
        &visible,
    );
    if let Mode::Network(v) = &mut state.ui.mode {
        v.rows = rows;
        v.error = None;
        v.built_at = stamp;
        v.synced = Some(state.now);
        v.cursor = v.cursor.min(v.len().saturating_sub(1));
    }
}

pub fn open(state: &mut State) {
    state.ui.mode = Mode::Network(Box::new(NetworkView {
        section: Section::Conversations,
        rank: Rank::Bytes,
        cursor: 0,
        filter: LineInput::default(),
        typing: false,
        error: None,
        rows: Rows::default(),
        built_at: (0, 0, 0),
        synced: None,
    }));
    rebuild(state);
}

/// After new data: the open view's rows again, when the store's flows or signals changed
/// (at most once a second while a load pours in).
pub fn sync(state: &mut State) {
    let now = stamp(state);
    let Mode::Network(v) = &state.ui.mode else {
        return;
    };
    if v.built_at == now || v.typing {
        return;
    }
    let recent = v
        .synced
        .is_some_and(|t| state.now - t < chrono::Duration::seconds(1));
    if recent && state.session.feed.is_loading() {
        return;
    }
    rebuild(state);
}

/// After the prompt's line changed: the rows for what is typed so far.
pub fn edited(state: &mut State) {
    rebuild(state);
}

/// The address a conversation is about: the outside one (the remote end a responder pivots
/// on), else its destination.
fn remote(r: &ConvRow) -> Option<IpAddr> {
    let public = |a: &IpAddr| crate::stories::strong(&Entity::new(EntityKind::Ip, a.to_string()));
    match (r.src, r.dst) {
        (Some(s), Some(d)) if !public(&d) && public(&s) => Some(s),
        (s, d) => d.or(s),
    }
}

fn pivot(state: &mut State, addr: IpAddr) {
    let e = Entity::new(EntityKind::Ip, addr.to_string());
    state.toast(format!("pivot: {e}"), false);
    if !state.view.pivots.contains(&e) {
        state.view.pivots.push(e);
        for p in PaneId::ALL {
            state.pane_mut(p).cursor = 0;
        }
        state.view.dirty = true;
    }
    state.ui.mode = Mode::Normal;
}

fn open_row(state: &mut State) {
    let Mode::Network(v) = &mut state.ui.mode else {
        return;
    };
    let addr = match v.section {
        Section::Conversations => v.rows.conversations.get(v.cursor).and_then(remote),
        Section::Talkers => v.rows.talkers.get(v.cursor).map(|t| t.addr),
        Section::Ports => {
            let Some(p) = v.rows.ports.get(v.cursor) else {
                state.toast("no row to open", false);
                return;
            };
            let text = format!(
                "port:{} proto:{}",
                p.port,
                crate::query::flow::proto_label(p.protocol)
            );
            v.filter = text.into();
            v.section = Section::Conversations;
            v.cursor = 0;
            rebuild(state);
            return;
        }
    };
    match addr {
        Some(a) => pivot(state, a),
        None => state.toast("no address on this row to pivot on", false),
    }
}

fn list_move(v: &mut NetworkView, cmd: Command, page: usize) {
    let last = v.len().saturating_sub(1);
    v.cursor = match cmd {
        Command::Up => v.cursor.saturating_sub(1),
        Command::Down => (v.cursor + 1).min(last),
        Command::PageUp => v.cursor.saturating_sub(page),
        Command::PageDown => (v.cursor + page).min(last),
        Command::Top => 0,
        _ => last,
    };
}

/// Commands in the Network view (its filter prompt too); `None` for the ones it leaves to the
/// global layer.
pub fn execute(state: &mut State, cmd: Command) -> Option<Vec<Effect>> {
    let page = usize::from(state.ui.size.1 / 2).max(5);
    let Mode::Network(v) = &mut state.ui.mode else {
        return None;
    };
    if v.typing {
        match cmd {
            Command::Accept => v.typing = v.error.is_some(),
            Command::Cancel | Command::Close => {
                v.typing = false;
                v.filter = LineInput::default();
                rebuild(state);
            }
            _ => return None,
        }
        return Some(Vec::new());
    }
    match cmd {
        Command::Up
        | Command::Down
        | Command::PageUp
        | Command::PageDown
        | Command::Top
        | Command::Bottom => list_move(v, cmd, page),
        Command::FocusNext | Command::FocusPrev => {
            let i = Section::ALL
                .iter()
                .position(|s| *s == v.section)
                .unwrap_or(0);
            let n = Section::ALL.len();
            let j = if cmd == Command::FocusNext {
                i + 1
            } else {
                i + n - 1
            } % n;
            v.section = Section::ALL[j];
            v.cursor = 0;
        }
        Command::SortNext | Command::SortReverse => {
            v.rank = match v.rank {
                Rank::Bytes => Rank::Rejects,
                Rank::Rejects => Rank::Bytes,
            };
            v.cursor = 0;
            let label = format!("network ranked by {}", v.rank.label());
            rebuild(state);
            state.toast(label, false);
        }
        Command::Filter | Command::FilterAll => v.typing = true,
        Command::ClearFilter => {
            v.filter = LineInput::default();
            rebuild(state);
        }
        Command::Open | Command::Accept => open_row(state),
        Command::Close | Command::Cancel | Command::Network => state.ui.mode = Mode::Normal,
        Command::Quit => state.ui.quit = true,
        _ => return None,
    }
    Some(Vec::new())
}
