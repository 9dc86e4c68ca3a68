//! Most of the integration tests, in one test binary: each file under `tests/` is a binary that
//! links all of airc and the AWS SDK (about 80 MB and 10–15 s of linking each in a debug build),
//! so the tests that can share a process share this one. The files still under `tests/` are
//! those that cannot: they set the SDK's credentials in the process environment (each its own),
//! count the process's allocations or its children's peak memory, or measure time and so must
//! not share their cores with unrelated tests. `real_datasets` stays apart for CI's datasets stage.

#[path = "../common/mod.rs"]
mod common;
#[path = "../support/fake_aws/mod.rs"]
mod fake_aws;

mod detection_pack;
mod detections_cli;
mod e2e_detections;
mod e2e_hunt;
mod e2e_live;
mod e2e_modes;
mod e2e_network;
mod e2e_originals;
mod e2e_sensitive;
mod e2e_stories;
mod e2e_tmux;
mod editor_handoff;
mod file_modes;
mod finding_accounts;
mod findings_buckets;
mod findings_formats;
mod findings_text_bounds;
mod hunt_athena;
mod hunt_network;
mod inspect_cli;
mod network_bucket;
mod network_detections;
mod notebook;
mod notebook_durability;
mod recover_moto;
mod rules;
mod shell;
mod stories;
mod summaries;
mod ui_network;
mod ui_snapshots;
mod watch;
mod watch_story_gate;
mod watch_titles;
mod watch_trust;
