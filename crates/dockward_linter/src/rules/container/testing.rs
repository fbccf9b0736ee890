//! Helpers for the pass/fail cases of the container rules: specs from `docker run`
//! lines, adjusted by hand where a setting has no flag, and Compose files loaded through
//! the real loader and `check_compose_project`.

use dockward_diagnostics::{apply_fixes, Diagnostic};
use dockward_source::{SourceFile, TextRange};
use dockward_spec::docker_run::{parse_run_command, run_subcommand_index};
use dockward_spec::{ContainerSpec, EngineDefaults};

use dockward_compose::{load_project, LoadOptions, ProblemKind, ProjectFile};

use super::ContainerRule;
use crate::check::{lint_container_specs, FileReport, FixMode};
use crate::check_compose::check_compose_project;
use crate::settings::{Settings, SettingsBuilder};

pub fn settings_for(rule: &dyn ContainerRule) -> Settings {
    SettingsBuilder { select: Some(vec![rule.meta().code.to_string()]), ..Default::default() }.build()
}

/// The spec of the one `docker run` line in `text`.
pub fn spec_from_run(text: &str) -> ContainerSpec {
    let file = SourceFile::new("run.sh", None, text);
    let script = dockward_shell::tokenize(text);
    let cmd = script.commands.iter().find(|c| run_subcommand_index(c).is_some()).expect("a docker run line");
    let line = parse_run_command(&file, cmd).expect("parses");
    assert!(line.errors.is_empty(), "test line has errors: {:?}", line.errors);
    line.spec
}

pub fn lint_spec_with(
    rule: &dyn ContainerRule,
    spec: ContainerSpec,
    defaults: &EngineDefaults,
    settings: &Settings,
) -> Vec<Diagnostic> {
    lint_container_specs(&[spec], defaults, settings).into_iter().filter(|d| d.rule.code == rule.meta().code).collect()
}

pub fn lint_run(rule: &dyn ContainerRule, text: &str) -> Vec<Diagnostic> {
    lint_spec_with(rule, spec_from_run(text), &EngineDefaults::default(), &settings_for(rule))
}

/// The source text each finding points at.
pub fn spans(text: &str, diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .map(|d| {
            let r: TextRange = d.location.range().expect("source location");
            text[r].to_string()
        })
        .collect()
}

/// Asserts `rule` reports exactly one finding per entry of `expected` on the `docker
/// run` line `text`, each covering exactly that text, in order.
#[track_caller]
pub fn assert_run_flags(rule: &dyn ContainerRule, text: &str, expected: &[&str]) {
    let diags = lint_run(rule, text);
    assert_eq!(spans(text, &diags), expected, "findings of {} on:\n{text}\n{diags:#?}", rule.meta().code);
}

#[track_caller]
pub fn assert_run_clean(rule: &dyn ContainerRule, text: &str) {
    assert_run_flags(rule, text, &[]);
}

/// Asserts the fixes of `rule` turn `text` into `expected`, which then no longer
/// triggers the rule.
#[track_caller]
pub fn assert_run_fix(rule: &dyn ContainerRule, text: &str, expected: &str) {
    let diags = lint_run(rule, text);
    assert!(!diags.is_empty(), "no finding to fix in:\n{text}");
    let out = apply_fixes(text, diags.iter().filter_map(|d| d.fix.as_ref()));
    assert_eq!(out.text, expected);
    assert!(lint_run(rule, &out.text).is_empty(), "fixed text still triggers {}:\n{}", rule.meta().code, out.text);
}

pub fn run_messages(rule: &dyn ContainerRule, text: &str) -> Vec<String> {
    lint_run(rule, text).into_iter().map(|d| d.message.into_owned()).collect()
}

// ---- Compose ----------------------------------------------------------------------

/// A Compose project in a directory: `compose.yaml` (in memory when `dir` is `None`,
/// so nothing is read from disk but the service's Dockerfile and env files), checked
/// with the given variables as the whole environment.
pub struct ComposeCase<'a> {
    pub yaml: &'a str,
    pub dir: Option<&'a std::path::Path>,
    pub environment: &'a [(&'a str, &'a str)],
}

impl<'a> ComposeCase<'a> {
    pub fn new(yaml: &'a str) -> Self {
        Self { yaml, dir: None, environment: &[] }
    }

    pub fn in_dir(mut self, dir: &'a std::path::Path) -> Self {
        self.dir = Some(dir);
        self
    }

    pub fn env(mut self, environment: &'a [(&'a str, &'a str)]) -> Self {
        self.environment = environment;
        self
    }

    pub fn files(&self) -> Vec<ProjectFile> {
        let path = match self.dir {
            Some(d) => d.join("compose.yaml"),
            // A directory that does not exist, so no `.env` of the test's cwd is read.
            None => std::path::PathBuf::from("/nonexistent-dockward-test/compose.yaml"),
        };
        let mut f = ProjectFile::new(path);
        f.display = "compose.yaml".into();
        f.bytes = Some(self.yaml.as_bytes().to_vec());
        vec![f]
    }

    pub fn options(&self) -> LoadOptions {
        LoadOptions {
            environment: Some(self.environment.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()),
            ..Default::default()
        }
    }

    /// The services of the project as specs.
    pub fn specs(&self) -> Vec<ContainerSpec> {
        let project = load_project(&self.files(), &self.options());
        assert!(
            project.problems.iter().all(|p| !matches!(p.kind, ProblemKind::Syntax | ProblemKind::Schema)),
            "test compose file has problems: {:#?}",
            project.problems
        );
        project.container_specs().0
    }

    /// The findings of `rule` through the real Compose check path, fixes per `fix`.
    pub fn reports(&self, rule: &dyn ContainerRule, fix: FixMode) -> Vec<FileReport> {
        check_compose_project(&self.files(), &self.options(), &settings_for(rule), fix)
    }

    pub fn lint(&self, rule: &dyn ContainerRule) -> Vec<Diagnostic> {
        let code = rule.meta().code;
        self.reports(rule, FixMode::Off)
            .into_iter()
            .flat_map(|r| r.diagnostics)
            .filter(|d| d.rule.code == code)
            .collect()
    }

    /// Asserts one finding of `rule` per entry of `expected`, each covering exactly that
    /// text (of whichever file it points into), in order.
    #[track_caller]
    pub fn assert_flags(&self, rule: &dyn ContainerRule, expected: &[&str]) -> Vec<Diagnostic> {
        let diags = self.lint(rule);
        assert_eq!(file_spans(&diags), expected, "findings of {} on:\n{}\n{diags:#?}", rule.meta().code, self.yaml);
        diags
    }

    #[track_caller]
    pub fn assert_clean(&self, rule: &dyn ContainerRule) {
        self.assert_flags(rule, &[]);
    }

    /// Applies the fixes of `rule` (unsafe ones too when `unsafe_fixes`) through
    /// `check_compose_project`, asserts the fixed text is `expected`, and that it loads
    /// and checks clean for the rule.
    #[track_caller]
    pub fn assert_fix(&self, rule: &dyn ContainerRule, unsafe_fixes: bool, expected: &str) {
        let reports = self.reports(rule, FixMode::Apply { unsafe_fixes });
        let main = reports.iter().find(|r| r.name == "compose.yaml").expect("report of compose.yaml");
        let fixed = main.fixed.as_ref().map_or(self.yaml, |f| f.text.as_str());
        assert_eq!(fixed, expected, "fix of {}", rule.meta().code);
        let again = ComposeCase { yaml: expected, ..*self };
        let _ = again.specs();
        again.assert_clean(rule);
    }
}

/// The text each finding points at, read from the finding's own file.
pub fn file_spans(diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .map(|d| {
            let r = d.location.range().expect("source location");
            d.location.file().expect("a file").text()[r].to_string()
        })
        .collect()
}

#[track_caller]
pub fn assert_compose_flags(rule: &dyn ContainerRule, yaml: &str, expected: &[&str]) -> Vec<Diagnostic> {
    ComposeCase::new(yaml).assert_flags(rule, expected)
}

#[track_caller]
pub fn assert_compose_clean(rule: &dyn ContainerRule, yaml: &str) {
    ComposeCase::new(yaml).assert_clean(rule);
}

#[track_caller]
pub fn assert_compose_fix(rule: &dyn ContainerRule, yaml: &str, unsafe_fixes: bool, expected: &str) {
    ComposeCase::new(yaml).assert_fix(rule, unsafe_fixes, expected);
}

/// The texts of the related locations of a finding (anchor definitions, variables).
pub fn related_spans(d: &Diagnostic) -> Vec<String> {
    d.related.iter().filter_map(|r| Some(r.location.file()?.text()[r.location.range()?].to_string())).collect()
}

// ---- Kubernetes ---------------------------------------------------------------------

/// The container specs of every workload of the manifest stream `yaml`, read with the
/// real loader (`dockward_k8s::objects_in`) and `container_specs`. The stream must be
/// valid YAML and every quantity valid.
pub fn k8s_specs(yaml: &str) -> Vec<ContainerSpec> {
    let file = SourceFile::new("manifest.yaml", None, yaml);
    let read = dockward_k8s::objects_in(&file, &dockward_yaml::Budget::default());
    assert!(read.errors.is_empty(), "test manifest has YAML errors: {:?}", read.errors);
    let mut specs = Vec::new();
    for object in &read.objects {
        let (s, problems) = dockward_k8s::container_specs(object);
        assert!(problems.is_empty(), "test manifest has problems: {problems:#?}");
        specs.extend(s);
    }
    specs
}

/// The findings of `rule` over the workloads of `yaml`, with the given defaults.
pub fn lint_k8s_with(rule: &dyn ContainerRule, yaml: &str, defaults: &EngineDefaults) -> Vec<Diagnostic> {
    let settings = settings_for(rule);
    lint_container_specs(&k8s_specs(yaml), defaults, &settings)
        .into_iter()
        .filter(|d| d.rule.code == rule.meta().code)
        .collect()
}

pub fn lint_k8s(rule: &dyn ContainerRule, yaml: &str) -> Vec<Diagnostic> {
    lint_k8s_with(rule, yaml, &EngineDefaults::default())
}

/// Asserts one finding of `rule` per entry of `expected` over the workloads of `yaml`,
/// each covering exactly that text, in order.
#[track_caller]
pub fn assert_k8s_flags(rule: &dyn ContainerRule, yaml: &str, expected: &[&str]) -> Vec<Diagnostic> {
    let diags = lint_k8s(rule, yaml);
    assert_eq!(file_spans(&diags), expected, "findings of {} on:\n{yaml}\n{diags:#?}", rule.meta().code);
    diags
}

#[track_caller]
pub fn assert_k8s_clean(rule: &dyn ContainerRule, yaml: &str) {
    assert_k8s_flags(rule, yaml, &[]);
}

/// A Deployment `web` whose one container `app` has `container` as extra keys (each
/// line indented by 8 spaces in the result) and whose pod spec has `pod` as extra keys
/// (indented by 6).
pub fn deployment(pod: &str, container: &str) -> String {
    let indent = |text: &str, n: usize| -> String { text.lines().map(|l| format!("{}{l}\n", " ".repeat(n))).collect() };
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    spec:\n{}      containers:\n      - name: app\n        image: nginx:1.27\n{}",
        indent(pod, 6),
        indent(container, 8)
    )
}

/// Applies the fixes of `rule` (unsafe ones too when `unsafe_fixes`) to the manifest
/// `yaml`, asserts the result is `expected` and no longer triggers the rule.
#[track_caller]
pub fn assert_k8s_fix(rule: &dyn ContainerRule, yaml: &str, unsafe_fixes: bool, expected: &str) {
    let diags = lint_k8s(rule, yaml);
    let fixes = diags
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .filter(|f| unsafe_fixes || f.applicability == dockward_diagnostics::Applicability::Safe);
    let out = apply_fixes(yaml, fixes);
    assert_eq!(out.text, expected, "fix of {}", rule.meta().code);
    assert!(lint_k8s(rule, &out.text).is_empty(), "fixed text still triggers {}:\n{}", rule.meta().code, out.text);
}
