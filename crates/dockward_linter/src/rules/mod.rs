//! One file per rule. `meta/` holds the rules the checker itself reports.

pub mod compose;
pub mod container;
pub mod dockerfile;
pub mod meta;
