//! The hunt effect: runs `crate::athena::run` as a task of the console's runtime and turns what
//! it reports into the loop's messages. Signals enter the store as any source's (`Feed::Items`),
//! right after their ids, so the panes mark them as from history and no bell rings for them.

use crate::app::hunt::HuntRequest;
use crate::app::msg::{Feed, HuntEvent, Msg};
use crate::athena::Progress;
use crate::normalize::Normalized;
use tokio::sync::{mpsc, watch};

/// The running hunt's stop switch.
#[derive(Default)]
pub struct Running(Option<(u64, watch::Sender<bool>)>);

impl Running {
    pub fn start(&mut self, req: HuntRequest, tx: mpsc::UnboundedSender<Msg>) {
        let (stop, cancel) = watch::channel(false);
        // A new hunt replaces the old one; dropping its switch does not stop it, so stop it.
        if let Some((_, old)) = self.0.replace((req.generation, stop)) {
            let _ = old.send(true);
        }
        tokio::spawn(run(req, tx, cancel));
    }

    pub fn cancel(&self, generation: u64) {
        if let Some((g, stop)) = &self.0 {
            if *g == generation {
                let _ = stop.send(true);
            }
        }
    }
}

async fn run(req: HuntRequest, tx: mpsc::UnboundedSender<Msg>, cancel: watch::Receiver<bool>) {
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
            }
        }
    };
    let (outcome, ()) = tokio::join!(
        crate::athena::run(&req.config, &req.hunt, ptx, cancel),
        forward
    );
    send(HuntEvent::Done(outcome));
}
