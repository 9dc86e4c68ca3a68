//! The hunt effect: runs `crate::athena::run` as a task of the console's runtime and turns what
//! it reports into the loop's messages. Signals enter the store as any source's (`Feed::Items`),
//! right after their ids, so the panes mark them as from history and no bell rings for them;
//! flow records enter it as a file's do, summed into conversations. A flow record an earlier
//! hunt of this console already brought is not summed again (conversations are totals: the same
//! record twice would double them).

use crate::app::hunt::HuntRequest;
use crate::app::msg::{Feed, HuntEvent, Msg};
use crate::athena::Progress;
use crate::hunt::decode::HuntedFlow;
use crate::model::conversations::Conversations;
use crate::normalize::Normalized;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, watch};

/// The most flow records remembered across hunts (about 17 bytes each).
const MAX_REMEMBERED: usize = 4_000_000;

/// The flow records earlier hunts brought: digest → the hunt that first did.
#[derive(Default)]
struct Seen {
    by_digest: HashMap<u64, u64>,
    full: bool,
}

impl Seen {
    /// The records of hunt `generation` to sum: those no other hunt brought (a record twice
    /// in one hunt's rows is twice in its files, and counts twice, as in a replay). The second
    /// value says the memory is full (from now on records are not checked).
    fn fresh(&mut self, generation: u64, batch: Vec<HuntedFlow>) -> (Vec<HuntedFlow>, bool) {
        let mut newly_full = false;
        let kept = batch
            .into_iter()
            .filter(|f| match self.by_digest.get(&f.digest) {
                Some(g) => *g == generation,
                None => {
                    if self.by_digest.len() < MAX_REMEMBERED {
                        self.by_digest.insert(f.digest, generation);
                    } else if !self.full {
                        self.full = true;
                        newly_full = true;
                    }
                    true
                }
            })
            .collect();
        (kept, newly_full)
    }
}

/// The running hunt's stop switch.
#[derive(Default)]
pub struct Running {
    current: Option<(u64, watch::Sender<bool>)>,
    seen: Arc<Mutex<Seen>>,
}

impl Running {
    pub fn start(&mut self, req: HuntRequest, tx: mpsc::UnboundedSender<Msg>) {
        let (stop, cancel) = watch::channel(false);
        // A new hunt replaces the old one; dropping its switch does not stop it, so stop it.
        if let Some((_, old)) = self.current.replace((req.generation, stop)) {
            let _ = old.send(true);
        }
        tokio::spawn(run(req, tx, cancel, Arc::clone(&self.seen)));
    }

    pub fn cancel(&self, generation: u64) {
        if let Some((g, stop)) = &self.current {
            if *g == generation {
                let _ = stop.send(true);
            }
        }
    }
}

async fn run(
    req: HuntRequest,
    tx: mpsc::UnboundedSender<Msg>,
    cancel: watch::Receiver<bool>,
    seen: Arc<Mutex<Seen>>,
) {
    let generation = req.generation;
    let (ptx, mut prx) = mpsc::channel(32);
    let send = |event: HuntEvent| {
        let _ = tx.send(Msg::Hunt { generation, event });
    };
    let forward = async {
        while let Some(p) = prx.recv().await {
            match p {
                Progress::Started { id } => {
                    let short: String = id.chars().take(8).collect();
                    send(HuntEvent::Note(format!("query {short}…")))
                }
                Progress::Status(s) => send(HuntEvent::Status(s)),
                Progress::Note(n) => send(HuntEvent::Note(n)),
                Progress::Signals(batch) => {
                    // Their ids first: the store then knows them as history (no bell).
                    let ids = batch.iter().map(|a| a.signal.id.clone()).collect();
                    send(HuntEvent::Arrived(ids));
                    let items = batch.into_iter().map(Normalized::signal).collect();
                    let _ = tx.send(Msg::Feed(Feed::Items(items)));
                }
                Progress::Flows(batch) => {
                    let (fresh, full) = match seen.lock() {
                        Ok(mut s) => s.fresh(generation, batch),
                        Err(_) => (batch, false),
                    };
                    if full {
                        send(HuntEvent::Note(format!(
                            "more than {MAX_REMEMBERED} flow records hunted: later ones are not checked against earlier hunts"
                        )));
                    }
                    let mut conv = Conversations::default();
                    for f in &fresh {
                        conv.add(&f.record);
                    }
                    if !conv.is_empty() {
                        let item = Normalized::Flows(Box::new(conv));
                        let _ = tx.send(Msg::Feed(Feed::Items(vec![item])));
                    }
                }
            }
        }
    };
    let (outcome, ()) = tokio::join!(
        crate::athena::run(&req.config, &req.hunt, ptx, cancel),
        forward
    );
    send(HuntEvent::Done(outcome));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(digest: u64) -> HuntedFlow {
        HuntedFlow {
            digest,
            record: Default::default(),
        }
    }

    #[test]
    fn a_record_an_earlier_hunt_brought_is_not_summed_again() {
        let mut s = Seen::default();
        let (kept, _) = s.fresh(1, vec![flow(1), flow(2), flow(2)]);
        assert_eq!(
            kept.len(),
            3,
            "twice in one hunt's rows is twice in its files"
        );
        let (kept, _) = s.fresh(2, vec![flow(2), flow(3)]);
        assert_eq!(kept.iter().map(|f| f.digest).collect::<Vec<_>>(), [3]);
        let (kept, _) = s.fresh(2, vec![flow(3)]);
        assert_eq!(kept.len(), 1, "the same hunt's later batch");
    }
}
