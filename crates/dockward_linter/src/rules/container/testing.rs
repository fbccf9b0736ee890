//! Helpers for the pass/fail cases of the container rules: specs from `docker run`
//! lines, adjusted by hand where a setting has no flag.

use dockward_diagnostics::{apply_fixes, Diagnostic};
use dockward_source::{SourceFile, TextRange};
use dockward_spec::docker_run::{parse_run_command, run_subcommand_index};
use dockward_spec::{ContainerSpec, EngineDefaults};

use super::ContainerRule;
use crate::check::lint_container_specs;
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
    lint_run(rule, text).into_iter().map(|d| d.message).collect()
}
