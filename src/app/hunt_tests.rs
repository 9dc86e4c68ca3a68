//! `H` and a hunt's life in the pure update: preview, run, progress, cancel, end, no bell.

use super::hunt::*;
use super::msg::{Effect, HuntEvent};
use super::state::{Mode, PaneId, State};
use crate::athena::{Config, Outcome, Status};
use crate::keymap::{Command, Keymap};
use crate::model::Entity;
use crate::model::EntityKind;

fn state() -> State {
    let mut s = State::new("t", Keymap::default_map(), chrono::Utc::now());
    s.hunts.config = Some(Ok(Config::default()));
    s
}

fn status(state: &str) -> Status {
    Status {
        state: state.into(),
        elapsed: std::time::Duration::from_secs(3),
        scanned: 2_000_000_000,
        rows: 0,
        reused: false,
    }
}

#[test]
fn preview_run_progress_and_end() {
    let mut s = state();
    let ents = [
        Entity::new(EntityKind::Ip, "203.0.113.66"),
        Entity::new(EntityKind::AccessKey, "AKIA4EXAMPLELEAKED01"),
    ];
    preview(&mut s, &ents);
    assert_eq!(s.ui.mode, Mode::HuntPreview);
    let run = s.hunts.current.clone().unwrap_or_else(|| panic!("no hunt"));
    assert_eq!(run.hunt.entity, ents[1], "a key says more than an address");
    let lines = preview_lines(&run).join("\n");
    assert!(lines.contains("partitions: 32 days"), "{lines}");
    assert!(lines.contains("useridentity.accesskeyid = 'AKIA4EXAMPLELEAKED01'"));
    assert!(status_line(&s).is_none(), "nothing runs before enter");

    let fx = execute(&mut s, Command::Accept);
    assert!(
        matches!(&fx[..], [Effect::Hunt(r)] if r.generation == run.generation && r.hunt == run.hunt)
    );
    assert_eq!(s.view.pivots, vec![ents[1].clone()]);
    assert_eq!(s.view.focus, PaneId::CloudTrail);

    on_event(&mut s, run.generation, HuntEvent::Status(status("RUNNING")));
    on_event(
        &mut s,
        run.generation + 7,
        HuntEvent::Status(status("FAILED")),
    );
    let (line, failed) = status_line(&s).unwrap_or_default();
    assert!(!failed);
    assert!(
        line.contains("hunt access_key:AKIA4EXAMPLELEAKED01 · RUNNING 3s · 2.00 GB scanned"),
        "{line}"
    );
    let id = crate::model::SignalId::cloudtrail("0a1b2c3d-0000-4000-8000-000000000001");
    on_event(&mut s, run.generation, HuntEvent::Arrived(vec![id.clone()]));
    assert!(s.hunts.history.contains(&id));
    assert!(status_line(&s).unwrap_or_default().0.contains("1 signals"));

    assert_eq!(
        cancel(&mut s),
        Some(vec![Effect::CancelHunt(run.generation)])
    );
    let out = Outcome::Cancelled("cancelled by the responder; StopQueryExecution sent".into());
    on_event(&mut s, run.generation, HuntEvent::Done(out));
    let (line, failed) = status_line(&s).unwrap_or_default();
    assert!(failed && line.contains("StopQueryExecution sent"), "{line}");
    assert_eq!(
        cancel(&mut s),
        None,
        "esc after the end steps out of the pivot"
    );
}

#[test]
fn without_settings_or_entities_nothing_runs() {
    let mut s = state();
    s.hunts.config = Some(Err("max_scan: 'lots' is not a size".into()));
    preview(&mut s, &[Entity::new(EntityKind::Ip, "203.0.113.66")]);
    assert_eq!(s.ui.mode, Mode::Normal);
    assert!(s.ui.toasts[0].text.contains("[athena]"));
    let mut s = state();
    preview(&mut s, &[]);
    assert!(s.hunts.current.is_none());
    preview(&mut s, &[Entity::new(EntityKind::Ip, "203.0.113.66")]);
    assert!(execute(&mut s, Command::Cancel).is_empty());
    assert!(s.hunts.current.is_none() && s.ui.mode == Mode::Normal);
}

#[test]
fn history_rings_no_bell_and_is_marked() {
    use crate::app::msg::{Feed, Msg};
    let rec = serde_json::json!({"eventID": "0a1b2c3d-0000-4000-8000-0000000000aa",
        "eventTime": "2026-11-28T09:00:00Z", "eventName": "CreateAccessKey",
        "eventSource": "iam.amazonaws.com", "sourceIPAddress": "203.0.113.66",
        "userIdentity": {"type": "IAMUser", "userName": "mallory"}});
    let signal = || match crate::normalize::normalize_record(rec.clone(), &Default::default()) {
        Ok((_, n)) => n,
        Err(e) => panic!("{e}"),
    };
    let arriving =
        |s: &mut State| crate::app::update::update(s, Msg::Feed(Feed::Items(vec![signal()])));
    let mut s = state();
    crate::app::update::update(&mut s, Msg::Feed(Feed::Loaded));
    assert_eq!(
        arriving(&mut s),
        vec![Effect::Bell],
        "a live high signal rings"
    );
    let mut s = state();
    crate::app::update::update(&mut s, Msg::Feed(Feed::Loaded));
    preview(&mut s, &[Entity::new(EntityKind::Ip, "203.0.113.66")]);
    execute(&mut s, Command::Accept);
    let id = crate::model::SignalId::cloudtrail("0a1b2c3d-0000-4000-8000-0000000000aa");
    let generation = s.hunts.generation;
    on_event(&mut s, generation, HuntEvent::Arrived(vec![id.clone()]));
    assert!(arriving(&mut s).is_empty(), "history does not");
    assert!(s.hunts.history.contains(&id) && s.view.store.get(&id.to_string()).is_some());
}

/// With network tables set, the preview shows each table's query; the flows a hunt brings join
/// the store as a file's do, and when it ends the network rules run over them (a port scan).
#[test]
fn network_tables_are_previewed_and_their_flows_meet_the_rules() {
    use crate::app::msg::{Feed, Msg};
    use crate::model::flow::{FlowAction, FlowRecord};
    let mut s = state();
    s.hunts.config = Some(Ok(Config {
        vpcflow_table: Some("vpc_flow_logs".into()),
        resolver_table: Some("resolver_query_logs".into()),
        ..Config::default()
    }));
    crate::app::update::update(&mut s, Msg::Feed(Feed::Loaded));
    preview(&mut s, &[Entity::new(EntityKind::Ip, "198.51.100.99")]);
    let run = s.hunts.current.clone().unwrap_or_else(|| panic!("no hunt"));
    assert_eq!(
        run.queries.len(),
        3,
        "the trail, the flows, the DNS queries"
    );
    let lines = preview_lines(&run).join("\n");
    assert!(lines.contains("(and 2 more tables)"), "{lines}");
    assert!(
        lines.contains("default.vpc_flow_logs (VPC Flow Logs): 32 days"),
        "{lines}"
    );
    assert!(lines.contains("(\"srcaddr\" = '198.51.100.99' OR \"dstaddr\" = '198.51.100.99')"));
    execute(&mut s, Command::Accept);
    let mut flows = crate::model::conversations::Conversations::default();
    let now = s.now.timestamp();
    for port in 1000..1030u16 {
        flows.add(&FlowRecord {
            interface: Some("eni-1".into()),
            src: "198.51.100.99".parse().ok(),
            dst: "10.0.1.12".parse().ok(),
            dst_port: port,
            protocol: 6,
            packets: 1,
            bytes: 60,
            start: now - 600,
            end: now - 540,
            action: FlowAction::Reject,
            ..Default::default()
        });
    }
    let item = crate::normalize::Normalized::Flows(Box::new(flows));
    crate::app::update::update(&mut s, Msg::Feed(Feed::Items(vec![item])));
    assert_eq!(s.view.store.flows().records, 30);
    let scans = |s: &State| {
        s.view
            .store
            .signals()
            .iter()
            .filter(|x| {
                x.detections()
                    .iter()
                    .any(|d| d.rule.name.as_deref() == Some("port_scan"))
            })
            .count()
    };
    assert_eq!(scans(&s), 0, "the rules run once the hunt is in");
    let done = Outcome::Finished {
        rows: 30,
        kept: 0,
        flows: 30,
        scanned: 1000,
        reused: false,
        via: "GetQueryResults",
        read: std::time::Duration::ZERO,
        failed: Vec::new(),
    };
    on_event(&mut s, run.generation, HuntEvent::Done(done));
    assert_eq!(scans(&s), 1);
    let (line, failed) = status_line(&s).unwrap_or_default();
    assert!(
        !failed && line.contains("0 signals and 30 flow records"),
        "{line}"
    );
}
