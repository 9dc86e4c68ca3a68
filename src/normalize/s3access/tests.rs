use super::*;

const LINE: &str = r#"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be amzn-s3-demo-bucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE REST.GET.VERSIONING - "GET /amzn-s3-demo-bucket1?versioning HTTP/1.1" 200 - 113 - 7 - "-" "S3Console/0.4" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com TLSV1.2 arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP Yes"#;

fn signal(line: &str) -> Result<Signal, String> {
    let f = fields(line)?;
    normalize(&f).map_err(|e| e.to_string())
}

#[test]
fn the_documented_record_becomes_an_activity_signal() {
    assert!(looks_like(LINE));
    let s = signal(LINE).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.source, Source::S3Access);
    assert_eq!(s.kind(), "REST.GET.VERSIONING");
    assert_eq!(s.time.to_rfc3339(), "2019-02-06T00:00:38+00:00");
    assert_eq!(
        s.account(),
        Some("123456789012"),
        "from the access point ARN"
    );
    assert_eq!(s.category(), Some("HTTP 200"));
    let ents: Vec<String> = s
        .own_entities()
        .unwrap_or(&[])
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(ents, ["bucket:amzn-s3-demo-bucket1", "ip:192.0.2.3"]);
    assert!(
        s.summary().contains(
            "REST.GET.VERSIONING s3://amzn-s3-demo-bucket1 → 200 (113 B sent) from 192.0.2.3"
        ),
        "{}",
        s.summary()
    );
}

#[test]
fn an_object_read_by_a_role_names_the_object_and_the_principal() {
    let line = r#"owner fake-source-bucket [07/Mar/2025:15:13:41 +0000] 88.88.88.88 arn:aws:sts::111111111111:assumed-role/Reader/cli RR99 REST.GET.OBJECT data/x.csv "GET /data/x.csv HTTP/1.1" 403 AccessDenied 243 - 33 - "-" "aws-cli/2.24.10" -"#;
    let s = signal(line).unwrap_or_else(|e| panic!("{e}"));
    let ents: Vec<String> = s
        .own_entities()
        .unwrap_or(&[])
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(
        ents,
        [
            "bucket:fake-source-bucket",
            "object:fake-source-bucket/data/x.csv",
            "assumed_role:Reader/cli",
            "ip:88.88.88.88"
        ]
    );
    let role = s
        .own_entities()
        .and_then(|l| l.get(2))
        .and_then(|e| e.account());
    assert_eq!(role.as_deref(), Some("111111111111"));
    assert_eq!(
        (s.severity, s.category()),
        (Severity::Low, Some("HTTP 403 AccessDenied"))
    );
    assert_eq!(s.actor(), Some("Reader/cli"));
}

#[test]
fn short_lines_are_errors_and_extra_fields_are_ignored() {
    let short = r#"o b [06/Feb/2019:00:00:38 +0000] 192.0.2.3 r id REST.GET.VERSIONING - "GET / HTTP/1.1" 200"#;
    assert_eq!(
        signal(short).err().as_deref(),
        Some("10 fields where an access log record has at least 17")
    );
    let extra = format!("{LINE} us-east-1 ExtraUnknownField");
    let s = signal(&extra).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.region(), Some("us-east-1"));
    assert!(!looks_like("version account-id interface-id srcaddr"));
    assert!(!looks_like("a b [not a time]"));
    let bad_time = r#"o b [31/Foo/2019:00:00:38 +0000] 1 2 3 4 5 6 7 8 9 10 11 12 13 14"#;
    assert!(!looks_like(bad_time));
}
