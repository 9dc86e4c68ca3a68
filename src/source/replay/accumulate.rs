//! Collects what the records of one file turn into: items for the store, counts per source,
//! and errors with their location; then decides the file's status and describes its format.

use super::document::{self, DocInfo, Element, Location, Shape};
use super::{FileError, FileOutput, FileReport, FileStatus};
use crate::model::raw::{span_hash, FileSpan, Raw, RecordFile};
use crate::model::Source;
use crate::normalize::{
    classify::classify, fast_cloudtrail, normalize_record, Normalized, Options, RecordKind,
};
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Collects what the records of one file turn into.
pub(super) struct Accumulator {
    pub(super) report: FileReport,
    pub(super) items: Vec<Normalized>,
    pub(super) opts: Options,
    unrecognised: Vec<FileError>,
    health_arns: BTreeSet<String>,
    event_types: usize,
    failed_set: usize,
    /// Errors past `MAX_ERRORS`, counted only.
    more_errors: usize,
    /// The file on disk the records come from, when they can be read back from it
    /// (`Options::file_spans`).
    file: Option<Arc<RecordFile>>,
    /// Flow log records, summed (`text_log`).
    pub(super) flows: crate::model::conversations::Conversations,
    /// The lines read so far (a flow log's header), for files and CloudWatch Logs payloads.
    pub(super) lines: crate::normalize::lines::LineLog,
    /// A file of lines: what its first line said it is.
    pub(super) text_format: Option<crate::normalize::lines::LineFormat>,
}

/// More than this many errors in one file are summarised.
const MAX_ERRORS: usize = 20;

impl Accumulator {
    pub(super) fn new(name: &str, opts: Options, file: Option<Arc<RecordFile>>) -> Accumulator {
        Accumulator {
            file: file.filter(|_| opts.file_spans && opts.keep_raw),
            report: FileReport::new(name.into()),
            items: Vec::new(),
            opts,
            unrecognised: Vec::new(),
            health_arns: BTreeSet::new(),
            event_types: 0,
            failed_set: 0,
            more_errors: 0,
            flows: Default::default(),
            lines: Default::default(),
            text_format: None,
        }
    }

    /// Errors are kept up to `MAX_ERRORS` and counted beyond: a hostile file of a billion bad
    /// records must not grow a billion-entry list.
    fn error(&mut self, loc: Location, reason: String) {
        self.push_error(loc.to_string(), reason);
    }

    pub(super) fn push_error(&mut self, location: String, reason: String) {
        if self.report.errors.len() < MAX_ERRORS {
            self.report.errors.push(FileError { location, reason });
        } else {
            self.more_errors += 1;
        }
    }

    pub(super) fn record(&mut self, loc: Location, element: Element) {
        self.report.records += 1;
        if loc.key == Some("failedSet") {
            self.failed_set += 1;
            return;
        }
        let v = match element {
            Element::Raw(raw) => match self.fast(loc, raw.get(), None) {
                Some(v) => v,
                None => return,
            },
            Element::Fast(text, parsed) => match self.fast(loc, text, Some(parsed)) {
                Some(v) => v,
                None => return,
            },
            Element::Value(v) => v,
        };
        // A Security Hub event carrying several findings: each on its own.
        if let Some(parts) = crate::normalize::split_record(&v) {
            for part in parts {
                self.one(loc, part);
            }
            return;
        }
        self.one(loc, v);
    }

    /// One record in its final form (not an envelope of several).
    fn one(&mut self, loc: Location, v: Value) {
        let kind = classify(&v);
        if kind == Some(RecordKind::CloudWatchLogs) {
            self.log_events(&loc.to_string(), &v);
            return;
        }
        if kind.is_none() {
            if self.unrecognised.len() < MAX_ERRORS {
                let reason = normalize_record(v, &self.opts)
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_default();
                self.unrecognised.push(FileError {
                    location: loc.to_string(),
                    reason,
                });
            }
            return;
        }
        let result = normalize_record(v, &self.opts);
        self.take(loc, result);
    }

    /// A record's text through the CloudTrail fast path (`parsed` when it was parsed as it was
    /// found); `None` when it is kept or its error recorded, or the record as a tree for the
    /// general path when the fast path does not read it.
    fn fast(
        &mut self,
        loc: Location,
        text: &str,
        parsed: Option<fast_cloudtrail::Parsed<'_>>,
    ) -> Option<Value> {
        // Read back from its file when it can be: then not kept in memory. Past what a span
        // holds (a record over 16 MiB) there is none, and the record is kept in memory.
        let span = (self.file.clone().zip(loc.span))
            .and_then(|(file, (offset, len))| FileSpan::new(file, offset, len, 0));
        let opts = match span {
            Some(_) => Options::without_raw(),
            None => self.opts,
        };
        let result = match parsed {
            Some(parsed) => fast_cloudtrail::normalize_parsed(parsed, text, &opts),
            None => fast_cloudtrail::normalize(text, &opts),
        };
        match result {
            Some(mut result) => {
                if let (Ok((_, Normalized::Signal(s))), Some(mut span)) = (&mut result, span) {
                    span.hash = span_hash(text.as_bytes());
                    s.raw = Raw::File(span);
                }
                self.take(loc, result);
                None
            }
            None => match serde_json::from_str::<Value>(text) {
                Ok(v) => Some(v),
                Err(e) => {
                    self.error(loc, format!("not JSON: {e}"));
                    None
                }
            },
        }
    }

    /// Counts and keeps one normalized record, or records why it failed.
    pub(super) fn take(
        &mut self,
        loc: Location,
        result: Result<(RecordKind, Normalized), crate::normalize::RecordError>,
    ) {
        match result {
            Ok((kind, item)) => {
                *self.report.kinds.entry(kind).or_default() += 1;
                match &item {
                    Normalized::Signal(s) => {
                        *self.report.signals.entry(s.source.label()).or_default() += 1
                    }
                    Normalized::HealthPart { arn, .. } => {
                        self.health_arns.insert(arn.clone());
                    }
                    Normalized::EventType { .. } => self.event_types += 1,
                    Normalized::NoEvent | Normalized::Flows(_) => {}
                }
                self.items.push(item);
            }
            Err(reason) => self.error(loc, reason.to_string()),
        }
    }

    pub(super) fn finish(
        mut self,
        info: Option<DocInfo>,
        doc_errors: Vec<document::DocError>,
        container: &str,
    ) -> FileOutput {
        self.take_flows();
        let recognised: usize = self.report.kinds.values().sum();
        self.report
            .signals
            .insert(Source::Health.label(), self.health_arns.len());
        self.report.format = describe(info.as_ref(), &self.report.kinds, container);
        if let Some(f) = self.text_format {
            self.report.format = super::text_log::describe(f, &self.report.kinds, container);
        }
        for e in doc_errors {
            self.push_error(e.location, e.reason);
        }
        if recognised > 0 {
            // Records we could not place in a file that otherwise holds events are errors.
            self.report
                .errors
                .extend(std::mem::take(&mut self.unrecognised));
        }
        let mut notes = Vec::new();
        if self.failed_set > 0 {
            notes.push(format!(
                "{} events in failedSet (details refused by AWS)",
                self.failed_set
            ));
        }
        let over = self.report.errors.len().saturating_sub(MAX_ERRORS) + self.more_errors;
        if over > 0 {
            let more = over;
            self.report.errors.truncate(MAX_ERRORS);
            self.report.errors.push(FileError {
                location: "…".into(),
                reason: format!("{more} more errors not shown"),
            });
        }
        self.report.status = if !self.report.errors.is_empty() {
            FileStatus::Failed
        } else if self.report.total_signals() == 0 && self.report.flows == 0 {
            let why = if self.event_types > 0 {
                format!(
                    "DescribeEventTypes catalog: {} event types, used to classify Health events",
                    self.event_types
                )
            } else if self
                .report
                .kinds
                .contains_key(&RecordKind::CloudTrailDigest)
            {
                "CloudTrail digest file: integrity data, no events".into()
            } else if let Some(n) = self.report.kinds.get(&RecordKind::SecurityHubHistory) {
                format!("Security Hub GetFindingHistory output: {n} history records, no findings")
            } else if let Some(n) = self.report.kinds.get(&RecordKind::CloudWatchAlarmHistory) {
                format!("CloudWatch alarm history: {n} items, none a state change")
            } else if let Some(first) = self.unrecognised.first() {
                format!("JSON with no records airc reads: {}", first.reason)
            } else {
                "no records".into()
            };
            notes.push(why);
            FileStatus::NoEventData
        } else {
            FileStatus::Loaded
        };
        if !notes.is_empty() {
            self.report.note = Some(notes.join("; "));
        }
        join_health_parts(&mut self.items);
        crate::model::raw::pack(self.items.iter_mut().filter_map(|item| match item {
            Normalized::Signal(s) => Some(&mut s.raw),
            _ => None,
        }));
        FileOutput {
            report: self.report,
            items: self.items,
        }
    }
}

fn describe(
    info: Option<&DocInfo>,
    kinds: &std::collections::BTreeMap<RecordKind, usize>,
    container: &str,
) -> String {
    let mut parts = Vec::new();
    if !container.is_empty() {
        parts.push(container.to_string());
    }
    let listed = kinds.contains_key(&RecordKind::InspectorFinding)
        || kinds.contains_key(&RecordKind::AccessAnalyzerFinding);
    if let Some(info) = info {
        if info.placebo {
            parts.push("placebo recording".into());
        }
        parts.push(
            match &info.shape {
                Shape::Wrapped("Records")
                    if kinds.contains_key(&RecordKind::SecurityHubHistory) =>
                {
                    "Security Hub GetFindingHistory output"
                }
                Shape::Wrapped("Records") => "CloudTrail log file {\"Records\": [...]}",
                Shape::Wrapped("Events") => "LookupEvents output {\"Events\": [...]}",
                Shape::Wrapped("Findings") | Shape::Wrapped("findings") if listed => {
                    "ListFindings output"
                }
                Shape::Wrapped("Findings") | Shape::Wrapped("findings") => "GetFindings output",
                Shape::Wrapped("events") => "Health DescribeEvents output",
                Shape::Wrapped("successfulSet") | Shape::Wrapped("failedSet") => {
                    "Health DescribeEventDetails output"
                }
                Shape::Wrapped("entities") => "Health DescribeAffectedEntities output",
                Shape::Wrapped("eventTypes") => "Health DescribeEventTypes catalog",
                Shape::Wrapped("MetricAlarms") | Shape::Wrapped("CompositeAlarms") => {
                    "CloudWatch DescribeAlarms output"
                }
                Shape::Wrapped("AlarmHistoryItems") => "CloudWatch DescribeAlarmHistory output",
                Shape::Wrapped("Anomalies") => "Cost Explorer GetAnomalies output",
                Shape::Wrapped(_) => "JSON document",
                Shape::Array => "JSON array",
                Shape::Lines => "JSON Lines",
                Shape::Single => "JSON object",
            }
            .to_string(),
        );
    }
    let mut out = parts.join(" › ");
    if !kinds.is_empty() {
        let list: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} ×{n}")).collect();
        out.push_str(&format!(": {}", list.join(", ")));
    }
    if out.is_empty() {
        "invalid JSON".into()
    } else {
        out
    }
}

/// The pieces of one Health event in a file (a DescribeAffectedEntities export has one record
/// per entity) merged into one part per event, where the first piece was: the store then
/// joins each event once instead of once per entity. Entity lists are gathered first and
/// merged once, so the join stays linear in the number of pieces.
fn join_health_parts(items: &mut Vec<Normalized>) {
    use crate::normalize::health::merge_parts;
    use serde_json::{Map, Value};
    // Per event: where its first piece is kept, and the list items of the later pieces.
    let mut events: std::collections::HashMap<String, (usize, Map<String, Value>)> =
        std::collections::HashMap::new();
    let mut kept: Vec<Normalized> = Vec::with_capacity(items.len());
    for item in items.drain(..) {
        let Normalized::HealthPart { arn, parts } = item else {
            kept.push(item);
            continue;
        };
        let Some((at, lists)) = events.get_mut(&arn) else {
            events.insert(arn.clone(), (kept.len(), Map::new()));
            kept.push(Normalized::HealthPart { arn, parts });
            continue;
        };
        let Value::Object(parts) = parts else {
            continue;
        };
        for (k, v) in parts {
            match v {
                Value::Array(more) => {
                    if let Value::Array(all) =
                        lists.entry(k).or_insert_with(|| Value::Array(Vec::new()))
                    {
                        all.extend(more);
                    }
                }
                other => {
                    if let Some(Normalized::HealthPart { parts: have, .. }) = kept.get_mut(*at) {
                        let mut one = Map::new();
                        one.insert(k, other);
                        merge_parts(have, Value::Object(one));
                    }
                }
            }
        }
    }
    for (at, lists) in events.into_values() {
        if lists.is_empty() {
            continue;
        }
        if let Some(Normalized::HealthPart { parts: have, .. }) = kept.get_mut(at) {
            merge_parts(have, Value::Object(lists));
        }
    }
    *items = kept;
}
