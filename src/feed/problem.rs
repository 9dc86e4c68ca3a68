//! What went wrong with a source's calls, in the terms a responder acts on. The AWS sources
//! classify SDK errors into it (`aws::errors::classify`); the app shows it.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The service asked us to slow down.
    Throttled(String),
    /// IAM refused: `permission` is the action the caller lacks.
    Denied {
        permission: String,
        message: String,
    },
    /// No usable credentials (expired SSO token, no profile, wrong key).
    Credentials(String),
    /// AWS Health without a Business, Enterprise On-Ramp or Enterprise support plan.
    Unsubscribed(String),
    /// The endpoint could not be reached or did not answer in time.
    Endpoint(String),
    /// The service failed (5xx).
    Server(String),
    Other(String),
}

impl Problem {
    /// Worth switching to the Health failover endpoint.
    pub fn is_endpoint_trouble(&self) -> bool {
        matches!(self, Problem::Endpoint(_) | Problem::Server(_))
    }

    /// The short marker shown on a pane.
    pub fn marker(&self) -> &'static str {
        match self {
            Problem::Throttled(_) => "throttled",
            Problem::Denied { .. } => "access denied",
            Problem::Credentials(_) => "credentials",
            Problem::Unsubscribed(_) => "no subscription",
            Problem::Endpoint(_) => "unreachable",
            Problem::Server(_) => "server error",
            Problem::Other(_) => "error",
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Throttled(m) => write!(f, "throttled by AWS ({m}); backing off"),
            Problem::Denied {
                permission,
                message,
            } => write!(
                f,
                "access denied: the caller needs {permission} ({message})"
            ),
            Problem::Credentials(m) => write!(f, "credentials: {m}"),
            Problem::Unsubscribed(m) => write!(
                f,
                "the AWS Health API needs a Business, Enterprise On-Ramp or Enterprise support \
                 plan (SubscriptionRequiredException: {m}); Health events can still be replayed \
                 from EventBridge files with --replay"
            ),
            Problem::Endpoint(m) => write!(f, "endpoint unreachable: {m}"),
            Problem::Server(m) => write!(f, "AWS server error: {m}"),
            Problem::Other(m) => f.write_str(m),
        }
    }
}
