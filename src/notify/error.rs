//! Why a delivery failed, typed by the notifier that failed. Every message names its target
//! redacted (webhook URLs by host, command lines without their secrets).

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// SNS refused, or the message could not be built (the AWS problem, classified).
    #[error("{0}")]
    Sns(String),
    #[error("no AWS connection for SNS")]
    NoAws,
    #[error("{target}: {reason}")]
    Webhook { target: String, reason: String },
    #[error("{target}: no answer within {secs} s")]
    WebhookTimeout { target: String, secs: u64 },
    #[error("{target}: HTTP {status}")]
    Http { target: String, status: u16 },
    #[error("cannot run {command}: {reason}")]
    Spawn { command: String, reason: String },
    #[error("{command}: {status} {stderr}")]
    Exit {
        command: String,
        status: String,
        stderr: String,
    },
    #[error("{command}: no exit within {secs} s (killed, with its process group)")]
    Deadline { command: String, secs: u64 },
    #[error("{command}: {reason}")]
    Wait { command: String, reason: String },
    #[error("{target}: no answer within {secs} s")]
    SnsTimeout { target: String, secs: u64 },
    #[error("the notifier names no sns, webhook or command")]
    NoTarget,
    #[error("{target}: {backlog} deliveries already waiting for this notifier; not sent (tried again on the next run)")]
    Backlogged { target: String, backlog: usize },
}

impl DeliveryError {
    /// The delivery ran out of time: it may have gone through, and the notifier is slow or
    /// stuck, so it is not tried again at once.
    pub fn is_timeout(&self) -> bool {
        matches!(
            self,
            DeliveryError::WebhookTimeout { .. }
                | DeliveryError::Deadline { .. }
                | DeliveryError::SnsTimeout { .. }
        )
    }
}
