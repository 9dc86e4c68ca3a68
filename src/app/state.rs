//! Everything the console knows, owned by one task, in four parts: the view, the notebook, the
//! session and the screen's own state. Drawing reads it; only `update` changes it.

pub use super::line::LineInput;
pub use super::pane::{EntityRow, Layout, PaneId, PaneView, SortKey};
use crate::keymap::keys::Chord;
use crate::keymap::Keymap;
use crate::model::{Entity, Signal};
use crate::query::Query;
use crate::store::Store;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub struct DetailState {
    pub signal_id: String,
    pub lines: Vec<String>,
    pub scroll: usize,
    pub search: String,
    pub matches: Vec<usize>,
    pub current: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Normal,
    /// Typing a filter; applied live while it parses.
    Filter {
        all: bool,
        text: LineInput,
        error: Option<String>,
    },
    Detail(Box<DetailState>),
    /// Typing a search inside the detail view.
    DetailSearch(Box<DetailState>, LineInput),
    Help {
        query: LineInput,
        cursor: usize,
    },
    Palette {
        query: LineInput,
        cursor: usize,
    },
    PivotPick {
        entities: Vec<Entity>,
        cursor: usize,
        back: Box<Mode>,
    },
    /// Typing the title of a new incident.
    NewIncident {
        title: LineInput,
    },
    /// Writing a note; the text is `State::draft` so closing never loses it.
    Note {
        from_notebook: bool,
    },
    Notebook {
        scroll: usize,
    },
    IncidentPick {
        items: Vec<crate::app::msg::IncidentSummary>,
        cursor: usize,
    },
    /// The attack stories, ranked, and the selected one's timeline.
    Stories(Box<super::stories::StoriesView>),
    /// Choosing a response action for the row it was opened on (`origin`: focus and cursor
    /// moves while it is open change nothing of what the plan acts on).
    ActionPick {
        items: Vec<PickItem>,
        cursor: usize,
        origin: Box<PickOrigin>,
    },
    /// A story's recovery checklist (`U` in the Stories view).
    Recovery(Box<super::recovery::RecoveryView>),
    /// Reading a plan; `typed` is the confirmation being typed.
    ActionPlan {
        plan: Box<crate::respond::plan::Plan>,
        typed: LineInput,
        error: Option<String>,
    },
    /// Reading a hunt's query before it runs (`State::hunts`).
    HuntPreview,
    /// Flow conversations, top talkers and ports (`network.rs`).
    Network(Box<super::network::NetworkView>),
}

/// One choice of the action picker: an action, its target, and the entity the target was made
/// from (its account binds the plan; `None` for the finding or the signal itself).
#[derive(Debug, Clone, PartialEq)]
pub struct PickItem {
    pub action: crate::respond::Action,
    pub target: crate::respond::Target,
    pub entity: Option<Entity>,
}

/// What the action picker was opened on, fixed when it opens: a row's signal (by id), or an
/// Entities row's entity.
#[derive(Debug, Clone, PartialEq)]
pub struct PickOrigin {
    pub signal: Option<String>,
    pub entity: Option<Entity>,
}

impl Mode {
    /// The line being typed, when this mode is a prompt (every mode of the `[input]` keys).
    pub fn line_mut(&mut self) -> Option<&mut LineInput> {
        match self {
            Mode::Filter { text, .. } | Mode::DetailSearch(_, text) => Some(text),
            Mode::Help { query, .. } | Mode::Palette { query, .. } => Some(query),
            Mode::NewIncident { title } => Some(title),
            Mode::ActionPlan { typed, .. } => Some(typed),
            Mode::Network(v) if v.typing => Some(&mut v.filter),
            _ => None,
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Mode::Normal => "NORMAL",
            Mode::Filter { .. } => "FILTER",
            Mode::Detail(_) => "DETAIL",
            Mode::DetailSearch(..) => "SEARCH",
            Mode::Help { .. } => "HELP",
            Mode::Palette { .. } => "PALETTE",
            Mode::PivotPick { .. } => "PIVOT",
            Mode::NewIncident { .. } => "NEW INCIDENT",
            Mode::Note { .. } => "NOTE",
            Mode::Notebook { .. } => "NOTEBOOK",
            Mode::Stories(_) => "STORIES",
            Mode::IncidentPick { .. } => "INCIDENTS",
            Mode::ActionPick { .. } => "ACTION",
            Mode::Recovery(_) => "RECOVERY",
            Mode::ActionPlan { .. } => "PLAN",
            Mode::HuntPreview => "HUNT",
            Mode::Network(v) if v.typing => "NETWORK FILTER",
            Mode::Network(_) => "NETWORK",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub text: String,
    pub error: bool,
    pub until: DateTime<Utc>,
    /// The prompt (its mode's label) whose key raised it, e.g. a filter that does not parse: it
    /// goes when that prompt's text changes (it would be about text no longer there).
    pub about: Option<&'static str>,
}

/// What the feed has said about loading.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedStatus {
    /// (files done, files total) while a replay loads.
    pub loading: Option<(usize, usize)>,
    /// Demo events still to arrive.
    pub pending: usize,
    /// Files that failed, with their first error.
    pub failed: Vec<String>,
    pub last_update: Option<DateTime<Utc>>,
    /// The initial load is complete: later arrivals are "new" and may ring the bell.
    pub initial_done: bool,
}

impl FeedStatus {
    /// Files are still being read: the initial load, or a replay under way.
    pub fn is_loading(&self) -> bool {
        !self.initial_done || self.loading.is_some()
    }
}

/// What is shown and how: the store, the panes' rows, cursors, sorts and filters, pivots.
#[derive(Debug)]
pub struct ViewState {
    pub store: Store,
    pub panes: [PaneView; 4],
    pub focus: PaneId,
    pub layout: Layout,
    /// The layout to return to when un-zooming.
    pub unzoomed: Layout,
    /// Pivot breadcrumb: every pane shows only signals touching all of these.
    pub pivots: Vec<Entity>,
    /// Every pane shows only this story's signals (with the entity pivots on top).
    pub story_pivot: Option<super::stories::StoryPivot>,
    /// The stories as last ranked (for the Stories view), and the store's stories version then.
    pub stories: Vec<crate::stories::Story>,
    pub stories_version: Option<u64>,
    /// When the stories were last re-ranked or the story pivot re-read: at most once a second
    /// while data pours in (ranking a million events' stories takes tens of milliseconds).
    pub stories_synced: Option<DateTime<Utc>>,
    pub global_filter: Option<Query>,
    /// The rows are out of date (data, filters, pivots or sorts changed).
    pub dirty: bool,
    /// The generation of the latest view pass asked for; results of other passes are dropped.
    pub view_gen: u64,
    /// (signals scanned, total) while a background pass is under way and has shown partial rows.
    pub view_progress: Option<(usize, usize)>,
    /// Rows are computed by a background worker (the console's loop); otherwise at once (tests).
    pub background: bool,
}

/// The incident this console writes to, and what is on its way to the journal.
#[derive(Debug, Default)]
pub struct NotebookState {
    pub incident: Option<crate::notebook::Incident>,
    /// The note being written: kept when the editor closes, saved as a file on exit.
    pub draft: String,
    /// Entries sent to disk and not yet confirmed.
    pub saving: usize,
    /// The phase last asked for, until the journal confirms it.
    pub pending_phase: Option<crate::notebook::Phase>,
    /// An entry that may resolve the recovery checklist was saved: look when the journal is
    /// read again (the incident then moves to `recovered`).
    pub check_recovery: bool,
}

/// Where the data comes from and the rules of this session: set at start-up, then updated by
/// what the sources say.
#[derive(Debug)]
pub struct Session {
    /// "demo", "replay · PATH", "live · profile prod".
    pub source_label: String,
    pub feed: FeedStatus,
    /// Live AWS status (None for the demo and replays).
    pub live: Option<super::live::LiveStatus>,
    /// Live sessions without replayed files: how long signals are kept, and when that was last
    /// applied.
    pub retention: Option<(std::time::Duration, Option<DateTime<Utc>>)>,
    /// Response actions that change anything are refused (`--read-only`, config.toml).
    pub read_only: bool,
    /// The SNS topic `notify` publishes to (config.toml).
    pub sns_topic: Option<String>,
    /// Region for actions on rows that name none (the first watched region).
    pub action_region: Option<String>,
    /// Routing rules (None: not loaded, no routing shown).
    pub rules: Option<crate::rules::Rules>,
    /// The principal outside live AWS (the demo's responder role); live uses STS.
    pub principal_override: Option<String>,
    /// Live: the label of the first profile, whose identity is the gate's principal.
    pub gate_profile: Option<String>,
    /// Signal id → its route, for the signals a rule matched.
    pub routes: std::collections::HashMap<String, crate::rules::Route>,
    /// Ring the bell on new High/Critical signals.
    pub bell: bool,
    /// Who writes notes and runs actions (`user@host`), found once at start-up.
    pub operator: String,
}

/// The screen's own state: the mode and its overlays, toasts, keys typed so far.
#[derive(Debug)]
pub struct UiState {
    pub mode: Mode,
    pub toasts: Vec<Toast>,
    pub pending_keys: Vec<Chord>,
    pub keymap: Keymap,
    /// Terminal size, for page sizes.
    pub size: (u16, u16),
    /// The screen must be fully redrawn (after $EDITOR had the terminal).
    pub clear_screen: bool,
    pub quit: bool,
}

/// Everything the console knows, owned by one task. Drawing reads it; only `update` changes it.
#[derive(Debug)]
pub struct State {
    /// The time as the loop last read it (ticks, feed messages, keys): `update` reads no clock.
    pub now: DateTime<Utc>,
    pub view: ViewState,
    pub notebook: NotebookState,
    pub session: Session,
    pub ui: UiState,
    /// Original records being read back from replayed files.
    pub records: super::records::Reads,
    /// Hunts on Athena: the one shown or running, and the signals they brought.
    pub hunts: super::hunt::Hunts,
}

impl State {
    pub fn new(source_label: impl Into<String>, keymap: Keymap, now: DateTime<Utc>) -> State {
        State {
            now,
            view: ViewState {
                store: Store::default(),
                panes: Default::default(),
                focus: PaneId::CloudTrail,
                layout: Layout::Grid,
                unzoomed: Layout::Grid,
                pivots: Vec::new(),
                story_pivot: None,
                stories: Vec::new(),
                stories_version: None,
                stories_synced: None,
                global_filter: None,
                dirty: true,
                view_gen: 0,
                view_progress: None,
                background: false,
            },
            notebook: NotebookState::default(),
            session: Session {
                source_label: source_label.into(),
                feed: FeedStatus::default(),
                live: None,
                retention: None,
                read_only: false,
                sns_topic: None,
                action_region: None,
                rules: None,
                principal_override: None,
                gate_profile: None,
                routes: Default::default(),
                bell: true,
                operator: "unknown".into(),
            },
            ui: UiState {
                mode: Mode::Normal,
                toasts: Vec::new(),
                pending_keys: Vec::new(),
                keymap,
                size: (160, 48),
                clear_screen: false,
                quit: false,
            },
            records: Default::default(),
            hunts: Default::default(),
        }
    }

    pub fn pane(&self, id: PaneId) -> &PaneView {
        &self.view.panes[id.index()]
    }

    pub fn pane_mut(&mut self, id: PaneId) -> &mut PaneView {
        &mut self.view.panes[id.index()]
    }

    /// The signal under the cursor of a signal pane.
    pub fn selected_signal(&self, id: PaneId) -> Option<&Signal> {
        let p = self.pane(id);
        p.rows
            .get(p.cursor)
            .and_then(|i| self.view.store.signals().get(*i as usize))
    }

    pub fn selected_entity(&self) -> Option<&Entity> {
        let p = self.pane(PaneId::Entities);
        p.entity_rows.get(p.cursor).map(|r| &r.entity)
    }

    pub fn toast(&mut self, text: impl Into<String>, error: bool) {
        let secs = if error { 8 } else { 4 };
        let text = text.into();
        let until = self.now + chrono::Duration::seconds(secs);
        // The same message again (a failure met on every tick) stays one toast, kept up longer.
        if let Some(t) = self.ui.toasts.iter_mut().find(|t| t.text == text) {
            t.until = until;
            return;
        }
        self.ui.toasts.push(Toast {
            text,
            error,
            until,
            about: None,
        });
        if self.ui.toasts.len() > 4 {
            self.ui.toasts.remove(0);
        }
    }
}
