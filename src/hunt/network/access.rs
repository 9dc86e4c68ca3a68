//! S3 server access logs on Athena: the table of the AWS documentation ("Querying access logs
//! for requests by using Amazon Athena"): the RegexSerDe over the space-separated line, the
//! documented column names (`bucketowner`, `bucket_name`, `requestdatetime`, …) and types
//! (`bytessent BIGINT`), partitioned as date-based partitioning delivers the logs
//! (`[prefix]ACCOUNT/REGION/SOURCE-BUCKET/yyyy/MM/dd/`). A result row goes back to the line S3
//! wrote, for the same reader as a file (`normalize::s3access`).

use super::super::sql::{contains, ident, lit};
use crate::model::{Entity, EntityKind};

/// The documented columns, in the order of the line's fields (`normalize::s3access::FIELDS`).
pub const COLUMNS: [(&str, &str); 27] = [
    ("bucketowner", "STRING"),
    ("bucket_name", "STRING"),
    ("requestdatetime", "STRING"),
    ("remoteip", "STRING"),
    ("requester", "STRING"),
    ("requestid", "STRING"),
    ("operation", "STRING"),
    ("key", "STRING"),
    ("request_uri", "STRING"),
    ("httpstatus", "STRING"),
    ("errorcode", "STRING"),
    ("bytessent", "BIGINT"),
    ("objectsize", "BIGINT"),
    ("totaltime", "STRING"),
    ("turnaroundtime", "STRING"),
    ("referrer", "STRING"),
    ("useragent", "STRING"),
    ("versionid", "STRING"),
    ("hostid", "STRING"),
    ("sigv", "STRING"),
    ("ciphersuite", "STRING"),
    ("authtype", "STRING"),
    ("endpoint", "STRING"),
    ("tlsversion", "STRING"),
    ("accesspointarn", "STRING"),
    ("aclrequired", "STRING"),
    ("sourceregion", "STRING"),
];

/// The partitions: the source bucket's account, region and name, and the day.
pub const PARTITIONS: [&str; 4] = ["account", "region", "bucket", "timestamp"];

/// The fields a line always has (through the user agent, as the oldest format ends).
const REQUIRED: usize = 17;

/// The documentation's `input.regex`, as the DDL writes it (a Hive string: `\\[` is `\[`, `\"`
/// is `"`). One change: every field after the user agent is optional on its own, where the
/// documentation makes the version id required and the next nine all-or-none, so a line of any
/// age reads whole (as the file reader reads it: an access point ARN after the TLS version is
/// kept even when the fields after it are missing).
pub fn regex_literal() -> String {
    let mut r = String::from(
        r#"([^ ]*) ([^ ]*) \\[(.*?)\\] ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) (\"[^\"]*\"|-) (-|[0-9]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) (\"[^\"]*\"|-)"#,
    );
    for _ in REQUIRED..COLUMNS.len() {
        r.push_str("(?: ([^ ]*))?");
    }
    r.push_str(".*$");
    r
}

pub fn select() -> String {
    COLUMNS
        .iter()
        .map(|(c, _)| ident(c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The time of a request as a TIMESTAMP (NULL for a line whose time does not parse, rather than
/// the query failing on it).
pub const TIME: &str = "try(date_parse(\"requestdatetime\", '%d/%b/%Y:%H:%i:%s +0000'))";

/// The predicate finding the lines that name `e`, and the source bucket whose partitions hold
/// them when it is known; None for an entity no access log line names.
pub fn predicate(e: &Entity) -> Option<(String, Option<String>)> {
    let id: &str = &e.id;
    Some(match e.kind {
        EntityKind::Bucket => (format!("(\"bucket_name\" = {})", lit(id)), Some(id.into())),
        EntityKind::ObjectKey => {
            let (bucket, key) = id.split_once('/')?;
            (
                format!(
                    "(\"bucket_name\" = {} AND \"key\" = {})",
                    lit(bucket),
                    lit(key)
                ),
                Some(bucket.into()),
            )
        }
        EntityKind::Ip => (format!("(\"remoteip\" = {})", lit(id)), None),
        // The requester's ARN names the principal (its user, role, session or account).
        EntityKind::IamUser | EntityKind::IamRole | EntityKind::AssumedRole | EntityKind::Other => {
            (format!("({})", contains("\"requester\"", id)), None)
        }
        EntityKind::Account => (
            format!(
                "({} OR {})",
                contains("\"requester\"", id),
                contains("\"accesspointarn\"", id)
            ),
            None,
        ),
        _ => return None,
    })
}

/// A row (the columns in `COLUMNS` order) back into the line S3 wrote: the time in its
/// brackets again, NULL as `-` (a number column's `-`), and the line ending after its last
/// field (the regex leaves the fields a line lacks NULL).
pub fn line(cells: &[Option<String>]) -> Result<String, String> {
    if cells.len() != COLUMNS.len() {
        return Err(format!(
            "{} columns where the access log table has {}",
            cells.len(),
            COLUMNS.len()
        ));
    }
    if cells[..2].iter().any(Option::is_none) {
        return Err("the line did not match the table's regex".into());
    }
    let last = cells
        .iter()
        .rposition(Option::is_some)
        .unwrap_or(0)
        .max(REQUIRED - 1);
    let mut out = String::new();
    for (i, c) in cells[..=last].iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let v = c.as_deref().unwrap_or("-");
        if i == 2 {
            out.push('[');
            out.push_str(v);
            out.push(']');
        } else {
            out.push_str(v);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_follow_the_readers_fields_and_the_regex_has_a_group_each() {
        assert_eq!(COLUMNS.len(), crate::normalize::s3access::FIELDS.len());
        let r = regex_literal();
        // Groups: every `(` not starting a `(?:` and not escaped.
        let groups = r.matches('(').count() - r.matches("(?:").count();
        assert_eq!(groups, COLUMNS.len(), "{r}");
        assert!(r.starts_with(r#"([^ ]*) ([^ ]*) \\[(.*?)\\] "#));
    }

    #[test]
    fn predicates_and_lines() {
        let b = Entity::new(EntityKind::Bucket, "logs");
        assert_eq!(
            predicate(&b),
            Some(("(\"bucket_name\" = 'logs')".into(), Some("logs".into())))
        );
        let k = Entity::new(EntityKind::ObjectKey, "logs/a/b.txt");
        assert_eq!(
            predicate(&k).map(|p| p.0),
            Some("(\"bucket_name\" = 'logs' AND \"key\" = 'a/b.txt')".into())
        );
        let u = Entity::new(EntityKind::AssumedRole, "Admin/bob");
        assert_eq!(
            predicate(&u).map(|p| p.0),
            Some("(strpos(\"requester\", 'Admin/bob') > 0)".into())
        );
        assert_eq!(predicate(&Entity::new(EntityKind::Domain, "x.com")), None);
        let mut cells: Vec<Option<String>> = vec![None; 27];
        for (i, v) in [
            "owner",
            "b",
            "06/Feb/2019:00:00:38 +0000",
            "192.0.2.3",
            "-",
            "3E57",
            "REST.GET.OBJECT",
            "k",
            "\"GET /b/k HTTP/1.1\"",
            "200",
            "-",
        ]
        .iter()
        .enumerate()
        {
            cells[i] = Some(v.to_string());
        }
        cells[13] = Some("7".into());
        cells[16] = Some("\"curl\"".into());
        assert_eq!(
            line(&cells).as_deref(),
            Ok("owner b [06/Feb/2019:00:00:38 +0000] 192.0.2.3 - 3E57 REST.GET.OBJECT k \"GET /b/k HTTP/1.1\" 200 - - - 7 - - \"curl\"")
        );
        cells[24] = Some("arn:aws:s3:us-west-1:123456789012:accesspoint/ap".into());
        assert!(line(&cells)
            .unwrap_or_default()
            .ends_with("\"curl\" - - - - - - - arn:aws:s3:us-west-1:123456789012:accesspoint/ap"));
        assert!(line(&vec![None; 27]).is_err());
    }
}
