//! Where the watch's JSON lines go: stdout (and problems to stderr), or a channel when the
//! watch runs inside a test or another program.

use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;

#[derive(Clone, Default)]
pub struct Out {
    tx: Option<UnboundedSender<Value>>,
}

impl Out {
    pub fn channel(tx: UnboundedSender<Value>) -> Out {
        Out { tx: Some(tx) }
    }

    /// One line of what the watch did (routed, delivery, action, story).
    pub fn line(&self, v: Value) {
        match &self.tx {
            Some(t) => {
                let _ = t.send(v);
            }
            None => println!("{}", crate::safe_text::json(&v)),
        }
    }

    /// A problem (a source, a delivery, the dedup store).
    pub fn problem(&self, mut v: Value) {
        match &self.tx {
            Some(t) => {
                v["stream"] = Value::from("stderr");
                let _ = t.send(v);
            }
            None => eprintln!("{}", crate::safe_text::json(&v)),
        }
    }
}
