//! CloudTrail Lake (`--lake EVENT_DATA_STORE`): organization-scale history beyond the 90 days
//! of LookupEvents. StartQuery, DescribeQuery until it finishes, then every GetQueryResults
//! page; each row becomes a CloudTrail record for the same normalizer.

use super::errors::{classify, Problem};
use super::poller::send_items;
use super::Ctx;
use crate::feed::{LiveEvent, ScopeStatus};
use crate::model::Source;
use crate::normalize::{normalize_record, Options};
use aws_config::SdkConfig;
use aws_sdk_cloudtrail::types::QueryStatus;
use aws_sdk_cloudtrail::Client;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::time::Duration;

/// (column alias, path in the record). Lake returns each column as text.
const COLUMNS: &[(&str, &str)] = &[
    ("eventID", "eventID"),
    ("eventTime", "eventTime"),
    ("eventName", "eventName"),
    ("eventSource", "eventSource"),
    ("awsRegion", "awsRegion"),
    ("sourceIPAddress", "sourceIPAddress"),
    ("userAgent", "userAgent"),
    ("errorCode", "errorCode"),
    ("recipientAccountId", "recipientAccountId"),
    ("readOnly", "readOnly"),
    ("identityType", "userIdentity.type"),
    ("identityArn", "userIdentity.arn"),
    ("identityAccessKeyId", "userIdentity.accessKeyId"),
    ("identityPrincipalId", "userIdentity.principalId"),
    ("identityAccountId", "userIdentity.accountId"),
];

/// The event data store id from an ARN or an id.
fn store_id(store: &str) -> &str {
    store.rsplit('/').next().unwrap_or(store)
}

pub fn statement(store: &str, since: DateTime<Utc>) -> String {
    let cols: Vec<String> = COLUMNS
        .iter()
        .map(|(alias, path)| format!("{path} AS {alias}"))
        .collect();
    format!(
        "SELECT {} FROM {} WHERE eventTime > '{}' ORDER BY eventTime DESC",
        cols.join(", "),
        store_id(store),
        since.format("%Y-%m-%d %H:%M:%S")
    )
}

/// One result row (a list of one-entry column maps) as a CloudTrail record.
pub fn row_to_record(row: &[HashMap<String, String>]) -> Value {
    let mut top = Map::new();
    let mut identity = Map::new();
    for cell in row {
        for (k, v) in cell {
            let path = COLUMNS
                .iter()
                .find(|(alias, _)| alias == k)
                .map(|(_, p)| *p)
                .unwrap_or(k.as_str());
            match path.strip_prefix("userIdentity.") {
                Some(field) => identity.insert(field.to_string(), Value::String(v.clone())),
                None => top.insert(path.to_string(), Value::String(v.clone())),
            };
        }
    }
    if let Some(Value::String(t)) = top.get("eventTime").cloned() {
        // Lake's `2026-11-28 10:00:00.000` as the log files' RFC 3339.
        if let Ok(p) = chrono::NaiveDateTime::parse_from_str(&t, "%Y-%m-%d %H:%M:%S%.f") {
            top.insert(
                "eventTime".into(),
                Value::String(p.and_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string()),
            );
        }
    }
    if let Some(Value::String(r)) = top.get("readOnly").cloned() {
        top.insert("readOnly".into(), Value::Bool(r == "true"));
    }
    top.insert("userIdentity".into(), Value::Object(identity));
    Value::Object(top)
}

pub async fn run(mut ctx: Ctx, cfg: SdkConfig, store: String) {
    let scope = format!("{}/lake {}", ctx.profile, store_id(&store));
    let status = |ctx: &Ctx, s: ScopeStatus| {
        ctx.send(LiveEvent::Status {
            source: Source::CloudTrail,
            scope: scope.clone(),
            status: s,
        })
    };
    if ctx.ready().await.is_none() {
        return;
    }
    status(&ctx, ScopeStatus::Polling);
    let since = crate::model::time::minus(Utc::now(), ctx.opts.since);
    match query(&ctx, &Client::new(&cfg), &store, since).await {
        Ok(n) => {
            status(
                &ctx,
                ScopeStatus::Ok {
                    note: Some(format!("{n} events from CloudTrail Lake")),
                },
            );
            ctx.send(LiveEvent::Notice {
                text: format!(
                    "CloudTrail Lake: {n} events since {}",
                    since.format("%Y-%m-%d")
                ),
                error: false,
            });
        }
        Err(p) => status(&ctx, ScopeStatus::Problem(p)),
    }
}

async fn query(ctx: &Ctx, c: &Client, store: &str, since: DateTime<Utc>) -> Result<usize, Problem> {
    let started = c
        .start_query()
        .query_statement(statement(store, since))
        .send()
        .await
        .map_err(|e| classify(&e, "cloudtrail:StartQuery"))?;
    let id = started
        .query_id()
        .ok_or_else(|| Problem::Other("StartQuery returned no query id".into()))?
        .to_string();
    loop {
        let d = c
            .describe_query()
            .query_id(&id)
            .send()
            .await
            .map_err(|e| classify(&e, "cloudtrail:DescribeQuery"))?;
        match d.query_status() {
            Some(QueryStatus::Finished) => break,
            Some(QueryStatus::Failed | QueryStatus::Cancelled | QueryStatus::TimedOut) => {
                return Err(Problem::Other(format!(
                    "CloudTrail Lake query {id} ended {}: {}",
                    d.query_status().map(|s| s.as_str()).unwrap_or("?"),
                    d.error_message().unwrap_or("no reason given")
                )))
            }
            _ => tokio::time::sleep(Duration::from_secs(1)).await,
        }
    }
    let mut token = None;
    let mut total = 0;
    loop {
        let out = c
            .get_query_results()
            .query_id(&id)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| classify(&e, "cloudtrail:GetQueryResults"))?;
        let items: Vec<_> = out
            .query_result_rows()
            .iter()
            .filter_map(|row| normalize_record(row_to_record(row), &Options::default()).ok())
            .map(|(_, n)| n)
            .collect();
        total += items.len();
        send_items(ctx, items);
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(total);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_records_the_normalizer_reads() {
        let row: Vec<HashMap<String, String>> = [
            ("eventID", "e-1"),
            ("eventTime", "2026-11-28 10:00:00.000"),
            ("eventName", "CreateAccessKey"),
            ("eventSource", "iam.amazonaws.com"),
            ("identityArn", "arn:aws:iam::111122223333:user/mallory"),
            ("readOnly", "false"),
        ]
        .iter()
        .map(|(k, v)| HashMap::from([(k.to_string(), v.to_string())]))
        .collect();
        let rec = row_to_record(&row);
        assert_eq!(
            rec["userIdentity"]["arn"],
            "arn:aws:iam::111122223333:user/mallory"
        );
        assert_eq!(rec["eventTime"], "2026-11-28T10:00:00Z");
        let (_, n) = normalize_record(rec, &Options::default()).unwrap();
        let crate::normalize::Normalized::Signal(s) = n else {
            panic!("not a signal")
        };
        assert_eq!(s.kind(), "CreateAccessKey");
        let q = statement(
            "arn:aws:cloudtrail:us-east-1:1:eventdatastore/eds-1",
            Utc::now(),
        );
        assert!(q.contains("FROM eds-1 WHERE eventTime > '"), "{q}");
    }
}
