//! The application: state, commands, the pure update function, effects and the event loop.

pub mod action_scope;
#[cfg(test)]
mod bindings_tests;
pub mod commands;
mod copy;
pub mod detail;
pub mod detail_findings;
mod detail_formats;
mod entity_rows;
pub mod help;
pub mod hunt;
#[cfg(test)]
mod hunt_tests;
pub mod keys;
pub mod layout;
pub mod line;
pub mod live;
pub mod lookup;
pub mod msg;
pub mod network;
mod network_rows;
pub mod notebook;
pub mod overlay_commands;
pub mod palette;
pub mod pane;
pub mod priority;
#[cfg(test)]
mod prompt_tests;
pub mod records;
pub mod recovery;
pub mod respond;
pub mod routing;
pub mod state;
pub mod stories;
mod stories_keys;
pub mod update;
pub mod view;
mod view_pass;
mod view_sort;
pub mod view_worker;

pub use msg::{Effect, Feed, Msg};
pub use state::State;
pub use update::update;
