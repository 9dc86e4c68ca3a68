//! Just enough S3 (restXml, path-style) for the response actions' reads and writes of a bucket's
//! tags and public access block: an empty bucket answers the documented "nothing there" errors,
//! writes are accepted (and logged, so tests can assert that none reached the server).

use super::handlers::Answer;
use super::world::FaultKind;

/// `GET /bucket?tagging` → GetBucketTagging, and so on.
pub fn op(method: &str, query: &str) -> String {
    let has = |k: &str| query.split('&').any(|p| p.split('=').next() == Some(k));
    let what = if has("tagging") {
        "BucketTagging"
    } else if has("publicAccessBlock") {
        "PublicAccessBlock"
    } else {
        return format!("{method}Unknown");
    };
    let verb = match method {
        "GET" => "Get",
        "PUT" => "Put",
        "DELETE" => "Delete",
        _ => "Unknown",
    };
    format!("{verb}{what}")
}

fn xml_error(status: u16, code: &str, message: &str) -> Answer {
    Answer {
        status,
        headers: vec![("content-type", "application/xml".into())],
        body: format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message><RequestId>fake</RequestId></Error>"
        )
        .into_bytes(),
    }
}

pub fn fault(kind: &FaultKind) -> Answer {
    match kind {
        FaultKind::Throttle => xml_error(503, "SlowDown", "Please reduce your request rate."),
        FaultKind::Status500 => xml_error(500, "InternalError", "internal error (injected)"),
        FaultKind::ExpiredToken => {
            xml_error(400, "ExpiredToken", "The provided token has expired.")
        }
        _ => xml_error(403, "AccessDenied", "Access Denied"),
    }
}

pub fn handle(op: &str) -> Answer {
    match op {
        "GetBucketTagging" => xml_error(404, "NoSuchTagSet", "The TagSet does not exist"),
        "GetPublicAccessBlock" => xml_error(
            404,
            "NoSuchPublicAccessBlockConfiguration",
            "The public access block configuration was not found",
        ),
        "PutBucketTagging" | "PutPublicAccessBlock" => Answer {
            status: 200,
            headers: vec![],
            body: Vec::new(),
        },
        other => xml_error(
            400,
            "NotImplemented",
            &format!("the fake S3 has no {other}"),
        ),
    }
}
