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

pub(crate) static RULE_V: RuleMeta = RuleMeta {
    code: "VU001",
    name: "vulnerable-package",
    summary: "An installed package has a known vulnerability with a fix",
    docs: "A package is affected by an advisory.",
    severity: Severity::Error,
    category: Category::Security,
    target: Target::Image,
    fix: FixAvailability::None,
    default_enabled: false,
    aliases: &[],
    cis: &[],
    practices: &[],
};

/// A vulnerability finding on `package` in a dpkg status file.
pub(crate) fn vuln(
    package: &str,
    advisory: &str,
    severity: &str,
    cvss: Option<f64>,
    fixed: Option<&str>,
) -> Diagnostic {
    let facts = dockward_diagnostics::VulnFacts {
        package: package.into(),
        version: "1.0-1".into(),
        fixed: fixed.map(String::from),
        advisory: advisory.into(),
        aliases: vec![advisory.trim_start_matches("DEBIAN-").to_string()],
        status: if fixed.is_some() { "fixed" } else { "unfixed" }.into(),
        severity: severity.into(),
        cvss_score: cvss,
        purl: format!("pkg:deb/debian/{package}@1.0-1?arch=amd64"),
        references: vec![format!("https://security-tracker.debian.org/tracker/{advisory}")],
    };
    let at = dockward_diagnostics::Location::Logical {
        scope: "image/app:1".into(),
        path: format!("layers[0]/var/lib/dpkg/status#{package}"),
    };
    let mut d = Diagnostic::new(&RULE_V, at, format!("{package} 1.0-1 is affected by {advisory}")).with_vuln(facts);
    d.severity = match severity {
        "critical" | "high" => Severity::Error,
        "medium" => Severity::Warning,
        _ => Severity::Info,
    };
    d
}

pub(crate) fn file(name: &str, text: &str) -> Arc<SourceFile> {
    SourceFile::new(name, None, text)
}

pub(crate) fn range(start: u32, end: u32) -> TextRange {
    TextRange::new(TextSize::from(start), TextSize::from(end))
}

pub(crate) fn diag(rule: &'static RuleMeta, f: &Arc<SourceFile>, start: u32, end: u32, msg: &str) -> Diagnostic {
    Diagnostic::new(rule, dockward_diagnostics::Location::source(f, range(start, end)), msg.to_string())
}

pub(crate) static ALL_RULES: [&RuleMeta; 3] = [&RULE_A, &RULE_B, &RULE_C];

pub(crate) fn report<'a>(diagnostics: &'a [Diagnostic], files: &'a [String]) -> Report<'a> {
    Report { diagnostics, rules: &ALL_RULES, files, fixes_applied: 0, fixable: 0, baseline: None, comparison: None }
}

pub(crate) fn plain() -> ReportOptions {
    ReportOptions { tool_version: "0.0.0-test".into(), ..ReportOptions::default() }
}

pub(crate) fn render_to_string(format: crate::Format, report: &Report, options: &ReportOptions) -> String {
    let mut out = Vec::new();
    crate::render(format, report, options, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}
