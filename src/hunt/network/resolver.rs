//! Route 53 Resolver query logs on Athena: the table of the AWS documentation ("Query Amazon
//! Route 53 resolver query logs", with partition projection): the JSON SerDe over one query a
//! line, the documented columns (`answers ARRAY<STRUCT<Rdata,Type,Class>>`, `srcport INT`,
//! `srcids STRUCT<instance,resolver_endpoint>`), partitioned by the folder's account, VPC and day
//! (`AWSLogs/ACCOUNT/vpcdnsquerylogs/VPC/yyyy/MM/dd/`). A result row goes back to the record the
//! Resolver wrote (`hunt::rows::record_of`), for the same normalizer as a file.

use super::super::schema::{f, Back, Field, Ty, S};
use super::super::sql::{contains, lit};
use crate::model::{Entity, EntityKind};

const ANSWER: Ty = Ty::Struct(&[f("Rdata", S), f("Type", S), f("Class", S)]);

/// The documented columns, in the documented order.
pub const COLUMNS: &[(Field, Back)] = &[
    (f("version", S), Back::Text),
    (f("account_id", S), Back::Text),
    (f("region", S), Back::Text),
    (f("vpc_id", S), Back::Text),
    (f("query_timestamp", S), Back::Text),
    (f("query_name", S), Back::Text),
    (f("query_type", S), Back::Text),
    (f("query_class", S), Back::Text),
    (f("rcode", S), Back::Text),
    (f("answers", Ty::Array(&ANSWER)), Back::Nested),
    (f("srcaddr", S), Back::Text),
    (f("srcport", Ty::Int), Back::Text),
    (f("transport", S), Back::Text),
    (
        f(
            "srcids",
            Ty::Struct(&[f("instance", S), f("resolver_endpoint", S)]),
        ),
        Back::Nested,
    ),
    (f("firewall_rule_action", S), Back::Text),
    (f("firewall_rule_group_id", S), Back::Text),
    (f("firewall_domain_list_id", S), Back::Text),
];

/// The partitions: the folder's account and VPC, and the day.
pub const PARTITIONS: [&str; 3] = ["account", "vpc", "date"];

const ANSWERS: &str = "json_format(CAST(answers AS JSON))";

/// The predicate finding the queries that name `e`, and the VPC whose partitions hold them when
/// it is known; None for an entity no query names. A superset (a name inside another, an
/// address inside a longer one): the hunt keeps what the normalizer ties to the entity.
pub fn predicate(e: &Entity) -> Option<(String, Option<String>)> {
    let id: &str = &e.id;
    Some(match e.kind {
        EntityKind::Domain => {
            let name = crate::normalize::resolver::domain(id);
            (
                format!(
                    "({} OR {})",
                    contains("lower(query_name)", &name),
                    contains(&format!("lower({ANSWERS})"), &name)
                ),
                None,
            )
        }
        EntityKind::Ip => (
            format!("(srcaddr = {} OR {})", lit(id), contains(ANSWERS, id)),
            None,
        ),
        EntityKind::Instance => (format!("(srcids.instance = {})", lit(id)), None),
        EntityKind::Vpc => (format!("(vpc_id = {})", lit(id)), Some(id.into())),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicates() {
        let d = Entity::new(EntityKind::Domain, "Pool.MineXMR.com.");
        assert_eq!(
            predicate(&d).map(|p| p.0).as_deref(),
            Some("(strpos(lower(query_name), 'pool.minexmr.com') > 0 OR strpos(lower(json_format(CAST(answers AS JSON))), 'pool.minexmr.com') > 0)")
        );
        let v = Entity::new(EntityKind::Vpc, "vpc-0a1b2c3d");
        assert_eq!(
            predicate(&v).and_then(|p| p.1).as_deref(),
            Some("vpc-0a1b2c3d")
        );
        assert!(predicate(&Entity::new(EntityKind::Bucket, "b")).is_none());
        let s = crate::hunt::sql::select_list_of(COLUMNS);
        assert!(s.contains("json_format(CAST(answers AS JSON)) AS answers, srcaddr, srcport"));
    }
}
