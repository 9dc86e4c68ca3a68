//! What `airc hunt` prints: progress on stderr, signals on stdout as they arrive, through the
//! sensitivity gate. Every hunted row goes through a store first, as a replay's does, so a
//! signal is printed with the correlation rules' detections a replay of the same events gives
//! it; the flow records are summed into conversations and, once every table has answered, the
//! network rules run over them (and the access logs' and Resolver queries' signals) and what
//! they find is printed too, then the conversations, then (`--stories`) the stories.

use crate::athena::{self, Progress};
use crate::model::conversations::Conversations;
use crate::model::{EntitiesOf, Signal};
use crate::normalize::Normalized;
use crate::rules::Rules;
use crate::safe_text::line;
use crate::store::{Insert, Store};
use serde_json::json;
use std::io::Write as _;
use std::time::{Duration, Instant};

/// One signal as a JSON line: what a replay's signal says, marked as from history.
pub fn signal_json<'a>(
    s: &Signal,
    entities: impl Iterator<Item = &'a crate::model::Entity>,
) -> serde_json::Value {
    json!({
        "id": s.id, "time": s.time.to_rfc3339(), "source": s.source.label(),
        "severity": s.severity.label(), "kind": s.kind(), "title": s.title(),
        "summary": s.summary(), "account": s.account(), "region": s.region(),
        "entities": entities.map(|e| e.to_string()).collect::<Vec<_>>(),
        "detections": s.detections().iter().map(|d| d.rule.credit()).collect::<Vec<_>>(),
        "history": true,
    })
}

pub struct Printer {
    store: Store,
    flows: Conversations,
    rules: Rules,
    json: bool,
    last_status: Instant,
}

impl Printer {
    pub fn new(rules: Rules, json: bool) -> Printer {
        Printer {
            store: Store::default(),
            flows: Conversations::default(),
            rules,
            json,
            last_status: Instant::now() - Duration::from_secs(10),
        }
    }

    pub fn show(&mut self, p: Progress) {
        match p {
            Progress::Started { id } => eprintln!("airc: query {} started", line(&id)),
            Progress::Note(n) => eprintln!("airc: {}", line(&n)),
            Progress::Status(s) => {
                // A line a second at most: a long query is followed, not flooded.
                if self.last_status.elapsed() >= Duration::from_secs(1) {
                    self.last_status = Instant::now();
                    eprintln!("airc: {}", athena::progress_line(&s));
                }
            }
            Progress::Signals(batch) => {
                let mut out = std::io::stdout().lock();
                for a in batch {
                    let id = a.signal.id.clone();
                    // A record two tables (or two files) hold is one signal, as in a replay.
                    if self.store.insert(Normalized::Signal(Box::new(a))) != Insert::New {
                        continue;
                    }
                    let held = self.store.position_of(&id);
                    if let Some(s) = held.and_then(|i| self.store.signals().get(i)) {
                        let text =
                            signal_text(s, self.store.entities_of(s), self.json, &self.rules);
                        let _ = writeln!(out, "{text}");
                    }
                }
                let _ = out.flush();
            }
            Progress::Flows(batch) => {
                for f in batch {
                    self.flows.add(&f.record);
                }
            }
        }
    }

    /// The network rules over what the hunt found, their signals that name the entity in the
    /// window (as a replay's would be found), the conversations and the stories.
    pub fn finish(&mut self, hunt: &crate::hunt::Hunt, stories: bool) {
        let before = self.store.len();
        if !self.flows.is_empty() {
            let flows = std::mem::take(&mut self.flows);
            self.store.insert(Normalized::Flows(Box::new(flows)));
        }
        self.store.finish();
        let mut out = std::io::stdout().lock();
        for s in self.store.signals().iter().skip(before) {
            let named = self
                .store
                .entities_of(s)
                .iter()
                .any(|e| e.is_named_by(&hunt.entity));
            if !named || !hunt.window.contains(s.time) {
                continue;
            }
            let text = signal_text(s, self.store.entities_of(s), self.json, &self.rules);
            let _ = writeln!(out, "{text}");
        }
        let mut convs: Vec<_> = self.store.flows().iter().collect();
        convs.sort_by(|a, b| {
            (a.minute, a.src, a.dst, a.port, a.protocol, a.interface).cmp(&(
                b.minute,
                b.src,
                b.dst,
                b.port,
                b.protocol,
                b.interface,
            ))
        });
        for c in &convs {
            let _ = writeln!(out, "{}", conversation_text(c, self.json));
        }
        if stories {
            let hidden = |s: &Signal| {
                self.rules
                    .route(s, self.store.entities_of(s))
                    .is_some_and(|r| !r.allows(None))
            };
            let text = super::super::stories::render(&self.store, hidden, self.json, 20, 0);
            let _ = out.write_all(text.as_bytes());
        }
        let _ = out.flush();
        let n = self.store.stories().len();
        if n > 0 && !stories {
            eprintln!(
                "airc: the hunted signals make {n} stor{} (--stories prints them)",
                if n == 1 { "y" } else { "ies" }
            );
        }
    }
}

/// One signal as the hunt prints it (a sensitive one as its kind only).
fn signal_text(s: &Signal, entities: EntitiesOf, as_json: bool, rules: &Rules) -> String {
    let hidden = rules.route(s, entities).is_some_and(|r| !r.allows(None));
    if hidden {
        let v = json!({"id": s.id, "time": s.time.to_rfc3339(), "kind": s.kind(), "sensitive": true, "history": true});
        if as_json {
            crate::safe_text::json(&v)
        } else {
            format!(
                "{}  {} (sensitive: details withheld)",
                s.time.format("%Y-%m-%d %H:%M:%S"),
                line(s.kind())
            )
        }
    } else if as_json {
        crate::safe_text::json(&signal_json(s, entities.iter()))
    } else {
        format!(
            "{}  {:<6} {:<40} {}",
            s.time.format("%Y-%m-%d %H:%M:%S"),
            s.severity.label(),
            line(s.title()),
            line(&s.summary())
        )
    }
}

/// One conversation: a minute's records of one source, destination, port, protocol, action and
/// interface, summed.
fn conversation_text(c: &crate::model::conversations::Conversation, as_json: bool) -> String {
    let addr = |a: Option<&std::net::IpAddr>| a.map_or("-".to_string(), |a| a.to_string());
    let minute = chrono::DateTime::from_timestamp(c.minute, 0).unwrap_or_default();
    if as_json {
        let v = json!({"flow": {
            "minute": minute.to_rfc3339(), "src": addr(c.src), "dst": addr(c.dst),
            "port": c.port, "protocol": c.protocol, "action": c.action.label(),
            "interface": c.interface, "account": c.account.get(),
            "packets": c.totals.packets, "bytes": c.totals.bytes, "records": c.totals.records,
        }, "history": true});
        crate::safe_text::json(&v)
    } else {
        format!(
            "{}  FLOW   {} → {}:{}/{} {} {} packets {} bytes ({} records){}",
            minute.format("%Y-%m-%d %H:%M"),
            addr(c.src),
            addr(c.dst),
            c.port,
            c.protocol,
            c.action.label(),
            c.totals.packets,
            c.totals.bytes,
            c.totals.records,
            c.interface
                .map(|i| format!(" on {}", line(i)))
                .unwrap_or_default()
        )
    }
}
