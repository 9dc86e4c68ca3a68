//! Domain types shared by everything: signals, severities, entities, time parsing.

pub mod entity;
pub mod severity;
pub mod signal;
pub mod time;

pub use entity::{Entity, EntityKind};
pub use severity::Severity;
pub use signal::{Signal, Source};
