//! Network rules (NW family), over a live host's networks and the containers on them.

pub mod default_bridge_icc;
pub mod default_bridge_in_use;
pub mod overlay_not_encrypted;
