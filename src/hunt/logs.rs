//! The logs a hunt reads on Athena: the organization's trail, and the network and data-access
//! logs (VPC Flow Logs, S3 server access logs, Route 53 Resolver query logs), each in its own
//! table as the AWS documentation defines it.

/// One kind of log, one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Logs {
    CloudTrail,
    VpcFlow,
    S3Access,
    Resolver,
}

impl Logs {
    pub const ALL: [Logs; 4] = [
        Logs::CloudTrail,
        Logs::VpcFlow,
        Logs::S3Access,
        Logs::Resolver,
    ];

    /// The name on the command line (`--logs vpcflow`) and in config.toml (`vpcflow_table`).
    pub fn label(self) -> &'static str {
        match self {
            Logs::CloudTrail => "cloudtrail",
            Logs::VpcFlow => "vpcflow",
            Logs::S3Access => "s3access",
            Logs::Resolver => "resolver",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Logs::CloudTrail => "CloudTrail",
            Logs::VpcFlow => "VPC Flow Logs",
            Logs::S3Access => "S3 server access logs",
            Logs::Resolver => "Route 53 Resolver query logs",
        }
    }

    /// The table `airc athena ddl` creates when none is named.
    pub fn default_table(self) -> &'static str {
        match self {
            Logs::CloudTrail => "cloudtrail",
            Logs::VpcFlow => "vpc_flow_logs",
            Logs::S3Access => "s3_access_logs",
            Logs::Resolver => "resolver_query_logs",
        }
    }

    pub fn parse(s: &str) -> Result<Logs, String> {
        Logs::ALL
            .into_iter()
            .find(|l| l.label() == s.trim())
            .ok_or_else(|| {
                let names: Vec<&str> = Logs::ALL.iter().map(|l| l.label()).collect();
                format!("{s:?} is not a kind of log: one of {}", names.join(", "))
            })
    }
}

impl std::fmt::Display for Logs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip() {
        for l in Logs::ALL {
            assert_eq!(Logs::parse(l.label()), Ok(l));
        }
        assert!(Logs::parse("flowlogs").unwrap_err().contains("vpcflow"));
    }
}
