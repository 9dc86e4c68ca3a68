//! airc: the AWS incident response console. The binary is thin; everything lives here so tests,
//! benches and fuzz targets reach it.

pub mod cli;
pub mod inspect;
pub mod model;
pub mod normalize;
pub mod safe_text;
pub mod source;
pub mod store;
