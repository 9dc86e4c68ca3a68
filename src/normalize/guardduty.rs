//! GuardDuty findings → signals, in either key case (API camelCase, SDK-printed PascalCase).

use super::json_path::{array_at, f64_at, get, path, str_at};
use super::text_bounds as bounds;
use super::Envelope;
use crate::model::{time, Entity, EntityKind, Rare, Severity, Signal, Source};
use serde_json::Value;

pub fn normalize(f: &Value, env: &Envelope) -> Result<Signal, super::RecordError> {
    let id = str_at(f, &["id"]).ok_or("GuardDuty finding has no id")?;
    let kind = str_at(f, &["type"]).ok_or("GuardDuty finding has no type")?;
    let score = f64_at(f, &["severity"]).ok_or("GuardDuty finding has no numeric severity")?;
    let updated = get(f, "updatedAt").and_then(time::parse_value);
    let time = updated
        .or_else(|| get(f, "createdAt").and_then(time::parse_value))
        .or_else(|| path(f, &["service", "eventLastSeen"]).and_then(time::parse_value))
        .ok_or("GuardDuty finding has no readable updatedAt or createdAt")?;
    let (actor, mut entities) = entities(f);
    super::attack_sequence::add_entities(f, &mut entities);
    // Kept up to the cap; the rest (as far as the walk looked) is counted.
    let more = entities
        .len()
        .saturating_sub(crate::model::signal::MAX_ENTITIES);
    entities.truncate(crate::model::signal::MAX_ENTITIES);
    let title = str_at(f, &["title"]).unwrap_or(kind).to_string();
    // Cut before it is read: a megabyte description is never copied whole.
    let description = crate::safe_text::bounded_str(
        str_at(f, &["description"]).unwrap_or(""),
        bounds::MAX_SUMMARY,
    );
    let mut summary = first_sentence(&description);
    if summary.is_empty() {
        summary = title.clone();
    }
    if let Some(count) = f64_at(f, &["service", "count"]).filter(|c| *c > 1.0) {
        summary.push_str(&format!(" (seen {count} times)"));
    }
    let archived = path(f, &["service", "archived"])
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Ok(Signal {
        id: format!("guardduty:{id}").into(),
        source: Source::GuardDuty,
        time,
        rare: Rare {
            updated,
            entities_more: more as u32,
            entities: entities.into(),
            detections: super::attack_sequence::detections(f),
            ..Rare::default()
        }
        .boxed(),
        severity: Severity::from_guardduty(score),
        // Every text cut to its bound (`text_bounds`): the record is attacker-controlled.
        facets: crate::model::Facets::new(crate::model::FacetFields {
            severity_reason: format!(
                "GuardDuty severity {score}{}",
                if archived { " (archived)" } else { "" }
            )
            .into(),
            kind: bounds::text(kind),
            title: bounds::text(&title),
            account: str_at(f, &["accountId"])
                .or(env.account.as_deref())
                .map(bounds::text),
            region: str_at(f, &["region"])
                .or(env.region.as_deref())
                .map(bounds::text),
            category: str_at(f, &["resource", "resourceType"]).map(bounds::text),
            actor: actor.as_deref().map(bounds::text),
            ..Default::default()
        }),
        summary: crate::model::Summary::text(bounds::summary(summary)),
        held: false,
        raw: crate::model::Raw::None,
    })
}

fn first_sentence(s: &str) -> String {
    let end = s.find(". ").map(|i| i + 1).unwrap_or(s.len());
    s[..end].trim().to_string()
}

/// Keeps an entity once, up to the cap a signal holds (a finding listing thousands of remote
/// IPs must not make every later check pay for all of them).
fn push(out: &mut Vec<Entity>, e: Option<Entity>) {
    // Looked for up to four times the cap, so the rest can be counted (`entities_more`).
    if out.len() >= 4 * crate::model::signal::MAX_ENTITIES {
        return;
    }
    if let Some(e) = e.filter(|e| !e.id.is_empty()) {
        if !out.contains(&e) {
            out.push(e);
        }
    }
}

fn id_of(kind: EntityKind, v: Option<&str>) -> Option<Entity> {
    v.and_then(|s| Entity::checked(kind, s))
}

/// Remote IPs and accounts anywhere under `service.action` (network connection, port probe,
/// API call, DNS, Kubernetes, RDS login…): every `ipAddressV4/V6` and `remoteAccountDetails`.
fn walk_action(v: &Value, key: &str, out: &mut Vec<Entity>, depth: u32) {
    if depth > 10 {
        return;
    }
    match v {
        Value::String(s)
            if key.eq_ignore_ascii_case("ipAddressV4")
                || key.eq_ignore_ascii_case("ipAddressV6") =>
        {
            push(out, Entity::from_id(s).filter(|e| e.kind == EntityKind::Ip));
        }
        Value::String(s) if key.eq_ignore_ascii_case("accountId") => {
            push(
                out,
                Entity::from_id(s).filter(|e| e.kind == EntityKind::Account),
            );
        }
        Value::String(s) if key.eq_ignore_ascii_case("accessKeyId") => {
            push(
                out,
                Entity::from_id(s).filter(|e| e.kind == EntityKind::AccessKey),
            );
        }
        Value::Array(a) => a.iter().for_each(|x| walk_action(x, key, out, depth + 1)),
        Value::Object(m) => m
            .iter()
            .for_each(|(k, x)| walk_action(x, k, out, depth + 1)),
        _ => {}
    }
}

pub fn entities(f: &Value) -> (Option<String>, Vec<Entity>) {
    let mut out = Vec::new();
    let mut actor = None;
    let res = get(f, "resource").cloned().unwrap_or(Value::Null);
    if let Some(akd) = get(&res, "accessKeyDetails") {
        push(
            &mut out,
            Entity::from_id(str_at(akd, &["accessKeyId"]).unwrap_or("")),
        );
        let user = str_at(akd, &["userName"]);
        let kind = match str_at(akd, &["userType"]).unwrap_or("") {
            "Role" | "AssumedRole" => EntityKind::IamRole,
            "Root" => EntityKind::Account,
            _ => EntityKind::IamUser,
        };
        if kind != EntityKind::Account {
            push(&mut out, id_of(kind, user));
        }
        actor = user.map(str::to_string);
    }
    if let Some(inst) = get(&res, "instanceDetails") {
        push(
            &mut out,
            id_of(EntityKind::Instance, str_at(inst, &["instanceId"])),
        );
        for eni in array_at(inst, &["networkInterfaces"]) {
            for sg in array_at(eni, &["securityGroups"]) {
                push(
                    &mut out,
                    Entity::from_id(str_at(sg, &["groupId"]).unwrap_or("")),
                );
            }
            push(
                &mut out,
                Entity::from_id(str_at(eni, &["publicIp"]).unwrap_or("")),
            );
        }
        push(
            &mut out,
            str_at(inst, &["iamInstanceProfile", "arn"]).and_then(Entity::from_arn),
        );
    }
    for bucket in array_at(&res, &["s3BucketDetails"]) {
        push(
            &mut out,
            id_of(EntityKind::Bucket, str_at(bucket, &["name"])),
        );
    }
    if let Some(ebs) = get(&res, "ebsVolumeDetails") {
        for vol in array_at(ebs, &["scannedVolumeDetails"])
            .iter()
            .chain(array_at(ebs, &["skippedVolumeDetails"]))
        {
            push(
                &mut out,
                str_at(vol, &["volumeArn"]).and_then(Entity::from_arn),
            );
            push(
                &mut out,
                Entity::from_id(str_at(vol, &["snapshotArn"]).unwrap_or("")),
            );
        }
    }
    for key in [
        "lambdaDetails",
        "eksClusterDetails",
        "rdsDbInstanceDetails",
        "ecsClusterDetails",
    ] {
        push(
            &mut out,
            get(&res, key)
                .and_then(|d| str_at(d, &["functionArn"]).or(str_at(d, &["arn"])))
                .and_then(Entity::from_arn),
        );
    }
    // The resource is the finding's account's (its key, user, instance, bucket); what the
    // action names (remote callers, their keys and accounts) is not.
    let account = str_at(f, &["accountId"]);
    for e in out.iter_mut().filter(|e| e.kind != EntityKind::Ip) {
        e.account = e.account.merge(crate::model::AccountId::of(account));
    }
    if let Some(action) = path(f, &["service", "action"]) {
        walk_action(action, "action", &mut out, 0);
    }
    (actor, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn camel_and_pascal_give_the_same_signal() {
        let camel = json!({
            "id": "f1", "type": "UnauthorizedAccess:IAMUser/MaliciousIPCaller", "severity": 8.0,
            "updatedAt": "2024-01-01T00:00:00Z", "accountId": "111122223333", "region": "eu-west-1",
            "title": "API called from a known malicious IP.", "description": "An API was invoked. More text.",
            "resource": {"resourceType": "AccessKey", "accessKeyDetails": {"accessKeyId": "AKIAABCDEFGHIJKLMNOP", "userName": "alice", "userType": "IAMUser"}},
            "service": {"action": {"awsApiCallAction": {"remoteIpDetails": {"ipAddressV4": "203.0.113.5"}, "remoteAccountDetails": {"accountId": "444455556666"}}}}
        });
        let pascal = json!({
            "Id": "f1", "Type": "UnauthorizedAccess:IAMUser/MaliciousIPCaller", "Severity": 8,
            "UpdatedAt": "2024-01-01T00:00:00.000Z", "AccountId": "111122223333", "Region": "eu-west-1",
            "Title": "API called from a known malicious IP.", "Description": "An API was invoked. More text.",
            "Resource": {"ResourceType": "AccessKey", "AccessKeyDetails": {"AccessKeyId": "AKIAABCDEFGHIJKLMNOP", "UserName": "alice", "UserType": "IAMUser"}},
            "Service": {"Action": {"AwsApiCallAction": {"RemoteIpDetails": {"IpAddressV4": "203.0.113.5"}, "RemoteAccountDetails": {"AccountId": "444455556666"}}}}
        });
        let a = normalize(&camel, &Envelope::default());
        let b = normalize(&pascal, &Envelope::default());
        assert_eq!(a, b);
        let a = a.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.severity, Severity::High);
        assert_eq!(a.summary(), "An API was invoked.");
        let ids: Vec<String> = a
            .own_entities()
            .unwrap_or_default()
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(
            ids,
            [
                "access_key:AKIAABCDEFGHIJKLMNOP",
                "iam_user:alice",
                "account:444455556666",
                "ip:203.0.113.5"
            ]
        );
    }

    #[test]
    fn severity_must_be_a_number() {
        assert!(normalize(&json!({"id": "x", "type": "T", "severity": "high", "updatedAt": "2024-01-01T00:00:00Z"}), &Envelope::default()).is_err());
    }

    #[test]
    fn a_finding_naming_thousands_of_ips_keeps_the_cap_and_counts_the_rest() {
        let probes: Vec<serde_json::Value> = (0..2000)
            .map(|i| serde_json::json!({"remoteIpDetails": {"ipAddressV4": format!("198.51.{}.{}", i / 250, i % 250)}}))
            .collect();
        let f = serde_json::json!({"schemaVersion":"2.0","id":"f","type":"Recon:EC2/PortProbeUnprotectedPort",
            "severity":5,"accountId":"1","region":"us-east-1","createdAt":"2026-11-28T00:00:00Z",
            "updatedAt":"2026-11-28T00:00:00Z","title":"t","description":"d","resource":{},
            "service":{"action":{"portProbeAction":{"portProbeDetails": probes}}}});
        let t = std::time::Instant::now();
        let s = normalize(&f, &Default::default()).unwrap();
        assert!(
            t.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            t.elapsed()
        );
        assert_eq!(
            s.own_entities().map(<[_]>::len),
            Some(crate::model::signal::MAX_ENTITIES)
        );
        assert!(s.entities_more() >= 700, "{}", s.entities_more());
    }
}
