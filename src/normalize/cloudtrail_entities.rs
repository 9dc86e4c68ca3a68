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
    // The caller's own account: its key, user and role belong to it, whichever account
    // received the call (`recipientAccountId`).
    let caller = str_at(ui, &["accountId"]);
    if let Some(key) = str_at(ui, &["accessKeyId"]).filter(|k| is_access_key_id(k)) {
        out.push(Entity::new(EntityKind::AccessKey, key).in_account(caller));
    }
    let name = match kind {
        "IAMUser" => {
            let user = str_at(ui, &["userName"])
                .map(str::to_string)
                .or_else(|| arn.and_then(Entity::from_arn).map(|e| e.id.to_string()));
            if let Some(u) = &user {
                out.push(Entity::new(EntityKind::IamUser, u.clone()).in_account(caller));
            }
            user
        }
        "AssumedRole" => {
            if let Some(role) = str_at(ui, &["sessionContext", "sessionIssuer", "userName"]) {
                let issuer = str_at(ui, &["sessionContext", "sessionIssuer", "accountId"]);
                out.push(Entity::new(EntityKind::IamRole, role).in_account(issuer.or(caller)));
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

/// The account the resources named in a call's parameters belong to: the account that received
/// the call when the caller is of that account (an IAM user's `userName`, an instance id of a
/// RunInstances). A call across accounts does not say whose a bare name is: unknown.
fn parameters_account<'a>(record: &Record<'a>) -> Option<&'a str> {
    let recipient = record.str(Top::RecipientAccountId)?;
    let caller = record
        .json(Top::UserIdentity)
        .and_then(|ui| str_at(ui, &["accountId"]));
    (caller.is_none() || caller == Some(recipient)).then_some(recipient)
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
    Entity::checked(kind, value)
}

struct Walk<'a> {
    event_source: &'a str,
    account: Option<&'a str>,
}

fn walk(v: &Value, key: &str, w: &Walk, out: &mut Vec<Entity>, depth: u32) {
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
            // An ARN names its account; a bare id or name is the parameters' account's.
            let found = if s.starts_with("arn:") {
                Entity::from_arn(s)
            } else {
                hinted(key, s, w.event_source)
                    .or_else(|| Entity::from_id(s).filter(|e| e.kind != EntityKind::Ip))
                    .map(|e| e.in_account(w.account))
            };
            if let Some(e) = found {
                if !out.contains(&e) {
                    out.push(e);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| walk(i, key, w, out, depth + 1)),
        Value::Object(map) => map.iter().for_each(|(k, i)| walk(i, k, w, out, depth + 1)),
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
        // S3's ARNs name no account: the entry's `accountId` does (the bucket owner's).
        let owner = str_at(res, &["accountId"]);
        if let Some(e) = str_at(res, &["ARN"])
            .and_then(Entity::from_arn)
            .map(|e| e.in_account(owner))
        {
            if !out.contains(&e) {
                out.push(e);
            }
        }
    }
    let w = Walk {
        event_source,
        account: parameters_account(record),
    };
    for (section, name) in [
        (Top::RequestParameters, "requestParameters"),
        (Top::ResponseElements, "responseElements"),
    ] {
        if let Some(v) = record.json(section) {
            walk(v, name, &w, &mut out, 0);
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
    fn each_entity_carries_the_account_its_record_names() {
        // A user of account B calling into account C: B's user and key, C's bucket.
        let rec = json!({
            "eventSource": "s3.amazonaws.com",
            "recipientAccountId": "333333333333",
            "sourceIPAddress": "198.51.100.9",
            "userIdentity": {"type": "IAMUser", "accountId": "222222222222", "userName": "ci-deploy",
                "arn": "arn:aws:iam::222222222222:user/ci-deploy", "accessKeyId": "AKIAYYYYYYYYYYYYYYYY"},
            "requestParameters": {"bucketName": "c-data", "roleArn": "arn:aws:iam::444444444444:role/Admin",
                "userName": "victim"},
            "resources": [{"ARN": "arn:aws:s3:::c-data", "accountId": "333333333333"}]
        });
        let (_, ents) = extract(&crate::normalize::cloudtrail::of_value(&rec));
        let acct = |kind: EntityKind, id: &str| {
            ents.iter()
                .find(|e| e.kind == kind && &*e.id == id)
                .map(|e| e.account.to_string())
                .unwrap_or_else(|| format!("{kind}:{id} missing from {ents:?}"))
        };
        assert_eq!(acct(EntityKind::IamUser, "ci-deploy"), "222222222222");
        assert_eq!(
            acct(EntityKind::AccessKey, "AKIAYYYYYYYYYYYYYYYY"),
            "222222222222"
        );
        assert_eq!(acct(EntityKind::Bucket, "c-data"), "333333333333");
        assert_eq!(acct(EntityKind::IamRole, "Admin"), "444444444444");
        assert_eq!(acct(EntityKind::Ip, "198.51.100.9"), "?");
        // Across accounts a bare name in the parameters is nobody's for sure. (The S3 call's
        // `userName` is not an IAM name at all; an IAM call across accounts cannot happen.)
        let same = json!({
            "eventSource": "iam.amazonaws.com", "recipientAccountId": "333333333333",
            "userIdentity": {"type": "AssumedRole", "accountId": "333333333333",
                "arn": "arn:aws:sts::333333333333:assumed-role/Ops/s",
                "sessionContext": {"sessionIssuer": {"userName": "Ops", "accountId": "333333333333"}}},
            "requestParameters": {"userName": "backdoor"}
        });
        let (_, ents) = extract(&crate::normalize::cloudtrail::of_value(&same));
        let user = ents.iter().find(|e| e.kind == EntityKind::IamUser);
        assert_eq!(
            user.and_then(Entity::account).as_deref(),
            Some("333333333333")
        );
        let role = ents.iter().find(|e| e.kind == EntityKind::IamRole);
        assert_eq!(
            role.and_then(Entity::account).as_deref(),
            Some("333333333333")
        );
        let mut cross = same.clone();
        cross["userIdentity"]["accountId"] = json!("222222222222");
        let (_, ents) = extract(&crate::normalize::cloudtrail::of_value(&cross));
        let user = ents.iter().find(|e| &*e.id == "backdoor");
        assert_eq!(
            user.map(|e| e.account),
            Some(crate::model::AccountId::UNKNOWN)
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
