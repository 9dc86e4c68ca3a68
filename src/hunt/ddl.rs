//! `CREATE EXTERNAL TABLE` for a trail's bucket, as the AWS documentation writes it for
//! CloudTrail with partition projection: the JSON SerDe over CloudTrail's input format, the day
//! projected as `timestamp` (`yyyy/MM/dd`), and the account and region of the folder projected
//! as enums, for an organization trail's `AWSLogs/o-…/ACCOUNT/CloudTrail/REGION/yyyy/MM/dd` and
//! an account's `AWSLogs/ACCOUNT/CloudTrail/REGION/yyyy/MM/dd` alike. With projection Athena
//! needs no crawler and no `MSCK REPAIR`: a query's partitions are computed from its predicates.
//!
//! Every value that reaches the statement is checked against the shape AWS gives it (bucket
//! names, organization and account ids, regions) and refused otherwise: nothing is quoted
//! around a surprise.

use super::schema::{hive, COLUMNS};
use super::sql::is_catalog_name;

/// The regions CloudTrail can deliver from (commercial partition), the default of `--region`.
pub const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
];

/// Where the trail writes and what the table is called.
#[derive(Debug, Clone, Default)]
pub struct Trail {
    pub bucket: String,
    /// The trail's S3 key prefix, if it has one (`prefix/AWSLogs/…`).
    pub prefix: Option<String>,
    /// `o-…` for an organization trail.
    pub organization: Option<String>,
    pub accounts: Vec<String>,
    /// Empty: every region in `REGIONS`.
    pub regions: Vec<String>,
    pub database: String,
    pub table: String,
}

pub(super) fn check(ok: bool, what: &str, v: &str) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(format!("{v:?} is not a valid {what}"))
    }
}

fn lower_digits_dash(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// An S3 bucket name's shape (3 to 63 lower-case letters, digits, dots and dashes).
pub(super) fn is_bucket(b: &str) -> bool {
    (3..=63).contains(&b.len())
        && b.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'.' || c == b'-')
}

/// A key prefix that can stand in a LOCATION and a template unquoted.
pub(super) fn is_prefix(p: &str) -> bool {
    !p.is_empty()
        && p.len() <= 512
        && p.bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"!-_.*()/".contains(&c))
}

/// A region's shape.
pub(super) fn is_region(r: &str) -> bool {
    !r.is_empty() && r.len() <= 32 && lower_digits_dash(r)
}

impl Trail {
    pub fn validate(&self) -> Result<(), String> {
        check(is_bucket(&self.bucket), "S3 bucket name", &self.bucket)?;
        if let Some(p) = &self.prefix {
            check(is_prefix(p), "trail S3 key prefix", p)?;
        }
        if let Some(o) = &self.organization {
            check(
                o.strip_prefix("o-").is_some_and(|r| {
                    (10..=32).contains(&r.len())
                        && r.bytes()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                }),
                "organization id (o- and 10 to 32 lower-case letters or digits)",
                o,
            )?;
        }
        if self.accounts.is_empty() {
            return Err("the table projects the account of each log folder, and only the accounts named exist for Athena: name them with --account (comma-separated; `aws organizations list-accounts` lists an organization's, `aws sts get-caller-identity` gives yours for a trail of one account)".into());
        }
        for a in &self.accounts {
            check(crate::model::entity::is_account_id(a), "account id", a)?;
        }
        for r in &self.regions {
            check(is_region(r), "region", r)?;
        }
        check(
            is_catalog_name(&self.database),
            "database name",
            &self.database,
        )?;
        check(is_catalog_name(&self.table), "table name", &self.table)
    }

    /// `s3://bucket/[prefix/]AWSLogs/[o-…/]`
    pub fn location(&self) -> String {
        let mut s = format!("s3://{}/", self.bucket);
        if let Some(p) = &self.prefix {
            s.push_str(p.trim_matches('/'));
            s.push('/');
        }
        s.push_str("AWSLogs/");
        if let Some(o) = &self.organization {
            s.push_str(o);
            s.push('/');
        }
        s
    }

    /// The statement, or why the trail's settings cannot make one.
    pub fn ddl(&self) -> Result<String, String> {
        self.validate()?;
        let columns: Vec<String> = COLUMNS
            .iter()
            .map(|(f, _)| format!("  {} {}", f.name, hive(&f.ty)))
            .collect();
        let regions: Vec<&str> = if self.regions.is_empty() {
            REGIONS.to_vec()
        } else {
            self.regions.iter().map(String::as_str).collect()
        };
        let loc = self.location();
        let what = match &self.organization {
            Some(o) => format!("organization trail {o}"),
            None => "trail".to_string(),
        };
        Ok(format!(
            "CREATE EXTERNAL TABLE IF NOT EXISTS `{db}`.`{table}` (\n{cols}\n)\n\
             COMMENT 'CloudTrail {what} in s3://{bucket} (airc athena ddl)'\n\
             PARTITIONED BY (`account` STRING, `region` STRING, `timestamp` STRING)\n\
             ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'\n\
             STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'\n\
             OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'\n\
             LOCATION '{loc}'\n\
             TBLPROPERTIES (\n\
             \x20 'projection.enabled'='true',\n\
             \x20 'projection.account.type'='enum',\n\
             \x20 'projection.account.values'='{accounts}',\n\
             \x20 'projection.region.type'='enum',\n\
             \x20 'projection.region.values'='{regions}',\n\
             \x20 'projection.timestamp.type'='date',\n\
             \x20 'projection.timestamp.format'='yyyy/MM/dd',\n\
             \x20 'projection.timestamp.interval'='1',\n\
             \x20 'projection.timestamp.interval.unit'='DAYS',\n\
             \x20 'projection.timestamp.range'='2013/11/01,NOW',\n\
             \x20 'storage.location.template'='{loc}${{account}}/CloudTrail/${{region}}/${{timestamp}}'\n\
             )",
            db = self.database,
            table = self.table,
            cols = columns.join(",\n"),
            bucket = self.bucket,
            accounts = self.accounts.join(","),
            regions = regions.join(","),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trail() -> Trail {
        Trail {
            bucket: "org-trail-logs".into(),
            organization: Some("o-a1b2c3d4e5".into()),
            accounts: vec!["111122223333".into(), "444455556666".into()],
            regions: vec!["us-east-1".into(), "eu-west-1".into()],
            database: "default".into(),
            table: "cloudtrail".into(),
            ..Default::default()
        }
    }

    #[test]
    fn organization_trail_with_projection() {
        let d = trail().ddl().unwrap_or_else(|e| panic!("{e}"));
        assert!(d.starts_with("CREATE EXTERNAL TABLE IF NOT EXISTS `default`.`cloudtrail` (\n  eventVersion STRING,\n  userIdentity STRUCT<type:STRING,"), "{d}");
        assert!(d.contains("  requestParameters STRING,\n"));
        assert!(
            d.contains("PARTITIONED BY (`account` STRING, `region` STRING, `timestamp` STRING)")
        );
        assert!(d.contains("ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'"));
        assert!(d.contains("LOCATION 's3://org-trail-logs/AWSLogs/o-a1b2c3d4e5/'"));
        assert!(d.contains("'projection.account.values'='111122223333,444455556666'"));
        assert!(d.contains("'projection.region.values'='us-east-1,eu-west-1'"));
        assert!(d.contains("'storage.location.template'='s3://org-trail-logs/AWSLogs/o-a1b2c3d4e5/${account}/CloudTrail/${region}/${timestamp}'"), "{d}");
        let mut one = trail();
        one.organization = None;
        one.prefix = Some("/trails/".into());
        one.regions.clear();
        let d = one.ddl().unwrap_or_else(|e| panic!("{e}"));
        assert!(
            d.contains("LOCATION 's3://org-trail-logs/trails/AWSLogs/'"),
            "{d}"
        );
        assert!(d.contains(&REGIONS.join(",")));
    }

    #[test]
    fn surprises_are_refused_not_quoted() {
        let bad = |f: &dyn Fn(&mut Trail)| {
            let mut t = trail();
            f(&mut t);
            t.ddl().unwrap_err()
        };
        assert!(bad(&|t| t.bucket = "b' OR 1=1".into()).contains("bucket"));
        assert!(bad(&|t| t.organization = Some("o-x'".into())).contains("organization"));
        assert!(bad(&|t| t.accounts = vec!["1111'".into()]).contains("account"));
        assert!(bad(&|t| t.accounts.clear()).contains("--account"));
        assert!(bad(&|t| t.regions = vec!["us-east-1'".into()]).contains("region"));
        assert!(bad(&|t| t.prefix = Some("a'b".into())).contains("prefix"));
        assert!(bad(&|t| t.table = "x`; DROP".into()).contains("table"));
    }
}
