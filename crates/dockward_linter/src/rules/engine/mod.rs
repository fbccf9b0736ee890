//! Engine rules (EN family), over what a live engine reports about itself (`/version`,
//! `/info`). Settings that daemon.json or dockerd flags decide are DM rules.

pub mod container_sprawl;
pub mod engine_version_outdated;
