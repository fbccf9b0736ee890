//! Checking one open document with the settings of its `dockward.toml`, through the
//! same checkers `dockward check` uses: a Dockerfile alone, a Compose file in its
//! project (base, override, `.env`, `extends` and `include` from disk, the open
//! buffers in place of their files), `daemon.json`, dockerd flag files, the `docker
//! run` lines of scripts and CI files, and Kubernetes manifests.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use dockward_compose::{display_path, is_compose_file_name, project_files_in, LoadOptions, ProjectFile};
use dockward_diagnostics::Diagnostic;
use dockward_linter::check::{check_dockerfile_bytes, FileReport, FixMode};
use dockward_linter::check_compose::{check_compose_layers, Layering};
use dockward_linter::check_k8s::{check_manifests_with_fixes, ManifestInput};
use dockward_linter::config::ConfigError;
use dockward_linter::daemon::{check_daemon_json_bytes, check_flag_file_bytes};
use dockward_linter::run_lines::check_run_lines_bytes;
use dockward_linter::settings::Settings;

use crate::DocumentKind;

/// What the worker checks: one document's text at one version.
#[derive(Debug, Clone)]
pub struct LintJob {
    pub name: String,
    pub path: Option<PathBuf>,
    pub kind: DocumentKind,
    pub text: Arc<str>,
    /// The texts of the other open documents, by path: a Compose project's base or
    /// override open in the editor is read from its buffer, not from disk.
    pub buffers: BTreeMap<PathBuf, Arc<str>>,
}

/// The findings about the document, or why it could not be checked.
#[derive(Debug)]
pub enum Linted {
    Checked(FileReport),
    /// The document's `dockward.toml` (or `.hadolint.yaml`) is broken: like `dockward
    /// check`, nothing is checked until it is fixed.
    ConfigError {
        config: PathBuf,
        error: ConfigError,
    },
}

/// The settings of each config file, read again only when the file changes on disk.
#[derive(Default)]
pub struct SettingsCache {
    configs: HashMap<PathBuf, Cached>,
    defaults: Option<Arc<Settings>>,
}

struct Cached {
    stamp: Option<(SystemTime, u64)>,
    settings: Result<Arc<Settings>, ConfigError>,
}

/// What tells that a config file changed: its modification time and size.
fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

impl SettingsCache {
    /// The settings of the nearest `dockward.toml` above `path` (else `.hadolint.yaml`,
    /// else the defaults), as `dockward check` finds them; `Err` with the config's path
    /// and its located error when it is broken. `warn` receives what a hadolint config
    /// could not map.
    pub fn settings_for(
        &mut self,
        path: Option<&Path>,
        warn: &mut dyn FnMut(String),
    ) -> Result<Arc<Settings>, (PathBuf, ConfigError)> {
        let config = path.and_then(dockward_linter::config::find_config);
        let Some(config) = config else {
            return Ok(Arc::clone(self.defaults.get_or_insert_with(|| Arc::new(Settings::default()))));
        };
        let now = stamp(&config);
        if let Some(c) = self.configs.get(&config).filter(|c| c.stamp == now) {
            return c.settings.clone().map_err(|e| (config, e));
        }
        let settings = match dockward_linter::config::load_config(&config) {
            Ok(loaded) => {
                for w in &loaded.warnings {
                    warn(w.clone());
                }
                Ok(Arc::new(loaded.builder.build()))
            }
            Err(e) => Err(e),
        };
        self.configs.insert(config.clone(), Cached { stamp: now, settings: settings.clone() });
        settings.map_err(|e| (config, e))
    }
}

/// Checks `job` with `settings`, applying fixes per `fix`; the report is about the
/// document only (a Compose project's other files are not reported).
pub fn lint(job: &LintJob, settings: &Settings, fix: FixMode) -> FileReport {
    let name = job.name.as_str();
    let path = job.path.clone();
    let bytes = job.text.as_bytes();
    match job.kind {
        // Through the bytes, like `dockward check`: a NUL makes it a binary file (DW002).
        DocumentKind::Dockerfile => check_dockerfile_bytes(name, path, bytes, settings, fix),
        DocumentKind::DaemonJson => check_daemon_json_bytes(name, path, bytes, settings, fix),
        DocumentKind::FlagFile(kind) => check_flag_file_bytes(kind, name, path, bytes, settings),
        DocumentKind::RunLines(kind) => check_run_lines_bytes(name, path, bytes, kind, settings, fix),
        DocumentKind::Kubernetes => {
            let input = ManifestInput::file(name, path, bytes.to_vec());
            let mut outcome = check_manifests_with_fixes(&[input], settings, fix);
            if outcome.reports.is_empty() {
                empty_report(job)
            } else {
                outcome.reports.swap_remove(0)
            }
        }
        DocumentKind::Compose => lint_compose(job, settings, fix),
    }
}

fn empty_report(job: &LintJob) -> FileReport {
    FileReport {
        name: job.name.clone(),
        path: job.path.clone(),
        diagnostics: Vec::new(),
        fixed: None,
        unreadable: false,
    }
}

/// A Compose file in the project `dockward check` would load it in
/// (docs/compose.md, "Which files form a project"): a default-named file with its
/// base or override; a fragment (`compose.prod.yaml`) layered over its directory's
/// base, or on its own without judging what its partial services lack; any other
/// Compose file alone.
fn lint_compose(job: &LintJob, settings: &Settings, fix: FixMode) -> FileReport {
    let own = ProjectFile {
        path: job.path.clone().unwrap_or_else(|| PathBuf::from(&job.name)),
        display: job.name.clone(),
        bytes: Some(job.text.as_bytes().to_vec()),
    };
    let (files, layering) = match &job.path {
        Some(path) => project_of(path, own, &job.buffers),
        None => (vec![own], Layering::Project),
    };
    let options = LoadOptions::default();
    let reports = check_compose_layers(&files, layering, &options, settings, fix);
    reports.into_iter().find(|r| r.name == job.name).unwrap_or_else(|| empty_report(job))
}

/// The files to load for the Compose file at `path` (given as `own`), and how they
/// layer.
fn project_of(path: &Path, own: ProjectFile, buffers: &BTreeMap<PathBuf, Arc<str>>) -> (Vec<ProjectFile>, Layering) {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return (vec![own], Layering::Project) };
    let dir = path.parent().unwrap_or(Path::new("/"));
    let base: Vec<PathBuf> = project_files_in(dir);
    let as_file = |p: &PathBuf| {
        if p == path {
            return own.clone();
        }
        ProjectFile { path: p.clone(), display: display_path(p), bytes: buffers.get(p).map(|t| t.as_bytes().to_vec()) }
    };
    if base.iter().any(|p| p == path) {
        return (base.iter().map(as_file).collect(), Layering::Project);
    }
    if is_compose_file_name(name) || !is_fragment_name(&name.to_ascii_lowercase()) {
        return (vec![own], Layering::Project);
    }
    if base.is_empty() {
        return (vec![own], Layering::WithoutBase);
    }
    let mut files: Vec<ProjectFile> = base.iter().map(as_file).collect();
    let layering = Layering::OverBase { base: files.len() };
    files.push(own);
    (files, layering)
}

/// Whether a lowercase file name marks a layer of its directory's base file
/// (`compose.prod.yaml`, `docker-compose-dev.yml`): the rule of `dockward check`'s
/// grouping (`commands/check/compose.rs`, which this crate cannot depend on).
fn is_fragment_name(lower: &str) -> bool {
    let Some(stem) = lower.strip_suffix(".yaml").or_else(|| lower.strip_suffix(".yml")) else { return false };
    ["docker-compose", "compose"]
        .iter()
        .any(|p| stem.strip_prefix(p).is_some_and(|rest| rest.len() > 1 && rest.starts_with(['.', '-'])))
}

/// The findings of a report that are about the document itself.
pub fn own_findings(report: FileReport, name: &str) -> Vec<Diagnostic> {
    let mut found = report.diagnostics;
    found.retain(|d| d.location.name() == name);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_layer_over_the_base_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("compose.yaml");
        std::fs::write(&base, "services:\n  web:\n    image: nginx:1.27\n").unwrap();
        let own =
            |p: &Path| ProjectFile { path: p.to_path_buf(), display: display_path(p), bytes: Some(b"x".to_vec()) };
        let none = BTreeMap::new();
        let prod = dir.path().join("compose.prod.yaml");
        let (files, layering) = project_of(&prod, own(&prod), &none);
        assert_eq!(layering, Layering::OverBase { base: 1 });
        assert_eq!(files.iter().map(|f| f.path.clone()).collect::<Vec<_>>(), [base.clone(), prod]);
        // The base itself: its project, with an open override's buffer in place of the disk.
        let over = dir.path().join("compose.override.yaml");
        std::fs::write(&over, "services: {}\n").unwrap();
        let buffers = BTreeMap::from([(over.clone(), Arc::from("services:\n  web: {}\n"))]);
        let (files, layering) = project_of(&base, own(&base), &buffers);
        assert_eq!(layering, Layering::Project);
        assert_eq!(files[1].bytes.as_deref(), Some(&b"services:\n  web: {}\n"[..]));
        // A Compose file of another name is its own project.
        let app = dir.path().join("app-compose.yaml");
        assert_eq!(project_of(&app, own(&app), &none).0.len(), 1);
        // A fragment with no base beside it.
        let lone = tempfile::tempdir().unwrap();
        let dev = lone.path().join("docker-compose-dev.yml");
        assert_eq!(project_of(&dev, own(&dev), &none).1, Layering::WithoutBase);
    }
}
