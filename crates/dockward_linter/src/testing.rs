//! Helpers for the pass/fail cases each rule file carries.

use dockward_diagnostics::{apply_fixes, Diagnostic};
use dockward_source::SourceFile;

use crate::check::lint_dockerfile;
use crate::rule::DockerfileRule;
use crate::settings::{Settings, SettingsBuilder};

fn settings_for(rule: &dyn DockerfileRule) -> Settings {
    SettingsBuilder { select: Some(vec![rule.meta().code.to_string()]), ..Default::default() }.build()
}

/// Runs only `rule` (plus the unswitchable syntax check) over `text`.
pub fn lint(rule: &dyn DockerfileRule, text: &str) -> Vec<Diagnostic> {
    lint_with(rule, text, settings_for(rule))
}

pub fn lint_with(rule: &dyn DockerfileRule, text: &str, settings: Settings) -> Vec<Diagnostic> {
    let file = SourceFile::new("Dockerfile", None, text);
    let diags = lint_dockerfile(&file, &settings);
    let syntax: Vec<_> = diags.iter().filter(|d| d.rule.code == "DW001").map(|d| d.message.clone()).collect();
    assert!(syntax.is_empty(), "test input does not parse: {syntax:?}\n{text}");
    diags.into_iter().filter(|d| d.rule.code == rule.meta().code).collect()
}

/// Asserts `rule` reports exactly one finding per entry of `expected`, each covering
/// exactly that text, in order.
#[track_caller]
pub fn assert_flags(rule: &dyn DockerfileRule, text: &str, expected: &[&str]) {
    let diags = lint(rule, text);
    let got: Vec<&str> = diags.iter().map(|d| &text[d.location.range().expect("source location")]).collect();
    assert_eq!(got, expected, "findings of {} on:\n{text}\n{diags:#?}", rule.meta().code);
}

#[track_caller]
pub fn assert_clean(rule: &dyn DockerfileRule, text: &str) {
    assert_flags(rule, text, &[]);
}

/// Asserts the fixes of `rule` turn `text` into `expected`, which then parses and no
/// longer triggers the rule.
#[track_caller]
pub fn assert_fix(rule: &dyn DockerfileRule, text: &str, expected: &str) {
    let diags = lint(rule, text);
    assert!(!diags.is_empty(), "no finding to fix in:\n{text}");
    let out = apply_fixes(text, diags.iter().filter_map(|d| d.fix.as_ref()));
    assert_eq!(out.text, expected);
    assert!(lint(rule, &out.text).is_empty(), "fixed text still triggers {}:\n{}", rule.meta().code, out.text);
}

/// The first finding's message.
pub fn message(rule: &dyn DockerfileRule, text: &str) -> String {
    lint(rule, text).first().map(|d| d.message.to_string()).unwrap_or_default()
}
