//! One file per rule. `meta/` holds the rules the checker itself reports.

pub mod compose;
pub mod container;
pub mod daemon;
pub mod dockerfile;
pub mod engine;
pub mod host;
pub mod image;
pub mod kubernetes;
pub mod meta;
pub mod network;
pub mod swarm;
pub mod vuln;
