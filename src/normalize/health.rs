//! AWS Health events → signals. One Health event reaches us in pieces (an EventBridge event, a
//! DescribeEvents item, a DescribeEventDetails item, DescribeAffectedEntities items), possibly
//! from different files. Each piece is stored under its own key in a *parts* object keyed by
//! event ARN; the signal is always rebuilt from all parts seen so far, so the join is exact
//! whatever order the files load in.

use super::abuse::AbuseType;
use super::json_path::{array_at, get, str_at};
use crate::model::{time, Entity, EntityKind, Rare, Severity, Signal, Source, Text};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Event type code → category, from a DescribeEventTypes catalog.
pub type Catalog = HashMap<String, String>;

pub const PART_EVENTBRIDGE: &str = "eventBridge";
pub const PART_EVENT: &str = "describeEvents";
pub const PART_DETAILS: &str = "describeEventDetails";
pub const PART_ENTITIES: &str = "describeAffectedEntities";
/// `{"eventArn", "count"}` from DescribeEntityAggregates.
pub const PART_ENTITY_COUNT: &str = "describeEntityAggregates";
/// `{"eventArn", "errorName", "errorMessage"}`: AWS refused this event's details (IAM can deny
/// `health:DescribeEventDetails` by event type code).
pub const PART_DENIED: &str = "detailsDenied";

/// The event ARN a piece belongs to.
pub fn arn_of(kind: &str, piece: &Value) -> Option<String> {
    let arn = match kind {
        PART_EVENTBRIDGE => str_at(piece, &["detail", "eventArn"]),
        PART_EVENT => str_at(piece, &["arn"]),
        PART_DETAILS => str_at(piece, &["event", "arn"]),
        _ => str_at(piece, &["eventArn"]),
    };
    arn.map(str::to_string)
}

/// Wraps one piece as a parts object.
pub fn part(kind: &str, piece: Value) -> Value {
    let mut m = Map::new();
    let v = if kind == PART_ENTITIES {
        Value::Array(vec![piece])
    } else {
        piece
    };
    m.insert(kind.to_string(), v);
    Value::Object(m)
}

/// The most affected entities one Health event keeps (the rest are counted in `affected`):
/// an event naming a whole fleet must not cost minutes or gigabytes to join.
pub const MAX_ENTITY_ITEMS: usize = 10_000;

/// Merges `new` parts into `old`: entity lists are joined (without repeats: by hash, linear in
/// their sizes), and a newer EventBridge event replaces an older one.
pub fn merge_parts(old: &mut Value, new: Value) {
    let (Some(old), Value::Object(new)) = (old.as_object_mut(), new) else {
        return;
    };
    for (k, v) in new {
        match (old.get_mut(&k), v) {
            (Some(Value::Array(have)), Value::Array(more)) => {
                let mut seen: std::collections::HashSet<String> =
                    have.iter().map(|v| v.to_string()).collect();
                for m in more {
                    if have.len() >= MAX_ENTITY_ITEMS {
                        break;
                    }
                    if seen.insert(m.to_string()) {
                        have.push(m);
                    }
                }
            }
            (Some(have), v) => {
                let newer = |x: &Value| get(x, "time").and_then(time::parse_value);
                if k != PART_EVENTBRIDGE || newer(&v) >= newer(have) {
                    *have = v;
                }
            }
            (None, v) => {
                old.insert(k, v);
            }
        }
    }
}

/// `event/SERVICE/CODE/ID` in current ARNs; older ARNs carry only an id.
fn code_from_arn(arn: &str) -> (Option<&str>, Option<&str>) {
    let tail = arn.split_once(":event/").map(|(_, t)| t).unwrap_or("");
    let segs: Vec<&str> = tail.split('/').collect();
    if segs.len() >= 3 {
        (Some(segs[0]), Some(segs[1]))
    } else {
        (None, None)
    }
}

fn affected(value: &str, account: Option<&str>) -> Option<Entity> {
    match value {
        "" | "UNKNOWN" => None,
        "AWS_ACCOUNT" => account.map(|a| Entity::new(EntityKind::Account, a)),
        v => Entity::from_id(v).or_else(|| Some(Entity::new(EntityKind::Other, v))),
    }
}

pub fn severity_of(code: &str, category: Option<&str>) -> (Severity, String) {
    if let Some(abuse) = AbuseType::classify(code) {
        return (
            Severity::High,
            format!("AWS abuse report: {}", abuse.label()),
        );
    }
    if code.starts_with("AWS_RISK_") {
        let critical = [
            "CREDENTIALS_EXPOSED",
            "CREDENTIALS_COMPROMISED",
            "CONSOLE_COMPROMISE",
        ];
        if critical.iter().any(|c| code.ends_with(c)) {
            return (
                Severity::Critical,
                "AWS reports credentials or the console compromised".into(),
            );
        }
        return (Severity::High, "AWS risk notification".into());
    }
    if code.contains("SECURITY_NOTIFICATION") {
        return (Severity::Medium, "AWS security notification".into());
    }
    match category {
        Some("issue") => (Severity::Medium, "Health issue".into()),
        Some("investigation") => (Severity::Medium, "Health investigation".into()),
        Some("scheduledChange") => (Severity::Low, "scheduled change".into()),
        Some("accountNotification") => (Severity::Info, "account notification".into()),
        _ => (Severity::Info, "Health event of unknown category".into()),
    }
}

/// Builds the signal for one event from everything known about it.
pub fn from_parts(parts: &Value, catalog: Option<&Catalog>) -> Result<Signal, super::RecordError> {
    let eb = get(parts, PART_EVENTBRIDGE);
    let eb_detail = eb.and_then(|e| get(e, "detail"));
    let api_event = get(parts, PART_EVENT);
    let details = get(parts, PART_DETAILS);
    let details_event = details.and_then(|d| get(d, "event"));
    let entity_items = array_at(parts, &[PART_ENTITIES]);
    let sources: Vec<&Value> = [eb_detail, details_event, api_event]
        .into_iter()
        .flatten()
        .collect();
    let field = |k: &str| sources.iter().find_map(|s| get(s, k));
    let text = |k: &str| sources.iter().find_map(|s| str_at(s, &[k]));

    let arn = text("eventArn")
        .or_else(|| text("arn"))
        .or_else(|| entity_items.iter().find_map(|e| str_at(e, &["eventArn"])))
        .ok_or("Health event has no event ARN")?
        .to_string();
    let (arn_service, arn_code) = code_from_arn(&arn);
    let partial = sources.is_empty();
    let code = text("eventTypeCode")
        .or(arn_code)
        .unwrap_or("UNKNOWN_EVENT_TYPE")
        .to_string();
    let service = text("service").or(arn_service).map(str::to_string);
    let category = text("eventTypeCategory")
        .map(str::to_string)
        .or_else(|| catalog.and_then(|c| c.get(&code).cloned()));
    let account = eb
        .and_then(|e| str_at(e, &["account"]))
        .or_else(|| text("affectedAccount"))
        .or_else(|| {
            entity_items
                .iter()
                .find_map(|e| str_at(e, &["awsAccountId"]))
        })
        .map(str::to_string);
    let region = text("region")
        .or_else(|| eb.and_then(|e| str_at(e, &["region"])))
        .or_else(|| arn.split(':').nth(3).filter(|r| !r.is_empty()))
        .map(str::to_string);
    let updated = field("lastUpdatedTime")
        .and_then(time::parse_value)
        .or_else(|| {
            entity_items
                .iter()
                .filter_map(|e| get(e, "lastUpdatedTime").and_then(time::parse_value))
                .max()
        });
    let time = field("startTime")
        .and_then(time::parse_value)
        .or_else(|| eb.and_then(|e| get(e, "time")).and_then(time::parse_value))
        .or(updated)
        .ok_or_else(|| format!("Health event {arn} has no readable startTime"))?;

    let description = eb_detail
        .map(|d| array_at(d, &["eventDescription"]))
        .and_then(|descs| descs.first())
        .and_then(|d| str_at(d, &["latestDescription"]))
        .or_else(|| details.and_then(|d| str_at(d, &["eventDescription", "latestDescription"])));

    let mut entities = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut add = |e: Option<Entity>| {
        if let Some(e) = e {
            if seen.insert(e.clone()) {
                entities.push(e);
            }
        }
    };
    for item in eb_detail
        .map(|d| array_at(d, &["affectedEntities"]))
        .unwrap_or(&[])
    {
        add(affected(
            str_at(item, &["entityValue"]).unwrap_or(""),
            account.as_deref(),
        ));
    }
    for r in eb.map(|e| array_at(e, &["resources"])).unwrap_or(&[]) {
        add(r.as_str().and_then(Entity::from_id));
    }
    for item in entity_items {
        let acct = str_at(item, &["awsAccountId"]).or(account.as_deref());
        add(affected(str_at(item, &["entityValue"]).unwrap_or(""), acct));
    }

    let abuse = AbuseType::classify(&code);
    let (severity, mut severity_reason) = severity_of(&code, category.as_deref());
    let affected = get(parts, PART_ENTITY_COUNT)
        .and_then(|a| get(a, "count"))
        .and_then(Value::as_u64)
        .map(|n| n.min(u32::MAX as u64) as u32);
    let denied = get(parts, PART_DENIED).filter(|_| details.is_none());
    let status = text("statusCode");
    let svc = service.as_deref().unwrap_or("AWS");
    let lead = description.map(|d| d.replace("\\n", "\n")).and_then(|d| {
        d.lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(str::to_string)
    });
    let summary = match (&lead, partial) {
        _ if denied.is_some() => {
            let name = denied
                .and_then(|d| str_at(d, &["errorName"]))
                .unwrap_or("AccessDenied");
            severity_reason.push_str("; details restricted");
            format!("{svc}: restricted — AWS withheld the details of this event ({name})")
        }
        (_, true) => format!(
            "{svc}: {} affected entities (event known only from DescribeAffectedEntities)",
            entities.len()
        ),
        (Some(l), _) => format!("{svc}: {l}"),
        (None, _) => format!(
            "{svc} {} in {}{}",
            category.as_deref().unwrap_or("event"),
            region.as_deref().unwrap_or("?"),
            status.map(|s| format!(" ({s})")).unwrap_or_default()
        ),
    };
    Ok(Signal {
        id: format!("health:{arn}").into(),
        source: Source::Health,
        time,
        rare: Rare {
            updated,
            abuse,
            affected,
            entities_more: 0,
            detections: thin_vec::ThinVec::new(),
            entities: entities.into(),
        }
        .boxed(),
        severity,
        facets: crate::model::Facets::new(crate::model::FacetFields {
            severity_reason: severity_reason.into(),
            title: Text::new(&code),
            kind: code.into(),
            account: account.map(Text::from),
            region: region.map(Text::from),
            category: category.map(Text::from),
            actor: None,
            ..Default::default()
        }),
        summary: crate::model::Summary::text(summary),
        held: false,
        raw: crate::model::Raw::tree(parts.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pieces_join_by_arn_in_any_order() {
        let arn = "arn:aws:health:us-east-1::event/EC2/AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED/X1";
        let ent = part(
            PART_ENTITIES,
            json!({"eventArn": arn, "entityValue": "i-0123456789abcdef0", "awsAccountId": "123456789012", "lastUpdatedTime": 1589077999.5}),
        );
        let ev = part(
            PART_EVENT,
            json!({"arn": arn, "eventTypeCode": "AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED",
            "eventTypeCategory": "scheduledChange", "service": "EC2", "region": "us-east-1", "startTime": 1589077890.0}),
        );
        let det = part(
            PART_DETAILS,
            json!({"event": {"arn": arn}, "eventDescription": {"latestDescription": "Your instance will be retired.\nMore."}}),
        );

        let only_entities = from_parts(&ent, None).unwrap_or_else(|e| panic!("{e}"));
        assert!(only_entities
            .summary()
            .contains("known only from DescribeAffectedEntities"));
        assert_eq!(
            only_entities.kind(),
            "AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED"
        );

        let mut merged = ent.clone();
        merge_parts(&mut merged, det.clone());
        merge_parts(&mut merged, ev.clone());
        let mut other_order = ev;
        merge_parts(&mut other_order, ent);
        merge_parts(&mut other_order, det);
        let a = from_parts(&merged, None).unwrap_or_else(|e| panic!("{e}"));
        let b = from_parts(&other_order, None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (a.summary(), a.severity, a.account()),
            (b.summary(), b.severity, b.account())
        );
        assert_eq!(a.summary(), "EC2: Your instance will be retired.");
        assert_eq!(a.severity, Severity::Low);
        assert_eq!(
            a.own_entities(),
            Some(&[Entity::new(EntityKind::Instance, "i-0123456789abcdef0")][..])
        );
    }

    #[test]
    fn abuse_and_credential_exposure_are_at_least_high() {
        assert_eq!(
            severity_of("AWS_ABUSE_PORT_SCANNING_REPORT", Some("issue")).0,
            Severity::High
        );
        assert_eq!(
            severity_of("AWS_RISK_CREDENTIALS_EXPOSED", Some("accountNotification")).0,
            Severity::Critical
        );
        assert!(
            severity_of("AWS_EC2_OPERATIONAL_ISSUE", Some("issue")).0
                > severity_of("X", Some("scheduledChange")).0
        );
        assert!(
            severity_of("X", Some("scheduledChange")).0
                > severity_of("X", Some("accountNotification")).0
        );
    }

    #[test]
    fn catalog_fills_a_missing_category() {
        let arn = "arn:aws:health:global::event/BILLING/AWS_BILLING_NOTIFICATION/Z";
        let ent = part(
            PART_ENTITIES,
            json!({"eventArn": arn, "entityValue": "AWS_ACCOUNT", "awsAccountId": "123456789012", "lastUpdatedTime": 1588356454.08}),
        );
        let cat: Catalog = [(
            "AWS_BILLING_NOTIFICATION".to_string(),
            "accountNotification".to_string(),
        )]
        .into();
        let s = from_parts(&ent, Some(&cat)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.category(), Some("accountNotification"));
        assert_eq!(
            s.own_entities(),
            Some(&[Entity::new(EntityKind::Account, "123456789012")][..])
        );
        assert_eq!(s.region(), Some("global"));
    }
}
