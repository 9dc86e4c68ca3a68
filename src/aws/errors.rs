//! What went wrong with an AWS call, in the terms a responder acts on: wait (throttled), fix
//! credentials, ask for a permission, or nothing to do but retry (server, network).

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

pub use crate::feed::Problem;

const THROTTLE_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
];
const DENIED_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedException",
    "AuthorizationError",
];
const CREDENTIAL_CODES: &[&str] = &[
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "AuthFailure",
    "RequestExpired",
];

/// True when the error chain holds a credentials-provider failure (no call was made).
fn credentials_failure(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if e.downcast_ref::<aws_credential_types::provider::error::CredentialsError>()
            .is_some()
        {
            return true;
        }
        cur = e.source();
    }
    false
}

/// Classifies a failed call. `permission` is the IAM action the call needs (`health:DescribeEvents`).
pub fn classify<E>(err: &SdkError<E, Response>, permission: &str) -> Problem
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let text = crate::safe_text::line(&DisplayErrorContext(err).to_string()).into_owned();
    if credentials_failure(err) {
        return Problem::Credentials(text);
    }
    match err {
        SdkError::TimeoutError(_) => Problem::Endpoint("timed out".into()),
        SdkError::DispatchFailure(d) => {
            if d.is_timeout() {
                Problem::Endpoint("timed out".into())
            } else {
                Problem::Endpoint(text)
            }
        }
        SdkError::ResponseError(r) => {
            let status = r.raw().status().as_u16();
            if status >= 500 {
                Problem::Server(format!("HTTP {status}"))
            } else {
                Problem::Other(text)
            }
        }
        SdkError::ServiceError(s) => {
            let code = s.err().code().unwrap_or("");
            let message = s.err().message().unwrap_or("").to_string();
            let message = crate::safe_text::line(&message).into_owned();
            let status = s.raw().status().as_u16();
            if THROTTLE_CODES.contains(&code) || status == 429 {
                Problem::Throttled(if code.is_empty() { "HTTP 429" } else { code }.into())
            } else if DENIED_CODES.contains(&code) {
                Problem::Denied {
                    permission: permission.to_string(),
                    message,
                }
            } else if CREDENTIAL_CODES.contains(&code) {
                Problem::Credentials(format!("{code}: {message}"))
            } else if code == "SubscriptionRequiredException" {
                Problem::Unsubscribed(message)
            } else if status >= 500 {
                Problem::Server(if code.is_empty() {
                    format!("HTTP {status}")
                } else {
                    format!("{code} (HTTP {status})")
                })
            } else if code.is_empty() && message.is_empty() {
                // No error code (an answer the SDK could not read): the whole error says why.
                Problem::Other(text)
            } else {
                Problem::Other(format!("{code}: {message}"))
            }
        }
        _ => Problem::Other(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_name_the_state() {
        assert_eq!(Problem::Throttled("x".into()).marker(), "throttled");
        assert!(Problem::Server("x".into()).is_endpoint_trouble());
        assert!(!Problem::Throttled("x".into()).is_endpoint_trouble());
        let d = Problem::Denied {
            permission: "guardduty:ListFindings".into(),
            message: "no".into(),
        };
        assert!(d.to_string().contains("guardduty:ListFindings"));
        assert!(Problem::Unsubscribed("m".into())
            .to_string()
            .contains("Business"));
    }
}
