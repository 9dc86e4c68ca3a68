//! What a record is, by shape: the kinds `classify` tells apart, with the label the replay's
//! file report and `airc inspect` show for them.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecordKind {
    CloudTrail,
    CloudTrailLogstash,
    CloudTrailEventBridge,
    CloudTrailLookupEvent,
    CloudTrailDigest,
    GuardDutyFinding,
    GuardDutyFindingPascal,
    GuardDutyEventBridge,
    HealthEventBridge,
    HealthPutEventsEntry,
    HealthEvent,
    HealthEventDetails,
    HealthAffectedEntity,
    HealthEventType,
    SecurityHubFinding,
    SecurityHubEventBridge,
    SecurityHubOcsf,
    SecurityHubHistory,
    MacieFinding,
    MacieEventBridge,
    InspectorFinding,
    InspectorEventBridge,
    AccessAnalyzerFinding,
    AccessAnalyzerGetFinding,
    AccessAnalyzerEventBridge,
    CloudWatchAlarm,
    CloudWatchAlarmEventBridge,
    CloudWatchAlarmHistory,
    CostAnomaly,
    FlowLog,
    S3AccessLog,
    ResolverQuery,
    /// A CloudWatch Logs subscription payload or `filter-log-events` output: its messages are
    /// read as lines (`normalize::lines`).
    CloudWatchLogs,
}

impl RecordKind {
    pub fn label(self) -> &'static str {
        match self {
            RecordKind::CloudTrail => "CloudTrail record",
            RecordKind::CloudTrailLogstash => "CloudTrail record (Logstash, @timestamp)",
            RecordKind::CloudTrailEventBridge => "EventBridge CloudTrail event",
            RecordKind::CloudTrailLookupEvent => "LookupEvents event",
            RecordKind::CloudTrailDigest => "CloudTrail digest",
            RecordKind::GuardDutyFinding => "GuardDuty finding (camelCase)",
            RecordKind::GuardDutyFindingPascal => "GuardDuty finding (PascalCase)",
            RecordKind::GuardDutyEventBridge => "EventBridge GuardDuty Finding",
            RecordKind::HealthEventBridge => "EventBridge AWS Health event",
            RecordKind::HealthPutEventsEntry => "PutEvents entry with Health Detail",
            RecordKind::HealthEvent => "Health DescribeEvents event",
            RecordKind::HealthEventDetails => "Health DescribeEventDetails item",
            RecordKind::HealthAffectedEntity => "Health DescribeAffectedEntities entity",
            RecordKind::HealthEventType => "Health DescribeEventTypes entry",
            RecordKind::SecurityHubFinding => "Security Hub finding (ASFF)",
            RecordKind::SecurityHubEventBridge => "EventBridge Security Hub Findings",
            RecordKind::SecurityHubOcsf => "Security Hub finding (OCSF)",
            RecordKind::SecurityHubHistory => "Security Hub finding history record",
            RecordKind::MacieFinding => "Macie finding",
            RecordKind::MacieEventBridge => "EventBridge Macie Finding",
            RecordKind::InspectorFinding => "Inspector finding",
            RecordKind::InspectorEventBridge => "EventBridge Inspector2 Finding",
            RecordKind::AccessAnalyzerFinding => "Access Analyzer finding",
            RecordKind::AccessAnalyzerGetFinding => "Access Analyzer GetFinding output",
            RecordKind::AccessAnalyzerEventBridge => "EventBridge Access Analyzer Finding",
            RecordKind::CloudWatchAlarm => "CloudWatch alarm (DescribeAlarms)",
            RecordKind::CloudWatchAlarmEventBridge => "EventBridge CloudWatch Alarm State Change",
            RecordKind::CloudWatchAlarmHistory => "CloudWatch alarm history item",
            RecordKind::CostAnomaly => "Cost Explorer anomaly",
            RecordKind::FlowLog => "VPC Flow Logs record",
            RecordKind::S3AccessLog => "S3 server access log record",
            RecordKind::ResolverQuery => "Route 53 Resolver query",
            RecordKind::CloudWatchLogs => "CloudWatch Logs events",
        }
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}
