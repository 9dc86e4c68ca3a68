//! The detection services beside GuardDuty and the monitors, read from files: Security Hub
//! (ASFF, OCSF, its EventBridge events), Macie, Inspector, Access Analyzer, CloudWatch alarms
//! and cost anomalies. Fixtures written for these tests (tests/fixtures/findings), and the real
//! examples in ../shared/datasets when they are there.

use crate::common;

use airc::model::{Entity, EntityKind, Source};
use airc::normalize::Options;
use airc::source::replay::{self, FileStatus, Progress};
use std::path::PathBuf;

fn findings_dir() -> PathBuf {
    common::fixtures().join("findings")
}

fn touching(report: &airc::inspect::Report, kind: EntityKind, id: &str) -> Vec<Source> {
    let mut out: Vec<Source> = report
        .loaded
        .store
        .touching(&Entity::new(kind, id))
        .map(|s| s.source)
        .collect();
    out.sort();
    out
}

#[test]
fn every_format_loads_with_exact_counts_sources_and_products() {
    let report = airc::inspect::run(&[findings_dir()]);
    let failed: Vec<_> = report
        .loaded
        .files
        .iter()
        .filter(|f| f.status != FileStatus::Loaded)
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    let t = report.totals();
    // GuardDuty's finding is also in Security Hub (one row); Inspector's too; the S3.8 control
    // is in GetFindings and in the Imported event (one row); the billing alarm's episode is in the
    // event, DescribeAlarms and its history (one row).
    assert_eq!(
        (
            t["guardduty"],
            t["securityhub"],
            t["inspector"],
            t["macie"],
            t["accessanalyzer"],
            t["monitors"]
        ),
        (1, 4, 2, 1, 1, 4),
        "{t:?}"
    );
    let per_file: usize = report
        .loaded
        .files
        .iter()
        .map(|f| f.signals.values().sum::<usize>())
        .sum();
    assert_eq!(
        per_file, 18,
        "records that made a signal, before duplicates were joined"
    );
    let store = &report.loaded.store;
    let products: Vec<(&str, &str)> = store
        .signals()
        .iter()
        .filter(|s| s.source == Source::SecurityHub)
        .map(|s| (s.kind(), s.product()))
        .collect();
    for want in [
        ("S3.8", "securityhub"),
        ("Exfiltration:S3/MaliciousIPCaller", "guardduty"),
        ("EC2.19", "securityhub"),
    ] {
        assert!(products.contains(&want), "{want:?} in {products:?}");
    }
    assert!(
        products.iter().any(|(_, p)| *p == "acme scanner"),
        "{products:?}"
    );
    // The bucket the attacker made public, named by five products.
    assert_eq!(
        touching(&report, EntityKind::Bucket, "acme-prod-backups"),
        [
            Source::SecurityHub,
            Source::SecurityHub,
            Source::Macie,
            Source::AccessAnalyzer
        ]
    );
    assert_eq!(
        touching(&report, EntityKind::Instance, "i-0c0ffee0c0ffee002"),
        [Source::Inspector]
    );
    assert!(touching(&report, EntityKind::Other, "CVE-2024-3094").contains(&Source::Inspector));
    assert!(touching(&report, EntityKind::Ip, "203.0.113.66").contains(&Source::Macie));
    assert!(
        touching(&report, EntityKind::AccessKey, "AKIA4EXAMPLEBACKDR02")
            .contains(&Source::SecurityHub)
    );
    let billing = store
        .signals()
        .iter()
        .find(|s| s.title() == "gpu-spend")
        .unwrap_or_else(|| panic!("billing alarm"));
    assert_eq!(
        (billing.source, billing.category(), billing.kind()),
        (
            Source::Monitors,
            Some("billing"),
            "CloudWatchAlarm:AWS/Billing/EstimatedCharges"
        )
    );
    let history = report
        .loaded
        .files
        .iter()
        .find(|f| f.path.ends_with("cloudwatch-alarm-history.json"));
    assert_eq!(
        history.map(|f| f.format.as_str()),
        Some("CloudWatch DescribeAlarmHistory output: CloudWatch alarm history item ×2")
    );
}

fn load(paths: &[PathBuf]) -> airc::store::Store {
    replay::load(paths, Options::default(), &Progress::default()).store
}

#[test]
fn a_guardduty_finding_native_and_through_security_hub_is_one_row_with_both_states() {
    let native = findings_dir().join("guardduty-get-findings.json");
    let hub = findings_dir().join("securityhub-get-findings.json");
    for order in [[native.clone(), hub.clone()], [hub.clone(), native.clone()]] {
        let store = load(&order);
        let rows: Vec<_> = store
            .signals()
            .iter()
            .filter(|s| s.id == "guardduty:0acd8be146e4099030f970583f9d52f9")
            .collect();
        assert_eq!(rows.len(), 1, "{order:?}");
        let s = rows[0];
        assert_eq!(
            s.source,
            Source::GuardDuty,
            "the service's own record is the row"
        );
        assert_eq!(s.workflow(), Some("NOTIFIED"), "Security Hub's workflow");
        assert!(
            s.severity_reason().contains("(archived)"),
            "GuardDuty's own state: {}",
            s.severity_reason()
        );
        assert!(s.via_securityhub());
        assert_eq!(
            s.raw.decoded()["id"],
            "0acd8be146e4099030f970583f9d52f9",
            "GuardDuty's record is kept"
        );
        let ents: Vec<String> = store.entities_of(s).iter().map(|e| e.to_string()).collect();
        for want in [
            "instance:i-0c0ffee0c0ffee001",
            "security_group:sg-0badc0ffee0000001",
            "ip:198.51.100.23",
        ] {
            assert!(ents.contains(&want.to_string()), "{want} in {ents:?}");
        }
        // GuardDuty's count stays one row; the Security Hub pane of sources does not count it.
        assert_eq!(store.count(Source::GuardDuty), 1);
    }
}

/// (file name, findings) of the files read, and (file name, errors) of those refused.
type PerFile = (Vec<(String, usize)>, Vec<(String, String)>);

/// Findings in each file of a folder, by file name, and the files that failed.
fn per_file(dir: &std::path::Path) -> PerFile {
    let report = airc::inspect::run(&[dir.to_path_buf()]);
    let mut counts = Vec::new();
    let mut failed = Vec::new();
    for f in &report.loaded.files {
        let name = f.path.rsplit('/').next().unwrap_or(&f.path).to_string();
        match f.status {
            FileStatus::Failed => failed.push((
                name,
                f.errors
                    .iter()
                    .map(|e| format!("{}: {}", e.location, e.reason))
                    .collect(),
            )),
            _ => counts.push((name, f.signals.values().sum())),
        }
    }
    (counts, failed)
}

#[test]
fn the_shared_security_hub_macie_and_access_analyzer_examples_count_exactly() {
    let Some(shared) = common::shared_datasets() else {
        return;
    };
    let sum = |c: &[(String, usize)]| c.iter().map(|(_, n)| n).sum::<usize>();
    // Automated Security Response: 126 findings in 124 files (two events carry two each).
    let (counts, failed) = per_file(&shared.join("automated-security-response-on-aws"));
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(sum(&counts), 126);
    assert_eq!(counts.iter().filter(|(_, n)| *n == 1).count(), 122);
    // Macie's reveal sample: six findings, one a file.
    let (counts, failed) = per_file(&shared.join("amazon-macie-finding-data-reveal"));
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(sum(&counts), 6);
    // The AWS CLI's examples: 10 findings (Access Analyzer 7, Macie 2, Security Hub 1); the
    // history holds none; the second Security Hub example is invalid JSON upstream: refused,
    // with the file and the reason.
    let examples = shared.join("aws-cli-examples/awscli/examples");
    let (access, failed) = per_file(&examples.join("accessanalyzer"));
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(sum(&access), 7, "{access:?}");
    let (macie, failed) = per_file(&examples.join("macie2"));
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(sum(&macie), 2, "{macie:?}");
    let (hub, failed) = per_file(&examples.join("securityhub"));
    assert_eq!(sum(&hub), 1, "{hub:?}");
    assert!(
        hub.contains(&("get-finding-history.output.json".into(), 0)),
        "{hub:?}"
    );
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].0, "get-findings.example2.output.json");
    assert!(
        failed[0].1.contains("line 12 column 37") && failed[0].1.contains("expected `:`"),
        "{}",
        failed[0].1
    );
}

/// Review of issue 34: a Macie record without id or time (the AWS CLI's trimmed example 2) was
/// kept at 1970-01-01 as `macie:123456789012:SensitiveData:S3Object/Personal:?/`, so two such
/// findings of one type were one row. Now: known by its content (the same record twice is one
/// row, two different ones two), placed at its file's modification time, and the detail view
/// says the time is not the record's own.
#[test]
fn a_macie_finding_without_id_or_time_is_placed_at_its_files_time() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("macie-trimmed.json");
    let rec = r#"{"accountId": "123456789012", "archived": false, "category": "CLASSIFICATION",
        "severity": {"description": "High", "score": 8.1},
        "title": "Sensitive data was detected in an S3 object", "type": "SensitiveData:S3Object/Personal"}"#;
    let other = rec.replace("an S3 object", "another S3 object");
    std::fs::write(&path, format!(r#"{{"findings": [{rec}, {rec}, {other}]}}"#))
        .unwrap_or_else(|e| panic!("{e}"));
    let at = chrono::DateTime::parse_from_rfc3339("2026-03-04T05:06:07Z")
        .map(|t| t.to_utc())
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_modified(at.into()))
        .unwrap_or_else(|e| panic!("{e}"));
    let loaded = replay::load(&[path], Options::console(), &Progress::default());
    assert_eq!(
        loaded.files[0].status,
        FileStatus::Loaded,
        "{:?}",
        loaded.files
    );
    let store = &loaded.store;
    assert_eq!(
        store.count(Source::Macie),
        2,
        "the same record twice is one row"
    );
    for s in store.signals().iter() {
        assert!(s.id.to_string().starts_with("macie:no-id-"), "{}", s.id);
        assert_eq!(s.time, at, "its file's modification time, not 1970");
        let lines = airc::app::detail::lines(s, store.entities_of(s), at, &|_| None);
        assert!(
            lines[0].contains("2026-03-04 05:06:07 UTC")
                && lines[0].ends_with(
                    "the record has no time of its own: this is its file's modification time"
                ),
            "{}",
            lines[0]
        );
    }
}
