//! dockward's rules and the machinery around them: the registry, settings and the
//! config file, inline suppressions, and the per-file checker.

pub mod check;
pub mod check_compose;
pub mod config;
pub mod docs;
pub mod registry;
pub mod rule;
pub mod rules;
pub mod settings;
pub mod suppression;

#[cfg(test)]
pub(crate) mod testing;

pub use dockward_diagnostics::{Category, FixAvailability, RuleMeta, Severity, Target};
pub use rule::{DockerfileContext, DockerfileRule};
pub use settings::{Settings, SettingsBuilder};
