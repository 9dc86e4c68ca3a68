//! Credentials and identity: one SDK configuration per profile (the SDK's default chain:
//! environment, shared files, SSO, credential_process, instance and container roles), the
//! caller's identity from STS, and the exact command that fixes a credentials problem.

use super::errors::{classify, Problem};
use super::LiveOptions;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use std::borrow::Cow;

/// The region used when neither `--region`, AWS_REGION nor the profile names one.
pub const FALLBACK_REGION: &str = "us-east-1";

/// "default" for the default chain, else the profile name.
pub fn label(profile: Option<&str>) -> String {
    profile.unwrap_or("default").to_string()
}

/// The SDK configuration for one profile (region: `region`, else the profile's own).
pub async fn load(profile: Option<&str>, region: Option<&str>, opts: &LiveOptions) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::standard().with_max_attempts(opts.sdk_attempts))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(opts.timeout)
                .operation_attempt_timeout(opts.timeout)
                .build(),
        );
    if let Some(p) = profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = region {
        loader = loader.region(Region::new(r.to_string()));
    }
    if let Some(url) = &opts.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let cfg = loader.load().await;
    if cfg.region().is_none() {
        // Without a region the SDK cannot sign; say which one is used instead of failing.
        return cfg
            .into_builder()
            .region(Region::new(FALLBACK_REGION))
            .build();
    }
    cfg
}

/// The regions to watch for one profile: `--region` values, else the profile's region.
pub fn regions(cfg: &SdkConfig, opts: &LiveOptions) -> Vec<String> {
    if !opts.regions.is_empty() {
        return opts.regions.clone();
    }
    vec![cfg
        .region()
        .map(|r| r.to_string())
        .unwrap_or_else(|| FALLBACK_REGION.to_string())]
}

/// Who the credentials belong to: (account id, principal ARN).
pub async fn identity(cfg: &SdkConfig) -> Result<(String, String), Problem> {
    let sts = aws_sdk_sts::Client::new(cfg);
    let out = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| classify(&e, "sts:GetCallerIdentity"))?;
    let account = out.account().unwrap_or("unknown").to_string();
    let arn = out.arn().unwrap_or("unknown").to_string();
    Ok((account, arn))
}

/// The command that fixes a credentials problem for this profile.
pub async fn fix_for(profile: Option<&str>) -> String {
    let Some(name) = profile else {
        return "set AWS_PROFILE (or pass --profile NAME), or run `aws configure`".into();
    };
    let fs = aws_types::os_shim_internal::Fs::real();
    let env = aws_types::os_shim_internal::Env::real();
    let files = aws_runtime::env_config::file::EnvConfigFiles::default();
    let set =
        aws_config::profile::load(&fs, &env, &files, Some(Cow::Owned(name.to_string()))).await;
    let profile = set.as_ref().ok().and_then(|s| s.get_profile(name));
    fix_text(
        name,
        profile.map(|p| {
            (
                p.get("sso_session").is_some() || p.get("sso_start_url").is_some(),
                true,
            )
        }),
    )
}

/// `found`: (uses SSO, exists). Separate from the file reading so it is testable.
fn fix_text(name: &str, found: Option<(bool, bool)>) -> String {
    match found {
        Some((true, _)) => format!("aws sso login --profile {name}"),
        Some((false, _)) => format!(
            "refresh the credentials of profile {name} (`aws configure --profile {name}`, or \
             your credential_process)"
        ),
        None => format!("profile {name} is not in ~/.aws/config: `aws configure --profile {name}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fix_names_the_profile_and_the_command() {
        assert_eq!(
            fix_text("prod", Some((true, true))),
            "aws sso login --profile prod"
        );
        assert!(fix_text("dev", Some((false, true))).contains("aws configure --profile dev"));
        assert!(fix_text("gone", None).contains("not in ~/.aws/config"));
        assert_eq!(label(None), "default");
    }
}
