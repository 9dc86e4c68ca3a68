//! Entities touched by one CloudTrail record: the principal (`userIdentity`), the caller's IP,
//! the `resources` list, and ids found in `requestParameters` / `responseElements`.

use super::json_path::str_at;
use crate::detect::record::{Record, Top};
use crate::model::entity::{is_access_key_id, is_account_id};
use crate::model::{Entity, EntityKind};
use serde_json::Value;
use std::net::IpAddr;

/// A RunInstances of 500 instances should not make a signal with 2,000 entities.
pub const MAX_ENTITIES: usize = 64;

/// The principal as a short display name, and the entities it stands for.
pub fn principal(record: &Record) -> (Option<String>, Vec<Entity>) {
    let Some(ui) = record.json(Top::UserIdentity) else {
        return (None, vec![]);
    };
    let mut out = Vec::new();
    let kind = str_at(ui, &["type"]).unwrap_or("");
    let arn = str_at(ui, &["arn"]);
    if let Some(key) = str_at(ui, &["accessKeyId"]).filter(|k| is_access_key_id(k)) {
        out.push(Entity::new(EntityKind::AccessKey, key));
    }
    let name = match kind {
        "IAMUser" => {
            let user = str_at(ui, &["userName"])
                .map(str::to_string)
                .or_else(|| arn.and_then(Entity::from_arn).map(|e| e.id.to_string()));
            if let Some(u) = &user {
                out.push(Entity::new(EntityKind::IamUser, u.clone()));
            }
            user
        }
        "AssumedRole" => {
            if let Some(role) = str_at(ui, &["sessionContext", "sessionIssuer", "userName"]) {
                out.push(Entity::new(EntityKind::IamRole, role));
            }
            let session = arn
                .and_then(Entity::from_arn)
                .filter(|e| e.kind == EntityKind::AssumedRole);
            let name = session.as_ref().map(|e| e.id.to_string());
            out.extend(session);
            name
        }
        "Root" => {
            if let Some(acct) = str_at(ui, &["accountId"]) {
                out.push(Entity::new(EntityKind::Account, acct));
            }
            Some("root".to_string())
        }
        "AWSService" => str_at(ui, &["invokedBy"]).map(str::to_string),
        "AWSAccount" => {
            let acct = str_at(ui, &["accountId"]);
            out.extend(acct.map(|a| Entity::new(EntityKind::Account, a)));
            acct.map(|a| format!("account {a}"))
        }
        _ => str_at(ui, &["userName"])
            .map(str::to_string)
            .or_else(|| arn.map(|a| a.rsplit([':', '/']).next().unwrap_or(a).to_string()))
            .or_else(|| str_at(ui, &["invokedBy"]).map(str::to_string)),
    };
    // A principal from another account is worth a pivot of its own.
    let home = record.str(Top::RecipientAccountId);
    if let (Some(theirs), Some(ours)) = (str_at(ui, &["accountId"]), home) {
        if theirs != ours && is_account_id(theirs) && kind != "Root" {
            out.push(Entity::new(EntityKind::Account, theirs));
        }
    }
    (name, out)
}

/// Key names whose string values are ids of a known kind even when the value has no
/// recognisable shape (user and role names, bucket names).
fn hinted(key: &str, value: &str, event_source: &str) -> Option<Entity> {
    let kind = match key {
        "userName" if event_source == "iam.amazonaws.com" => EntityKind::IamUser,
        "roleName" if event_source == "iam.amazonaws.com" => EntityKind::IamRole,
        "bucketName" | "bucket" if event_source == "s3.amazonaws.com" => EntityKind::Bucket,
        _ => return None,
    };
    Some(Entity::new(kind, value))
}

fn walk(v: &Value, key: &str, event_source: &str, out: &mut Vec<Entity>, depth: u32) {
    if out.len() >= 4 * MAX_ENTITIES || depth > 12 {
        return;
    }
    match v {
        Value::String(s) => {
            let s = s.trim();
            if s.is_empty() || s.len() > 2048 {
                return;
            }
            // IPs inside parameters are mostly CIDRs and private addresses of ENIs: only the
            // caller's sourceIPAddress counts as an IP entity.
            let found = hinted(key, s, event_source)
                .or_else(|| Entity::from_id(s).filter(|e| e.kind != EntityKind::Ip));
            if let Some(e) = found {
                if !out.contains(&e) {
                    out.push(e);
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|i| walk(i, key, event_source, out, depth + 1)),
        Value::Object(map) => map
            .iter()
            .for_each(|(k, i)| walk(i, k, event_source, out, depth + 1)),
        _ => {}
    }
}

pub fn extract(record: &Record) -> (Option<String>, Vec<Entity>) {
    let (actor, mut out) = principal(record);
    if let Some(ip) = record
        .str(Top::SourceIp)
        .filter(|s| s.parse::<IpAddr>().is_ok())
    {
        out.push(Entity::new(EntityKind::Ip, ip));
    }
    let event_source = record.str(Top::EventSource).unwrap_or("");
    let resources = record.json(Top::Resources).and_then(Value::as_array);
    for res in resources.map(Vec::as_slice).unwrap_or(&[]) {
        if let Some(e) = str_at(res, &["ARN"]).and_then(Entity::from_arn) {
            if !out.contains(&e) {
                out.push(e);
            }
        }
    }
    for (section, name) in [
        (Top::RequestParameters, "requestParameters"),
        (Top::ResponseElements, "responseElements"),
    ] {
        if let Some(v) = record.json(section) {
            walk(v, name, event_source, &mut out, 0);
        }
    }
    (actor, out)
}

/// The entities a record keeps (at most `MAX_ENTITIES`) and how many more were found.
pub fn capped(mut found: Vec<Entity>) -> (Vec<Entity>, u32) {
    let more = found.len().saturating_sub(MAX_ENTITIES) as u32;
    found.truncate(MAX_ENTITIES);
    // Held for as long as the signal is: no spare capacity (a million signals' worth of it).
    found.shrink_to_fit();
    (found, more)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn assumed_role_with_key_ip_and_parameters() {
        let rec = json!({
            "eventSource": "iam.amazonaws.com",
            "recipientAccountId": "111111111111",
            "sourceIPAddress": "198.51.100.9",
            "userIdentity": {
                "type": "AssumedRole", "accountId": "222222222222",
                "arn": "arn:aws:sts::222222222222:assumed-role/Deploy/ci-run",
                "accessKeyId": "ASIAXXXXXXXXXXXXXXXX",
                "sessionContext": {"sessionIssuer": {"type": "Role", "userName": "Deploy"}}
            },
            "requestParameters": {"userName": "mallory", "policyDocument": "{\"x\":\"i-0123456789abcdef0\"}"},
            "responseElements": {"accessKey": {"accessKeyId": "AKIAYYYYYYYYYYYYYYYY", "userName": "mallory"}},
            "resources": [{"ARN": "arn:aws:ec2:us-east-1:111111111111:instance/i-0abcdef1234567890"}]
        });
        let (actor, ents) = extract(&crate::normalize::cloudtrail::of_value(&rec));
        assert_eq!(actor.as_deref(), Some("Deploy/ci-run"));
        let ids: Vec<String> = ents.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            ids,
            [
                "access_key:ASIAXXXXXXXXXXXXXXXX",
                "iam_role:Deploy",
                "assumed_role:Deploy/ci-run",
                "account:222222222222",
                "ip:198.51.100.9",
                "instance:i-0abcdef1234567890",
                "iam_user:mallory",
                "access_key:AKIAYYYYYYYYYYYYYYYY",
            ]
        );
    }

    #[test]
    fn service_hostnames_and_hidden_keys_are_not_entities() {
        let rec = json!({
            "sourceIPAddress": "AWS Internal",
            "userIdentity": {"type": "IAMUser", "userName": "bert-jan", "accessKeyId": "HIDDEN_DUE_TO_SECURITY_REASONS"}
        });
        let (actor, ents) = extract(&crate::normalize::cloudtrail::of_value(&rec));
        assert_eq!(actor.as_deref(), Some("bert-jan"));
        assert_eq!(ents, vec![Entity::new(EntityKind::IamUser, "bert-jan")]);
    }
}
