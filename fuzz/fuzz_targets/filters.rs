//! Fuzzes the filter language: any text a responder could type is parsed, and a query that
//! parses is run against signals of every source (time terms included, at the edges of time).
//! A panic is a bug: bad input must come back as a parse error.
#![no_main]

use airc::normalize::{normalize_record, Normalized, Options};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn signals() -> &'static Vec<airc::model::Signal> {
    static S: OnceLock<Vec<airc::model::Signal>> = OnceLock::new();
    S.get_or_init(|| {
        let records = [
            r#"{"eventVersion":"1.08","eventID":"e1","eventName":"CreateAccessKey","eventSource":"iam.amazonaws.com","eventTime":"2026-11-28T00:00:00Z","awsRegion":"us-east-1","recipientAccountId":"111122223333","sourceIPAddress":"203.0.113.66","userIdentity":{"type":"IAMUser","userName":"ci-deploy","accessKeyId":"AKIA4EXAMPLELEAKED01"}}"#,
            r#"{"schemaVersion":"2.0","id":"f1","type":"Recon:EC2/PortProbeUnprotectedPort","severity":8,"accountId":"1","region":"us-east-1","createdAt":"2026-11-28T00:00:00Z","updatedAt":"2026-11-28T00:00:00Z","title":"t","description":"d","resource":{"instanceDetails":{"instanceId":"i-0abc"}}}"#,
        ];
        records
            .iter()
            .filter_map(|r| serde_json::from_str(r).ok())
            .filter_map(|v| normalize_record(v, &Options::default()).ok())
            .filter_map(|(_, n)| match n {
                Normalized::Signal(s) => Some(*s),
                _ => None,
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(q) = airc::query::parse(text) else {
        return;
    };
    let times = [
        chrono::Utc::now(),
        chrono::DateTime::<chrono::Utc>::MIN_UTC,
        chrono::DateTime::<chrono::Utc>::MAX_UTC,
    ];
    for s in signals() {
        for now in times {
            let _ = q.accepts(s, now);
        }
    }
});
