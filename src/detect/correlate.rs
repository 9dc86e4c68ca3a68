//! Correlation rules, run one signal at a time where signals enter the store.
//!
//! The reader threads matched the single-event rules and carried what correlations need
//! (`CorrelationInput`: the rules a record matched, the group-by values); here those become the
//! detection results `rsigma-eval`'s correlation engine counts, in arrival order. Windows use
//! each event's own time, so replayed files are judged as they happened. State is bounded by
//! the engine (`max_state_entries`) and windows expire as event time moves on.

use super::Detections;
use crate::model::detection::{CorrelationInput, Detection, RuleInfo};
use chrono::{DateTime, Utc};
use rsigma_eval::{
    CorrelationAction, CorrelationConfig, CorrelationEngine, DetectionBody, EvaluationResult,
    JsonEvent, ResultBody, RuleHeader, TimestampFallback,
};
use serde_json::Value;
use std::sync::Arc;

/// Correlation state for one store.
pub struct Correlator {
    engine: Option<CorrelationEngine>,
    infos: super::FastMap<String, Arc<RuleInfo>>,
    gate: super::gate::Gate,
}

impl Default for Correlator {
    /// The correlations of the installed rule set.
    fn default() -> Self {
        super::installed().correlator()
    }
}

impl std::fmt::Debug for Correlator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Correlator")
            .field(
                "correlations",
                &self.infos.values().filter(|i| i.correlation).count(),
            )
            .finish()
    }
}

impl Correlator {
    pub fn new(d: &Detections) -> Correlator {
        if d.correlations.is_empty() {
            return Correlator {
                engine: None,
                infos: Default::default(),
                gate: Default::default(),
            };
        }
        let config = CorrelationConfig {
            timestamp_fallback: TimestampFallback::Skip,
            // Once a window fires for a group it starts again, and the same group is not
            // reported again for 15 minutes: a burst is one detection, not one per event.
            action_on_match: CorrelationAction::Reset,
            suppress: Some(15 * 60),
            max_state_entries: 50_000,
            ..CorrelationConfig::default()
        };
        let mut engine = CorrelationEngine::new(config);
        // Both were accepted by the same engine at load time; one that fails now is skipped.
        for r in &d.referenced {
            if let Err(e) = engine.add_rule(r) {
                tracing::warn!("correlation input rule {} not loaded: {e}", r.title);
            }
        }
        for c in &d.correlations {
            if let Err(e) = engine.add_correlation(c) {
                tracing::warn!("correlation {} not loaded: {e}", c.title);
            }
        }
        let infos = d
            .loaded
            .iter()
            .filter(|i| i.correlation || d.referenced_ids.contains(&i.id))
            .map(|i| (i.id.clone(), i.clone()))
            .collect();
        Correlator {
            engine: Some(engine),
            infos,
            gate: super::gate::Gate::new(&d.correlations, &d.referenced),
        }
    }

    /// The correlations this record completes (usually none).
    pub fn feed(&mut self, time: DateTime<Utc>, mut input: CorrelationInput) -> Vec<Detection> {
        let Some(engine) = self.engine.as_mut() else {
            return Vec::new();
        };
        if !self.gate.pass(time.timestamp(), &mut input) {
            return Vec::new();
        }
        let results: Vec<EvaluationResult> = input
            .rules
            .iter()
            .filter_map(|id| self.infos.get(id))
            .map(|info| EvaluationResult {
                header: RuleHeader {
                    rule_title: info.title.clone(),
                    // The name when there is one: the engine tracks temporal order by the
                    // string a correlation's `rules:` list uses (names in practice).
                    rule_id: Some(info.name.clone().unwrap_or_else(|| info.id.clone())),
                    level: None,
                    tags: Vec::new(),
                    custom_attributes: Arc::default(),
                    enrichments: None,
                },
                body: ResultBody::Detection(DetectionBody {
                    matched_selections: Vec::new(),
                    matched_fields: Vec::new(),
                    event: None,
                }),
            })
            .collect();
        if results.is_empty() {
            return Vec::new();
        }
        let event_value = Value::Object(input.fields);
        let event = JsonEvent::borrow(&event_value);
        let out = engine.process_with_detections(&event, results, time.timestamp());
        out.iter()
            .filter_map(|r| {
                let body = r.as_correlation()?;
                let id = r.header.rule_id.as_deref().unwrap_or(&r.header.rule_title);
                let info = self.infos.get(id)?;
                let group: Vec<String> = body
                    .group_key
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                let note = format!(
                    "{} {} within {}{}",
                    body.aggregated_value,
                    if body.correlation_type.as_str().starts_with("value") {
                        "distinct values"
                    } else {
                        "matching events"
                    },
                    humantime::format_duration(std::time::Duration::from_secs(body.timespan_secs)),
                    if group.is_empty() {
                        String::new()
                    } else {
                        format!(", {}", group.join(", "))
                    }
                );
                Some(Detection {
                    rule: info.clone(),
                    note: Some(note),
                })
            })
            .collect()
    }
}
