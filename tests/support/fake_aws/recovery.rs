//! What the recovery actions change in CloudTrail and GuardDuty (moto answers neither as the
//! SDK calls them): a trail's logging, and the region's detectors and whether each is enabled.

use super::handlers::json_answer;
use super::world::World;
use super::Answer;
use serde_json::{json, Value};

pub fn cloudtrail(w: &mut World, op: &str, req: &Value) -> Option<Answer> {
    let ct = "application/x-amz-json-1.1";
    let name = req["Name"].as_str().unwrap_or("");
    // A trail ARN names the trail by its last part.
    let name = name.rsplit('/').next().unwrap_or(name).to_string();
    let missing = || {
        json_answer(
            400,
            &json!({"__type": "TrailNotFoundException", "message": format!("Unknown trail: {name}")}),
            ct,
        )
    };
    Some(match op {
        "GetTrailStatus" => match w.trails_logging.get(&name) {
            Some(on) => json_answer(200, &json!({"IsLogging": on}), ct),
            None => missing(),
        },
        "StartLogging" | "StopLogging" => match w.trails_logging.get_mut(&name) {
            Some(on) => {
                *on = op == "StartLogging";
                json_answer(200, &json!({}), ct)
            }
            None => missing(),
        },
        _ => return None,
    })
}

pub fn guardduty(
    w: &mut World,
    method: &str,
    parts: &[&str],
    region: &str,
    req: &Value,
) -> Option<(String, Answer)> {
    let ok = |v: Value| json_answer(200, &v, "application/json");
    let missing = |id: &str| {
        json_answer(
            400,
            &json!({"__type": "BadRequestException", "message": format!("The request is rejected because the input detectorId {id} is not owned by the current account.")}),
            "application/json",
        )
    };
    Some(match (method, parts) {
        ("POST", ["detector"]) => {
            let id = format!("{:032x}", w.detector_enabled.len() as u128 + 0xd37e_c70d);
            w.detectors
                .entry(region.to_string())
                .or_default()
                .push(id.clone());
            w.detector_enabled
                .insert(id.clone(), req["enable"].as_bool().unwrap_or(false));
            ("CreateDetector".into(), ok(json!({"detectorId": id})))
        }
        ("GET", ["detector", id]) => match w.detector_enabled.get(*id) {
            Some(on) => (
                "GetDetector".into(),
                ok(json!({
                "createdAt": "2026-12-01T00:00:00Z", "updatedAt": "2026-12-01T00:00:00Z",
                "serviceRole": "arn:aws:iam::111122223333:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty",
                "findingPublishingFrequency": "SIX_HOURS",
                "status": if *on { "ENABLED" } else { "DISABLED" }})),
            ),
            None => ("GetDetector".into(), missing(id)),
        },
        ("POST", ["detector", id]) => match w.detector_enabled.get_mut(*id) {
            Some(on) => {
                if let Some(e) = req["enable"].as_bool() {
                    *on = e;
                }
                ("UpdateDetector".into(), ok(json!({})))
            }
            None => ("UpdateDetector".into(), missing(id)),
        },
        _ => return None,
    })
}
