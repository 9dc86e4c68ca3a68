//! What the fake AWS knows (fixture data), the faults it is told to inject, and every request
//! it saw (for assertions on batch sizes, time filters and request rates).

use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, PartialEq)]
pub enum FaultKind {
    Throttle,
    Status500,
    /// Answer normally, after this long.
    Delay(Duration),
    ExpiredToken,
    AccessDenied,
    SubscriptionRequired,
}

#[derive(Debug, Clone)]
pub struct Fault {
    /// "health", "guardduty", "cloudtrail", "sts" (the signing name).
    pub service: String,
    pub op: Option<String>,
    /// The signing region (Health: the endpoint region).
    pub region: Option<String>,
    pub kind: FaultKind,
    /// How many requests it hits; `None`: until cleared.
    pub remaining: Option<usize>,
}

impl Fault {
    pub fn new(service: &str, kind: FaultKind) -> Fault {
        Fault {
            service: service.into(),
            op: None,
            region: None,
            kind,
            remaining: None,
        }
    }
    pub fn op(mut self, op: &str) -> Fault {
        self.op = Some(op.into());
        self
    }
    pub fn region(mut self, r: &str) -> Fault {
        self.region = Some(r.into());
        self
    }
    pub fn times(mut self, n: usize) -> Fault {
        self.remaining = Some(n);
        self
    }
}

#[derive(Debug, Clone)]
pub struct Req {
    pub service: String,
    pub op: String,
    pub region: String,
    pub access_key: String,
    pub at: Instant,
    pub body: Value,
    /// The status the server answered with.
    pub status: u16,
}

#[derive(Debug, Default)]
pub struct World {
    /// DescribeEvents items (times as RFC 3339).
    pub health_events: Vec<Value>,
    /// Event ARN → latest description.
    pub health_descriptions: HashMap<String, String>,
    pub health_entities: Vec<Value>,
    pub event_types: Vec<Value>,
    /// Event ARN → affected accounts (organization view).
    pub org_accounts: HashMap<String, Vec<String>>,
    /// Event type codes whose details IAM denies.
    pub restricted_types: Vec<String>,
    /// Region → detector ids.
    pub detectors: HashMap<String, Vec<String>>,
    /// Findings (camelCase, as GuardDuty sends them).
    pub findings: Vec<Value>,
    /// CloudTrail records (the CloudTrailEvent of LookupEvents).
    pub trail: Vec<Value>,
    /// CloudTrail Lake result rows.
    pub lake_rows: Vec<Vec<HashMap<String, String>>>,
    pub lake_polls: usize,
    /// Access key id → (account, principal ARN); others get `default_identity`.
    pub identities: HashMap<String, (String, String)>,
    pub default_identity: (String, String),
    pub faults: Vec<Fault>,
    pub log: Vec<Req>,
    /// Items per page for every paginated answer (small, so pagination is exercised).
    pub page_size: usize,
    /// Security Hub's findings (ASFF) and, when it has the new Security Hub, OCSF ones.
    pub hub: Vec<Value>,
    pub hub_v2: Option<Vec<Value>>,
    pub macie: Vec<Value>,
    pub inspector: Vec<Value>,
    /// ListAnalyzers items, and each analyzer's findings by its ARN.
    pub analyzers: Vec<Value>,
    pub analyzer_findings: HashMap<String, Vec<Value>>,
    /// DescribeAlarms metric alarms (JSON shape) and history items.
    pub alarms: Vec<Value>,
    pub alarm_history: Vec<Value>,
    pub anomalies: Vec<Value>,
    /// Signing names of the services that answer as in an account without them.
    pub not_enabled: Vec<String>,
    /// The largest MaxResults a Security Hub page asked for, and the most ids one Macie
    /// GetFindings asked for.
    pub max_page_asked: usize,
    pub max_batch_asked: usize,
    /// BatchUpdateFindings says it processed the findings and changes nothing.
    pub hub_frozen: bool,
    /// Trail name → logging (GetTrailStatus, StartLogging), and detector id → enabled
    /// (GetDetector, UpdateDetector, CreateDetector): what recovery actions change.
    pub trails_logging: HashMap<String, bool>,
    pub detector_enabled: HashMap<String, bool>,
}

impl World {
    pub fn empty() -> World {
        World {
            default_identity: (
                "111122223333".into(),
                "arn:aws:sts::111122223333:assumed-role/Responder/alice".into(),
            ),
            page_size: 3,
            ..World::default()
        }
    }

    /// The demo scenario as AWS would serve it, times shifted so the newest is a minute ago.
    pub fn demo(assets: &Path) -> World {
        let read = |f: &str| -> Value {
            std::fs::read_to_string(assets.join(f))
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or(Value::Null)
        };
        let mut w = World::empty();
        let shift = |t: &str, newest: chrono::DateTime<chrono::Utc>| -> String {
            let now = chrono::Utc::now() - chrono::Duration::seconds(60);
            // Health's EventBridge events carry RFC 2822 times; AWS APIs answer in epoch time.
            match chrono::DateTime::parse_from_rfc3339(t)
                .or_else(|_| chrono::DateTime::parse_from_rfc2822(t))
            {
                Ok(x) => (x.to_utc() + (now - newest))
                    .format("%Y-%m-%dT%H:%M:%SZ")
                    .to_string(),
                Err(_) => t.to_string(),
            }
        };
        let ct = read("cloudtrail.json");
        let records = ct["Records"].as_array().cloned().unwrap_or_default();
        let newest = records
            .iter()
            .filter_map(|r| r["eventTime"].as_str())
            .filter_map(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.to_utc())
            .max()
            .unwrap_or_else(chrono::Utc::now);
        for mut r in records {
            if let Some(t) = r["eventTime"].as_str() {
                r["eventTime"] = json!(shift(t, newest));
            }
            w.trail.push(r);
        }
        let gd = read("guardduty.json");
        for mut f in gd["findings"].as_array().cloned().unwrap_or_default() {
            for k in ["createdAt", "updatedAt"] {
                if let Some(t) = f[k].as_str() {
                    f[k] = json!(shift(t, newest));
                }
            }
            if let (Some(r), Some(arn)) = (f["region"].as_str(), f["arn"].as_str()) {
                let det = arn
                    .split("detector/")
                    .nth(1)
                    .and_then(|x| x.split('/').next());
                let list = w.detectors.entry(r.to_string()).or_default();
                if let Some(d) = det {
                    if !list.iter().any(|x| x == d) {
                        list.push(d.to_string());
                    }
                }
            }
            w.findings.push(f);
        }
        for ev in read("health.json").as_array().cloned().unwrap_or_default() {
            let d = &ev["detail"];
            let arn = d["eventArn"].as_str().unwrap_or_default().to_string();
            let mut e = json!({
                "arn": arn, "service": d["service"], "eventTypeCode": d["eventTypeCode"],
                "eventTypeCategory": d["eventTypeCategory"], "region": ev["region"],
                "statusCode": d["statusCode"].as_str().unwrap_or("open"),
                "eventScopeCode": d["eventScopeCode"],
            });
            for k in ["startTime", "endTime", "lastUpdatedTime"] {
                if let Some(t) = d[k].as_str().or(if k == "lastUpdatedTime" {
                    ev["time"].as_str()
                } else {
                    None
                }) {
                    e[k] = json!(shift(t, newest));
                }
            }
            let desc = d["eventDescription"][0]["latestDescription"]
                .as_str()
                .unwrap_or("");
            w.health_descriptions.insert(arn.clone(), desc.to_string());
            for ent in d["affectedEntities"]
                .as_array()
                .cloned()
                .unwrap_or_default()
            {
                w.health_entities.push(json!({
                    "eventArn": arn, "entityValue": ent["entityValue"],
                    "awsAccountId": ev["account"], "statusCode": "IMPAIRED",
                    "lastUpdatedTime": e["lastUpdatedTime"],
                }));
            }
            w.event_types.push(json!({
                "service": d["service"], "code": d["eventTypeCode"], "category": d["eventTypeCategory"],
            }));
            w.org_accounts.insert(
                arn,
                vec![ev["account"].as_str().unwrap_or("111122223333").to_string()],
            );
            w.health_events.push(e);
        }
        w
    }

    /// The fault for this request, if any (consuming one use).
    pub fn fault_for(&mut self, service: &str, op: &str, region: &str) -> Option<FaultKind> {
        let i = self.faults.iter().position(|f| {
            f.service == service
                && f.op.as_deref().is_none_or(|o| o == op)
                && f.region.as_deref().is_none_or(|r| r == region)
                && f.remaining != Some(0)
        })?;
        let f = &mut self.faults[i];
        if let Some(n) = f.remaining.as_mut() {
            *n -= 1;
        }
        Some(f.kind.clone())
    }

    pub fn requests(&self, service: &str, op: &str) -> Vec<Req> {
        self.log
            .iter()
            .filter(|r| r.service == service && r.op == op)
            .cloned()
            .collect()
    }
}

/// A page of `items` from the `token` offset; the next token when more remain.
pub fn page<T: Clone>(items: &[T], token: Option<&str>, size: usize) -> (Vec<T>, Option<String>) {
    let start: usize = token.and_then(|t| t.parse().ok()).unwrap_or(0);
    let end = (start + size.max(1)).min(items.len());
    let next = (end < items.len()).then(|| end.to_string());
    (items.get(start..end).unwrap_or(&[]).to_vec(), next)
}
