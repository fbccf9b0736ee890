//! Helpers for the pass/fail cases of daemon and host rules.

use dockward_diagnostics::{apply_fixes, Applicability, Diagnostic};
use dockward_source::SourceFile;

use crate::daemon::{check_daemon_config, lint_daemon, DaemonRule, FlagFileKind};
use crate::settings::{Settings, SettingsBuilder};

pub fn settings_for(code: &str) -> Settings {
    SettingsBuilder { select: Some(vec![code.to_string()]), ..Default::default() }.build()
}

/// Runs only `rule` over a lone `daemon.json`.
pub fn lint_json(rule: &dyn DaemonRule, text: &str) -> Vec<Diagnostic> {
    let file = SourceFile::new("daemon.json", None, text);
    let json = dockward_daemon::read_daemon_json(&file);
    let spec = dockward_daemon::build_spec(Some(&json), &[], true);
    lint_daemon(&spec, Some(&json), &[], &settings_for(rule.meta().code))
        .into_iter()
        .filter(|d| d.rule.code == rule.meta().code)
        .collect()
}

/// Runs only `rule` over a `daemon.json` (optional) and a `docker.service`, as one
/// complete configuration.
pub fn lint_with_unit(rule: &dyn DaemonRule, json: Option<&str>, unit: &str) -> Vec<Diagnostic> {
    let json = json.map(|t| SourceFile::new("daemon.json", None, t));
    let unit = SourceFile::new("docker.service", None, unit);
    let env: [(FlagFileKind, _); 0] = [];
    let (_, diags) = check_daemon_config(json.as_ref(), &[unit], &env, true, &settings_for(rule.meta().code));
    diags.into_iter().filter(|d| d.rule.code == rule.meta().code).collect()
}

/// The text each finding covers, in its own file.
pub fn covered(diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .map(|d| match (d.location.file(), d.location.range()) {
            (Some(f), Some(r)) => f.slice(r).to_string(),
            _ => d.location.to_string(),
        })
        .collect()
}

#[track_caller]
pub fn assert_json_flags(rule: &dyn DaemonRule, text: &str, expected: &[&str]) {
    let diags = lint_json(rule, text);
    assert_eq!(covered(&diags), expected, "findings of {} on:\n{text}\n{diags:#?}", rule.meta().code);
}

#[track_caller]
pub fn assert_json_clean(rule: &dyn DaemonRule, text: &str) {
    assert_json_flags(rule, text, &[]);
}

#[track_caller]
pub fn assert_unit_flags(rule: &dyn DaemonRule, json: Option<&str>, unit: &str, expected: &[&str]) {
    let diags = lint_with_unit(rule, json, unit);
    assert_eq!(covered(&diags), expected, "findings of {} on:\n{unit}\n{diags:#?}", rule.meta().code);
}

/// Asserts the fixes of `rule` (at `applicability` or above) turn `text` into
/// `expected`, which re-parses cleanly and no longer triggers the rule.
#[track_caller]
pub fn assert_json_fix(rule: &dyn DaemonRule, text: &str, expected: &str, applicability: Applicability) {
    let diags = lint_json(rule, text);
    assert!(!diags.is_empty(), "no finding to fix in:\n{text}");
    let fixes: Vec<_> = diags.iter().filter_map(|d| d.fix.as_ref()).collect();
    assert!(!fixes.is_empty(), "no fix offered");
    assert!(fixes.iter().all(|f| f.applicability == applicability), "{fixes:?}");
    let out = apply_fixes(text, fixes);
    assert_eq!(out.text, expected);
    let doc = dockward_daemon::json::parse(&out.text);
    assert!(doc.issues.is_empty(), "fixed text does not re-parse: {:?}", doc.issues);
    assert!(lint_json(rule, &out.text).is_empty(), "fixed text still triggers {}:\n{}", rule.meta().code, out.text);
}

pub fn json_message(rule: &dyn DaemonRule, text: &str) -> String {
    lint_json(rule, text).first().map(|d| d.message.clone()).unwrap_or_default()
}
