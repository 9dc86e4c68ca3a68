use super::*;

fn r(doc: &str) -> String {
    redact(doc).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn redaction_is_consistent() {
    let doc = "key AKIA4EXAMPLELEAKED01 in 111122223333 from 203.0.113.66, again AKIA4EXAMPLELEAKED01 and arn:aws:iam::111122223333:user/x and 2001:db8::1:2 and 444455556666 at 08:30:08";
    let out = r(doc);
    assert_eq!(
        out,
        "key KEY1 in ACCOUNT1 from IP1, again KEY1 and arn:aws:iam::ACCOUNT1:user/x and IP2 and ACCOUNT2 at 08:30:08"
    );
}

#[test]
fn an_arn_stays_an_arn_with_its_account_masked() {
    assert_eq!(
        r("arn:aws:iam::111122223333:role/Admin"),
        "arn:aws:iam::ACCOUNT1:role/Admin"
    );
    assert_eq!(
        r("arn:aws:s3:::acme-backups/2026/01 and arn:aws:iam::aws:policy/AdministratorAccess"),
        "arn:aws:s3:::acme-backups/2026/01 and arn:aws:iam::aws:policy/AdministratorAccess"
    );
}

/// The ARN shapes a postmortem carries: (template, has an account). `{p}` partition, `{r}`
/// region, `{a}` account.
const SHAPES: &[&str] = &[
    "arn:{p}:iam::{a}:role/Admin",
    "arn:{p}:iam::{a}:user/path/to/ci-deploy",
    "arn:{p}:iam::{a}:policy/deny\\_all",
    "arn:{p}:sts::{a}:assumed-role/SecurityResponder/alice@example",
    "arn:{p}:sts::{a}:federated-user/bob",
    "arn:{p}:iam::{a}:root",
    "arn:{p}:s3:::acme-logs",
    "arn:{p}:s3:::acme-logs/AWSLogs/{a}/CloudTrail/x.json.gz",
    "arn:{p}:ec2:{r}:{a}:instance/i-0123456789abcdef0",
    "arn:{p}:ec2:{r}:{a}:security-group/sg-0abc",
    "arn:{p}:ec2:{r}::image/ami-12c6146b",
    "arn:{p}:lambda:{r}:{a}:function:exfil:PROD",
    "arn:{p}:guardduty:{r}:{a}:detector/d1/finding/f0aa",
    "arn:{p}:sns:{r}:{a}:ir-alerts",
    "arn:{p}:kms:{r}:{a}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "arn:{p}:iam::aws:policy/AdministratorAccess",
];

/// Where an ARN sits in the markdown export (after `markdown::text`'s escaping).
const CONTEXTS: &[(&str, &str)] = &[
    ("", ""),
    ("principal ", "."),
    ("\\(", "\\)"),
    ("| ", " |"),
    ("entity iam\\_role:", ", then"),
    ("\\`", "\\`"),
    ("on ", ": done"),
];

#[test]
fn every_arn_shape_keeps_its_shape_and_only_its_account_is_masked() {
    let partitions = ["aws", "aws-cn", "aws-us-gov"];
    let regions = ["us-east-1", "eu-west-1", "us-gov-west-1", "ap-southeast-2"];
    let accounts = [
        "111122223333",
        "444455556666",
        "012345678901",
        "999999999999",
    ];
    let mut rng = fastrand::Rng::with_seed(33);
    for round in 0..400 {
        // A document of several ARNs; accounts repeat across them.
        let n = rng.usize(1..7);
        let mut doc = String::new();
        let mut want = String::new();
        let mut order: Vec<&str> = Vec::new();
        for i in 0..n {
            let shape = SHAPES[rng.usize(..SHAPES.len())];
            let (before, after) = CONTEXTS[rng.usize(..CONTEXTS.len())];
            let account = accounts[rng.usize(..accounts.len())];
            let arn = shape
                .replace("{p}", partitions[rng.usize(..partitions.len())])
                .replace("{r}", regions[rng.usize(..regions.len())]);
            let masked = if shape.contains("{a}") {
                if !order.contains(&account) {
                    order.push(account);
                }
                let n = order.iter().position(|a| *a == account).unwrap_or(0) + 1;
                arn.replace("{a}", &format!("ACCOUNT{n}"))
            } else {
                arn.clone()
            };
            let arn = arn.replace("{a}", account);
            let sep = if i == 0 { "" } else { " and " };
            doc.push_str(&format!("{sep}{before}{arn}{after}"));
            want.push_str(&format!("{sep}{before}{masked}{after}"));
        }
        assert_eq!(r(&doc), want, "round {round}: {doc}");
    }
}

#[test]
fn ipv6_addresses_are_masked_in_every_form_and_the_same_address_alike() {
    let cases: &[(&str, &str)] = &[
        ("from ::1 now", "from IP1 now"),
        ("from 2001:db8::1 now", "from IP1 now"),
        (
            "from 2001:DB8::1 and 2001:0db8:0:0:0:0:0:1.",
            "from IP1 and IP1.",
        ),
        ("from fe80::1%eth0 now", "from IP1 now"),
        ("from fe80::1%eth0 and fe80::1", "from IP1 and IP2"),
        ("from ::ffff:192.0.2.1 and 192.0.2.1", "from IP1 and IP2"),
        ("2001:0db8:0000:0000:0000:ff00:0042:8329", "IP1"),
        ("\\[2001:db8::7\\]:443", "\\[IP1\\]:443"),
        ("ip:2001:db8::1 sev:high", "ip:IP1 sev:high"),
        ("id:2001:db8::1 and from:fe80::2", "id:IP1 and from:IP2"),
        ("seen at 2001:db8::1: twice", "seen at IP1: twice"),
        ("| 2001:db8:85a3::8a2e:370:7334 |", "| IP1 |"),
        ("::ffff:198.51.100.7\\.", "IP1\\."),
        ("(fe80::dead:beef%en0)", "(IP1)"),
    ];
    for (doc, want) in cases {
        assert_eq!(&r(doc), want, "{doc}");
    }
}

#[test]
fn what_only_looks_like_an_address_is_left_alone() {
    for doc in [
        "at 08:30:08 and 2026-01-15T02:10:00Z",
        "a bare :: or ::: is punctuation",
        "iam::1 and std::fs::write and Error::Io",
        "deadbeef::1 is no address",
        "UnauthorizedAccess:EC2/SSHBruteForce by sts:GetCallerIdentity",
        "mac 00:1a:2b:3c:4d:5e",
        "arn:aws:s3:::acme and arn:aws:iam::aws:policy/ReadOnlyAccess",
        "ratio 12:00:1 of 1:2:3:4:5:6:7:8:9",
        "x:2001:db8::1y",
    ] {
        assert_eq!(r(doc), doc);
    }
}

#[test]
fn ipv4_keys_and_accounts_as_before() {
    assert_eq!(
        r("1\\.2.3.4 and 1.2.3.4 and ASIAEXAMPLEEXAMPLE01 and 111122223333."),
        "IP1 and IP1 and KEY1 and ACCOUNT1."
    );
    // A long run of hex and colons costs a bounded scan per position.
    let long = "a:".repeat(10_000);
    let started = std::time::Instant::now();
    assert!(
        r(&long) == long,
        "a run of hex and colons is not an address"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

/// Fails on the session-17 main (`\b` around account ids and IPv4): a glued account id or
/// address was left in the export, and `1.2.3.4.5` became `IP1.5`.
#[test]
fn glued_accounts_and_addresses_are_masked_longer_numbers_are_not() {
    assert_eq!(
        r("role_111122223333 acct111122223333 x111122223333y cloudtrail_logs_111122223333_x"),
        "role_ACCOUNT1 acctACCOUNT1 xACCOUNT1y cloudtrail_logs_ACCOUNT1_x"
    );
    assert_eq!(
        r("sg_1.2.3.4 host ip-10-1-2-3.ec2.internal talked to 10.1.2.3"),
        "sg_IP1 host ip-IP2.ec2.internal talked to IP2"
    );
    for doc in [
        "version 1.2.3.4.5 and 9.1.2.3.4",
        "id 1111222233334 and 01111222233334",
        "ip-10-1-2-399 is no host",
    ] {
        assert_eq!(r(doc), doc);
    }
}

/// Fails on the session-18 main: a key glued after an escaped underscore (`role\_AKIA…`) was
/// left in the export, and the twelve-digit last group of a UUID or a run inside a finding id
/// was masked as an account (the evidence's ids changed).
#[test]
fn glued_keys_are_masked_and_hex_ids_keep_their_digits() {
    assert_eq!(
        r("role\\_AKIAABCDEFGHIJKLMNOP keyASIAABCDEFGHIJKLMNOP"),
        "role\\_KEY1 keyKEY2"
    );
    for doc in [
        "finding 8c3f2b1e-0a1b-4c2d-9e8f-123456789012 archived",
        "detector 12abcdef123456789012abcdef123456 and finding a0b1c2d3e4f5a6b7123456789012cdef",
    ] {
        assert_eq!(r(doc), doc);
    }
    // An account glued to a short word is still one.
    assert_eq!(
        r("acct111122223333 abc111122223333"),
        "acctACCOUNT1 abcACCOUNT1"
    );
}

/// Fails on f40fa72 (third review of issue 33): the console's dashed account form, EC2 public
/// host names, zero-padded addresses, lower-case keys and an account id glued before a long hex
/// id were left in the export.
#[test]
fn dashed_accounts_public_hosts_padded_addresses_are_masked() {
    assert_eq!(
        r("acct 1111-2222-3333 is 111122223333"),
        "acct ACCOUNT1 is ACCOUNT1"
    );
    assert_eq!(
        r("ec2-203-0-113-66.compute-1.amazonaws.com talked to 203.0.113.066 and 203.0.113.66"),
        "ec2-IP1.compute-1.amazonaws.com talked to IP1 and IP1"
    );
    assert_eq!(
        r("akiaabcdefghijklmnop and AKIAABCDEFGHIJKLMNOP"),
        "KEY1 and KEY1"
    );
    assert_eq!(
        r("id 111122223333-5f1a2b3c4d5e6f708192a3b4c5d6e7f80"),
        "id ACCOUNT1-5f1a2b3c4d5e6f708192a3b4c5d6e7f80"
    );
}
