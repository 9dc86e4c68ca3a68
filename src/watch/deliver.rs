//! Sending one message to every notifier of a route's targets, shared by routed signals and
//! stories: `--dry-run` lists what would go, a delivery already recorded is not repeated, an
//! SNS publish under `--read-only` stays owed, a failure is said on stderr and leaves the item
//! incomplete (tried again next run).

use super::Watcher;
use crate::notify::{self, Message};
use serde_json::{json, Value};

/// What became of one message's deliveries.
pub(super) struct Delivered {
    pub deliveries: Vec<Value>,
    /// `--dry-run`: what would have been sent.
    pub would: Vec<Value>,
    /// Every delivery succeeded (or was already done).
    pub complete: bool,
}

impl Watcher {
    /// Delivers `msg` to every notifier of `targets`; `key` names the item in the dedup store
    /// and `item` in failure lines (a signal id, a story id).
    pub(super) async fn deliver_all(
        &mut self,
        targets: &[String],
        msg: &Message,
        key: &str,
        item: &str,
    ) -> Delivered {
        let mut out = Delivered {
            deliveries: Vec::new(),
            would: Vec::new(),
            complete: true,
        };
        for t in targets {
            let notifiers = self
                .o
                .rules
                .targets
                .get(t)
                .map(|x| x.notify.clone())
                .unwrap_or_default();
            for n in &notifiers {
                let what = notify::describe(n);
                if self.o.dry_run {
                    out.would
                        .push(json!({"target": t, "notifier": what, "subject": msg.subject}));
                    continue;
                }
                let dkey = format!("deliver {t} {what} {key}");
                if self.seen.contains(&dkey) {
                    out.deliveries.push(json!({"target": t, "notifier": what, "ok": true, "detail": "already delivered"}));
                    continue;
                }
                if self.o.read_only && n.sns.is_some() {
                    // An SNS publish is an AWS write: read-only blocks it, and it stays owed
                    // (not recorded) for a run that may write.
                    out.complete = false;
                    out.deliveries.push(
                        json!({"target": t, "notifier": what, "ok": false, "skipped": true,
                        "detail": "read-only: an SNS publish is an AWS write; not sent"}),
                    );
                    continue;
                }
                let d = notify::deliver(
                    t,
                    n,
                    msg,
                    self.sns.as_ref(),
                    self.o.attempts,
                    self.o.backoff,
                )
                .await;
                if d.ok {
                    self.seen.record(dkey, None);
                } else {
                    out.complete = false;
                    self.failures += 1;
                    eprintln!(
                        "{}",
                        crate::safe_text::json(
                            &json!({"event": "delivery_failed", "signal": item, "delivery": d})
                        )
                    );
                }
                out.deliveries.push(json!(d));
            }
        }
        out
    }
}
