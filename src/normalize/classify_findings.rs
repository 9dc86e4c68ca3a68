//! The detection services beside GuardDuty, and the monitors: which record is which (by its own
//! keys, as every format is told), and the normalizer each goes to.

use super::json_path::{get, str_at};
use super::{access_analyzer, alarms, cost_anomaly, inspector, macie, ocsf, securityhub};
use super::{Envelope, Normalized, Options, RecordKind};
use serde_json::Value;

/// An EventBridge event of one of these services, by its detail type or source.
pub fn event_kind(detail_type: &str, source: &str) -> Option<RecordKind> {
    Some(match (detail_type, source) {
        (d, s) if d.starts_with("Security Hub Findings") || s == "aws.securityhub" => {
            RecordKind::SecurityHubEventBridge
        }
        ("Macie Finding", _) | (_, "aws.macie") => RecordKind::MacieEventBridge,
        ("Inspector2 Finding", _) | (_, "aws.inspector2") => RecordKind::InspectorEventBridge,
        (_, "aws.access-analyzer") => RecordKind::AccessAnalyzerEventBridge,
        (d, _) if d.starts_with("Access Analyzer") || d.starts_with("Unused Access Finding") => {
            RecordKind::AccessAnalyzerEventBridge
        }
        ("CloudWatch Alarm State Change", _) => RecordKind::CloudWatchAlarmEventBridge,
        _ => return None,
    })
}

/// A record that is not an envelope.
pub fn kind(v: &Value) -> Option<RecordKind> {
    Some(if securityhub::is_finding(v) {
        RecordKind::SecurityHubFinding
    } else if ocsf::is_finding(v) {
        RecordKind::SecurityHubOcsf
    } else if securityhub::is_history_record(v) {
        RecordKind::SecurityHubHistory
    } else if macie::is_finding(v) {
        RecordKind::MacieFinding
    } else if inspector::is_finding(v) {
        RecordKind::InspectorFinding
    } else if access_analyzer::is_finding(v) {
        RecordKind::AccessAnalyzerFinding
    } else if access_analyzer::wrapped(v).is_some() {
        RecordKind::AccessAnalyzerGetFinding
    } else if alarms::is_alarm(v) {
        RecordKind::CloudWatchAlarm
    } else if alarms::is_history_item(v) {
        RecordKind::CloudWatchAlarmHistory
    } else if cost_anomaly::is_anomaly(v) {
        RecordKind::CostAnomaly
    } else {
        return None;
    })
}

/// An envelope holding more than one finding as one record per finding (Security Hub's events
/// carry several); `None` for every other record.
pub fn split(v: &Value) -> Option<Vec<Value>> {
    securityhub::split_event(v)
}

fn envelope_of(v: &Value) -> Envelope {
    Envelope {
        account: str_at(v, &["account"]).map(str::to_string),
        region: str_at(v, &["region"]).map(str::to_string),
        received: None,
    }
}

fn detail(v: &Value) -> Result<&Value, super::RecordError> {
    get(v, "detail").ok_or_else(|| "EventBridge event has no detail".into())
}

/// Normalizes a record of one of these kinds; `keep` is how its original is kept.
pub fn normalize(
    kind: RecordKind,
    mut v: Value,
    opts: &Options,
    keep: fn(crate::model::Signal, Value, &Options) -> Normalized,
) -> Result<Normalized, super::RecordError> {
    let none = Envelope::default();
    let s = match kind {
        RecordKind::SecurityHubFinding => securityhub::normalize(&v, &none)?,
        RecordKind::SecurityHubEventBridge => {
            let f = securityhub::event_finding(&v)?;
            if ocsf::is_finding(f) {
                ocsf::normalize(f)?
            } else {
                securityhub::normalize(f, &envelope_of(&v))?
            }
        }
        RecordKind::SecurityHubOcsf => ocsf::normalize(&v)?,
        RecordKind::SecurityHubHistory => return Ok(Normalized::NoEvent),
        RecordKind::MacieFinding | RecordKind::MacieEventBridge => {
            // Revealed values never stay in what is kept.
            macie::scrub(&mut v);
            // A finding without a time of its own is placed at when it was received.
            let received = opts.received;
            match kind {
                RecordKind::MacieFinding => macie::normalize(
                    &v,
                    &Envelope {
                        received,
                        ..Envelope::default()
                    },
                )?,
                _ => macie::normalize(
                    detail(&v)?,
                    &Envelope {
                        received,
                        ..envelope_of(&v)
                    },
                )?,
            }
        }
        RecordKind::InspectorFinding => inspector::normalize(&v, &none)?,
        RecordKind::InspectorEventBridge => inspector::normalize(detail(&v)?, &envelope_of(&v))?,
        RecordKind::AccessAnalyzerFinding => access_analyzer::normalize(&v, &none)?,
        RecordKind::AccessAnalyzerGetFinding => {
            let f = access_analyzer::wrapped(&v).ok_or("GetFinding output holds no finding")?;
            access_analyzer::normalize(f, &none)?
        }
        RecordKind::AccessAnalyzerEventBridge => {
            access_analyzer::normalize(detail(&v)?, &envelope_of(&v))?
        }
        RecordKind::CloudWatchAlarm => alarms::from_describe(&v, &none)?,
        RecordKind::CloudWatchAlarmEventBridge => alarms::from_event(&v)?,
        RecordKind::CloudWatchAlarmHistory => match alarms::from_history(&v, &none)? {
            Some(s) => s,
            None => return Ok(Normalized::NoEvent),
        },
        RecordKind::CostAnomaly => cost_anomaly::normalize(&v)?,
        _ => return Err(format!("{kind} is not a finding or monitor record").into()),
    };
    Ok(keep(s, v, opts))
}
