//! Compose-file structure rules (CO family), one per file. They read the loaded
//! project (every file, the merged model, the loader's problems) and the services'
//! specs; the container rules (CT family) run separately over the specs.

pub mod broken_depends_on;
pub mod broken_reference;
pub mod duplicate_key;
pub mod env_file_unreadable;
pub mod invalid_interpolation;
pub mod obsolete_version;
pub mod required_variable_missing;
pub mod schema_violation;
pub mod shared_writable_host_path;
pub mod undeclared_secret_or_config;
pub mod unused_secret_or_config;

use dockward_compose::{Problem, ProblemKind, Project};
use dockward_diagnostics::{Diagnostic, Location, RuleMeta};
use dockward_spec::Mount;

use crate::settings::Settings;

/// A rule over a whole Compose project.
pub trait ComposeRule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &mut ComposeContext<'_>);
}

/// A service's name and the mounts of its [`ContainerSpec`](dockward_spec::ContainerSpec).
#[derive(Debug, Clone)]
pub struct ServiceMounts {
    pub name: String,
    pub mounts: Vec<Mount>,
}

impl ServiceMounts {
    /// What the Compose rules keep of `specs`.
    pub fn of(specs: Vec<dockward_spec::ContainerSpec>) -> Vec<Self> {
        specs.into_iter().map(|s| Self { name: s.name, mounts: s.mounts }).collect()
    }
}

/// What a Compose rule sees, and where it reports.
pub struct ComposeContext<'a> {
    pub project: &'a Project,
    /// The loader's problems and those found while building the specs.
    pub problems: &'a [Problem],
    /// The mounts of each service's spec, in the model's order. The specs themselves
    /// are not kept for the Compose rules: one is about 4 KB, and a file can have
    /// 50,000 services (issue 19 #5).
    pub services: &'a [ServiceMounts],
    pub settings: &'a Settings,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl<'a> ComposeContext<'a> {
    pub fn new(
        project: &'a Project,
        problems: &'a [Problem],
        services: &'a [ServiceMounts],
        settings: &'a Settings,
    ) -> Self {
        Self { project, problems, services, settings, diagnostics: Vec::new() }
    }

    pub fn report(
        &mut self,
        rule: &'static RuleMeta,
        at: &Location,
        message: impl Into<dockward_diagnostics::Text>,
    ) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic::new(rule, at.clone(), message));
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// Reports at a value's location, with the definitions it came through.
    pub fn report_value<T>(
        &mut self,
        rule: &'static RuleMeta,
        val: &dockward_spec::Val<T>,
        message: impl Into<dockward_diagnostics::Text>,
    ) -> &mut Diagnostic {
        let related: Vec<_> = val.related().collect();
        let d = self.report(rule, &val.at, message);
        d.related.extend(related);
        d
    }

    /// Reports every loader problem of `kinds` as a finding of `rule`.
    pub(crate) fn report_problems(&mut self, rule: &'static RuleMeta, kinds: &[ProblemKind]) {
        for p in self.problems.iter().filter(|p| kinds.contains(&p.kind)) {
            let mut d = Diagnostic::new(rule, p.at.clone(), p.message.clone());
            d.related.extend(p.related.iter().cloned());
            self.diagnostics.push(d);
        }
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Runs one Compose rule over in-memory files.

    use std::path::Path;

    use dockward_compose::{load_project, LoadOptions, ProjectFile};
    use dockward_diagnostics::{apply_fixes, Diagnostic};

    use super::*;

    /// Writes `files` (name, text) to a temporary directory and runs `rule` over the
    /// project made of the first file (and the `.override` file if written).
    pub fn run(rule: &dyn ComposeRule, files: &[(&str, &str)], env: &[(&str, &str)]) -> (Vec<Diagnostic>, String) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let main: Vec<ProjectFile> =
            dockward_compose::project_files_in(dir.path()).into_iter().map(ProjectFile::new).collect();
        let main = if main.is_empty() { vec![ProjectFile::new(dir.path().join(files[0].0))] } else { main };
        let options = LoadOptions {
            environment: Some(env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()),
            ..Default::default()
        };
        let project = load_project(&main, &options);
        let (specs, mut problems) = project.container_specs();
        problems.splice(0..0, project.problems.iter().cloned());
        let settings = Settings::default();
        let services = ServiceMounts::of(specs);
        let mut cx = ComposeContext::new(&project, &problems, &services, &settings);
        rule.check(&mut cx);
        let mut found = cx.into_diagnostics();
        dockward_diagnostics::sort_diagnostics(&mut found);
        let first = std::fs::read_to_string(dir.path().join(files[0].0)).unwrap();
        let fixes: Vec<_> = found
            .iter()
            .filter(|d| d.location.file().and_then(|f| f.path()).is_some_and(|p| p == dir.path().join(files[0].0)))
            .filter_map(|d| d.fix.as_ref())
            .collect();
        let fixed = apply_fixes(&first, fixes).text;
        let _ = Path::new("");
        (found, fixed)
    }

    /// The source text each finding points at.
    pub fn spans(found: &[Diagnostic]) -> Vec<String> {
        found
            .iter()
            .map(|d| match (d.location.file(), d.location.range()) {
                (Some(f), Some(r)) => f.text()[r].to_string(),
                _ => d.location.name().to_string(),
            })
            .collect()
    }
}
