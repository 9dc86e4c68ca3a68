//! AWS Health abuse reports, classified into the abuse types of the AWS abuse team's reports.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AbuseType {
    EmailSpam,
    ForumSpam,
    SpamSite,
    ExcessiveCrawling,
    IntrusionAttempts,
    ExploitAttacks,
    Copyright,
    Phishing,
    MalwareHosting,
    CreditCardFraud,
    OpenProxy,
    PortScanning,
    IrcBotnet,
    Dos,
    /// An `AWS_ABUSE_*` code outside the list above (hate speech, PII removal, IP cycling…).
    Other,
}

/// Substrings of the event type code, checked in order (more specific first).
const PATTERNS: &[(&str, AbuseType)] = &[
    ("EMAIL_SPAM", AbuseType::EmailSpam),
    ("FORUM_SPAM", AbuseType::ForumSpam),
    ("SPAM_WEBSITE", AbuseType::SpamSite),
    ("SPAM_SITE", AbuseType::SpamSite),
    ("WEBCRAWL", AbuseType::ExcessiveCrawling),
    ("CRAWL", AbuseType::ExcessiveCrawling),
    ("INTRUSION", AbuseType::IntrusionAttempts),
    ("EXPLOIT", AbuseType::ExploitAttacks),
    ("COPYRIGHT", AbuseType::Copyright),
    ("PHISHING", AbuseType::Phishing),
    ("MALWARE", AbuseType::MalwareHosting),
    ("CC_FRAUD", AbuseType::CreditCardFraud),
    ("CREDIT_CARD", AbuseType::CreditCardFraud),
    ("OPEN_PROXY", AbuseType::OpenProxy),
    ("PORT_SCAN", AbuseType::PortScanning),
    ("BOTNET", AbuseType::IrcBotnet),
    ("IRC", AbuseType::IrcBotnet),
    ("DOS_REPORT", AbuseType::Dos),
    ("_DOS", AbuseType::Dos),
    ("DDOS", AbuseType::Dos),
];

impl AbuseType {
    /// `Some` for every `AWS_ABUSE_*` code (and the SES/SNS abuse detection), `None` otherwise.
    pub fn classify(event_type_code: &str) -> Option<AbuseType> {
        let code = event_type_code.to_ascii_uppercase();
        let is_abuse = code.starts_with("AWS_ABUSE_") || code.ends_with("_ABUSE_DETECTION");
        if !is_abuse {
            return None;
        }
        let rest = code.trim_start_matches("AWS_ABUSE");
        Some(
            PATTERNS
                .iter()
                .find(|(p, _)| rest.contains(p))
                .map(|(_, t)| *t)
                .unwrap_or(if code.contains("SES") {
                    AbuseType::EmailSpam
                } else {
                    AbuseType::Other
                }),
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            AbuseType::EmailSpam => "email spam",
            AbuseType::ForumSpam => "forum spam",
            AbuseType::SpamSite => "spam site",
            AbuseType::ExcessiveCrawling => "excessive crawling",
            AbuseType::IntrusionAttempts => "intrusion attempts",
            AbuseType::ExploitAttacks => "exploit attacks",
            AbuseType::Copyright => "copyright",
            AbuseType::Phishing => "phishing",
            AbuseType::MalwareHosting => "malware hosting",
            AbuseType::CreditCardFraud => "credit card fraud",
            AbuseType::OpenProxy => "open proxy",
            AbuseType::PortScanning => "port scanning",
            AbuseType::IrcBotnet => "IRC botnet",
            AbuseType::Dos => "denial of service",
            AbuseType::Other => "other abuse",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_abuse_code_in_the_aws_catalog_is_classified() {
        let cases = [
            ("AWS_ABUSE_BOTNET_REPORT", AbuseType::IrcBotnet),
            ("AWS_ABUSE_CC_FRAUD_REPORT", AbuseType::CreditCardFraud),
            ("AWS_ABUSE_COPYRIGHT_DMCA_REPORT", AbuseType::Copyright),
            ("AWS_ABUSE_COPYRIGHT_NON_DMCA_REPORT", AbuseType::Copyright),
            ("AWS_ABUSE_DOS_REPORT", AbuseType::Dos),
            ("AWS_ABUSE_EMAIL_SPAM_REPORT", AbuseType::EmailSpam),
            ("AWS_ABUSE_FORUM_SPAM_REPORT", AbuseType::ForumSpam),
            (
                "AWS_ABUSE_INTRUSION_ATTEMPT_REPORT",
                AbuseType::IntrusionAttempts,
            ),
            (
                "AWS_ABUSE_MALWARE_WEBSITE_REPORT",
                AbuseType::MalwareHosting,
            ),
            ("AWS_ABUSE_OPEN_PROXY_REPORT", AbuseType::OpenProxy),
            ("AWS_ABUSE_PHISHING_REPORT", AbuseType::Phishing),
            ("AWS_ABUSE_PORT_SCANNING_REPORT", AbuseType::PortScanning),
            ("AWS_ABUSE_SPAM_WEBSITE_REPORT", AbuseType::SpamSite),
            ("AWS_ABUSE_WEBCRAWL_REPORT", AbuseType::ExcessiveCrawling),
            (
                "AWS_ABUSE_EXPLOIT_ATTEMPT_REPORT",
                AbuseType::ExploitAttacks,
            ),
            ("AWS_ABUSE_HATE_SPEECH", AbuseType::Other),
            ("AWS_SNS_SES_ABUSE_DETECTION", AbuseType::EmailSpam),
        ];
        for (code, want) in cases {
            assert_eq!(AbuseType::classify(code), Some(want), "{code}");
        }
        assert_eq!(AbuseType::classify("AWS_EC2_OPERATIONAL_ISSUE"), None);
        assert_eq!(AbuseType::classify("AWS_RISK_CREDENTIALS_EXPOSED"), None);
    }
}
