//! Starting the console: keymap and theme, the source task, the terminal (always restored), and
//! the effects that touch the terminal directly (bell, OSC 52 clipboard).

pub mod editor;
mod hunt;
pub mod run;

use crate::app::msg::NbMsg;
use crate::app::{Effect, Feed, Msg, State};
use crate::keymap::Keymap;
use crate::notebook::Book;
use crate::{paths, source, theme};
use base64::Engine;
use run::{run_with, Io};
use std::io::Write;
use std::path::PathBuf;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};

pub enum Origin {
    Demo,
    Replay(Vec<PathBuf>),
    /// Live AWS, plus any files given with --replay.
    Live(Box<crate::aws::LiveOptions>, Vec<PathBuf>),
}

#[derive(Debug, Default, Clone)]
pub struct ConsoleOptions {
    pub theme: Option<String>,
    pub keymap: Option<PathBuf>,
    pub no_bell: bool,
    /// A rules file (default: <config>/rules.toml, else the built-in rules).
    pub rules: Option<PathBuf>,
    /// Quit after the first frame with data (time-to-first-frame measurement).
    pub exit_after_first_frame: bool,
}

/// Writes an effect to the terminal. OSC 52 puts text on the clipboard of the terminal the
/// responder sits at, even over SSH.
pub fn perform(effect: Effect, out: &mut dyn Write) {
    let bytes = match effect {
        Effect::Bell => "\x07".to_string(),
        Effect::ReleaseMemory => {
            crate::allocator::release_freed_pages();
            return;
        }
        Effect::Copy(text) => format!(
            "\x1b]52;c;{}\x07",
            base64::engine::general_purpose::STANDARD.encode(text)
        ),
        Effect::Notebook(_)
        | Effect::Lookup(_)
        | Effect::Respond(_)
        | Effect::Audit(_)
        | Effect::ReadRecords(_)
        | Effect::Hunt(_)
        | Effect::CancelHunt(_) => return,
    };
    let _ = out.write_all(bytes.as_bytes());
    let _ = out.flush();
}

#[cfg(unix)]
fn forward_signals(tx: UnboundedSender<()>) {
    use tokio::signal::unix::{signal, SignalKind};
    for kind in [SignalKind::terminate(), SignalKind::hangup()] {
        let tx = tx.clone();
        if let Ok(mut s) = signal(kind) {
            tokio::spawn(async move {
                while s.recv().await.is_some() {
                    if tx.send(()).is_err() {
                        return;
                    }
                }
            });
        }
    }
}

#[cfg(not(unix))]
fn forward_signals(_tx: UnboundedSender<()>) {}

/// A note still being written when the console closes is saved to a file, never dropped.
fn keep_draft(draft: &str) {
    if draft.trim().is_empty() {
        return;
    }
    let Some(dir) = paths::data_dir().map(|d| d.join("drafts")) else {
        eprintln!("airc: unsaved note (no data directory to keep it in):\n{draft}");
        return;
    };
    let name = format!("note-{}.md", chrono::Utc::now().format("%Y%m%dT%H%M%SZ"));
    let path = dir.join(&name);
    match crate::private_files::write_new(&dir, &name, draft.as_bytes()) {
        Ok(path) => eprintln!("airc: your unsaved note is in {}", path.display()),
        Err(e) => eprintln!(
            "airc: could not keep the unsaved note in {} ({e}):\n{draft}",
            path.display()
        ),
    }
}

pub fn run_console(origin: Origin, opts: &ConsoleOptions) -> Result<(), String> {
    crate::app::priority::background_pool();
    let config_dir = paths::config_dir();
    let (keymap, mut warnings) = Keymap::load(config_dir.as_deref(), opts.keymap.as_deref());
    let (theme, theme_warning) = theme::select(
        opts.theme.as_deref(),
        config_dir.as_deref(),
        paths::no_color(),
    );
    warnings.extend(theme_warning);
    warnings.extend(crate::detect::problems_line());
    let label = match &origin {
        Origin::Demo => "demo · account 111122223333 · us-east-1 (built-in scenario)".to_string(),
        Origin::Replay(paths) => {
            let first = paths
                .first()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            let more = if paths.len() > 1 {
                format!(" +{}", paths.len() - 1)
            } else {
                String::new()
            };
            format!("replay · {first}{more}")
        }
        Origin::Live(..) => "live · checking credentials…".to_string(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        // Security Hub's generated ASFF deserializers take more than the default 2 MiB of
        // stack in debug builds once under an action's plan, read-back and audit (measured:
        // ~2.3 MiB); 8 MiB of address space, touched only as far as it is used.
        .thread_stack_size(8 << 20)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async move {
        let now = chrono::Utc::now();
        let mut state = State::new(label, keymap, now);
        state.session.operator = crate::notebook::entry::author();
        state.session.bell = !opts.no_bell;
        let (tx, rx) = unbounded_channel();
        for w in warnings {
            tracing::warn!("{w}");
            let _ = tx.send(Feed::Warning(w));
        }
        let mut lookups = None;
        let mut connection: Option<crate::respond::console::Connection> = None;
        let (settings, settings_warning) = crate::settings::load(config_dir.as_deref());
        if let Some(w) = settings_warning {
            let _ = tx.send(Feed::Warning(w));
        }
        state.session.read_only = settings.read_only;
        match crate::rules::Rules::load(opts.rules.as_deref(), config_dir.as_deref()) {
            Ok(r) => state.session.rules = Some(r),
            Err(e) => {
                // Never the console down, and never sensitivity off: a file that does not load
                // leaves the default rules in force (the file is named in the message).
                let _ = tx.send(Feed::Warning(format!(
                    "rules not loaded: {e}; the default rules apply (sensitive signals stay hidden)"
                )));
                state.session.rules = Some(crate::rules::Rules::defaults());
            }
        }
        state.session.sns_topic = settings.sns_topic.clone();
        state.hunts.config = Some(crate::athena::Config::from_settings(&settings.athena));
        // Replayed log files' records are read back from their files when opened, unless a
        // routing rule matches tags (it reads every record as it arrives).
        let replay_options = match &state.session.rules {
            Some(r) if r.read_records() => crate::normalize::Options::default(),
            _ => crate::normalize::Options::console(),
        };
        match origin {
            Origin::Demo => {
                // The demo's responder is on the security team (the default rules show
                // sensitive signals to security roles).
                state.session.principal_override =
                    Some("arn:aws:sts::111122223333:assumed-role/SecurityResponder/demo".into());
                tokio::spawn(source::demo::run(tx.clone(), now));
            }
            Origin::Replay(paths) => {
                std::thread::spawn(move || source::replay::feed::feed(paths, replay_options, tx));
            }
            Origin::Live(opts, paths) => {
                state.session.live = Some(Default::default());
                state.session.read_only |= opts.read_only;
                // Replayed files may be old on purpose: retention applies to live-only sessions.
                if paths.is_empty() {
                    state.session.retention = Some((opts.retain, None));
                }
                state.session.action_region = opts.regions.first().cloned();
                if let Some(Ok(c)) = &mut state.hunts.config {
                    c.profile = opts.profiles.first().cloned().flatten();
                }
                connection = Some(crate::respond::console::Connection {
                    profiles: opts.profiles.clone(),
                    endpoint: opts.endpoint_url.clone(),
                });
                lookups = Some(crate::aws::start(*opts, tx.clone()));
                if paths.is_empty() {
                    // Live data never "finishes loading": what arrives from now on is news.
                    let _ = tx.send(Feed::Loaded);
                } else {
                    std::thread::spawn(move || {
                        source::replay::feed::feed(paths, replay_options, tx)
                    });
                }
            }
        }
        let (sig_tx, sig_rx) = unbounded_channel();
        forward_signals(sig_tx);
        let mut terminal = ratatui::try_init().map_err(|e| {
            // Undo whatever part of the set-up succeeded (raw mode, alternate screen).
            ratatui::restore();
            format!("cannot open the terminal: {e}")
        })?;
        // Replaces the hook ratatui just set (it restores the terminal on any panic, even one
        // a background thread's supervisor catches): a background panic must not leave raw mode
        // or print over the panes.
        crate::panics::install();
        crate::panics::console_active(true);
        let mut stdout = std::io::stdout();
        let (results_tx, results_rx) = unbounded_channel();
        let book = Book::default_location();
        let read_only = state.session.read_only;
        let mut hunts = hunt::Running::default();
        let mut effects = |e: Effect| match e {
            Effect::Hunt(req) => hunts.start(*req, results_tx.clone()),
            Effect::CancelHunt(generation) => hunts.cancel(generation),
            Effect::Notebook(op) => {
                let tx = results_tx.clone();
                let config = config_dir.clone();
                match &book {
                    Ok(book) => {
                        let book = book.clone();
                        tokio::task::spawn_blocking(move || {
                            for m in crate::notebook::runner::perform(&book, config.as_deref(), op)
                            {
                                let _ = tx.send(Msg::Notebook(m));
                            }
                        });
                    }
                    Err(e) => {
                        let _ = tx.send(Msg::Notebook(NbMsg::Failed(e.to_string())));
                    }
                }
            }
            Effect::Respond(plan) => {
                let tx = results_tx.clone();
                let aws = connection.clone();
                tokio::spawn(async move {
                    let r = crate::respond::console::run(*plan, aws, read_only, paths::data_dir())
                        .await;
                    let _ = tx.send(Msg::Action(Box::new(r)));
                });
            }
            Effect::Audit(record) => {
                let data = paths::data_dir();
                let tx = results_tx.clone();
                tokio::task::spawn_blocking(move || {
                    // A reveal that is not in the audit log is said on screen, not only logged.
                    let failed = match data {
                        Some(d) => {
                            let path = crate::respond::audit::path(&d);
                            crate::notebook::journal::append(&path, &record)
                                .err()
                                .map(|e| format!("NOT in the audit log {}: {e}", path.display()))
                        }
                        None => Some("NOT in the audit log: no data directory".to_string()),
                    };
                    if let Some(why) = failed {
                        tracing::error!("{why}");
                        let _ = tx.send(Msg::Feed(Feed::Warning(why)));
                    }
                });
            }
            Effect::ReadRecords(wanted) => {
                let tx = results_tx.clone();
                tokio::task::spawn_blocking(move || {
                    let read = wanted
                        .into_iter()
                        .map(|(id, span)| (id, source::replay::reread::read(&span)))
                        .collect();
                    let _ = tx.send(Msg::Records(read));
                });
            }
            Effect::Lookup(l) => {
                if let Some(tx) = &lookups {
                    let _ = tx.send(l);
                }
            }
            other => perform(other, &mut stdout),
        };
        let io = Io {
            input: ratatui::crossterm::event::EventStream::new(),
            feed: rx,
            results: results_rx,
            signals: sig_rx,
            clock: &chrono::Utc::now,
            effects: &mut effects,
        };
        // $EDITOR takes the terminal as a step of the loop; the console resumes (and repaints)
        // afterwards.
        let mut suspend = |text: &str| {
            ratatui::restore();
            let edited = editor::edit_in_editor(text);
            let _ = ratatui::crossterm::terminal::enable_raw_mode();
            let _ = ratatui::crossterm::execute!(
                std::io::stdout(),
                ratatui::crossterm::terminal::EnterAlternateScreen
            );
            edited
        };
        let hand_off = run::HandOff {
            suspend: &mut suspend,
            reopen: &ratatui::crossterm::event::EventStream::new,
        };
        let options = run::LoopOptions {
            hand_off: Some(hand_off),
            exit_after_first_frame: opts.exit_after_first_frame,
        };
        let result = run_with(&mut terminal, &mut state, &theme, io, options).await;
        crate::panics::console_active(false);
        ratatui::restore();
        keep_draft(&state.notebook.draft);
        // The process ends next: freeing a million signals one by one would keep the responder
        // waiting seconds after `q` for nothing.
        std::mem::forget(state);
        result
    })
}
