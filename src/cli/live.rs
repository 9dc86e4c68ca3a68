//! From the command line to `LiveOptions`.

use super::LiveArgs;
use crate::aws::{HealthFilter, LiveOptions, PollIntervals};

/// 100 years.
const MAX_SINCE: std::time::Duration = std::time::Duration::from_secs(36_525 * 86_400);

pub fn from_args(a: &LiveArgs) -> Result<LiveOptions, String> {
    let mut poll = PollIntervals::default();
    for p in &a.poll {
        let (source, every) = p
            .split_once('=')
            .ok_or_else(|| format!("--poll {p}: expected SOURCE=DURATION, e.g. health=60s"))?;
        let every = humantime::parse_duration(every)
            .map_err(|e| format!("--poll {p}: {e}"))?
            .max(std::time::Duration::from_secs(1));
        match source {
            "health" => poll.health = every,
            "guardduty" => poll.guardduty = every,
            "cloudtrail" => poll.cloudtrail = every,
            other => {
                return Err(format!(
                    "--poll {p}: unknown source {other} (health, guardduty, cloudtrail)"
                ))
            }
        }
    }
    if !(0.0..=10.0).contains(&a.min_severity) {
        return Err(format!(
            "--min-severity {}: expected 0 to 10",
            a.min_severity
        ));
    }
    let profiles = if a.profiles.is_empty() {
        // The SDK reads AWS_PROFILE itself; naming it here labels the header and the fix.
        vec![std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty())]
    } else {
        let mut seen = Vec::new();
        for p in &a.profiles {
            if !seen.contains(&Some(p.clone())) {
                seen.push(Some(p.clone()));
            }
        }
        seen
    };
    let mut regions = Vec::new();
    for r in &a.regions {
        if !regions.contains(r) {
            regions.push(r.clone());
        }
    }
    // Polling computes now − since: a value past any log is a typo, said here rather than
    // overflowing in a poller.
    if a.since > MAX_SINCE {
        return Err(format!(
            "--since {}: too far back (at most 100 years; CloudTrail LookupEvents keeps 90 days)",
            humantime::format_duration(a.since)
        ));
    }
    Ok(LiveOptions {
        profiles,
        regions,
        endpoint_url: a.endpoint_url.clone(),
        org: a.org,
        lake: a.lake.clone(),
        since: a.since,
        poll,
        min_severity: a.min_severity,
        health_filter: HealthFilter {
            statuses: a.health_status.clone(),
            categories: a.health_category.clone(),
            services: a.health_service.clone(),
            regions: a.health_region.clone(),
        },
        timeout: a.timeout,
        sdk_attempts: a.sdk_attempts.max(1),
        identity_recheck: a.identity_recheck,
        retain: a.retain.max(a.since),
        read_only: a.read_only,
        ..LiveOptions::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(args: &[&str]) -> Result<LiveOptions, String> {
        let mut all = vec!["airc"];
        all.extend(args);
        from_args(
            &super::super::Cli::try_parse_from(all)
                .map_err(|e| e.to_string())?
                .live,
        )
    }

    #[test]
    fn flags_become_options() {
        let o = parse(&[
            "--profile",
            "prod",
            "--profile",
            "dev",
            "--profile",
            "prod",
            "--region",
            "eu-west-1",
            "--poll",
            "cloudtrail=5s",
            "--since",
            "7d",
            "--health-status",
            "open,upcoming",
            "--org",
        ])
        .unwrap();
        assert_eq!(o.profiles, vec![Some("prod".into()), Some("dev".into())]);
        assert_eq!(o.regions, vec!["eu-west-1"]);
        assert_eq!(o.poll.cloudtrail, std::time::Duration::from_secs(5));
        assert_eq!(o.since, std::time::Duration::from_secs(7 * 86400));
        assert_eq!(o.health_filter.statuses, vec!["open", "upcoming"]);
        assert!(o.org);
        assert!(parse(&["--poll", "s3=5s"])
            .unwrap_err()
            .contains("unknown source s3"));
        assert!(parse(&["--min-severity", "11"]).is_err());
    }
}
