//! Route 53 Resolver query logs (JSON, version 1.1): one DNS query a record, from a VPC's
//! resource (`srcids.instance`, or an inbound Resolver endpoint), with its answers and, when DNS
//! Firewall acted on it, the rule's action. The name asked and every address answered become
//! entities, so a finding's remote IP meets the query that resolved it.

use super::finding_parts::Draft;
use super::json_path::{array_at, str_at};
use crate::model::{Entity, EntityKind, Severity, Signal, Source};
use serde_json::Value;

/// A Resolver query log record: a queried name, the time and the source address.
pub fn is_query(v: &Value) -> bool {
    str_at(v, &["query_name"]).is_some()
        && str_at(v, &["query_timestamp"]).is_some()
        && v.get("srcaddr").is_some()
}

/// `Example.COM.` → `example.com`: how a domain entity is named.
pub fn domain(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// The most answers kept as entities from one record.
const MAX_ANSWERS: usize = 32;

pub fn normalize(v: &Value) -> Result<Signal, super::RecordError> {
    let name = str_at(v, &["query_name"]).ok_or("Resolver query has no query_name")?;
    let name = domain(name);
    if name.len() > 1024 {
        return Err("query_name is longer than any DNS name".into());
    }
    let time = str_at(v, &["query_timestamp"]).and_then(crate::model::time::parse_str);
    let account = str_at(v, &["account_id"]);
    let qtype = str_at(v, &["query_type"]).unwrap_or("?");
    let rcode = str_at(v, &["rcode"]).unwrap_or("?");
    let src = str_at(v, &["srcaddr"]);
    let src_port = v.get("srcport").and_then(|p| {
        p.as_str()
            .map(str::to_string)
            .or_else(|| p.as_u64().map(|n| n.to_string()))
    });
    let instance = str_at(v, &["srcids", "instance"]);
    let endpoint = str_at(v, &["srcids", "resolver_endpoint"]);
    let firewall = str_at(v, &["firewall_rule_action"]);
    let (severity, reason) = match firewall {
        Some("BLOCK") => (Severity::Medium, "DNS Firewall blocked the query"),
        Some("ALERT") => (Severity::Low, "DNS Firewall alerted on the query"),
        _ => (Severity::Info, "Resolver query log record"),
    };
    let answers: Vec<&str> = array_at(v, &["answers"])
        .iter()
        .filter_map(|a| str_at(a, &["Rdata"]))
        .take(MAX_ANSWERS)
        .collect();
    let who = instance.or(endpoint).or(src).unwrap_or("?");
    let mut d = Draft {
        id: format!(
            "dns:{}:{}:{}:{}:{name}:{qtype}",
            account.unwrap_or("-"),
            str_at(v, &["query_timestamp"]).unwrap_or("-"),
            src.unwrap_or("-"),
            src_port.as_deref().unwrap_or("-"),
        ),
        time,
        severity,
        kind: format!("DNS {qtype}"),
        title: format!("DNS query {name}"),
        reason: match str_at(v, &["firewall_domain_list_id"]) {
            Some(list) if firewall.is_some() => format!("{reason} (domain list {list})"),
            _ => reason.to_string(),
        },
        account: account.map(str::to_string),
        region: str_at(v, &["region"]).map(str::to_string),
        category: Some(rcode.to_string()),
        actor: Some(who.to_string()),
        product: Some("route53resolver".into()),
        ..Draft::default()
    };
    d.summary = format!(
        "{who} asked {qtype} {name} → {rcode}{}{}",
        if answers.is_empty() {
            String::new()
        } else {
            format!(" {}", answers.join(", "))
        },
        firewall
            .map(|a| format!(" [firewall {a}]"))
            .unwrap_or_default()
    );
    let in_account = |e: Entity| Some(e.in_account(account));
    d.entities
        .push(in_account(Entity::new(EntityKind::Domain, name.clone())));
    if let Some(i) = instance {
        d.entities
            .push(in_account(Entity::new(EntityKind::Instance, i)));
    }
    if let Some(ip) = src.filter(|s| s.parse::<std::net::IpAddr>().is_ok()) {
        d.entities.kind(EntityKind::Ip, Some(ip));
    }
    if let Some(vpc) = str_at(v, &["vpc_id"]) {
        d.entities
            .push(in_account(Entity::new(EntityKind::Vpc, vpc)));
    }
    for a in &answers {
        if a.parse::<std::net::IpAddr>().is_ok() {
            d.entities.kind(EntityKind::Ip, Some(a));
        } else if a.contains('.') && !a.contains(' ') {
            // A CNAME's target is a name too.
            d.entities
                .push(Some(Entity::new(EntityKind::Domain, domain(a))));
        }
    }
    d.build(
        Source::Dns,
        "Resolver query has no readable query_timestamp",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record() -> Value {
        json!({
            "version": "1.100000", "account_id": "111122223333", "region": "us-east-1",
            "vpc_id": "vpc-0c0ffee0", "query_timestamp": "2026-11-28T09:14:02Z",
            "query_name": "Pool.MineXMR.com.", "query_type": "A", "query_class": "IN",
            "rcode": "NOERROR",
            "answers": [{"Rdata": "203.0.113.77", "Type": "A", "Class": "IN"}],
            "srcaddr": "10.0.1.12", "srcport": "48786", "transport": "UDP",
            "srcids": {"instance": "i-0c0ffee0c0ffee001"}
        })
    }

    #[test]
    fn a_query_names_the_domain_instance_and_answers_in_its_account() {
        let v = record();
        assert!(is_query(&v));
        let s = normalize(&v).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (s.source, s.kind(), s.severity),
            (Source::Dns, "DNS A", Severity::Info)
        );
        let ents: Vec<String> = s
            .own_entities()
            .unwrap_or(&[])
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(
            ents,
            [
                "domain:pool.minexmr.com",
                "instance:i-0c0ffee0c0ffee001",
                "ip:10.0.1.12",
                "vpc:vpc-0c0ffee0",
                "ip:203.0.113.77"
            ]
        );
        let dom = s
            .own_entities()
            .and_then(|l| l.first())
            .and_then(|e| e.account());
        assert_eq!(dom.as_deref(), Some("111122223333"));
        assert_eq!(
            s.summary(),
            "i-0c0ffee0c0ffee001 asked A pool.minexmr.com → NOERROR 203.0.113.77"
        );
    }

    #[test]
    fn firewall_blocks_raise_the_severity_and_bad_records_are_errors() {
        let mut v = record();
        v["firewall_rule_action"] = json!("BLOCK");
        v["firewall_domain_list_id"] = json!("rslvr-fdl-1");
        let s = normalize(&v).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.severity, Severity::Medium);
        assert!(s.severity_reason().contains("rslvr-fdl-1"));
        v["query_timestamp"] = json!("yesterday");
        assert!(normalize(&v).is_err());
        assert!(!is_query(&json!({"query_name": "x"})));
    }
}
