//! Renders dockward findings for people and machines.
//!
//! Every output format reads the same [`Report`]: the sorted [`Diagnostic`]s, the known
//! rules and the checked files. [`render`] picks the format:
//!
//! * [`Format::Text`]: rustc/ruff-like, with source snippets and fix previews;
//! * [`Format::Json`]: a stable, versioned schema (`docs/output-formats.md`);
//! * [`Format::Sarif`]: SARIF 2.1.0 for code-scanning dashboards;
//! * [`Format::Junit`]: JUnit XML, one test case per checked file;
//! * [`Format::Github`]: GitHub Actions workflow commands (inline annotations);
//! * [`Format::Concise`]: one line per finding (`path:line:col: CODE [severity] message`);
//! * [`Format::Checkstyle`]: Checkstyle XML (Jenkins, reviewdog, SonarQube);
//! * [`Format::Gitlab`]: GitLab Code Quality JSON;
//! * [`Format::Html`]: one self-contained page with charts, scorecards and filters.
//!
//! Secrets: every format masks the byte ranges in [`Diagnostic::redactions`] wherever it
//! prints source text, and scrubs the secret's text from every other string it prints
//! (messages, fix contents), so output can be uploaded or logged safely.

pub mod baseline;
mod checkstyle;
pub mod compare;
mod concise;
pub mod fingerprint;
mod github;
mod gitlab;
mod html;
mod json;
mod junit;
mod sarif;
mod scrub;
mod text;

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use dockward_diagnostics::{Diagnostic, RuleMeta, Severity};
pub use html::{render_html, ControlChangeView, HtmlSections, ScorecardRow, ScorecardView};
pub use sarif::{Taxon, Taxonomy};

/// The output formats `render` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Human-readable diagnostics with source snippets.
    Text,
    /// The stable JSON schema (`version: 1`).
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// JUnit XML.
    Junit,
    /// GitHub Actions workflow commands.
    Github,
    /// One self-contained HTML page ([`render_html`] adds scorecards).
    Html,
    /// One line per finding.
    Concise,
    /// Checkstyle XML.
    Checkstyle,
    /// GitLab Code Quality (Code Climate issues).
    Gitlab,
}

impl Format {
    /// Every format, in the order shown in help texts.
    pub const ALL: [Format; 9] = [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Github,
        Format::Concise,
        Format::Checkstyle,
        Format::Gitlab,
        Format::Html,
    ];

    /// The name used on the command line and in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Github => "github",
            Format::Html => "html",
            Format::Concise => "concise",
            Format::Checkstyle => "checkstyle",
            Format::Gitlab => "gitlab",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing an unknown format name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFormat(pub String);

impl fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
        write!(f, "unknown output format `{}` (expected one of: {})", self.0, known.join(", "))
    }
}

impl std::error::Error for UnknownFormat {}

impl FromStr for Format {
    type Err = UnknownFormat;

    /// Case-insensitive. A few aliases are accepted because peers spell formats that
    /// way (`full` in ruff, `github-actions` in hadolint-style tools).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "text" | "full" | "tty" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "sarif" => Ok(Format::Sarif),
            "junit" => Ok(Format::Junit),
            "github" | "github-actions" | "gha" => Ok(Format::Github),
            "html" => Ok(Format::Html),
            "concise" => Ok(Format::Concise),
            "checkstyle" => Ok(Format::Checkstyle),
            "gitlab" | "gitlab-codequality" | "codeclimate" => Ok(Format::Gitlab),
            _ => Err(UnknownFormat(s.to_string())),
        }
    }
}

/// How to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOptions {
    /// Emit ANSI colours (text only). The caller decides (TTY, `NO_COLOR`, `--color`);
    /// with `false` the output contains no escape sequences at all.
    pub color: bool,
    /// Text: show source snippets under each finding. Off gives one line per finding.
    pub show_source: bool,
    /// Text: preview each available fix as a patch.
    pub show_fixes: bool,
    /// Text: print per-rule counts (as [`render_statistics`]) instead of each finding.
    pub statistics: bool,
    /// Text: leave out the summary line (findings only).
    pub quiet: bool,
    /// The dockward version, written into JSON and SARIF.
    pub tool_version: String,
    /// Text: what `Report::files` holds, singular and plural, for the summary line
    /// (`file`/`files` for `check`, `object`/`objects` for an audit's containers,
    /// images, networks and engines).
    pub subject: (&'static str, &'static str),
    /// SARIF: frameworks written as taxonomies, with each rule's relationships to their
    /// taxa, while the log streams (`--compliance`). Empty: none.
    pub taxonomies: Vec<Taxonomy>,
}

impl Default for ReportOptions {
    fn default() -> Self {
        Self {
            color: false,
            show_source: true,
            show_fixes: true,
            statistics: false,
            quiet: false,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            subject: ("file", "files"),
            taxonomies: Vec::new(),
        }
    }
}

/// Everything a renderer needs about one run.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    /// The findings, already sorted by the caller (see `Diagnostic::sort_key_cmp`).
    pub diagnostics: &'a [Diagnostic],
    /// Every rule known to this run, enabled or not (SARIF `tool.driver.rules`).
    pub rules: &'a [&'static RuleMeta],
    /// Every file checked, sorted; clean files included (JUnit has a case per file).
    pub files: &'a [String],
    /// Fixes applied by `--fix` during this run (for the summary line).
    pub fixes_applied: usize,
    /// Findings that have a fix which was not applied (for the `[*]` hint).
    pub fixable: usize,
    /// With `--baseline`: the findings it hid and its stale entries (for the summary).
    pub baseline: Option<baseline::BaselineSummary>,
    /// With `--compare`: this run against an earlier one (text, JSON and HTML show it).
    pub comparison: Option<&'a compare::Comparison>,
}

/// Finding counts by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) errors: usize,
    pub(crate) warnings: usize,
    pub(crate) info: usize,
}

impl Counts {
    pub(crate) fn of(diagnostics: &[Diagnostic]) -> Self {
        let mut c = Counts::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.info += 1,
            }
        }
        c
    }

    pub(crate) fn total(self) -> usize {
        self.errors + self.warnings + self.info
    }
}

/// Vulnerability findings (those carrying [`dockward_diagnostics::VulnFacts`]) by the
/// advisory's severity, and how many of them have a fix.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub(crate) struct VulnCounts {
    pub(crate) critical: usize,
    pub(crate) high: usize,
    pub(crate) medium: usize,
    pub(crate) low: usize,
    pub(crate) negligible: usize,
    pub(crate) unknown: usize,
    /// With a fixed version to upgrade to.
    pub(crate) fixable: usize,
}

impl VulnCounts {
    /// `None` when no finding is about a vulnerability.
    pub(crate) fn of(diagnostics: &[Diagnostic]) -> Option<Self> {
        let mut c = VulnCounts::default();
        let mut any = false;
        for v in diagnostics.iter().filter_map(|d| d.vuln.as_deref()) {
            any = true;
            match v.severity.as_str() {
                "critical" => c.critical += 1,
                "high" => c.high += 1,
                "medium" => c.medium += 1,
                "low" => c.low += 1,
                "negligible" => c.negligible += 1,
                _ => c.unknown += 1,
            }
            if v.fixed.is_some() && v.status == "fixed" {
                c.fixable += 1;
            }
        }
        any.then_some(c)
    }

    /// `3 critical, 10 high, 1 unknown`: the levels that occur, most severe first.
    pub(crate) fn levels(&self) -> String {
        let levels = [
            (self.critical, "critical"),
            (self.high, "high"),
            (self.medium, "medium"),
            (self.low, "low"),
            (self.negligible, "negligible"),
            (self.unknown, "unknown"),
        ];
        levels.iter().filter(|(n, _)| *n > 0).map(|(n, l)| format!("{n} {l}")).collect::<Vec<_>>().join(", ")
    }
}

/// Where a rule's page is: the page generated into `docs/rules/` (the same text as
/// `dockward rule CODE`), in the repository named by the workspace's `repository` key,
/// which is the one place to change when the project moves. `{code}` is replaced by the
/// rule's code. SARIF's `helpUri` and the Language Server's code links use it.
pub const RULE_PAGE_URL: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/rules/{code}.md");

/// A rule's page from a template holding `{code}`, or the template followed by the code.
pub fn rule_page_url(template: &str, code: &str) -> String {
    if template.contains("{code}") {
        template.replace("{code}", code)
    } else {
        format!("{template}{code}")
    }
}

/// A finding's message with its secrets masked as every format masks it, for callers
/// that print findings outside a [`Report`] (the compliance scorecards).
pub fn masked_message(d: &Diagnostic) -> std::borrow::Cow<'_, str> {
    scrub::Secrets::of(d).scrub(&d.message)
}

/// Writes `report` to `out` in `format`.
///
/// Output is deterministic: the same report gives the same bytes (no timestamps,
/// host names or hash-map order).
pub fn render(format: Format, report: &Report, options: &ReportOptions, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Text => text::render(report, options, out),
        Format::Json => json::render(report, options, out),
        Format::Sarif => sarif::render(report, options, out),
        Format::Junit => junit::render(report, out),
        Format::Github => github::render(report, out),
        Format::Html => html::render_html(report, options, &HtmlSections::default(), out),
        Format::Concise => concise::render(report, out),
        Format::Checkstyle => checkstyle::render(report, out),
        Format::Gitlab => gitlab::render(report, out),
    }
}

/// Writes one line per rule that has findings: count, code, name. Sorted by count,
/// most first, then by code, so the noisiest rules lead.
pub fn render_statistics(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut rows: Vec<(usize, &'static RuleMeta)> = Vec::new();
    for d in report.diagnostics {
        // Rules are compared by code, not address: the same static may be reached
        // through different paths in tests and plugins.
        match rows.iter_mut().find(|(_, r)| r.code == d.rule.code) {
            Some((n, _)) => *n += 1,
            None => rows.push((1, d.rule)),
        }
    }
    rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.code.cmp(b.1.code)));
    let count_width = rows.iter().map(|(n, _)| n.to_string().len()).max().unwrap_or(1);
    let code_width = rows.iter().map(|(_, r)| r.code.len()).max().unwrap_or(0);
    for (n, rule) in rows {
        writeln!(out, "{n:>count_width$}  {:<code_width$}  {}", rule.code, rule.name)?;
    }
    Ok(())
}

/// Writes a unified diff of `old` → `new` for the file `name`, with `a/` and `b/`
/// headers like `git diff`. Writes nothing when the texts are equal.
pub fn render_diff(name: &str, old: &str, new: &str, out: &mut dyn Write) -> io::Result<()> {
    if old == new {
        return Ok(());
    }
    use similar::DiffableStr;
    let (old_lines, new_lines) = (old.tokenize_lines(), new.tokenize_lines());
    let name = name.replace('\\', "/");
    let mut header = Some(name);
    for group in similar::group_diff_ops(line_ops(&old_lines, &new_lines), 3) {
        if group.is_empty() {
            continue;
        }
        if let Some(name) = header.take() {
            writeln!(out, "--- a/{name}\n+++ b/{name}")?;
        }
        writeln!(out, "{}", similar::udiff::UnifiedHunkHeader::new(&group))?;
        for op in &group {
            for change in op.iter_changes(&old_lines, &new_lines) {
                write!(out, "{}{}", change.tag(), change.value())?;
                if change.missing_newline() {
                    writeln!(out, "\n\\ No newline at end of file")?;
                }
            }
        }
    }
    Ok(())
}

/// The line operations of a diff, in the shape `similar`'s unified output uses.
///
/// Lines found exactly once in each text anchor the diff (their longest run in order,
/// as patience diff does, found in n log n); Myers runs only between anchors. Myers
/// over whole texts costs lines x changed lines, so a file with a fix on every other
/// line took time in the square of the fixes.
fn line_ops(old: &[&str], new: &[&str]) -> Vec<similar::DiffOp> {
    use similar::algorithms::{myers, Capture, DiffHook, Replace};
    use std::collections::HashMap;

    /// Forwards everything but `finish`, so equal runs merge across gaps.
    struct Gap<'h, D>(&'h mut D);
    impl<D: DiffHook> DiffHook for Gap<'_, D> {
        type Error = D::Error;
        fn equal(&mut self, old: usize, new: usize, len: usize) -> Result<(), D::Error> {
            self.0.equal(old, new, len)
        }
        fn delete(&mut self, old: usize, old_len: usize, new: usize) -> Result<(), D::Error> {
            self.0.delete(old, old_len, new)
        }
        fn insert(&mut self, old: usize, new: usize, new_len: usize) -> Result<(), D::Error> {
            self.0.insert(old, new, new_len)
        }
        fn replace(&mut self, old: usize, old_len: usize, new: usize, new_len: usize) -> Result<(), D::Error> {
            self.0.replace(old, old_len, new, new_len)
        }
    }

    // (count in old, count in new, index in old, index in new)
    let mut seen: HashMap<&str, (u32, u32, usize, usize)> = HashMap::new();
    for (i, l) in old.iter().enumerate() {
        let e = seen.entry(l).or_default();
        e.0 += 1;
        e.2 = i;
    }
    for (j, l) in new.iter().enumerate() {
        let e = seen.entry(l).or_default();
        e.1 += 1;
        e.3 = j;
    }
    let mut pairs: Vec<(usize, usize)> = seen.values().filter(|c| c.0 == 1 && c.1 == 1).map(|c| (c.2, c.3)).collect();
    pairs.sort_unstable();
    // Longest increasing run of new indexes (patience sorting with back links).
    let mut tails: Vec<usize> = Vec::new();
    let mut back: Vec<Option<usize>> = vec![None; pairs.len()];
    for (k, &(_, j)) in pairs.iter().enumerate() {
        let at = tails.partition_point(|&t| pairs[t].1 < j);
        back[k] = at.checked_sub(1).map(|p| tails[p]);
        if at == tails.len() {
            tails.push(k);
        } else {
            tails[at] = k;
        }
    }
    let mut anchors = Vec::with_capacity(tails.len());
    let mut cur = tails.last().copied();
    while let Some(k) = cur {
        anchors.push(pairs[k]);
        cur = back[k];
    }
    anchors.reverse();

    let mut hook = Replace::new(Capture::new());
    let (mut o, mut n) = (0, 0);
    for (ao, an) in anchors {
        let Ok(()) = myers::diff(&mut Gap(&mut hook), old, o..ao, new, n..an);
        let Ok(()) = hook.equal(ao, an, 1);
        (o, n) = (ao + 1, an + 1);
    }
    let Ok(()) = myers::diff(&mut Gap(&mut hook), old, o..old.len(), new, n..new.len());
    let Ok(()) = hook.finish();
    hook.into_inner().into_ops()
}

#[cfg(test)]
mod testutil;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;

    /// `similar`'s own unified diff of the whole texts (plain Myers).
    fn reference_diff(old: &str, new: &str) -> String {
        let diff = similar::TextDiff::from_lines(old, new);
        diff.unified_diff().context_radius(3).header("a/f", "b/f").to_string()
    }

    #[test]
    fn anchored_diff_matches_myers_on_fix_shaped_edits() {
        let mut old = String::from("FROM a\n");
        for i in 0..40 {
            old.push_str(&format!("RUN echo {i}\nrun x\n"));
        }
        let cases = [
            (old.clone(), old.replace("run x", "RUN x")),
            (old.clone(), old.replace("RUN echo 7\n", "")),
            (old.clone(), old.replace("RUN echo 30\n", "RUN echo 30\nUSER 1\nUSER 2\n")),
            ("a\nb\nc".to_string(), "a\nB\nc".to_string()),
            ("a\nb\n".to_string(), "a\nb".to_string()),
            ("x\n".to_string(), "".to_string()),
            ("".to_string(), "x\ny\n".to_string()),
        ];
        for (old, new) in cases {
            let mut out = Vec::new();
            render_diff("f", &old, &new, &mut out).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), reference_diff(&old, &new), "{old:?} -> {new:?}");
        }
    }

    #[test]
    fn format_names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>(), Ok(f));
            assert_eq!(f.to_string(), f.as_str());
        }
        assert_eq!("GitHub-Actions".parse::<Format>(), Ok(Format::Github));
        let err = "xml".parse::<Format>().unwrap_err();
        assert!(err.to_string().contains("unknown output format `xml`"), "{err}");
    }

    #[test]
    fn statistics_sort_by_count_then_code() {
        let f = file("Dockerfile", "FROM a\nUSER root\nRUN x\n");
        let diags = vec![
            diag(&RULE_B, &f, 0, 4, "b1"),
            diag(&RULE_A, &f, 7, 11, "a1"),
            diag(&RULE_C, &f, 14, 17, "c1"),
            diag(&RULE_C, &f, 14, 17, "c2"),
        ];
        let files = vec!["Dockerfile".to_string()];
        let report = report(&diags, &files);
        let mut out = Vec::new();
        render_statistics(&report, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "2  DF003  apt-no-clean\n1  DF001  last-user-is-root\n1  DF002  secret-in-env\n"
        );
    }

    #[test]
    fn diff_has_git_headers_and_hunks() {
        let mut out = Vec::new();
        render_diff("sub\\Dockerfile", "FROM a\nMAINTAINER me\n", "FROM a\nLABEL maintainer=me\n", &mut out).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert_eq!(
            s,
            "--- a/sub/Dockerfile\n+++ b/sub/Dockerfile\n@@ -1,2 +1,2 @@\n FROM a\n-MAINTAINER me\n+LABEL maintainer=me\n"
        );
        let mut out = Vec::new();
        render_diff("x", "same", "same", &mut out).unwrap();
        assert!(out.is_empty());
    }

    /// The redaction guarantee, for every format at once: a marked secret never
    /// reaches the output, neither from the source (snippets) nor through a careless
    /// message, related note, help or fix.
    #[test]
    fn no_format_prints_a_redacted_secret() {
        let src = "FROM a\nENV DB_PASSWORD=hunter2\nRUN curl -u admin:hunter2 x\n";
        let f = file("Dockerfile", src);
        let at = src.find("hunter2").unwrap() as u32;
        let copy = src.rfind("hunter2").unwrap() as u32;
        let d = diag(&RULE_B, &f, at - 12, at + 7, "DB_PASSWORD is set to hunter2")
            .with_redaction(range(at, at + 7))
            .with_help("rotate hunter2")
            .with_related(dockward_diagnostics::Location::source(&f, range(copy - 6, copy + 7)), "reused: hunter2")
            .with_fix(dockward_diagnostics::Fix::unsafe_(
                "move hunter2 to a secret",
                vec![dockward_diagnostics::Edit::replace(range(at - 16, at + 7), "# hunter2 removed")],
            ));
        let diags = vec![d];
        let files = vec!["Dockerfile".to_string()];
        let r = report(&diags, &files);
        for format in Format::ALL {
            for options in [plain(), ReportOptions { color: true, ..plain() }] {
                let out = render_to_string(format, &r, &options);
                assert!(!out.contains("hunter2"), "{format} leaked the secret:\n{out}");
                assert!(out.contains("****"), "{format} shows no mask:\n{out}");
            }
        }
    }

    #[test]
    fn counts_by_severity() {
        let f = file("Dockerfile", "FROM a\n");
        let mut d = diag(&RULE_A, &f, 0, 4, "x");
        d.severity = Severity::Info;
        let c = Counts::of(&[d, diag(&RULE_A, &f, 0, 4, "y"), diag(&RULE_B, &f, 0, 4, "z")]);
        assert_eq!((c.errors, c.warnings, c.info, c.total()), (1, 1, 1, 3));
    }
}
