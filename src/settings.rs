//! `<config dir>/config.toml`: settings that outlive one command line.
//!
//! ```toml
//! read_only = true                                  # refuse every mutating action
//! sns_topic = "arn:aws:sns:us-east-1:111122223333:incident-notify"
//!
//! [athena]                                          # hunts (`airc hunt`, `H` in the console)
//! database = "default"
//! table = "cloudtrail"
//! workgroup = "primary"
//! output = "s3://athena-results-111122223333/airc/"  # else the workgroup's
//! region = "us-east-1"
//! max_scan = "50GB"                                  # a hunt scanning more is stopped
//! vpcflow_table = "vpc_flow_logs"                    # network and access logs hunts read too
//! vpcflow_format = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
//! s3access_table = "s3_access_logs"
//! resolver_table = "resolver_query_logs"
//! ```

use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    pub read_only: bool,
    #[serde(default)]
    pub sns_topic: Option<String>,
    #[serde(default)]
    pub athena: AthenaSettings,
}

/// `[athena]`: where hunts run. Every field can be overridden on the command line.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AthenaSettings {
    pub database: Option<String>,
    pub table: Option<String>,
    pub workgroup: Option<String>,
    pub output: Option<String>,
    pub region: Option<String>,
    /// A size: `50GB`, `500M`, `1T`.
    pub max_scan: Option<String>,
    /// The VPC Flow Logs table (`airc athena ddl --logs vpcflow`); hunts read it when set.
    pub vpcflow_table: Option<String>,
    /// The flow log's format (its header line): the table's columns. Default: the default
    /// format (version 2).
    pub vpcflow_format: Option<String>,
    /// The S3 server access logs table (`--logs s3access`).
    pub s3access_table: Option<String>,
    /// The Route 53 Resolver query logs table (`--logs resolver`).
    pub resolver_table: Option<String>,
}

/// A size as written on the command line or in config.toml: `500M`, `4G`, `50GB`, `1T`
/// (binary units: K is 1024).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("'{s}' is not a size (e.g. 500M, 4G)"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        other => return Err(format!("'{other}' is not a size unit (K, M, G, T)")),
    };
    let bytes = n * mult as f64;
    if !bytes.is_finite() || !(1.0..=u64::MAX as f64).contains(&bytes) {
        return Err(format!("'{s}' is not a usable size"));
    }
    Ok(bytes as u64)
}

/// The settings, with a warning naming the file and the problem when it exists but cannot be
/// used. Fail closed: a file that is there but unreadable, not UTF-8 or not valid turns
/// read-only on — whatever it meant to allow, it may have meant to forbid.
pub fn load(config_dir: Option<&Path>) -> (Settings, Option<String>) {
    let Some(path) = config_dir.map(|d| d.join("config.toml")) else {
        return (Settings::default(), None);
    };
    let closed = |why: String| {
        (
            Settings {
                read_only: true,
                ..Default::default()
            },
            Some(format!(
                "{}: {why}; read-only is ON until the file is fixed",
                path.display()
            )),
        )
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Settings::default(), None),
        Err(e) => return closed(format!("cannot be read ({e})")),
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return closed("is not UTF-8 text".into());
    };
    match toml::from_str(&text) {
        Ok(s) => (s, None),
        Err(e) => closed(format!("is not valid ({})", e.message())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_file_and_fails_safe() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(load(Some(d.path())).0, Settings::default());
        std::fs::write(
            d.path().join("config.toml"),
            "read_only = true\nsns_topic = \"arn:t\"\n",
        )
        .unwrap();
        let (s, w) = load(Some(d.path()));
        assert!(s.read_only && w.is_none());
        assert_eq!(s.sns_topic.as_deref(), Some("arn:t"));
        std::fs::write(
            d.path().join("config.toml"),
            "[athena]\ndatabase = \"trails\"\nmax_scan = \"10GB\"\n",
        )
        .unwrap();
        let (s, w) = load(Some(d.path()));
        assert!(w.is_none() && !s.read_only);
        assert_eq!(s.athena.database.as_deref(), Some("trails"));
        assert_eq!(s.athena.max_scan.as_deref(), Some("10GB"));
        std::fs::write(
            d.path().join("config.toml"),
            "[athena]\nvpcflow_table = \"flows\"\nvpcflow_format = \"version srcaddr dstaddr\"\ns3access_table = \"access\"\nresolver_table = \"dns\"\n",
        )
        .unwrap();
        let (s, w) = load(Some(d.path()));
        assert!(w.is_none(), "{w:?}");
        assert_eq!(
            (
                s.athena.vpcflow_table.as_deref(),
                s.athena.vpcflow_format.as_deref(),
                s.athena.s3access_table.as_deref(),
                s.athena.resolver_table.as_deref()
            ),
            (
                Some("flows"),
                Some("version srcaddr dstaddr"),
                Some("access"),
                Some("dns")
            )
        );
        std::fs::write(d.path().join("config.toml"), "[athena]\ndatabse = \"x\"\n").unwrap();
        assert!(
            load(Some(d.path())).0.read_only,
            "a misspelt key is an error"
        );
        std::fs::write(d.path().join("config.toml"), "read_only = yes please\n").unwrap();
        let (s, w) = load(Some(d.path()));
        assert!(s.read_only, "a broken file fails closed");
        assert!(w.unwrap().contains("config.toml"));
        std::fs::write(d.path().join("config.toml"), "sns_topic = 3\n").unwrap();
        assert!(
            load(Some(d.path())).0.read_only,
            "even when it never says read_only"
        );
        std::fs::write(d.path().join("config.toml"), b"read_only = false\n\xff\xfe").unwrap();
        let (s, w) = load(Some(d.path()));
        assert!(s.read_only && w.unwrap().contains("not UTF-8"));
        std::fs::remove_file(d.path().join("config.toml")).unwrap();
        std::fs::create_dir(d.path().join("config.toml")).unwrap();
        let (s, w) = load(Some(d.path()));
        assert!(s.read_only && w.unwrap().contains("cannot be read"));
    }
}
