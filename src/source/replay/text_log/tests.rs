use super::super::{read_bytes, FileStatus};
use crate::normalize::{Normalized, Options};
use std::io::Write;

const HEADER: &str = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";

fn flows(items: &[Normalized]) -> Option<&crate::model::conversations::Conversations> {
    items.iter().find_map(|i| match i {
        Normalized::Flows(c) => Some(&**c),
        _ => None,
    })
}

#[test]
fn a_flow_log_counts_every_record_and_sums_conversations() {
    // Two records of one conversation (same minute, ports 40001 and 40002 to 443), one REJECT,
    // one NODATA.
    let text = format!(
        "{HEADER}\n\
         2 123456789012 eni-0a1 10.0.0.5 203.0.113.66 40001 443 6 10 1000 1700000000 1700000030 ACCEPT OK\n\
         2 123456789012 eni-0a1 10.0.0.5 203.0.113.66 40002 443 6 5 500 1700000010 1700000040 ACCEPT OK\n\
         \n\
         2 123456789012 eni-0a1 198.51.100.9 10.0.0.5 5555 22 6 1 40 1700000000 1700000060 REJECT OK\n\
         2 123456789012 eni-0a1 - - - - - - - 1700000000 1700000060 - NODATA\n"
    );
    let out = read_bytes("flows.log", text.as_bytes(), "", Options::default());
    assert_eq!(out.report.status, FileStatus::Loaded, "{:?}", out.report);
    assert_eq!((out.report.records, out.report.flows), (4, 4));
    assert!(
        out.report
            .format
            .starts_with("VPC Flow Logs (text): VPC Flow Logs record ×4"),
        "{}",
        out.report.format
    );
    let c = flows(&out.items).unwrap_or_else(|| panic!("no conversations"));
    assert_eq!((c.records, c.nodata, c.len()), (4, 1, 2));
    let https: Vec<_> = c.iter().filter(|x| x.port == 443).collect();
    assert_eq!(https.len(), 1);
    assert_eq!(
        (
            https[0].totals.packets,
            https[0].totals.bytes,
            https[0].totals.records
        ),
        (15, 1500, 2)
    );
    assert_eq!(https[0].account.get().as_deref(), Some("123456789012"));
}

#[test]
fn a_malformed_line_is_counted_and_reported_with_its_line_number() {
    let text = format!(
        "{HEADER}\n2 123456789012 eni-0a1 10.0.0.5 10.0.0.6 1 2 6 1 1 1700000000 1700000030 ACCEPT OK\n2 123456789012 eni-0a1 10.0.0.5 oops 1 2 6 1 1 1700000000 1700000030 ACCEPT OK\n"
    );
    let out = read_bytes("f.log", text.as_bytes(), "", Options::default());
    assert_eq!(out.report.status, FileStatus::Failed);
    assert_eq!((out.report.records, out.report.flows), (2, 1));
    assert_eq!(out.report.errors.len(), 1);
    assert_eq!(out.report.errors[0].location, "line 3");
    assert_eq!(
        out.report.errors[0].reason,
        "dstaddr is not an IP address: oops"
    );
}

#[test]
fn gzip_as_s3_delivers_it_and_access_logs_and_cloudwatch_payloads() {
    let text = format!("{HEADER}\n2 123456789012 eni-0a1 10.0.0.5 10.0.0.6 1 2 6 1 1 1700000000 1700000030 ACCEPT OK\n");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = gz.write_all(text.as_bytes());
    let bytes = gz.finish().unwrap_or_default();
    let dir = std::env::temp_dir().join(format!("airc-flows-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("123456789012_vpcflowlogs_us-east-1_fl-1_20231114T2215Z_abcd.log.gz");
    let _ = std::fs::write(&path, &bytes);
    let outs = super::super::read_path(&path, Options::default());
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(outs.len(), 1);
    assert_eq!(
        (outs[0].report.status, outs[0].report.flows),
        (FileStatus::Loaded, 1)
    );
    assert!(
        outs[0].report.format.starts_with("gzip › VPC Flow Logs"),
        "{}",
        outs[0].report.format
    );

    let access = r#"owner bkt [06/Feb/2019:00:00:38 +0000] 192.0.2.3 - 3E57 REST.GET.OBJECT k.txt "GET /k.txt HTTP/1.1" 200 - 113 113 7 - "-" "curl/8" -"#;
    let out = read_bytes("access.log", access.as_bytes(), "", Options::default());
    assert_eq!(
        (out.report.status, out.report.records),
        (FileStatus::Loaded, 1)
    );
    assert_eq!(out.report.signals.get("s3access"), Some(&1));

    let payload = r#"{"messageType":"DATA_MESSAGE","owner":"123456789010","logGroup":"/aws/vpc/flowlogs","logStream":"eni-1","subscriptionFilters":["f"],"logEvents":[{"id":"1","timestamp":1418530010000,"message":"2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK"},{"id":"2","timestamp":1418530010000,"message":"2 eni-1 172.31.16.139 172.31.16.21"}]}"#;
    let out = read_bytes("cw.json", payload.as_bytes(), "", Options::default());
    assert_eq!(
        (out.report.records, out.report.flows),
        (2, 1),
        "{:?}",
        out.report
    );
    assert_eq!(out.report.errors.len(), 1);
    assert!(
        out.report.errors[0].location.ends_with("logEvents[1]"),
        "{:?}",
        out.report.errors
    );

    let readme = read_bytes("README.md", b"# flows\nsome text\n", "", Options::default());
    assert_eq!(readme.report.status, FileStatus::NoEventData);
}
