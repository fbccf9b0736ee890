//! Vulnerability rules (VU family): what the matcher found in an image's or a
//! directory's packages, the OS release's support, the database's age
//! ([`crate::vulns`]). Off by default for `check` and `audit` (they need a
//! database); `dockward scan` turns them on.

pub mod end_of_life_os;
pub mod stale_vulnerability_database;
pub mod unfixed_vulnerability;
pub mod vulnerable_package;
