use super::*;

fn layout() -> Layout {
    Layout {
        bucket: "central-logs".into(),
        accounts: vec!["111122223333".into()],
        regions: vec!["us-east-1".into()],
        vpcs: vec!["vpc-0a1b2c3d".into()],
        buckets: vec!["acme-prod-backups".into()],
        database: "default".into(),
        table: "t".into(),
        ..Default::default()
    }
}

fn ddl(l: &Layout, logs: Logs) -> String {
    l.ddl(logs).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn flow_logs_as_documented_with_projection() {
    let d = ddl(&layout(), Logs::VpcFlow);
    assert!(
        d.starts_with("CREATE EXTERNAL TABLE IF NOT EXISTS `default`.`t` (\n  `version` INT,\n  `account_id` STRING,\n  `interface_id` STRING,\n  `srcaddr` STRING,\n  `dstaddr` STRING,\n  `srcport` INT,\n  `dstport` INT,\n  `protocol` BIGINT,\n  `packets` BIGINT,\n  `bytes` BIGINT,\n  `start` BIGINT,\n  `end` BIGINT,\n  `action` STRING,\n  `log_status` STRING\n)"),
        "{d}"
    );
    assert!(d.contains("PARTITIONED BY (`accid` STRING, `region` STRING, `day` STRING)\nROW FORMAT DELIMITED\nFIELDS TERMINATED BY ' '\nLOCATION 's3://central-logs/AWSLogs/'"), "{d}");
    assert!(d.contains("'skip.header.line.count'='1'"));
    assert!(d.contains("'projection.accid.values'='111122223333'"));
    assert!(d.contains("'projection.day.format'='yyyy/MM/dd'"));
    assert!(d.ends_with("'storage.location.template'='s3://central-logs/AWSLogs/${accid}/vpcflowlogs/${region}/${day}'\n)"), "{d}");
    let mut custom = layout();
    custom.flow_fields = flow::FlowFields::parse(
        "version account-id interface-id srcaddr dstaddr instance-id region",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    custom.prefix = Some("/flows/".into());
    custom.regions.clear();
    let d = ddl(&custom, Logs::VpcFlow);
    assert!(
        d.contains("  `instance_id` STRING,\n  `flow_region` STRING\n)"),
        "{d}"
    );
    assert!(
        d.contains("LOCATION 's3://central-logs/flows/AWSLogs/'"),
        "{d}"
    );
    assert!(d.contains(&REGIONS.join(",")));
}

#[test]
fn access_logs_by_date_based_partitioning() {
    let d = ddl(&layout(), Logs::S3Access);
    assert!(
        d.contains("  `bucketowner` STRING,\n  `bucket_name` STRING,\n  `requestdatetime` STRING,"),
        "{d}"
    );
    assert!(d.contains("  `bytessent` BIGINT,\n  `objectsize` BIGINT,"));
    assert!(d.contains("  `sourceregion` STRING\n)"));
    assert!(d.contains("PARTITIONED BY (`account` STRING, `region` STRING, `bucket` STRING, `timestamp` STRING)\nROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.RegexSerDe'\nWITH SERDEPROPERTIES (\n  'input.regex'='([^ ]*) ([^ ]*) \\\\[(.*?)\\\\] "), "{d}");
    assert!(d.contains("'projection.bucket.values'='acme-prod-backups'"));
    assert!(d.contains("'storage.location.template'='s3://central-logs/${account}/${region}/${bucket}/${timestamp}'"), "{d}");
}

#[test]
fn resolver_logs_by_account_vpc_and_day() {
    let d = ddl(&layout(), Logs::Resolver);
    assert!(
        d.contains("  `answers` ARRAY<STRUCT<Rdata:STRING,Type:STRING,Class:STRING>>,"),
        "{d}"
    );
    assert!(d.contains("  `srcport` INT,"));
    assert!(d.contains("  `srcids` STRUCT<instance:STRING,resolver_endpoint:STRING>,"));
    assert!(d.contains("PARTITIONED BY (`account` STRING, `vpc` STRING, `date` STRING)\nROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'"));
    assert!(d.contains("'projection.vpc.values'='vpc-0a1b2c3d'"));
    assert!(d.contains("'storage.location.template'='s3://central-logs/AWSLogs/${account}/vpcdnsquerylogs/${vpc}/${date}'"), "{d}");
}

#[test]
fn surprises_are_refused_not_quoted() {
    let bad = |logs: Logs, f: &dyn Fn(&mut Layout)| {
        let mut l = layout();
        f(&mut l);
        l.ddl(logs).unwrap_err()
    };
    assert!(bad(Logs::VpcFlow, &|l| l.bucket = "b' x".into()).contains("bucket"));
    assert!(bad(Logs::VpcFlow, &|l| l.accounts.clear()).contains("--account"));
    assert!(bad(Logs::VpcFlow, &|l| l.regions = vec!["x'".into()]).contains("region"));
    assert!(bad(Logs::Resolver, &|l| l.vpcs.clear()).contains("--vpc"));
    assert!(bad(Logs::Resolver, &|l| l.vpcs = vec!["vpc-x'".into()]).contains("VPC"));
    assert!(bad(Logs::S3Access, &|l| l.buckets.clear()).contains("--source-bucket"));
    assert!(bad(Logs::S3Access, &|l| l.buckets = vec!["B'".into()]).contains("source bucket"));
    assert!(bad(Logs::S3Access, &|l| l.prefix = Some("a'b".into())).contains("prefix"));
    assert!(bad(Logs::VpcFlow, &|l| l.table = "x`; DROP".into()).contains("table"));
    assert!(layout().ddl(Logs::CloudTrail).is_err());
}
