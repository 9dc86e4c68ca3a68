//! Webhook delivery: one JSON POST over the HTTP stack the AWS SDK already brings (hyper,
//! hyper-rustls with the same crypto provider), so no second TLS stack is compiled in.

use super::DeliveryError;
use bytes::Bytes;
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::time::Duration;

/// The URL as outputs show it (`redact::url`).
pub fn redact(url: &str) -> String {
    super::redact::url(url)
}

pub async fn post(url: &str, body: &str) -> Result<String, DeliveryError> {
    let failed = |reason: String| DeliveryError::Webhook {
        target: redact(url),
        reason,
    };
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())
        .map_err(|e| failed(format!("no TLS roots: {e}")))?
        .https_or_http()
        .enable_http1()
        .build();
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build(https);
    let req = http::Request::post(url)
        .header("content-type", "application/json")
        .header("user-agent", "airc")
        .body(Full::new(Bytes::from(body.to_string())))
        .map_err(|e| failed(e.to_string()))?;
    let resp = tokio::time::timeout(Duration::from_secs(10), client.request(req))
        .await
        .map_err(|_| DeliveryError::WebhookTimeout {
            target: redact(url),
            secs: 10,
        })?
        .map_err(|e| failed(e.to_string()))?;
    let status = resp.status();
    if status.is_success() {
        Ok(format!("HTTP {}", status.as_u16()))
    } else {
        Err(DeliveryError::Http {
            target: redact(url),
            status: status.as_u16(),
        })
    }
}
