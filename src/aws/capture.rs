//! Keeps the JSON body of a response exactly as AWS sent it. The SDK's typed GuardDuty finding
//! has no serializer, and the detail view promises the full raw record: the body the SDK
//! already read (and deserialized) is copied here after deserialization.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::AfterDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Default)]
pub struct CaptureBody(Arc<Mutex<Option<Vec<u8>>>>);

impl CaptureBody {
    /// The last response body seen (of the last attempt), if any.
    pub fn take(&self) -> Option<Vec<u8>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

impl Intercept for CaptureBody {
    fn name(&self) -> &'static str {
        "airc.CaptureBody"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(bytes) = context.response().body().bytes() {
            *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(bytes.to_vec());
        }
        Ok(())
    }
}

impl CaptureBody {
    /// The records under `key` of the captured JSON body (`{"Findings": [...]}`), exactly as AWS
    /// sent them; `None` when no body was captured or it is not JSON with that array.
    pub fn records(&self, key: &str) -> Option<Vec<serde_json::Value>> {
        let body: serde_json::Value = serde_json::from_slice(&self.take()?).ok()?;
        match body {
            serde_json::Value::Object(mut m) => match m.remove(key)? {
                serde_json::Value::Array(a) => Some(a),
                _ => None,
            },
            _ => None,
        }
    }
}
