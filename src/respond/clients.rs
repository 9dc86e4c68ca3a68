//! The SDK clients actions use, for one profile and region (S3 path-style against a local
//! endpoint, as emulators need).

use aws_config::SdkConfig;

#[derive(Clone, Debug)]
pub struct Clients {
    pub config: SdkConfig,
    pub ec2: aws_sdk_ec2::Client,
    pub iam: aws_sdk_iam::Client,
    pub s3: aws_sdk_s3::Client,
    pub sns: aws_sdk_sns::Client,
    pub guardduty: aws_sdk_guardduty::Client,
    pub cloudtrail: aws_sdk_cloudtrail::Client,
    pub securityhub: aws_sdk_securityhub::Client,
    pub accessanalyzer: aws_sdk_accessanalyzer::Client,
    pub sts: aws_sdk_sts::Client,
    pub region: String,
}

impl Clients {
    pub fn new(config: &SdkConfig, local_endpoint: bool) -> Clients {
        // No automatic retries: a change whose first attempt timed out may have been carried
        // out, and a second attempt would do it again (a second snapshot). A failed call is
        // reported as such (and an uncertain change as outcome unknown) instead.
        let config = &config
            .to_builder()
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .build();
        let s3 = aws_sdk_s3::config::Builder::from(config)
            .force_path_style(local_endpoint)
            .build();
        Clients {
            ec2: aws_sdk_ec2::Client::new(config),
            iam: aws_sdk_iam::Client::new(config),
            s3: aws_sdk_s3::Client::from_conf(s3),
            sns: aws_sdk_sns::Client::new(config),
            guardduty: aws_sdk_guardduty::Client::new(config),
            cloudtrail: aws_sdk_cloudtrail::Client::new(config),
            securityhub: aws_sdk_securityhub::Client::new(config),
            accessanalyzer: aws_sdk_accessanalyzer::Client::new(config),
            sts: aws_sdk_sts::Client::new(config),
            region: config
                .region()
                .map(|r| r.to_string())
                .unwrap_or_else(|| crate::aws::session::FALLBACK_REGION.into()),
            config: config.clone(),
        }
    }

    /// Clients for a profile and region, as `airc respond` and the console build them.
    pub async fn load(
        profile: Option<&str>,
        region: Option<&str>,
        endpoint_url: Option<&str>,
    ) -> Clients {
        let opts = crate::aws::LiveOptions {
            endpoint_url: endpoint_url.map(String::from),
            ..Default::default()
        };
        let cfg = crate::aws::session::load(profile, region, &opts).await;
        Clients::new(&cfg, endpoint_url.is_some())
    }
}
