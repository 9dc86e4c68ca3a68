//! AWS Health events → signals. One Health event reaches us in pieces (an EventBridge event, a
//! DescribeEvents item, a DescribeEventDetails item, DescribeAffectedEntities items), possibly
//! from different files. Each piece is stored under its own key in a *parts* object keyed by
//! event ARN; the signal is always rebuilt from all parts seen so far, so the join is exact
//! whatever order the files load in.

use super::abuse::AbuseType;
use super::json_path::{array_at, get, str_at};
use super::text_bounds as bounds;
use crate::model::{time, Entity, EntityKind, Rare, Severity, Signal, Source};
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
        v => Entity::from_id(v)
            .or_else(|| Some(Entity::new(EntityKind::Other, v)))
            .map(|e| e.in_account(account)),
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
    // An organization event names every account it affects: one signal for them all, each
    // account an entity of its own (and each affected entity in its account, below); the
    // signal names an account only when there is one.
    let org_accounts: Vec<&str> = sources
        .iter()
        .flat_map(|s| array_at(s, &["affectedAccounts"]))
        .filter_map(Value::as_str)
        .take(crate::model::signal::MAX_ENTITIES)
        .collect();
    // The affected accounts the organization call listed, else those its entities name.
    let several = {
        let mut a = org_accounts.clone();
        if a.is_empty() {
            a.extend(
                entity_items
                    .iter()
                    .filter_map(|e| str_at(e, &["awsAccountId"])),
            );
        }
        a.sort_unstable();
        a.dedup();
        a.len() > 1
    };
    let account = eb
        .and_then(|e| str_at(e, &["account"]))
        .or_else(|| text("affectedAccount"))
        .or_else(|| {
            entity_items
                .iter()
                .find_map(|e| str_at(e, &["awsAccountId"]))
        })
        .filter(|_| !several)
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
        add(r
            .as_str()
            .and_then(Entity::from_id)
            .map(|e| e.in_account(account.as_deref())));
    }
    for a in &org_accounts {
        add(Entity::from_id(a).filter(|e| e.kind == EntityKind::Account));
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
    // Cut before it is read: a megabyte description is never copied whole.
    let lead = description
        .map(|d| crate::safe_text::bounded_str(d, bounds::MAX_SUMMARY).replace("\\n", "\n"))
        .and_then(|d| {
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
            hub_updated: 0,
            undated: None,
        }
        .boxed(),
        severity,
        // Every text cut to its bound (`text_bounds`): the record is attacker-controlled.
        facets: crate::model::Facets::new(crate::model::FacetFields {
            severity_reason: bounds::text(&severity_reason),
            title: bounds::text(&code),
            kind: bounds::text(&code),
            account: account.as_deref().map(bounds::text),
            region: region.as_deref().map(bounds::text),
            category: category.as_deref().map(bounds::text),
            actor: None,
            ..Default::default()
        }),
        summary: crate::model::Summary::text(bounds::summary(summary)),
        held: false,
        raw: crate::model::Raw::tree(parts.clone()),
    })
}

#[cfg(test)]
#[path = "health_tests.rs"]
mod tests;
