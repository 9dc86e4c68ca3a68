//! IAM Access Analyzer findings (`ListFindings`, `ListFindingsV2`, `GetFinding`,
//! `GetFindingV2`, `ListAccessPreviewFindings` output, "Access Analyzer Finding" EventBridge
//! events) → signals: external access (who outside the zone of trust can reach a resource, and
//! whether the world can) and unused access (roles, keys, passwords, permissions).

use super::finding_parts::{time_at, Draft};
use super::json_path::{array_at, get, str_at};
use super::Envelope;
use crate::model::{Entity, EntityKind, Severity, Signal, Source};
use serde_json::Value;

/// An Access Analyzer finding: `id`, `resourceType` (`AWS::S3::Bucket`), `status`, and its
/// resource or owner account.
pub fn is_finding(v: &Value) -> bool {
    v.get("id").is_some()
        && str_at(v, &["resourceType"]).is_some()
        && v.get("status").is_some()
        && (v.get("resource").is_some() || v.get("resourceOwnerAccount").is_some())
}

/// `GetFinding` output: `{"finding": {...}}`.
pub fn wrapped(v: &Value) -> Option<&Value> {
    v.as_object()
        .filter(|m| m.len() == 1)?
        .get("finding")
        .filter(|f| is_finding(f))
}

/// The principal as one line: `AWS 111122223333`, `Federated cognito-identity.amazonaws.com`.
fn principal_text(p: &Value) -> Option<String> {
    match p {
        Value::Object(m) => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, v)| match v {
                    Value::String(s) => format!("{k} {s}"),
                    other => format!("{k} {other}"),
                })
                .collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

fn principals(f: &Value) -> impl Iterator<Item = &Value> {
    get(f, "principal").into_iter().chain(
        array_at(f, &["findingDetails"])
            .iter()
            .filter_map(|d| super::json_path::path(d, &["externalAccessDetails", "principal"])),
    )
}

pub fn normalize(f: &Value, env: &Envelope) -> Result<Signal, super::RecordError> {
    let id = str_at(f, &["id"]).ok_or("Access Analyzer finding has no id")?;
    let rtype = str_at(f, &["resourceType"]).unwrap_or("resource");
    let resource = str_at(f, &["resource"]);
    let status = str_at(f, &["status"]).unwrap_or("ACTIVE");
    let public = get(f, "isPublic").and_then(Value::as_bool).unwrap_or(false)
        || array_at(f, &["findingDetails"]).iter().any(|d| {
            super::json_path::path(d, &["externalAccessDetails", "isPublic"])
                .and_then(Value::as_bool)
                == Some(true)
        });
    let preview = get(f, "changeType").is_some();
    let ftype = str_at(f, &["findingType"]).unwrap_or("ExternalAccess");
    let who = principals(f).find_map(principal_text);
    let (mut severity, why) = match ftype {
        _ if public => (Severity::High, "public access"),
        "ExternalAccess" => (Severity::Medium, "external access"),
        _ => (Severity::Low, "unused access"),
    };
    if status != "ACTIVE" || preview {
        severity = Severity::Info;
    }
    let mut d = Draft {
        id: format!("accessanalyzer:{id}"),
        updated: time_at(f, &[&["updatedAt"]]),
        time: time_at(f, &[&["updatedAt"], &["analyzedAt"], &["createdAt"]]),
        severity,
        kind: match preview {
            true => format!("AccessPreview/{ftype}"),
            false => ftype.to_string(),
        },
        reason: format!(
            "Access Analyzer: {why}; status {status}{}",
            if preview {
                "; preview of a proposed policy, not current access"
            } else {
                ""
            }
        ),
        account: str_at(f, &["resourceOwnerAccount"])
            .map(str::to_string)
            .or_else(|| env.account.clone()),
        region: env.region.clone(),
        category: Some(rtype.to_string()),
        actor: who.clone(),
        ..Draft::default()
    };
    let short = resource
        .map(|r| r.rsplit([':', '/']).next().unwrap_or(r))
        .unwrap_or("?");
    d.title = match (public, ftype) {
        (true, _) => format!("{rtype} {short} is public"),
        (false, "ExternalAccess") => format!("{rtype} {short} is shared outside the zone of trust"),
        (false, t) => format!("{t}: {rtype} {short}"),
    };
    let actions: Vec<&str> = array_at(f, &["action"])
        .iter()
        .chain(array_at(f, &["findingDetails"]).iter().flat_map(|d| {
            array_at(d, &["externalAccessDetails", "action"])
                .iter()
                .chain(array_at(d, &["unusedPermissionDetails", "actions"]))
        }))
        .filter_map(Value::as_str)
        .take(4)
        .collect();
    d.summary = format!(
        "{}{}{}",
        resource.unwrap_or(rtype),
        who.map(|w| format!(" ← {w}")).unwrap_or_default(),
        match actions.is_empty() {
            true => String::new(),
            false => format!(": {}", actions.join(", ")),
        }
    );
    let e = &mut d.entities;
    e.push(resource.and_then(|r| match rtype {
        "AWS::S3::Bucket" if !r.starts_with("arn:") => Entity::checked(EntityKind::Bucket, r),
        _ => super::finding_parts::resource(r),
    }));
    for p in principals(f) {
        if let Value::Object(m) = p {
            for v in m.get("AWS").into_iter().flat_map(|v| match v {
                Value::Array(a) => a.iter().collect::<Vec<_>>(),
                other => vec![other],
            }) {
                // An account or an ARN; `*` (anyone) is said by the title, not an entity.
                // Outside the analyzed account (that is the finding): never given its account.
                e.push_foreign(v.as_str().and_then(Entity::from_id));
            }
        }
    }
    for detail in e.scan(array_at(f, &["findingDetails"])) {
        e.push(
            str_at(detail, &["unusedIamUserAccessKeyDetails", "accessKeyId"])
                .and_then(Entity::from_id),
        );
    }
    e.kind(EntityKind::Account, str_at(f, &["resourceOwnerAccount"]));
    d.build(
        Source::AccessAnalyzer,
        "Access Analyzer finding has no readable updatedAt, analyzedAt or createdAt",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn external_access_public_access_and_previews() {
        let f = json!({"id": "597f", "principal": {"Federated": "cognito-identity.amazonaws.com"},
            "action": ["sts:AssumeRoleWithWebIdentity"], "resource": "arn:aws:iam::111122223333:role/Cognito_Unauth",
            "isPublic": false, "resourceType": "AWS::IAM::Role", "createdAt": "2021-02-26T21:17:24.710000+00:00",
            "updatedAt": "2021-02-26T21:17:24.710000+00:00", "status": "ACTIVE", "resourceOwnerAccount": "111122223333"});
        assert!(is_finding(&f));
        assert!(wrapped(&json!({"finding": f.clone()})).is_some());
        let s = normalize(&f, &Envelope::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((s.severity, s.kind()), (Severity::Medium, "ExternalAccess"));
        assert_eq!(s.summary(), "arn:aws:iam::111122223333:role/Cognito_Unauth ← Federated cognito-identity.amazonaws.com: sts:AssumeRoleWithWebIdentity");
        let ents: Vec<String> = s
            .own_entities()
            .unwrap_or_default()
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(ents, ["iam_role:Cognito_Unauth", "account:111122223333"]);

        let public = json!({"id": "b1", "resource": "arn:aws:s3:::amzn-s3-demo-bucket", "resourceType": "AWS::S3::Bucket",
            "isPublic": true, "principal": {"AWS": "*"}, "status": "ACTIVE", "updatedAt": "2024-02-17T00:18:46+00:00",
            "resourceOwnerAccount": "111122223333"});
        let s = normalize(&public, &Envelope::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (s.severity, s.title()),
            (
                Severity::High,
                "AWS::S3::Bucket amzn-s3-demo-bucket is public"
            )
        );
        let mut preview = public.clone();
        preview["changeType"] = json!("NEW");
        let s = normalize(&preview, &Envelope::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (s.severity, s.kind()),
            (Severity::Info, "AccessPreview/ExternalAccess")
        );
    }
}
