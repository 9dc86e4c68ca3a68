//! One SDK call of a plan, recorded as a step: its operation (the IAM permission), parameters,
//! whether it succeeded and what came back, and whether a failed change may still have been
//! carried out.

use crate::aws::errors::classify;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde::Serialize;
use serde_json::Value;
use std::future::Future;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub operation: String,
    pub parameters: Value,
    pub ok: bool,
    pub result: String,
    /// A change that failed after its request may have reached AWS (timed out, cut off, a
    /// server error): whether it took effect is unknown, so it counts as a change (partly
    /// done, never retried blindly).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub maybe: bool,
}

pub(super) fn record(steps: &mut Vec<Step>, op: &str, parameters: Value, ok: bool, result: String) {
    steps.push(Step {
        operation: op.into(),
        parameters,
        ok,
        result,
        maybe: false,
    });
}

/// Whether a failed call may still have been carried out: its request may have reached AWS
/// (a timeout, a connection cut, an unreadable answer, a server error). Only a refusal AWS
/// answered (denied, invalid, throttled) or a request never built says nothing happened.
fn may_have_happened<E>(e: &SdkError<E, Response>) -> bool {
    match e {
        SdkError::TimeoutError(_) | SdkError::ResponseError(_) => true,
        SdkError::DispatchFailure(d) => !d.is_user(),
        SdkError::ServiceError(s) => s.raw().status().as_u16() >= 500,
        _ => false,
    }
}

/// Runs one SDK call and records it. `op` is `service:Operation` (the IAM permission).
pub async fn step<T, E>(
    steps: &mut Vec<Step>,
    op: &str,
    parameters: Value,
    call: impl Future<Output = Result<T, SdkError<E, Response>>>,
) -> Result<T, ()>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    // Boxed: every action awaits many of these, and the SDK's futures are large.
    match Box::pin(read_or_empty(steps, op, parameters, &[], call)).await {
        Ok(Some(out)) => Ok(out),
        _ => Err(()),
    }
}

/// A read where the documented "nothing there" error codes mean empty (`Ok(None)`); any other
/// error is a failed step (`Err`), so the plan stops before its next call.
pub async fn read_or_empty<T, E>(
    steps: &mut Vec<Step>,
    op: &str,
    parameters: Value,
    empty_codes: &[&str],
    call: impl Future<Output = Result<T, SdkError<E, Response>>>,
) -> Result<Option<T>, ()>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match call.await {
        Ok(out) => {
            record(steps, op, parameters, true, "ok".into());
            Ok(Some(out))
        }
        Err(e) if e.code().is_some_and(|c| empty_codes.contains(&c)) => {
            let none = format!("none ({})", e.code().unwrap_or_default());
            record(steps, op, parameters, true, none);
            Ok(None)
        }
        Err(e) => {
            let maybe = may_have_happened(&e);
            let mut why = classify(&e, op).to_string();
            if maybe {
                why.push_str(" (the request may have reached AWS: its outcome is unknown)");
            }
            record(steps, op, parameters, false, why);
            if let Some(last) = steps.last_mut() {
                last.maybe = maybe;
            }
            Err(())
        }
    }
}

/// Records a failure that is not an SDK error (nothing found, bad input).
pub fn fail(steps: &mut Vec<Step>, op: &str, why: impl Into<String>) {
    record(steps, op, Value::Null, false, why.into());
}
