//! What the live AWS sources say besides signals: whose credentials these are, how each source
//! and region is doing, Health aggregates, notices.

use super::Problem;
use crate::model::Source;

#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    pub profile: String,
    pub account: Option<String>,
    pub principal: Option<String>,
    /// Why the credentials do not work, and the command that fixes it.
    pub problem: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ScopeStatus {
    /// A poll is under way (the first one, or after a problem).
    Polling,
    Ok {
        note: Option<String>,
    },
    Problem(Problem),
    /// Waiting for credentials to work again.
    Paused,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LiveEvent {
    Identity(Identity),
    Status {
        source: Source,
        /// `profile/region`.
        scope: String,
        status: ScopeStatus,
    },
    /// Health event counts by category (DescribeEventAggregates).
    HealthAggregates(Vec<(String, u64)>),
    Notice {
        text: String,
        error: bool,
    },
}
