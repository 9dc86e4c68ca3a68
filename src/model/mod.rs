//! Domain types shared by everything: signals, severities, entities, time parsing.

pub mod abuse;
pub mod account;
pub mod conversations;
pub mod detection;
pub mod entity;
pub mod entity_kind;
pub mod entity_list;
pub mod facets;
pub mod flow;
pub mod nested;
pub mod principal;
pub mod raw;
pub mod severity;
pub mod signal;
pub mod signal_id;
pub mod summary;
pub mod text;
pub mod time;

pub use entity::{AccountId, Entity, EntityKind};
pub use entity_list::{EntitiesOf, EntityNames};
pub use facets::{FacetFields, Facets};
pub use raw::Raw;
pub use severity::Severity;
pub use signal::{Rare, Signal, Source};
pub use signal_id::SignalId;
pub use summary::Summary;
pub use text::Text;
