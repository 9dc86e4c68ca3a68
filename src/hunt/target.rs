//! What a hunt looks for: an entity as the Entities pane shows it (`access_key:AKIA…`,
//! `iam_user:name`, `ip:1.2.3.4`, `assumed_role:role/session`, `instance:i-…`, `bucket:name`),
//! and the columns a responder would search for it.
//!
//! The WHERE clause is a superset of what the normalizer would tie to the entity: text found
//! anywhere in `requestParameters` counts, whatever its key. The hunt then keeps only the rows
//! whose signal names the entity (`Hunt::keeps`), so what comes back is exactly what a replay of
//! the same files gives for it, and the SQL never misses a row the normalizer would have found.

use super::sql::{contains, lit};
use crate::model::{Entity, EntityKind};

/// `kind:id` (the Entities pane's form), or a bare id whose shape says its kind (`AKIA…`,
/// `i-…`, an IP address, an ARN).
pub fn parse(s: &str) -> Result<Entity, String> {
    let s = s.trim();
    if let Some((kind, id)) = s.split_once(':') {
        if let Some(k) = EntityKind::ALL.iter().find(|k| k.label() == kind) {
            let id = id.trim();
            if id.is_empty() {
                return Err(format!("{kind}: has no id"));
            }
            if *k == EntityKind::Ip && id.parse::<std::net::IpAddr>().is_err() {
                return Err(format!("{id:?} is not an IP address"));
            }
            if *k == EntityKind::Domain {
                // As the Resolver's records name it: lower case, no final dot.
                return Ok(Entity::new(*k, crate::normalize::resolver::domain(id)));
            }
            return Ok(Entity::new(*k, id));
        }
    }
    Entity::from_id(s).ok_or_else(|| {
        let kinds: Vec<&str> = EntityKind::ALL.iter().map(|k| k.label()).collect();
        format!(
            "{s:?} is not an entity: write kind:id with a kind among {}",
            kinds.join(", ")
        )
    })
}

/// The JSON text of a string without its quotes: how an id appears inside a STRING column that
/// holds JSON (`requestParameters`), escapes included.
fn json_inner(s: &str) -> String {
    let quoted = serde_json::Value::String(s.to_string()).to_string();
    quoted[1..quoted.len() - 1].to_string()
}

const RESOURCES: &str = "json_format(CAST(resources AS JSON))";

/// Where an id may be written outside the caller's identity: the resources, the request and the
/// response.
fn anywhere(id: &str) -> Vec<String> {
    let j = json_inner(id);
    vec![
        contains(RESOURCES, &j),
        contains("requestparameters", &j),
        contains("responseelements", &j),
    ]
}

/// The predicate (one parenthesised OR) that finds the rows touching `e`.
pub fn predicate(e: &Entity) -> String {
    let id: &str = &e.id;
    let mut terms: Vec<String> = Vec::new();
    match e.kind {
        EntityKind::Ip => terms.push(format!("sourceipaddress = {}", lit(id))),
        EntityKind::AccessKey => {
            terms.push(format!("useridentity.accesskeyid = {}", lit(id)));
            terms.extend(anywhere(id));
        }
        EntityKind::IamUser => {
            terms.push(format!("useridentity.username = {}", lit(id)));
            // `arn:aws:iam::1:user/path/name`: the user is the ARN's last segment.
            terms.push(contains("useridentity.arn", &format!("/{id}")));
            terms.extend(anywhere(id));
        }
        EntityKind::IamRole => {
            terms.push(format!(
                "useridentity.sessioncontext.sessionissuer.username = {}",
                lit(id)
            ));
            terms.extend(anywhere(id));
        }
        EntityKind::AssumedRole => {
            // The session is named only by the caller's ARN
            // (`arn:aws:sts::1:assumed-role/ROLE/SESSION`); its role is also the session
            // issuer, which the role's own hunt (`iam_role:ROLE`) searches.
            let needle = format!("assumed-role/{id}");
            terms.push(contains("useridentity.arn", &needle));
            terms.extend(anywhere(&needle));
        }
        EntityKind::Account => {
            terms.push(format!("useridentity.accountid = {}", lit(id)));
            terms.extend(anywhere(id));
        }
        EntityKind::Instance
        | EntityKind::Volume
        | EntityKind::Snapshot
        | EntityKind::SecurityGroup
        | EntityKind::Bucket
        | EntityKind::Other
        | EntityKind::Interface
        | EntityKind::Vpc
        | EntityKind::Subnet
        | EntityKind::Domain
        | EntityKind::ObjectKey => terms.extend(anywhere(id)),
    }
    format!("({})", terms.join(" OR "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_entities_pane_form_and_bare_ids() {
        let p = |s: &str| parse(s).map(|e| e.to_string());
        assert_eq!(
            p("access_key:AKIAIOSFODNN7EXAMPLE").as_deref(),
            Ok("access_key:AKIAIOSFODNN7EXAMPLE")
        );
        assert_eq!(
            p("assumed_role:Admin/bob").as_deref(),
            Ok("assumed_role:Admin/bob")
        );
        assert_eq!(p(" ip:203.0.113.66 ").as_deref(), Ok("ip:203.0.113.66"));
        assert_eq!(p("203.0.113.66").as_deref(), Ok("ip:203.0.113.66"));
        assert_eq!(
            p("i-0a1b2c3d4e5f60718").as_deref(),
            Ok("instance:i-0a1b2c3d4e5f60718")
        );
        // An ARN holds colons: its kind comes from its shape, not from its first word.
        assert_eq!(
            p("arn:aws:iam::123456789012:user/alice").as_deref(),
            Ok("iam_user:alice")
        );
        assert!(p("ip:not-an-ip").is_err());
        assert_eq!(
            p("domain:Pool.MineXMR.com.").as_deref(),
            Ok("domain:pool.minexmr.com")
        );
        assert!(p("bucket:").is_err());
        assert!(p("nothing known").unwrap_err().contains("kind:id"));
    }

    #[test]
    fn each_kind_searches_its_columns() {
        let q = |s: &str| predicate(&parse(s).unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(q("ip:198.51.100.7"), "(sourceipaddress = '198.51.100.7')");
        let k = q("access_key:AKIAIOSFODNN7EXAMPLE");
        assert!(k.starts_with("(useridentity.accesskeyid = 'AKIAIOSFODNN7EXAMPLE' OR strpos(json_format(CAST(resources AS JSON)), 'AKIAIOSFODNN7EXAMPLE') > 0 OR strpos(requestparameters,"), "{k}");
        let u = q("iam_user:bert-jan");
        assert!(
            u.contains("useridentity.username = 'bert-jan'")
                && u.contains("strpos(useridentity.arn, '/bert-jan') > 0"),
            "{u}"
        );
        let r = q("assumed_role:Admin/bob");
        assert!(
            r.contains("strpos(useridentity.arn, 'assumed-role/Admin/bob') > 0"),
            "{r}"
        );
        let role = q("iam_role:Admin");
        assert!(
            role.contains("useridentity.sessioncontext.sessionissuer.username = 'Admin'"),
            "{role}"
        );
        let b = q("bucket:logs");
        assert!(
            b.contains("strpos(requestparameters, 'logs') > 0")
                && b.contains("strpos(json_format(CAST(resources AS JSON)), 'logs') > 0"),
            "{b}"
        );
    }

    #[test]
    fn hostile_ids_stay_inside_their_literals() {
        let e = Entity::new(EntityKind::IamUser, "x' OR '1'='1");
        let p = predicate(&e);
        assert!(
            p.contains("useridentity.username = 'x'' OR ''1''=''1'"),
            "{p}"
        );
        // A quote inside JSON text is escaped there: the needle is the escaped form.
        let e = Entity::new(EntityKind::Bucket, "a\"b");
        assert!(predicate(&e).contains(r#"strpos(requestparameters, 'a\"b') > 0"#));
    }
}
