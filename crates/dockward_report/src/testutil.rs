//! Rules, files and diagnostics for the renderers' tests.

use std::sync::Arc;

use dockward_diagnostics::{Category, Diagnostic, FixAvailability, RuleMeta, Severity, Target};
use dockward_source::{SourceFile, TextRange, TextSize};

use crate::{Report, ReportOptions};

pub(crate) static RULE_A: RuleMeta = RuleMeta {
    code: "DF001",
    name: "last-user-is-root",
    summary: "The image runs as root.",
    docs: "The last `USER` of the final stage is `root`.\n\nContainers should run as an unprivileged user.",
    severity: Severity::Warning,
    category: Category::Security,
    target: Target::Dockerfile,
    fix: FixAvailability::None,
    default_enabled: true,
    aliases: &["DL3002"],
    cis: &["4.1"],
    practices: &[],
};

pub(crate) static RULE_B: RuleMeta = RuleMeta {
    code: "DF002",
    name: "secret-in-env",
    summary: "A secret is baked into the image.",
    docs: "Secrets in `ENV` or `ARG` end up in the image history.",
    severity: Severity::Error,
    category: Category::Security,
    target: Target::Dockerfile,
    fix: FixAvailability::Sometimes,
    default_enabled: true,
    aliases: &[],
    cis: &["4.10"],
    practices: &[],
};

pub(crate) static RULE_C: RuleMeta = RuleMeta {
    code: "DF003",
    name: "apt-no-clean",
    summary: "apt lists are left in the layer.",
    docs: "",
    severity: Severity::Info,
    category: Category::BestPractice,
    target: Target::Dockerfile,
    fix: FixAvailability::Always,
    default_enabled: false,
    aliases: &[],
    cis: &[],
    practices: &[],
};

pub(crate) fn file(name: &str, text: &str) -> Arc<SourceFile> {
    SourceFile::new(name, None, text)
}

pub(crate) fn range(start: u32, end: u32) -> TextRange {
    TextRange::new(TextSize::from(start), TextSize::from(end))
}

pub(crate) fn diag(rule: &'static RuleMeta, f: &Arc<SourceFile>, start: u32, end: u32, msg: &str) -> Diagnostic {
    Diagnostic::new(rule, dockward_diagnostics::Location::source(f, range(start, end)), msg)
}

pub(crate) static ALL_RULES: [&RuleMeta; 3] = [&RULE_A, &RULE_B, &RULE_C];

pub(crate) fn report<'a>(diagnostics: &'a [Diagnostic], files: &'a [String]) -> Report<'a> {
    Report { diagnostics, rules: &ALL_RULES, files, fixes_applied: 0, fixable: 0 }
}

pub(crate) fn plain() -> ReportOptions {
    ReportOptions { tool_version: "0.0.0-test".into(), ..ReportOptions::default() }
}

pub(crate) fn render_to_string(format: crate::Format, report: &Report, options: &ReportOptions) -> String {
    let mut out = Vec::new();
    crate::render(format, report, options, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}
