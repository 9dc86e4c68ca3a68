//! One handler per service, each answering from the world in its own protocol.

use super::wire::{cbor_bytes, epoch, query_error};
use super::world::{page, FaultKind, World};
use serde_json::{json, Value};

pub struct Answer {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

pub(super) fn json_answer(status: u16, v: &Value, content_type: &str) -> Answer {
    Answer {
        status,
        headers: vec![("content-type", content_type.into())],
        body: v.to_string().into_bytes(),
    }
}

fn cbor_answer(status: u16, v: &Value) -> Answer {
    Answer {
        status,
        headers: vec![
            ("content-type", "application/cbor".into()),
            ("smithy-protocol", "rpc-v2-cbor".into()),
        ],
        body: cbor_bytes(v),
    }
}

/// The error for a fault, in the service's protocol.
pub fn fault_answer(service: &str, kind: &FaultKind) -> Answer {
    let (status, code, msg) = match kind {
        FaultKind::Throttle => (400, "ThrottlingException", "Rate exceeded"),
        FaultKind::Status500 => (500, "InternalFailure", "internal error (injected)"),
        FaultKind::ExpiredToken => (
            400,
            "ExpiredTokenException",
            "The security token included in the request is expired",
        ),
        FaultKind::AccessDenied => (
            403,
            "AccessDeniedException",
            "User is not authorized to perform this action",
        ),
        FaultKind::SubscriptionRequired => (
            400,
            "SubscriptionRequiredException",
            "AWS Premium Support Subscription is required to use this service.",
        ),
        FaultKind::Delay(_) => (200, "", ""),
    };
    match service {
        "health" | "monitoring" => cbor_answer(status, &json!({"__type": code, "message": msg})),
        "sts" => {
            let code = if code == "ExpiredTokenException" {
                "ExpiredToken"
            } else if code == "ThrottlingException" {
                "Throttling"
            } else {
                code
            };
            Answer {
                status: if status == 500 { 500 } else { 403 },
                headers: vec![("content-type", "text/xml".into())],
                body: query_error(code, msg).into_bytes(),
            }
        }
        "guardduty" | "securityhub" | "macie2" | "inspector2" | "access-analyzer" => {
            let (status, code) = if code == "ThrottlingException" {
                (429, "TooManyRequestsException")
            } else {
                (status, code)
            };
            let mut a = json_answer(
                status,
                &json!({"message": msg, "__type": code}),
                "application/json",
            );
            a.headers.push(("x-amzn-errortype", code.into()));
            a
        }
        _ => json_answer(
            status,
            &json!({"__type": code, "message": msg}),
            "application/x-amz-json-1.1",
        ),
    }
}

fn time_of(v: &Value, key: &str) -> f64 {
    v[key].as_str().and_then(epoch).unwrap_or(0.0)
}

pub fn health(w: &mut World, op: &str, req: &Value) -> Answer {
    let size = w.page_size;
    let token = req["nextToken"].as_str();
    let v = match op {
        "DescribeEventTypes" => {
            let (items, next) = page(&w.event_types, token, size);
            json!({"eventTypes": items, "nextToken": next})
        }
        "DescribeEvents" | "DescribeEventsForOrganization" => {
            let f = &req["filter"];
            let from = f["lastUpdatedTimes"][0]["from"]
                .as_f64()
                .or(f["lastUpdatedTime"]["from"].as_f64());
            let statuses = strings(&f["eventStatusCodes"]);
            let events: Vec<Value> = w
                .health_events
                .iter()
                .filter(|e| from.is_none_or(|t| time_of(e, "lastUpdatedTime") >= t))
                .filter(|e| statuses.is_empty() || statuses.iter().any(|s| e["statusCode"] == *s))
                .cloned()
                .collect();
            let (items, next) = page(&events, token, size);
            json!({"events": items, "nextToken": next})
        }
        "DescribeEventDetails" => {
            let arns = strings(&req["eventArns"]);
            let (ok, failed) = details(w, &arns);
            json!({"successfulSet": ok, "failedSet": failed})
        }
        "DescribeEventDetailsForOrganization" => {
            let filters = req["organizationEventDetailFilters"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let arns: Vec<String> = filters
                .iter()
                .filter_map(|f| f["eventArn"].as_str().map(String::from))
                .collect();
            let (mut ok, failed) = details(w, &arns);
            for (d, f) in ok.iter_mut().zip(filters.iter()) {
                d["awsAccountId"] = f["awsAccountId"].clone();
            }
            json!({"successfulSet": ok, "failedSet": failed})
        }
        "DescribeAffectedEntities" | "DescribeAffectedEntitiesForOrganization" => {
            let arns: Vec<String> = if op == "DescribeAffectedEntities" {
                strings(&req["filter"]["eventArns"])
            } else {
                req["organizationEntityAccountFilters"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|f| f["eventArn"].as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let ents: Vec<Value> = w
                .health_entities
                .iter()
                .filter(|e| arns.iter().any(|a| e["eventArn"] == *a))
                .cloned()
                .collect();
            let (items, next) = page(&ents, token, size);
            json!({"entities": items, "nextToken": next})
        }
        "DescribeEntityAggregates" | "DescribeEntityAggregatesForOrganization" => {
            let arns = strings(&req["eventArns"]);
            let aggs: Vec<Value> = arns
                .iter()
                .map(|a| json!({"eventArn": a, "count": w.health_entities.iter().filter(|e| e["eventArn"] == *a).count()}))
                .collect();
            if op == "DescribeEntityAggregates" {
                json!({"entityAggregates": aggs})
            } else {
                json!({"organizationEntityAggregates": aggs})
            }
        }
        "DescribeEventAggregates" => {
            let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
            for e in &w.health_events {
                *counts
                    .entry(e["eventTypeCategory"].as_str().unwrap_or("?").to_string())
                    .or_default() += 1;
            }
            let aggs: Vec<Value> = counts
                .into_iter()
                .map(|(k, n)| json!({"aggregateValue": k, "count": n}))
                .collect();
            json!({"eventAggregates": aggs})
        }
        "DescribeAffectedAccountsForOrganization" => {
            let arn = req["eventArn"].as_str().unwrap_or_default();
            let accts = w.org_accounts.get(arn).cloned().unwrap_or_default();
            let (items, next) = page(&accts, token, size);
            json!({"affectedAccounts": items, "nextToken": next})
        }
        other => {
            return cbor_answer(
                400,
                &json!({"__type": "UnknownOperationException", "message": other}),
            )
        }
    };
    cbor_answer(200, &v)
}

/// The strings of a JSON array (none when it is not one).
fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn details(w: &World, arns: &[String]) -> (Vec<Value>, Vec<Value>) {
    let mut ok = Vec::new();
    let mut failed = Vec::new();
    for a in arns {
        let Some(e) = w.health_events.iter().find(|e| e["arn"] == *a) else {
            continue;
        };
        if w.restricted_types.iter().any(|t| e["eventTypeCode"] == *t) {
            failed.push(json!({"eventArn": a, "errorName": "AccessDeniedException", "errorMessage": "not authorized for this event type"}));
            continue;
        }
        let desc = w.health_descriptions.get(a).cloned().unwrap_or_default();
        ok.push(json!({"event": e, "eventDescription": {"latestDescription": desc}, "eventMetadata": {}}));
    }
    (ok, failed)
}

pub fn guardduty(
    w: &mut World,
    method: &str,
    path: &str,
    query: &str,
    region: &str,
    req: &Value,
) -> (String, Answer) {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let size = w.page_size;
    let ok = |v: Value| json_answer(200, &v, "application/json");
    match (method, parts.as_slice()) {
        ("GET", ["detector"]) => {
            let token = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("nextToken="));
            let dets = w.detectors.get(region).cloned().unwrap_or_default();
            let (items, next) = page(&dets, token, size);
            (
                "ListDetectors".into(),
                ok(json!({"detectorIds": items, "nextToken": next})),
            )
        }
        ("POST", ["detector", d, "findings"]) => {
            let c = &req["findingCriteria"]["criterion"];
            let min = c["severity"]["greaterThanOrEqual"].as_f64().unwrap_or(0.0);
            let after = c["updatedAt"]["greaterThan"].as_f64().map(|ms| ms / 1000.0);
            let mut found: Vec<&Value> = w
                .findings
                .iter()
                .filter(|f| {
                    f["region"] == region && f["arn"].as_str().is_some_and(|a| a.contains(d))
                })
                .filter(|f| f["severity"].as_f64().unwrap_or(0.0) >= min)
                .filter(|f| after.is_none_or(|t| time_of(f, "updatedAt") > t))
                .filter(|f| !f["service"]["archived"].as_bool().unwrap_or(false))
                .collect();
            found.sort_by(|a, b| time_of(b, "updatedAt").total_cmp(&time_of(a, "updatedAt")));
            let ids: Vec<Value> = found.iter().map(|f| f["id"].clone()).collect();
            let (items, next) = page(&ids, req["nextToken"].as_str(), size);
            (
                "ListFindings".into(),
                ok(json!({"findingIds": items, "nextToken": next})),
            )
        }
        ("POST", ["detector", _, "findings", "get"]) => {
            let ids = req["findingIds"].as_array().cloned().unwrap_or_default();
            let found: Vec<Value> = w
                .findings
                .iter()
                .filter(|f| ids.contains(&f["id"]))
                .cloned()
                .collect();
            ("GetFindings".into(), ok(json!({"findings": found})))
        }
        ("POST", ["detector", _, "findings", action @ ("archive" | "unarchive")]) => {
            let ids = req["findingIds"].as_array().cloned().unwrap_or_default();
            for f in w.findings.iter_mut().filter(|f| ids.contains(&f["id"])) {
                f["service"]["archived"] = json!(*action == "archive");
            }
            let op = if *action == "archive" {
                "ArchiveFindings"
            } else {
                "UnarchiveFindings"
            };
            (op.into(), ok(json!({})))
        }
        ("POST", ["detector", _, "findings", "feedback"]) => {
            let ids = req["findingIds"].as_array().cloned().unwrap_or_default();
            for f in w.findings.iter_mut().filter(|f| ids.contains(&f["id"])) {
                f["service"]["userFeedback"] = req["feedback"].clone();
            }
            ("UpdateFindingsFeedback".into(), ok(json!({})))
        }
        _ => super::recovery::guardduty(w, method, &parts, region, req).unwrap_or((
            "Unknown".into(),
            json_answer(
                404,
                &json!({"message": format!("no route {method} {path}")}),
                "application/json",
            ),
        )),
    }
}

fn matches_attribute(r: &Value, key: &str, value: &str) -> bool {
    let ident = &r["userIdentity"];
    match key {
        "AccessKeyId" => ident["accessKeyId"] == value,
        "Username" => {
            ident["userName"] == value
                || ident["arn"]
                    .as_str()
                    .is_some_and(|a| a.ends_with(&format!("/{value}")))
        }
        "EventName" => r["eventName"] == value,
        "ResourceName" => {
            r["requestParameters"].to_string().contains(value)
                || r["resources"].to_string().contains(value)
        }
        _ => false,
    }
}

pub fn cloudtrail(w: &mut World, op: &str, region: &str, req: &Value) -> Answer {
    let ok = |v: Value| json_answer(200, &v, "application/x-amz-json-1.1");
    match op {
        "LookupEvents" => {
            let start = req["StartTime"].as_f64();
            let attr = &req["LookupAttributes"][0];
            let mut found: Vec<&Value> = w
                .trail
                .iter()
                .filter(|r| r["awsRegion"] == region)
                .filter(|r| start.is_none_or(|t| time_of(r, "eventTime") >= t))
                .filter(|r| {
                    match (
                        attr["AttributeKey"].as_str(),
                        attr["AttributeValue"].as_str(),
                    ) {
                        (Some(k), Some(v)) => matches_attribute(r, k, v),
                        _ => true,
                    }
                })
                .collect();
            found.sort_by(|a, b| time_of(b, "eventTime").total_cmp(&time_of(a, "eventTime")));
            let events: Vec<Value> = found
                .iter()
                .map(|r| json!({
                    "EventId": r["eventID"], "EventName": r["eventName"], "EventSource": r["eventSource"],
                    "EventTime": time_of(r, "eventTime"), "Username": r["userIdentity"]["userName"],
                    "AccessKeyId": r["userIdentity"]["accessKeyId"], "CloudTrailEvent": r.to_string(),
                }))
                .collect();
            let size = req["MaxResults"]
                .as_u64()
                .unwrap_or(50)
                .min(w.page_size as u64) as usize;
            let (items, next) = page(&events, req["NextToken"].as_str(), size);
            ok(json!({"Events": items, "NextToken": next}))
        }
        "StartQuery" => ok(json!({"QueryId": "q-1"})),
        "DescribeQuery" => {
            w.lake_polls += 1;
            let status = if w.lake_polls < 2 {
                "RUNNING"
            } else {
                "FINISHED"
            };
            ok(json!({"QueryId": "q-1", "QueryStatus": status}))
        }
        "GetQueryResults" => {
            let (rows, next) = page(&w.lake_rows, req["NextToken"].as_str(), w.page_size);
            ok(json!({"QueryStatus": "FINISHED", "QueryResultRows": rows, "NextToken": next}))
        }
        other => super::recovery::cloudtrail(w, other, req).unwrap_or_else(|| {
            json_answer(
                400,
                &json!({"__type": "UnknownOperationException", "message": other}),
                "application/x-amz-json-1.1",
            )
        }),
    }
}
