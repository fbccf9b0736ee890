//! Checking a Compose project: load it, run the CO rules over the project and the CT
//! rules over its services, apply YAML-comment suppressions, and optionally fix.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use dockward_compose::{load_project, LoadOptions, ProblemKind, ProjectFile};
use dockward_diagnostics::{Diagnostic, Fix};
use dockward_source::{SourceFile, TextRange};
use dockward_spec::EngineDefaults;

use crate::check::{
    apply_fixes_keeping_keys_unique, file_secrets, redact_secrets, report_suppression_problems, ContainerLint,
    FileReport, FixMode, FixedText, MAX_FIX_ROUNDS,
};
use crate::registry::{self, COMPOSE_RULES};
use crate::rules::compose::{ComposeContext, ServiceMounts};
use crate::settings::Settings;
use crate::suppression;

/// How the files given to [`check_compose_layers`] relate (docs/compose.md, "Which
/// files form a project").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layering {
    /// A whole project: every file is reported and fixed.
    Project,
    /// A fragment layered over a base: the first `base` files are a project that is
    /// reported on its own, so only the files after them are reported and fixed
    /// (findings in the base would repeat).
    OverBase { base: usize },
    /// A fragment with no base beside it (`docker-compose.override.yml` alone): what
    /// a partial service (no `image`, `build` or `extends`) lacks may come from a base
    /// the checker cannot see, so findings that such a service lacks a setting (they
    /// point at the service's name) are dropped; what the fragment sets is judged.
    WithoutBase,
}

/// Checks the files of one Compose project (base first, then overrides), with fixes
/// per `fix`. Returns one report per given file, plus one for every other file
/// (extended, included, env file) that has findings.
pub fn check_compose_project(
    files: &[ProjectFile],
    options: &LoadOptions,
    settings: &Settings,
    fix: FixMode,
) -> Vec<FileReport> {
    check_compose_layers(files, Layering::Project, options, settings, fix)
}

/// [`check_compose_project`] for files layered as `layering` says.
pub fn check_compose_layers(
    files: &[ProjectFile],
    layering: Layering,
    options: &LoadOptions,
    settings: &Settings,
    fix: FixMode,
) -> Vec<FileReport> {
    let base = match layering {
        Layering::OverBase { base } => base.min(files.len()),
        _ => 0,
    };
    let base_names: Vec<String> = files[..base].iter().map(|f| f.display.clone()).collect();
    let mut current: Vec<ProjectFile> = files.to_vec();
    let mut applied: BTreeMap<String, usize> = BTreeMap::new();
    // Each fixed file's text before the first fix, with the secrets found in it.
    let mut originals: BTreeMap<String, (String, Vec<TextRange>)> = BTreeMap::new();
    let mut outcome = lint_compose_project(&current, layering, options, settings);
    if let Some(threshold) = fix.threshold() {
        for _ in 0..MAX_FIX_ROUNDS {
            let mut changed = false;
            for f in current.iter_mut().skip(base) {
                let Some(text) = outcome.texts.get(&f.display) else { continue };
                let fixes: Vec<&Fix> = outcome
                    .diagnostics
                    .iter()
                    .filter(|d| d.location.name() == f.display)
                    .filter_map(|d| d.fix.as_deref())
                    .filter(|x| x.applicability >= threshold)
                    .collect();
                if fixes.is_empty() {
                    continue;
                }
                let result = apply_fixes_keeping_keys_unique(text, fixes, &yaml_duplicate_keys);
                if result.applied == 0 || result.text == *text {
                    continue;
                }
                originals
                    .entry(f.display.clone())
                    .or_insert_with(|| (text.clone(), file_secrets(&outcome.diagnostics, &f.display)));
                *applied.entry(f.display.clone()).or_default() += result.applied;
                f.bytes = Some(result.text.into_bytes());
                changed = true;
            }
            if !changed {
                break;
            }
            outcome = lint_compose_project(&current, layering, options, settings);
        }
    }
    // The base's own unit reports its files (and what they include or extend).
    outcome.diagnostics.retain(|d| !base_names.iter().any(|n| n == d.location.name()));
    let reported_from = base;

    let mut by_file = group_by_file(std::mem::take(&mut outcome.diagnostics));
    let mut reports = Vec::new();
    for f in &current[reported_from..] {
        let diagnostics = by_file.remove(&f.display).unwrap_or_default();
        let unreadable = diagnostics.iter().any(|d| d.rule.code == registry::UNREADABLE_FILE.code);
        let fixed = originals.get(&f.display).and_then(|(original, original_secrets)| {
            let text = outcome.texts.get(&f.display)?;
            (text != original).then(|| FixedText {
                original: original.clone(),
                text: text.clone(),
                applied: applied.get(&f.display).copied().unwrap_or(0),
                original_secrets: original_secrets.clone(),
                text_secrets: file_secrets(&diagnostics, &f.display),
            })
        });
        reports.push(FileReport {
            name: f.display.clone(),
            path: Some(f.path.clone()),
            diagnostics,
            fixed,
            unreadable,
        });
    }
    for (name, diagnostics) in by_file {
        let path = diagnostics.iter().find_map(|d| d.location.file().and_then(|f| f.path()).map(PathBuf::from));
        let unreadable = diagnostics.iter().any(|d| d.rule.code == registry::UNREADABLE_FILE.code);
        reports.push(FileReport { name, path, diagnostics, fixed: None, unreadable });
    }
    reports
}

/// The findings by the file they point into, each file's in their order. Without a
/// copy when they all point into one file (a 50,000-service Compose file has 400,000
/// findings), else into vectors of the exact size: pushing one by one would hold up to
/// twice the findings at once while a vector grows (issue 19 #5).
fn group_by_file(diagnostics: Vec<Diagnostic>) -> BTreeMap<String, Vec<Diagnostic>> {
    let mut by_file: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
    let Some(first) = diagnostics.first().map(|d| d.location.name().to_string()) else { return by_file };
    if diagnostics.iter().all(|d| d.location.name() == first) {
        by_file.insert(first, diagnostics);
        return by_file;
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &diagnostics {
        *counts.entry(d.location.name()).or_default() += 1;
    }
    for (name, count) in counts {
        by_file.insert(name.to_string(), Vec::with_capacity(count));
    }
    for d in diagnostics {
        if let Some(list) = by_file.get_mut(d.location.name()) {
            list.push(d);
        }
    }
    by_file
}

/// How many mapping keys of `text` repeat an earlier key of their mapping (keys that
/// came through a `<<` merge excepted: an explicit key overrides them). Compose
/// rejects a duplicated key, so a fix must never add one; a fix that breaks the YAML
/// counts as adding every key again.
pub(crate) fn yaml_duplicate_keys(text: &str) -> usize {
    use dockward_yaml::{Node, NodeKind};
    fn count(n: &Node) -> usize {
        match &n.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let key = e.key.as_str().filter(|_| e.merged_from.is_none());
                    let again = key.is_some_and(|k| {
                        entries[..i].iter().any(|p| p.merged_from.is_none() && p.key.as_str() == Some(k))
                    });
                    usize::from(again) + count(&e.value)
                })
                .sum(),
            NodeKind::Seq(items) => items.iter().map(count).sum(),
            NodeKind::Scalar(_) => 0,
        }
    }
    match dockward_yaml::parse(text, &dockward_yaml::Budget::default()) {
        Ok(doc) => doc.root.as_ref().map_or(0, count),
        Err(_) => usize::MAX,
    }
}

struct Outcome {
    diagnostics: Vec<Diagnostic>,
    /// The text of each main file as loaded, by display name.
    texts: BTreeMap<String, String>,
}

fn lint_compose_project(
    files: &[ProjectFile],
    layering: Layering,
    options: &LoadOptions,
    settings: &Settings,
) -> Outcome {
    let project = load_project(files, options);
    let mut problems = project.problems.clone();
    // The specs are built, checked and dropped one at a time: only their mounts stay,
    // for the Compose rules that compare services (issue 19 #5).
    let defaults = EngineDefaults::default();
    let mut container_lint = ContainerLint::new(&defaults, settings);
    let mut services = Vec::new();
    for (spec, spec_problems) in project.service_specs() {
        problems.extend(spec_problems);
        container_lint.check(&spec);
        services.push(ServiceMounts { name: spec.name, mounts: spec.mounts });
    }
    let (container_findings, secrets) = container_lint.finish();

    let mut found: Vec<Diagnostic> = Vec::new();
    for p in &problems {
        let rule = match p.kind {
            ProblemKind::Syntax => registry::SYNTAX_ERROR,
            ProblemKind::Unreadable => registry::UNREADABLE_FILE,
            _ => continue,
        };
        found.push(Diagnostic::new(rule, p.at.clone(), p.message.clone()));
    }
    let mut cx = ComposeContext::new(&project, &problems, &services, settings);
    for rule in COMPOSE_RULES {
        if settings.is_enabled(rule.meta()) {
            rule.check(&mut cx);
        }
    }
    let mut rule_findings = cx.into_diagnostics();
    rule_findings.extend(container_findings);
    if layering == Layering::WithoutBase {
        let partial: Vec<_> = project
            .services()
            .into_iter()
            .filter(|s| ["image", "build", "extends"].iter().all(|k| s.value.get(k).is_none()))
            .map(|s| (s.key_at.name().to_string(), s.key_at.range()))
            .collect();
        rule_findings
            .retain(|d| !partial.iter().any(|(name, range)| d.location.name() == name && d.location.range() == *range));
    }

    // Suppressions, per file that has comments.
    let mut suppressions: BTreeMap<String, (Arc<SourceFile>, Vec<suppression::Suppression>)> = BTreeMap::new();
    for f in &project.files {
        let list = suppression::collect_yaml(f.file.text(), &f.comments);
        if !list.is_empty() {
            suppressions.insert(f.file.name().to_string(), (f.file.clone(), list));
        }
    }
    rule_findings.retain_mut(|d| {
        let at = d.location.range().map(|r| r.start()).unwrap_or_default();
        let mut suppressed = false;
        if let Some((_, list)) = suppressions.get_mut(d.location.name()) {
            for s in list.iter_mut() {
                suppressed |= s.covers(d.rule.code, at);
            }
            // CT035 lists members: a suppression of one of them takes it off the list.
            if !suppressed {
                suppressed = !crate::rules::container::container_not_hardened::drop_suppressed_members(d, |code| {
                    list.iter_mut().fold(false, |hit, s| s.covers(code, at) | hit)
                });
            }
        }
        !suppressed
    });
    // Moved, not pushed one by one: a growing copy would hold the findings twice.
    if found.is_empty() {
        found = rule_findings;
    } else {
        found.append(&mut rule_findings);
    }
    for (file, list) in suppressions.values() {
        report_suppression_problems(file, list, settings, &mut found);
    }

    found.retain(|d| settings.is_enabled(d.rule) && !settings.ignored_for_path(d.rule, d.location.name()));
    for d in &mut found {
        d.configure_severity(settings.severity(d.rule));
    }
    // The Compose rules' findings (and syntax errors) show lines of the same files:
    // they mask the services' secrets too, not only the container rules' findings.
    redact_secrets(&mut found, &secrets);
    dockward_diagnostics::sort_diagnostics(&mut found);
    found.dedup_by(|a, b| {
        a.rule.code == b.rule.code
            && a.location.range() == b.location.range()
            && a.location.name() == b.location.name()
            && a.message == b.message
    });
    let texts = project
        .files
        .iter()
        .filter(|f| f.main)
        .map(|f| (f.file.name().to_string(), f.file.text().to_string()))
        .collect();
    Outcome { diagnostics: found, texts }
}
