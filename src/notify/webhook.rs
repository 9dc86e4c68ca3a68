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

type Https = hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>;

/// The HTTP client deliveries share: its connection pool (a watch under load posts hundreds of
/// messages a second to one endpoint) and the TLS roots, read once. Made on the runtime that
/// uses it (its connection tasks run there).
#[derive(Clone)]
pub struct Http(Result<Client<Https, Full<Bytes>>, String>);

impl Http {
    pub fn new() -> Http {
        Http(
            hyper_rustls::HttpsConnectorBuilder::new()
                .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())
                .map(|b| {
                    let https = b.https_or_http().enable_http1().build();
                    Client::builder(TokioExecutor::new()).build(https)
                })
                .map_err(|e| format!("no TLS roots: {e}")),
        )
    }
}

impl Default for Http {
    fn default() -> Self {
        Http::new()
    }
}

pub async fn post(
    http: &Http,
    url: &str,
    body: &str,
    deadline: Duration,
) -> Result<String, DeliveryError> {
    let failed = |reason: String| DeliveryError::Webhook {
        target: redact(url),
        reason,
    };
    let client = http.0.clone().map_err(failed)?;
    let req = http::Request::post(url)
        .header("content-type", "application/json")
        .header("user-agent", "airc")
        .body(Full::new(Bytes::from(body.to_string())))
        .map_err(|e| failed(e.to_string()))?;
    let resp = tokio::time::timeout(deadline, client.request(req))
        .await
        .map_err(|_| DeliveryError::WebhookTimeout {
            target: redact(url),
            secs: deadline.as_secs(),
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
