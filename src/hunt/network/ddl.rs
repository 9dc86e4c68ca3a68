//! `CREATE EXTERNAL TABLE` for the network and access logs, as the AWS documentation writes each
//! with partition projection, over the S3 layout each is delivered in:
//!
//! - VPC Flow Logs: `[prefix/]AWSLogs/ACCOUNT/vpcflowlogs/REGION/yyyy/MM/dd/`, partitions
//!   `accid`, `region`, `day`;
//! - S3 server access logs (date-based partitioning): `[prefix/]ACCOUNT/REGION/BUCKET/yyyy/MM/dd/`,
//!   partitions `account`, `region`, `bucket` (the source bucket), `timestamp`;
//! - Route 53 Resolver query logs: `[prefix/]AWSLogs/ACCOUNT/vpcdnsquerylogs/VPC/yyyy/MM/dd/`,
//!   partitions `account`, `vpc`, `date`.
//!
//! Every enum's values are named on the command line (Athena computes a query's partitions from
//! them, so no crawler and no `MSCK REPAIR`), and every value is checked against the shape AWS
//! gives it before it reaches the statement.

use super::super::ddl::{check, is_bucket, is_prefix, is_region, REGIONS};
use super::super::sql::is_catalog_name;
use super::super::Logs;
use super::{access, flow, resolver};

/// Where the logs are and what the table is called.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub bucket: String,
    pub prefix: Option<String>,
    pub accounts: Vec<String>,
    /// Flow and access logs; empty: every region in `REGIONS`.
    pub regions: Vec<String>,
    /// Resolver query logs: the VPCs whose queries are logged.
    pub vpcs: Vec<String>,
    /// Access logs: the source buckets whose logs are delivered here.
    pub buckets: Vec<String>,
    /// Flow logs: the format's fields (default: the default format).
    pub flow_fields: flow::FlowFields,
    pub database: String,
    pub table: String,
}

fn is_vpc(v: &str) -> bool {
    v.strip_prefix("vpc-")
        .is_some_and(|h| (8..=17).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The projection of an enum partition.
fn enum_props(name: &str, values: &[String]) -> String {
    format!(
        "  'projection.{name}.type'='enum',\n  'projection.{name}.values'='{}',\n",
        values.join(",")
    )
}

/// The projection of a day partition (`yyyy/MM/dd` from `since` to now).
fn day_props(name: &str, since: &str) -> String {
    format!(
        "  'projection.{name}.type'='date',\n  'projection.{name}.format'='yyyy/MM/dd',\n  \
         'projection.{name}.interval'='1',\n  'projection.{name}.interval.unit'='DAYS',\n  \
         'projection.{name}.range'='{since},NOW',\n"
    )
}

impl Layout {
    fn validate(&self, logs: Logs) -> Result<(), String> {
        check(is_bucket(&self.bucket), "S3 bucket name", &self.bucket)?;
        if let Some(p) = &self.prefix {
            check(is_prefix(p), "S3 key prefix", p)?;
        }
        if self.accounts.is_empty() {
            return Err(format!(
                "the {} table projects the account of each log folder: name them with --account (comma-separated)",
                logs.title()
            ));
        }
        for a in &self.accounts {
            check(crate::model::entity::is_account_id(a), "account id", a)?;
        }
        for r in &self.regions {
            check(is_region(r), "region", r)?;
        }
        if logs == Logs::Resolver {
            if self.vpcs.is_empty() {
                return Err("the Resolver query log table projects the VPC of each log folder: name them with --vpc (comma-separated)".into());
            }
            for v in &self.vpcs {
                check(is_vpc(v), "VPC id", v)?;
            }
        }
        if logs == Logs::S3Access {
            if self.buckets.is_empty() {
                return Err("the access log table projects the source bucket of each log folder: name them with --source-bucket (comma-separated)".into());
            }
            for b in &self.buckets {
                check(is_bucket(b), "source bucket name", b)?;
            }
        }
        check(
            is_catalog_name(&self.database),
            "database name",
            &self.database,
        )?;
        check(is_catalog_name(&self.table), "table name", &self.table)
    }

    /// `s3://bucket/[prefix/]`
    fn root(&self) -> String {
        let mut s = format!("s3://{}/", self.bucket);
        if let Some(p) = self.prefix.as_deref().map(|p| p.trim_matches('/')) {
            if !p.is_empty() {
                s.push_str(p);
                s.push('/');
            }
        }
        s
    }

    fn regions(&self) -> Vec<String> {
        if self.regions.is_empty() {
            REGIONS.iter().map(|r| r.to_string()).collect()
        } else {
            self.regions.clone()
        }
    }

    /// The statement for `logs` (not CloudTrail: `hunt::ddl::Trail`), or why these settings
    /// cannot make one.
    pub fn ddl(&self, logs: Logs) -> Result<String, String> {
        self.validate(logs)?;
        let root = self.root();
        let p = match logs {
            Logs::VpcFlow => Pieces(
                self.flow_fields
                    .columns()
                    .into_iter()
                    .map(|(c, t)| format!("  `{c}` {t}"))
                    .collect::<Vec<_>>(),
                flow::PARTITIONS.to_vec(),
                "ROW FORMAT DELIMITED\nFIELDS TERMINATED BY ' '".to_string(),
                format!("{root}AWSLogs/"),
                format!(
                    "  'skip.header.line.count'='1',\n  'projection.enabled'='true',\n{}{}{}",
                    enum_props("accid", &self.accounts),
                    enum_props("region", &self.regions()),
                    day_props("day", "2015/06/01")
                ),
                format!("{root}AWSLogs/${{accid}}/vpcflowlogs/${{region}}/${{day}}"),
            ),
            Logs::S3Access => Pieces(
                access::COLUMNS
                    .iter()
                    .map(|(c, t)| format!("  `{c}` {t}"))
                    .collect(),
                access::PARTITIONS.to_vec(),
                format!(
                    "ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.RegexSerDe'\n\
                     WITH SERDEPROPERTIES (\n  'input.regex'='{}'\n)\n\
                     STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'\n\
                     OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'",
                    access::regex_literal()
                ),
                root.clone(),
                format!(
                    "  'projection.enabled'='true',\n{}{}{}{}",
                    enum_props("account", &self.accounts),
                    enum_props("region", &self.regions()),
                    enum_props("bucket", &self.buckets),
                    day_props("timestamp", "2023/01/01")
                ),
                format!("{root}${{account}}/${{region}}/${{bucket}}/${{timestamp}}"),
            ),
            Logs::Resolver => Pieces(
                resolver::COLUMNS
                    .iter()
                    .map(|(f, _)| format!("  `{}` {}", f.name, super::super::schema::hive(&f.ty)))
                    .collect(),
                resolver::PARTITIONS.to_vec(),
                "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\n\
                 STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'\n\
                 OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'"
                    .to_string(),
                format!("{root}AWSLogs/"),
                format!(
                    "  'projection.enabled'='true',\n{}{}{}",
                    enum_props("account", &self.accounts),
                    enum_props("vpc", &self.vpcs),
                    day_props("date", "2020/08/01")
                ),
                format!("{root}AWSLogs/${{account}}/vpcdnsquerylogs/${{vpc}}/${{date}}"),
            ),
            Logs::CloudTrail => return Err("the CloudTrail table is the trail's DDL".into()),
        };
        let Pieces(columns, parts, format, location, props, template) = p;
        let parts: Vec<String> = parts.iter().map(|p| format!("`{p}` STRING")).collect();
        Ok(format!(
            "CREATE EXTERNAL TABLE IF NOT EXISTS `{db}`.`{table}` (\n{cols}\n)\n\
             COMMENT '{what} in s3://{bucket} (airc athena ddl)'\n\
             PARTITIONED BY ({parts})\n\
             {format}\n\
             LOCATION '{location}'\n\
             TBLPROPERTIES (\n{props}  'storage.location.template'='{template}'\n)",
            db = self.database,
            table = self.table,
            cols = columns.join(",\n"),
            what = logs.title(),
            bucket = self.bucket,
            parts = parts.join(", "),
        ))
    }
}

/// One statement's pieces: columns, partitions, row format, location, projection properties,
/// location template.
struct Pieces(
    Vec<String>,
    Vec<&'static str>,
    String,
    String,
    String,
    String,
);

#[cfg(test)]
mod tests;
