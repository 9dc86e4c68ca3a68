//! The detection services and monitors the fake answers besides GuardDuty: Security Hub
//! (GetFindings, GetFindingsV2, BatchUpdateFindings; restJson1), Macie (ListFindings,
//! GetFindings), Inspector (ListFindings), Access Analyzer (ListAnalyzers, ListFindingsV2,
//! GetFindingV2, UpdateFindings), CloudWatch (DescribeAlarms, DescribeAlarmHistory; RPC v2 CBOR)
//! and Cost Explorer (GetAnomalies; awsJson1.1), each from the world's records and filtered as
//! the real service does for the filters airc sends. A service listed in `World::not_enabled`
//! answers as it does in an account that has not turned it on.

use super::handlers::Answer;
use super::wire::{cbor_bytes, epoch};
use super::world::{page, World};
use serde_json::{json, Value};

/// The signing names of the services here.
pub const SERVICES: &[&str] = &[
    "securityhub",
    "macie2",
    "inspector2",
    "access-analyzer",
    "monitoring",
    "ce",
];

pub(super) fn json_ok(v: &Value) -> Answer {
    Answer {
        status: 200,
        headers: vec![("content-type", "application/json".into())],
        body: v.to_string().into_bytes(),
    }
}

fn cbor_ok(v: &Value) -> Answer {
    Answer {
        status: 200,
        headers: vec![
            ("content-type", "application/cbor".into()),
            ("smithy-protocol", "rpc-v2-cbor".into()),
        ],
        body: cbor_bytes(v),
    }
}

/// A restJson1 / awsJson error.
pub fn error(status: u16, code: &str, message: &str) -> Answer {
    Answer {
        status,
        headers: vec![
            ("content-type", "application/json".into()),
            ("x-amzn-errortype", code.into()),
        ],
        body: json!({"__type": code, "message": message})
            .to_string()
            .into_bytes(),
    }
}

/// What a service says in an account that has not turned it on.
fn not_enabled(service: &str) -> Answer {
    match service {
        "securityhub" => error(
            401,
            "InvalidAccessException",
            "Account 111122223333 is not subscribed to AWS Security Hub",
        ),
        "macie2" => error(
            403,
            "AccessDeniedException",
            "Macie is not enabled for this account",
        ),
        "inspector2" => error(
            403,
            "AccessDeniedException",
            "Inspector2 is not enabled for this account",
        ),
        _ => error(
            400,
            "AccessDeniedException",
            "User not enabled for cost explorer access",
        ),
    }
}

/// The operation a request names.
pub fn op(service: &str, method: &str, path: &str, target: Option<&str>) -> String {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (service, method, parts.as_slice()) {
        ("securityhub", "POST", ["findings"]) => "GetFindings",
        ("securityhub", "POST", ["findingsv2"]) => "GetFindingsV2",
        ("securityhub", "PATCH", ["findings", "batchupdate"]) => "BatchUpdateFindings",
        ("macie2", "POST", ["findings"]) => "ListFindings",
        ("macie2", "POST", ["findings", "describe"]) => "GetFindings",
        ("inspector2", "POST", ["findings", "list"]) => "ListFindings",
        ("access-analyzer", "GET", ["analyzer"]) => "ListAnalyzers",
        ("access-analyzer", "POST", ["findingv2"]) => "ListFindingsV2",
        ("access-analyzer", "GET", ["findingv2", _]) => "GetFindingV2",
        ("access-analyzer", "PUT", ["finding"]) => "UpdateFindings",
        ("monitoring", _, [.., last]) => return last.to_string(),
        ("ce", _, _) => {
            return target
                .and_then(|t| t.rsplit('.').next())
                .unwrap_or("")
                .to_string()
        }
        _ => "Unknown",
    }
    .to_string()
}

pub(super) fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Security Hub's StringFilter list: every EQUALS value must be there, no NOT_EQUALS one.
fn string_filters_hold(filters: &Value, value: Option<&str>) -> bool {
    filters.as_array().is_none_or(|fs| {
        fs.iter().all(|f| match f["Comparison"].as_str() {
            Some("EQUALS") => value == f["Value"].as_str(),
            Some("NOT_EQUALS") => value != f["Value"].as_str(),
            _ => true,
        })
    })
}

fn time_after(v: Option<&str>, start: Option<&str>) -> bool {
    match (v.and_then(epoch), start.and_then(epoch)) {
        (Some(t), Some(s)) => t >= s,
        _ => true,
    }
}

fn securityhub(w: &mut World, op: &str, req: &Value) -> Answer {
    let size = w.page_size;
    match op {
        "GetFindings" => {
            let f = &req["Filters"];
            let found: Vec<Value> = w
                .hub
                .iter()
                .filter(|x| string_filters_hold(&f["RecordState"], x["RecordState"].as_str()))
                .filter(|x| {
                    string_filters_hold(&f["WorkflowStatus"], x["Workflow"]["Status"].as_str())
                })
                .filter(|x| string_filters_hold(&f["AwsAccountId"], x["AwsAccountId"].as_str()))
                .filter(|x| string_filters_hold(&f["Id"], x["Id"].as_str()))
                .filter(|x| string_filters_hold(&f["ProductArn"], x["ProductArn"].as_str()))
                .filter(|x| {
                    time_after(x["UpdatedAt"].as_str(), f["UpdatedAt"][0]["Start"].as_str())
                })
                .cloned()
                .collect();
            w.max_page_asked = w
                .max_page_asked
                .max(req["MaxResults"].as_u64().unwrap_or(0) as usize);
            let (items, next) = page(&found, req["NextToken"].as_str(), size);
            json_ok(&json!({"Findings": items, "NextToken": next}))
        }
        "GetFindingsV2" => {
            let Some(all) = &w.hub_v2 else {
                return error(
                    401,
                    "InvalidAccessException",
                    "Security Hub V2 is not enabled for this account",
                );
            };
            let c = &req["Filters"]["CompositeFilters"][0];
            let strings = c["StringFilters"].as_array().cloned().unwrap_or_default();
            let named = |field: &str| strings.iter().find(|f| f["FieldName"] == field);
            let account = named("cloud.account.uid").and_then(|f| f["Filter"]["Value"].as_str());
            // The status only when the filters name it (airc's first poll does).
            let status = named("status").and_then(|f| f["Filter"]["Value"].as_str());
            let since = c["DateFilters"][0]["Filter"]["Start"].as_str();
            let found: Vec<Value> = all
                .iter()
                .filter(|x| account.is_none_or(|a| x["cloud"]["account"]["uid"] == a))
                .filter(|x| status.is_none_or(|s| x["status"] != s))
                .filter(|x| time_after(x["finding_info"]["modified_time_dt"].as_str(), since))
                .cloned()
                .collect();
            let (items, next) = page(&found, req["NextToken"].as_str(), size);
            json_ok(&json!({"Findings": items, "NextToken": next}))
        }
        "BatchUpdateFindings" => {
            let mut processed = Vec::new();
            let mut unprocessed = Vec::new();
            for ident in req["FindingIdentifiers"]
                .as_array()
                .cloned()
                .unwrap_or_default()
            {
                let frozen = w.hub_frozen;
                match w.hub.iter_mut().find(|x| x["Id"] == ident["Id"] && x["ProductArn"] == ident["ProductArn"]) {
                    // Accepted and not applied (a test of the read-back).
                    Some(_) if frozen => processed.push(ident),
                    Some(x) => {
                        if let Some(s) = req["Workflow"]["Status"].as_str() {
                            x["Workflow"] = json!({"Status": s});
                        }
                        if req["Note"].is_object() {
                            let mut note = req["Note"].clone();
                            note["UpdatedAt"] = json!("2026-01-15T03:30:00.000Z");
                            x["Note"] = note;
                        }
                        processed.push(ident);
                    }
                    None => unprocessed.push(json!({"FindingIdentifier": ident, "ErrorCode": "FindingNotFound", "ErrorMessage": "not found"})),
                }
            }
            json_ok(&json!({"ProcessedFindings": processed, "UnprocessedFindings": unprocessed}))
        }
        _ => error(404, "UnknownOperationException", op),
    }
}

fn access_analyzer(w: &mut World, op: &str, path: &str, query: &str, req: &Value) -> Answer {
    match op {
        "ListAnalyzers" => json_ok(&json!({"analyzers": w.analyzers})),
        "ListFindingsV2" => {
            let arn = req["analyzerArn"].as_str().unwrap_or("");
            let found: Vec<Value> = w
                .analyzer_findings
                .get(arn)
                .map(|l| {
                    l.iter()
                        .filter(|f| f["status"] == "ACTIVE")
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            let (items, next) = page(&found, req["nextToken"].as_str(), w.page_size);
            json_ok(&json!({"findings": items, "nextToken": next}))
        }
        "GetFindingV2" => {
            let id = path.rsplit('/').next().unwrap_or("");
            let arn = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("analyzerArn="))
                .map(|a| a.replace("%3A", ":").replace("%2F", "/"))
                .unwrap_or_default();
            match w
                .analyzer_findings
                .get(&arn)
                .and_then(|l| l.iter().find(|f| f["id"] == id))
            {
                Some(f) => json_ok(f),
                None => error(404, "ResourceNotFoundException", "finding not found"),
            }
        }
        "UpdateFindings" => {
            let arn = req["analyzerArn"].as_str().unwrap_or("").to_string();
            let status = req["status"].clone();
            let ids = strings(&req["ids"]);
            for f in w.analyzer_findings.get_mut(&arn).into_iter().flatten() {
                if ids.iter().any(|i| f["id"] == i.as_str()) {
                    f["status"] = status.clone();
                }
            }
            json_ok(&json!({}))
        }
        _ => error(404, "UnknownOperationException", op),
    }
}

fn cloudwatch(w: &mut World, op: &str, req: &Value) -> Answer {
    match op {
        "DescribeAlarms" => {
            let state = req["StateValue"].as_str();
            let found: Vec<Value> = w
                .alarms
                .iter()
                .filter(|a| state.is_none_or(|s| a["StateValue"] == s))
                .cloned()
                .collect();
            let (items, next) = page(&found, req["NextToken"].as_str(), w.page_size);
            cbor_ok(&json!({"MetricAlarms": items, "CompositeAlarms": [], "NextToken": next}))
        }
        "DescribeAlarmHistory" => {
            let start = req["StartDate"].as_f64();
            let found: Vec<Value> = w
                .alarm_history
                .iter()
                .filter(|h| {
                    start.is_none_or(|s| {
                        h["Timestamp"]
                            .as_str()
                            .and_then(epoch)
                            .is_some_and(|t| t >= s)
                    })
                })
                .cloned()
                .collect();
            let (items, next) = page(&found, req["NextToken"].as_str(), w.page_size);
            cbor_ok(&json!({"AlarmHistoryItems": items, "NextToken": next}))
        }
        _ => cbor_ok(&json!({"__type": "UnknownOperationException"})),
    }
}

/// Answers one request of these services (after faults): `None` when the service is not one of
/// them.
pub fn handle(
    w: &mut World,
    service: &str,
    op: &str,
    path: &str,
    query: &str,
    req: &Value,
) -> Option<Answer> {
    if !SERVICES.contains(&service) {
        return None;
    }
    if w.not_enabled.iter().any(|s| s == service) {
        return Some(not_enabled(service));
    }
    Some(match service {
        "securityhub" => securityhub(w, op, req),
        "macie2" => super::findings_macie::macie(w, op, req),
        "inspector2" => super::findings_macie::inspector(w, req),
        "access-analyzer" => access_analyzer(w, op, path, query, req),
        "monitoring" => cloudwatch(w, op, req),
        _ => {
            let (items, next) = page(&w.anomalies, req["NextPageToken"].as_str(), w.page_size);
            Answer {
                status: 200,
                headers: vec![("content-type", "application/x-amz-json-1.1".into())],
                body: json!({"Anomalies": items, "NextPageToken": next})
                    .to_string()
                    .into_bytes(),
            }
        }
    })
}
