//! Macie (ListFindings, GetFindings) and Inspector (ListFindings) as the fake answers them:
//! filtered by the criteria airc sends, as the real services do (the state filter only when
//! the criteria name one; "updated since").

use super::findings::{error, json_ok, strings};
use super::handlers::Answer;
use super::wire::epoch;
use super::world::{page, World};
use serde_json::{json, Value};

pub fn macie(w: &mut World, op: &str, req: &Value) -> Answer {
    match op {
        "ListFindings" => {
            let c = &req["findingCriteria"]["criterion"];
            let accounts = strings(&c["accountId"]["eq"]);
            let ids: Vec<Value> = w
                .macie
                .iter()
                .filter(|f| {
                    accounts.is_empty() || accounts.iter().any(|a| f["accountId"] == a.as_str())
                })
                // `archived` only when the criteria name it (airc's first poll does; later ones
                // ask for whatever was updated since).
                .filter(|f| {
                    let archived = f["archived"].as_bool().unwrap_or(false).to_string();
                    strings(&c["archived"]["eq"])
                        .first()
                        .is_none_or(|want| *want == archived)
                })
                .filter(|f| {
                    let since = c["updatedAt"]["gte"].as_f64().map(|ms| ms / 1000.0);
                    match (f["updatedAt"].as_str().and_then(epoch), since) {
                        (Some(t), Some(s)) => t >= s,
                        _ => true,
                    }
                })
                .map(|f| f["id"].clone())
                .collect();
            let (items, next) = page(&ids, req["nextToken"].as_str(), w.page_size);
            json_ok(&json!({"findingIds": items, "nextToken": next}))
        }
        "GetFindings" => {
            let ids = strings(&req["findingIds"]);
            w.max_batch_asked = w.max_batch_asked.max(ids.len());
            let found: Vec<Value> = w
                .macie
                .iter()
                .filter(|f| ids.iter().any(|i| f["id"] == i.as_str()))
                .cloned()
                .collect();
            json_ok(&json!({"findings": found}))
        }
        _ => error(404, "UnknownOperationException", op),
    }
}

pub fn inspector(w: &mut World, req: &Value) -> Answer {
    let c = &req["filterCriteria"];
    let accounts: Vec<String> = c["awsAccountId"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["value"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let found: Vec<Value> = w
        .inspector
        .iter()
        .filter(|f| accounts.is_empty() || accounts.iter().any(|a| f["awsAccountId"] == a.as_str()))
        // The status only when the criteria name one (airc's first poll does: ACTIVE).
        .filter(|f| {
            c["findingStatus"].as_array().is_none_or(|fs| {
                fs.iter()
                    .all(|x| x["comparison"] != "EQUALS" || x["value"] == f["status"])
            })
        })
        .filter(|f| {
            // Inspector's API writes times as epoch seconds.
            let since = c["updatedAt"][0]["startInclusive"].as_f64();
            match (f["updatedAt"].as_f64(), since) {
                (Some(t), Some(s)) => t >= s,
                _ => true,
            }
        })
        .cloned()
        .collect();
    let (items, next) = page(&found, req["nextToken"].as_str(), w.page_size);
    json_ok(&json!({"findings": items, "nextToken": next}))
}
