//! airc: the AWS incident response console. The binary is thin; everything lives here so tests,
//! benches and fuzz targets reach it.

pub mod allocator;
pub mod app;
pub mod athena;
pub mod aws;
pub mod bench;
pub mod cli;
pub mod feed;

pub mod console;
pub mod detect;

pub mod hunt;
pub mod inspect;
pub mod keymap;
pub mod model;
pub mod normalize;
pub mod notebook;
pub mod notify;
pub mod panics;
pub mod paths;
pub mod private_files;

pub mod query;
pub mod recover;
pub mod respond;
pub mod rules;
pub mod safe_text;
pub mod settings;
pub mod source;
pub mod store;
pub mod stories;
pub mod theme;
pub mod ui;
pub mod watch;
