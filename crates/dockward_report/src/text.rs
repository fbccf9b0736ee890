//! The human format: a grep-friendly header line per finding, then (with
//! `show_source`) a rustc-style snippet rendered by `annotate-snippets`, then a summary.
//!
//! ```text
//! Dockerfile:2:1: warning DF001 [last-user-is-root] The image runs as root
//!   |
//! 2 | USER root
//!   | ^^^^^^^^^
//!   |
//!   = help: add `USER nobody` after the last `RUN`
//! ```

use std::io::{self, Write};
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Patch, Renderer, Snippet};
use anstyle::{AnsiColor, Style};
use dockward_diagnostics::{Applicability, Diagnostic, Fix, Location, Severity};
use dockward_source::{SourceFile, TextRange, TextSize};

use crate::scrub::Secrets;
use crate::{Counts, Report, ReportOptions, VulnCounts};

pub(crate) fn render(report: &Report, options: &ReportOptions, out: &mut dyn Write) -> io::Result<()> {
    let styles = Styles::new(options.color);
    if options.statistics {
        crate::render_statistics(report, out)?;
    } else {
        let renderer = if options.color { Renderer::styled() } else { Renderer::plain() };
        for d in report.diagnostics {
            writeln!(out, "{}", header(d, &styles))?;
            if options.show_source {
                let body = body(d, options, &renderer);
                if !body.is_empty() {
                    writeln!(out, "{body}")?;
                }
                // A blank line between findings keeps snippets apart; the one-line
                // form stays compact for grep and editors.
                writeln!(out)?;
            }
        }
    }
    if let Some(comparison) = report.comparison {
        changes(report.diagnostics, comparison, &styles, out)?;
    }
    if options.quiet {
        return Ok(());
    }
    summary(report, options.subject, &styles, out)
}

/// With `--compare`: the counts, then each new finding and each fixed one on a line.
fn changes(
    diagnostics: &[Diagnostic],
    comparison: &crate::compare::Comparison,
    styles: &Styles,
    out: &mut dyn Write,
) -> io::Result<()> {
    use crate::compare::Change;
    writeln!(out, "Changes since {}: {}", sanitize(&comparison.since), comparison.summary())?;
    for (d, _) in diagnostics.iter().zip(&comparison.changes).filter(|(_, c)| **c == Change::New) {
        writeln!(out, "  new    {}", header(d, styles))?;
    }
    for f in &comparison.fixed {
        // The earlier report's text is input: no escape sequence of it reaches a terminal.
        let line = format!("{}: {} {} {}", f.path, f.severity, f.code, f.message);
        writeln!(out, "  fixed  {}", sanitize(&line))?;
    }
    writeln!(out)
}

/// ANSI styles for the parts this module writes itself (annotate-snippets styles the
/// snippets). All plain when colour is off, so nothing is emitted.
struct Styles {
    path: Style,
    code: Style,
    error: Style,
    warning: Style,
    info: Style,
    fix: Style,
}

impl Styles {
    fn new(color: bool) -> Self {
        if !color {
            let s = Style::new();
            return Self { path: s, code: s, error: s, warning: s, info: s, fix: s };
        }
        Self {
            path: Style::new().bold(),
            code: Style::new().bold(),
            error: annotate_snippets::renderer::DEFAULT_ERROR_STYLE,
            warning: annotate_snippets::renderer::DEFAULT_WARNING_STYLE,
            info: annotate_snippets::renderer::DEFAULT_INFO_STYLE,
            fix: AnsiColor::Cyan.on_default(),
        }
    }

    fn severity(&self, s: Severity) -> Style {
        match s {
            Severity::Error => self.error,
            Severity::Warning => self.warning,
            Severity::Info => self.info,
        }
    }
}

/// Wraps `text` in `style`; a plain style writes no escape at all.
fn paint(style: Style, text: &str) -> String {
    if style == Style::new() {
        text.to_string()
    } else {
        format!("{style}{text}{style:#}")
    }
}

/// Makes text from files and rules safe to print on a terminal: control characters
/// (an ESC in a Dockerfile would otherwise inject colours or cursor moves) become
/// visible symbols. annotate-snippets does this for snippet sources but not for
/// messages and labels, so everything else handed to it goes through here.
fn sanitize(text: &str) -> String {
    annotate_snippets::normalize_untrusted_str(text)
        .chars()
        // C1 controls are not in annotate-snippets' table; some terminals treat
        // U+009B as CSI.
        .map(|c| if ('\u{80}'..='\u{9f}').contains(&c) { '\u{fffd}' } else { c })
        .collect()
}

/// `path:line:col: severity CODE [name] message`
fn header(d: &Diagnostic, styles: &Styles) -> String {
    let secrets = Secrets::of(d);
    let place = match &d.location {
        Location::Source { file, range } => format!("{}:{}", file.name(), file.position(range.start())),
        other => other.to_string(),
    };
    let severity = d.severity.as_str();
    format!(
        "{}: {} {} [{}] {}",
        paint(styles.path, &sanitize(&place)),
        paint(styles.severity(d.severity), severity),
        paint(styles.code, d.rule.code),
        d.rule.name,
        sanitize(&secrets.scrub(&d.message)),
    )
}

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

fn fix_label(a: Applicability) -> &'static str {
    match a {
        Applicability::Safe => "safe fix",
        Applicability::Unsafe => "unsafe fix",
        Applicability::DisplayOnly => "manual fix",
    }
}

/// Everything under the header: snippet, notes, help, fix preview. Empty if there is
/// nothing to show.
fn body(d: &Diagnostic, options: &ReportOptions, renderer: &Renderer) -> String {
    let secrets = Secrets::of(d);
    let mut group = Group::with_level(level(d.severity));
    let mut groups = Vec::new();

    if let Location::Source { file, range } = &d.location {
        let primary = display_range(file, *range);
        let same_file: Vec<(TextRange, &str)> = d
            .related
            .iter()
            .filter_map(|r| match &r.location {
                Location::Source { file: f, range } if same_file(f, file) => {
                    Some((display_range(file, *range), r.message.as_str()))
                }
                _ => None,
            })
            .collect();
        let ranges: Vec<TextRange> = std::iter::once(primary).chain(same_file.iter().map(|(r, _)| *r)).collect();
        let excerpt = Excerpt::new(file, &ranges, &secrets);
        let mut snippet = Snippet::source(excerpt.text.clone())
            .line_start(excerpt.first_line as usize)
            .annotation(AnnotationKind::Primary.span(excerpt.map_range(primary)));
        for (r, msg) in &same_file {
            snippet = snippet
                .annotation(AnnotationKind::Context.span(excerpt.map_range(*r)).label(sanitize(&secrets.scrub(msg))));
        }
        group = group.element(snippet);
    }
    for r in &d.related {
        let here =
            matches!((&r.location, d.location.file()), (Location::Source { file, .. }, Some(f)) if same_file(file, f));
        // Other files are not shown (their text could not be masked), only named.
        if !here {
            let note = sanitize(&format!("{}: {}", r.location, secrets.scrub(&r.message)));
            group = group.element(Level::NOTE.message(note));
        }
    }
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(sanitize(&secrets.scrub(help))));
    }
    if let Some(fix) = &d.fix {
        let label = sanitize(&format!("{}: {}", fix_label(fix.applicability), secrets.scrub(&fix.message)));
        let patch = match (&d.location, options.show_fixes) {
            (Location::Source { file, .. }, true) => fix_snippet(file, fix, &secrets),
            _ => None,
        };
        match patch {
            Some(snippet) => groups.push(Group::with_title(Level::HELP.secondary_title(label)).element(snippet)),
            // Without a preview, one line still says a fix exists and what it does.
            None => group = group.element(Level::HELP.message(format!("{label} available"))),
        }
    }
    if group.is_empty() && groups.is_empty() {
        return String::new();
    }
    let mut all = Vec::with_capacity(groups.len() + 1);
    if !group.is_empty() {
        all.push(group);
    }
    all.extend(groups);
    renderer.render(&all)
}

fn same_file(a: &Arc<SourceFile>, b: &Arc<SourceFile>) -> bool {
    Arc::ptr_eq(a, b) || a.name() == b.name()
}

/// Clamps `range` into the file and trims a trailing line break off a span, so a span
/// that ends right after `\n` underlines one line instead of reaching into the next.
fn display_range(file: &SourceFile, range: TextRange) -> TextRange {
    let len = TextSize::of(file.text());
    let start = range.start().min(len);
    let mut end = range.end().clamp(start, len);
    if end > start {
        let p = file.position(end);
        if p.column == 1 && file.line_index().line_of(start) < p.line {
            end = file.line_index().line_range(p.line - 1, file.text()).end().max(start);
        }
    }
    TextRange::new(start, end)
}

/// The lines of a file that a snippet shows, masked, with a map from file offsets to
/// offsets in the masked text (masking changes lengths, so offsets cannot be reused).
struct Excerpt<'a> {
    file: &'a SourceFile,
    secrets: &'a Secrets<'a>,
    first_line: u32,
    last_line: u32,
    /// Offset of each shown line in `text`.
    starts: Vec<usize>,
    text: String,
}

impl<'a> Excerpt<'a> {
    /// Covers every line touched by `ranges` (which are inside the file).
    fn new(file: &'a SourceFile, ranges: &[TextRange], secrets: &'a Secrets<'a>) -> Self {
        let index = file.line_index();
        let first_line = ranges.iter().map(|r| index.line_of(r.start())).min().unwrap_or(1);
        let last_line = ranges.iter().map(|r| index.line_of(r.end())).max().unwrap_or(1).max(first_line);
        let mut text = String::new();
        let mut starts = Vec::new();
        for line in first_line..=last_line {
            if line > first_line {
                // Lines are joined with `\n` whatever the file used: the `\r` of CRLF
                // is not part of `line_text`, so snippets look the same either way.
                text.push('\n');
            }
            starts.push(text.len());
            let start = index.line_start(line);
            text.push_str(&secrets.source(file, file.line_text(line), start.into()));
        }
        Self { file, secrets, first_line, last_line, starts, text }
    }

    /// Where file offset `offset` is in the masked text. Never out of bounds and
    /// always on a character boundary, because annotate-snippets panics otherwise.
    fn map(&self, offset: TextSize) -> usize {
        let index = self.file.line_index();
        let line = index.line_of(offset.min(TextSize::of(self.file.text())));
        if line < self.first_line {
            return 0;
        }
        if line > self.last_line {
            return self.text.len();
        }
        let i = (line - self.first_line) as usize;
        let line_start = index.line_start(line);
        let line_text = self.file.line_text(line);
        // An offset on the line terminator (`\r`, `\n`) counts as the line's end.
        let rel = (usize::from(offset) - usize::from(line_start)).min(line_text.len());
        let masked = self.secrets.masked_len(self.file, line_text, line_start.into(), rel);
        let line_end = self.starts.get(i + 1).map_or(self.text.len(), |s| s - 1);
        let mut pos = (self.starts[i] + masked).min(line_end);
        while !self.text.is_char_boundary(pos) {
            pos -= 1;
        }
        pos
    }

    fn map_range(&self, range: TextRange) -> std::ops::Range<usize> {
        let start = self.map(range.start());
        start..self.map(range.end()).max(start)
    }
}

/// The fix as a patch preview, or `None` when it has no edit to show.
fn fix_snippet(file: &Arc<SourceFile>, fix: &Fix, secrets: &Secrets) -> Option<Snippet<'static, Patch<'static>>> {
    let len = TextSize::of(file.text());
    let mut edits: Vec<(TextRange, String)> = fix
        .edits
        .iter()
        .map(|e| {
            let start = e.range.start().min(len);
            (TextRange::new(start, e.range.end().clamp(start, len)), sanitize(&secrets.edit_content(e)))
        })
        .filter(|(r, content)| !(r.is_empty() && content.is_empty()))
        .collect();
    edits.sort_by_key(|(r, _)| (r.start(), r.end()));
    // Overlapping edits cannot be previewed (nor applied); keep the first of each.
    let mut kept: Vec<(TextRange, String)> = Vec::with_capacity(edits.len());
    for (r, c) in edits {
        if kept.last().is_none_or(|(last, _)| last.end() <= r.start()) {
            kept.push((r, c));
        }
    }
    if kept.is_empty() {
        return None;
    }
    let ranges: Vec<TextRange> = kept.iter().map(|(r, _)| *r).collect();
    let excerpt = Excerpt::new(file, &ranges, secrets);
    let patches: Vec<Patch<'static>> = kept.into_iter().map(|(r, c)| Patch::new(excerpt.map_range(r), c)).collect();
    Some(Snippet::source(excerpt.text.clone()).line_start(excerpt.first_line as usize).patches(patches))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `Found N findings (E errors, W warnings, I info) in F files.` and the fix hints.
fn summary(report: &Report, subject: (&str, &str), styles: &Styles, out: &mut dyn Write) -> io::Result<()> {
    let files = plural(report.files.len(), subject.0, subject.1);
    if report.fixes_applied > 0 {
        writeln!(out, "Fixed {}.", plural(report.fixes_applied, "finding", "findings"))?;
    }
    if let Some(v) = VulnCounts::of(report.diagnostics) {
        let fixable = if v.fixable > 0 { format!(" ({} with a fix)", v.fixable) } else { String::new() };
        writeln!(out, "vulnerabilities: {}{fixable}", v.levels())?;
    }
    let c = Counts::of(report.diagnostics);
    if c.total() == 0 {
        writeln!(out, "All checked: no findings in {files}.")?;
    } else {
        writeln!(
            out,
            "Found {} ({}, {}, {} info) in {files}.",
            plural(c.total(), "finding", "findings"),
            plural(c.errors, "error", "errors"),
            plural(c.warnings, "warning", "warnings"),
            c.info,
        )?;
    }
    if report.fixable > 0 {
        writeln!(out, "{} {} fixable with --fix.", paint(styles.fix, "[*]"), report.fixable)?;
    }
    if let Some(b) = report.baseline {
        writeln!(
            out,
            "Baseline: {} hidden, {} (recorded but no longer found).",
            plural(b.hidden, "finding", "findings"),
            plural(b.stale, "stale entry", "stale entries"),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::*;
    use crate::Format;
    use dockward_diagnostics::{Edit, Related};

    fn text(report: &Report, options: &ReportOptions) -> String {
        render_to_string(Format::Text, report, options)
    }

    #[test]
    fn snippet_underlines_the_span() {
        let f = file("Dockerfile", "FROM alpine\nUSER root\n");
        let diags = vec![diag(&RULE_A, &f, 17, 21, "The image runs as root").with_help("add `USER nobody`")];
        let files = vec!["Dockerfile".to_string()];
        let out = text(&report(&diags, &files), &plain());
        assert_eq!(
            out,
            "Dockerfile:2:6: warning DF001 [last-user-is-root] The image runs as root
  |
2 | USER root
  |      ^^^^
  |
  = help: add `USER nobody`

Found 1 finding (0 errors, 1 warning, 0 info) in 1 file.
"
        );
    }

    #[test]
    fn related_fix_and_multiline() {
        let src = "FROM alpine AS build\nRUN apt-get update \\\r\n  && apt-get install -y curl\nUSER root\n";
        let f = file("Dockerfile", src);
        let other = file("base.Dockerfile", "FROM scratch\n");
        let run = src.find("RUN").unwrap() as u32;
        let end = src.find("USER").unwrap() as u32; // ends after the `\n`: trimmed
        let stage = src.find("build").unwrap() as u32;
        let user = src.find("root").unwrap() as u32;
        let d1 = diag(&RULE_C, &f, run, end, "apt lists are kept")
            .with_related(
                dockward_diagnostics::Location::source(&f, range(stage, stage + 5)),
                "the stage is defined here",
            )
            .with_related(dockward_diagnostics::Location::source(&other, range(0, 4)), "base image");
        let d2 = diag(&RULE_A, &f, user, user + 4, "root")
            .with_fix(Fix::unsafe_("switch to nobody", vec![Edit::replace(range(user, user + 4), "nobody")]));
        let diags = vec![d1, d2];
        let files = vec!["Dockerfile".to_string()];
        let mut r = report(&diags, &files);
        r.fixable = 1;
        r.fixes_applied = 2;
        let out = text(&r, &plain());
        assert_eq!(
            out,
            "Dockerfile:2:1: info DF003 [apt-no-clean] apt lists are kept
  |
1 |   FROM alpine AS build
  |                  ----- the stage is defined here
2 | / RUN apt-get update \\
3 | |   && apt-get install -y curl
  | |____________________________^
  |
  = note: base.Dockerfile:1:1: base image

Dockerfile:4:6: warning DF001 [last-user-is-root] root
  |
4 | USER root
  |      ^^^^
  |
help: unsafe fix: switch to nobody
  |
4 - USER root
4 + USER nobody
  |

Fixed 2 findings.
Found 2 findings (0 errors, 1 warning, 1 info) in 1 file.
[*] 1 fixable with --fix.
"
        );
        // Without fix previews, one line names the fix.
        let out = text(&r, &ReportOptions { show_fixes: false, ..plain() });
        assert!(out.contains("= help: unsafe fix: switch to nobody available"), "{out}");
        assert!(!out.contains("4 + USER nobody"), "{out}");
    }

    #[test]
    fn concise_and_statistics() {
        let f = file("Dockerfile", "FROM a\nUSER root\n");
        let diags = vec![diag(&RULE_A, &f, 7, 16, "root")];
        let files = vec!["Dockerfile".to_string(), "other/Dockerfile".to_string()];
        let r = report(&diags, &files);
        let out = text(&r, &ReportOptions { show_source: false, ..plain() });
        assert_eq!(
            out,
            "Dockerfile:2:1: warning DF001 [last-user-is-root] root\nFound 1 finding (0 errors, 1 warning, 0 info) in 2 files.\n"
        );
        let out = text(&r, &ReportOptions { statistics: true, ..plain() });
        assert_eq!(out, "1  DF001  last-user-is-root\nFound 1 finding (0 errors, 1 warning, 0 info) in 2 files.\n");
        let out = text(&report(&[], &files), &plain());
        assert_eq!(out, "All checked: no findings in 2 files.\n");
    }

    #[test]
    fn logical_and_file_locations_have_no_snippet() {
        let d1 = Diagnostic::new(
            &RULE_A,
            Location::Logical { scope: "container/web-1".into(), path: "Config.User".into() },
            "runs as root",
        )
        .with_help("set a user");
        let mut d2 = Diagnostic::new(&RULE_B, Location::File { name: "bin.Dockerfile".into() }, "not UTF-8");
        d2.related.push(Related { location: Location::File { name: "x".into() }, message: "see".into() });
        let diags = vec![d1, d2];
        let out = text(&report(&diags, &[]), &plain());
        assert_eq!(
            out,
            "container/web-1/Config.User: warning DF001 [last-user-is-root] runs as root
 = help: set a user

bin.Dockerfile: error DF002 [secret-in-env] not UTF-8
 = note: x: see

Found 2 findings (1 error, 1 warning, 0 info) in 0 files.
"
        );
    }

    #[test]
    fn no_escapes_without_color_and_escapes_with_it() {
        let f = file("Dockerfile", "RUN echo \x1b[31mred\n");
        let diags = vec![diag(&RULE_A, &f, 0, 3, "evil \x1b[2J message").with_help("h\x1b[1m")];
        let files = vec!["Dockerfile".to_string()];
        let r = report(&diags, &files);
        let out = text(&r, &plain());
        assert!(!out.contains('\x1b'), "{out:?}");
        let out = text(&r, &ReportOptions { color: true, ..plain() });
        assert!(out.contains("\x1b["), "{out:?}");
        // The file's own escape is still neutralised when colour is on.
        assert!(!out.contains("\x1b[31mred"), "{out:?}");
        assert!(!out.contains("\x1b[2J"), "{out:?}");
    }

    #[test]
    fn crlf_and_span_past_the_line_end() {
        // The span runs over the `\r\n` into the next line's start: it is shown as
        // reaching the end of line 1, and no `\r` (or its ␍ symbol) is printed.
        let f = file("Dockerfile", "FROM a\r\nUSER root\r\n");
        let files = vec!["Dockerfile".to_string()];
        // 5..8 ends at the start of line 2, 5..7 on the `\n`: both underline `a`.
        for end in [7, 8] {
            let diags = vec![diag(&RULE_A, &f, 5, end, "x")];
            let out = text(&report(&diags, &files), &plain());
            assert_eq!(
                out,
                "Dockerfile:1:6: warning DF001 [last-user-is-root] x
  |
1 | FROM a
  |      ^

Found 1 finding (0 errors, 1 warning, 0 info) in 1 file.
"
            );
        }
    }

    #[test]
    fn odd_spans_do_not_panic() {
        let cases: &[(&str, u32, u32)] = &[
            ("", 0, 0),               // empty file
            ("RUN a", 5, 5),          // at EOF
            ("RUN a\n", 6, 6),        // after the last newline
            ("RUN a\r\nX\r\n", 3, 6), // ends on the `\r`
            ("RUN a", 2, 99),         // past the end
            ("RUN é", 5, 6),          // inside a character
            ("a\n\n\nb", 0, 6),       // across blank lines
        ];
        for (src, s, e) in cases {
            let f = file("Dockerfile", src);
            let mut d = diag(&RULE_B, &f, *s, *e, "x")
                .with_fix(Fix::safe("f", vec![Edit::replace(range(*s, *e), "y"), Edit::insert((*e + 50).into(), "z")]));
            d.redactions.push(range(*s, *e + 1));
            let diags = vec![d];
            let files = vec!["Dockerfile".to_string()];
            let out = text(&report(&diags, &files), &plain());
            assert!(out.starts_with("Dockerfile:"), "{src:?}: {out}");
        }
    }

    #[test]
    fn redacts_secrets_in_snippets_and_patches() {
        let f = file("Dockerfile", "FROM a\nENV PASSWORD=hunter2 USER=x\n");
        let at = 20; // "hunter2"
        let d = diag(&RULE_B, &f, 11, 34, "a password is set in ENV")
            .with_redaction(range(at, at + 7))
            .with_fix(Fix::unsafe_("use a build secret", vec![Edit::replace(range(7, 35), "# was hunter2\n")]));
        let diags = vec![d];
        let files = vec!["Dockerfile".to_string()];
        let out = text(&report(&diags, &files), &plain());
        assert!(!out.contains("hunter2"), "{out}");
        assert!(out.contains("2 | ENV PASSWORD=**** USER=x\n  |     ^^^^^^^^^^^^^^^^^^^^\n"), "{out}");
    }

    #[test]
    fn summary_counts_vulnerabilities_by_severity() {
        let diags = vec![
            vuln("zlib1g", "DEBIAN-CVE-2026-1", "high", None, Some("1.0-2")),
            vuln("zlib1g", "DEBIAN-CVE-2026-2", "critical", None, Some("1.0-2")),
            vuln("libc6", "DEBIAN-CVE-2026-3", "negligible", None, None),
            vuln("libc6", "DEBIAN-CVE-2026-4", "high", None, None),
        ];
        let files = vec!["image/app:1".to_string()];
        let out = text(&report(&diags, &files), &ReportOptions { show_source: false, ..plain() });
        assert!(
            out.ends_with(
                "vulnerabilities: 1 critical, 2 high, 1 negligible (2 with a fix)\n\
                 Found 4 findings (3 errors, 0 warnings, 1 info) in 1 file.\n"
            ),
            "{out}"
        );
        assert!(out.starts_with("image/app:1/layers[0]/var/lib/dpkg/status#zlib1g: error VU001"), "{out}");
        // No vulnerability finding, no line.
        let f = file("Dockerfile", "FROM a\n");
        let plain_diags = vec![diag(&RULE_A, &f, 0, 4, "x")];
        assert!(!text(&report(&plain_diags, &files), &plain()).contains("vulnerabilities"));
    }

    #[test]
    fn summary_tells_what_the_baseline_hid() {
        let files = vec!["Dockerfile".to_string()];
        let mut r = report(&[], &files);
        r.baseline = Some(crate::baseline::BaselineSummary { hidden: 1, stale: 3 });
        assert_eq!(
            text(&r, &plain()),
            "All checked: no findings in 1 file.\nBaseline: 1 finding hidden, 3 stale entries (recorded but no longer found).\n"
        );
    }
}
