//! Where signals come from: replayed files (and later the demo and live AWS).

pub mod demo;
pub mod replay;
