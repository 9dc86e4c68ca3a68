//! Where signals come from besides live AWS (`aws/`): replayed files and the built-in demo.

pub mod demo;
pub mod demo_network;
pub mod replay;
