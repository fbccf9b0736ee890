//! dockward's rules and the machinery around them: the registry, settings and the
//! config file, inline suppressions, and the per-file checker.

pub mod audit;
pub mod check;
pub mod check_compose;
pub mod check_k8s;
pub mod cis;
pub mod compliance;
pub mod config;
pub mod config_schema;
pub mod coverage;
pub mod daemon;
pub mod docs;
pub mod hadolint_config;
pub mod host;
pub mod image_contents;
pub mod practices;
pub mod project_images;
pub mod pss_report;
pub mod registry;
pub mod rule;
pub mod rules;
pub mod run_lines;
pub mod secrets;
pub mod settings;
pub mod suppression;
pub mod vulns;

#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
pub(crate) mod testing_daemon;

pub use dockward_diagnostics::{Category, FixAvailability, RuleMeta, Severity, Target};
pub use rule::{DockerfileContext, DockerfileRule};
pub use settings::{Settings, SettingsBuilder};
