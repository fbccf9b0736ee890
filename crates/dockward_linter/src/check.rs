//! Checking one file: read, parse, run the enabled rules, apply suppressions,
//! per-file ignores and severity overrides, and optionally apply fixes.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;

use dockward_diagnostics::{apply_fixes, Applicability, Diagnostic, Edit, Fix, FixOutcome, Location};
use dockward_dockerfile::semantic::Model;
use dockward_source::{SourceFile, TextRange, TextSize};

use dockward_spec::{ContainerSpec, EngineDefaults};

use crate::registry::{self, CONTAINER_RULES, DOCKERFILE_RULES};
use crate::rule::DockerfileContext;
use crate::rules::container::secret_in_environment::secret_ranges;
use crate::rules::container::ContainerContext;
use crate::settings::Settings;
use crate::suppression::{self, Origin, Scope};

/// How many fix-then-recheck rounds to run at most. Fixes that overlap are applied in
/// later rounds; a rule whose fix does not remove its own finding must not loop forever.
pub(crate) const MAX_FIX_ROUNDS: usize = 8;

/// Binary detection looks at this many leading bytes, like git and ripgrep.
const BINARY_SNIFF_LEN: usize = 8 * 1024;

/// Which fixes to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    Off,
    /// Apply safe fixes, plus unsafe ones when `unsafe_fixes`.
    Apply {
        unsafe_fixes: bool,
    },
}

impl FixMode {
    /// The lowest applicability applied; `None` when no fix is applied.
    pub fn threshold(self) -> Option<Applicability> {
        match self {
            FixMode::Off => None,
            FixMode::Apply { unsafe_fixes: false } => Some(Applicability::Safe),
            FixMode::Apply { unsafe_fixes: true } => Some(Applicability::Unsafe),
        }
    }
}

/// The outcome of checking one file.
#[derive(Debug)]
pub struct FileReport {
    pub name: String,
    pub path: Option<PathBuf>,
    /// Findings against the final text (after fixes, if any were applied).
    pub diagnostics: Vec<Diagnostic>,
    /// The fixed text, when fixes changed it.
    pub fixed: Option<FixedText>,
    /// True if the file could not be read as text (exit code 2).
    pub unreadable: bool,
}

#[derive(Debug)]
pub struct FixedText {
    pub original: String,
    pub text: String,
    pub applied: usize,
    /// The secrets' byte ranges in `original` and in `text`, as the findings about
    /// each text marked them.
    pub original_secrets: Vec<TextRange>,
    pub text_secrets: Vec<TextRange>,
}

impl FixedText {
    /// The original and the fixed text with their secrets masked, for output that
    /// prints raw lines (`--diff`): each text by its own secrets' ranges (a plain word
    /// such as `root` is masked only there), plus whole-token copies of distinctive
    /// secrets. A fixed text that no finding is left about marks nothing, so its lines
    /// that the original had, with a secret, are masked as they were there.
    pub fn masked(&self) -> (String, String) {
        // The secrets' texts, from both sides: a fix moves text, it does not change it.
        let words: Vec<&str> = secret_words(&self.original, &self.original_secrets)
            .chain(secret_words(&self.text, &self.text_secrets))
            .collect();
        let mask = |text: &str, ranges: &[TextRange]| {
            dockward_diagnostics::mask_copies(&dockward_diagnostics::redact(text, 0, ranges), &words).into_owned()
        };
        let original = mask(&self.original, &self.original_secrets);
        if !self.text_secrets.is_empty() || self.original_secrets.is_empty() {
            return (original, mask(&self.text, &self.text_secrets));
        }
        // No finding is left about the fixed text to mark its secrets: each secret of
        // the original is found again by the text just before it (`admin:` in
        // `curl -u admin:root`, `MYSQL_ROOT_PASSWORD: ` before `root`), which a fix
        // elsewhere on the line does not change.
        let mut text = self.text.clone();
        for r in &self.original_secrets {
            if let Some((left, secret)) = secret_in_context(&self.original, *r) {
                text = mask_after(&text, left, secret);
            }
        }
        let text = mask(&text, &[]);
        (original, text)
    }
}

/// The secret at `range` of `text` and the text that leads to it on its line: the
/// word it is glued to (`admin:` of `admin:root`), or else the word before it with
/// the separator (`MYSQL_ROOT_PASSWORD: `). `None` for a secret that starts its line.
pub(crate) fn secret_in_context(text: &str, range: TextRange) -> Option<(&str, &str)> {
    let (start, end) = (usize::from(range.start()), usize::from(range.end()));
    let secret = text.get(start..end)?;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..start];
    let glued =
        before.rfind(char::is_whitespace).map_or(0, |i| i + before[i..].chars().next().map_or(1, char::len_utf8));
    let left_start = if glued < before.len() {
        glued
    } else {
        let trimmed = before.trim_end();
        trimmed.rfind(char::is_whitespace).map_or(0, |i| i + trimmed[i..].chars().next().map_or(1, char::len_utf8))
    };
    let left = &before[left_start..];
    (!left.is_empty() && !secret.is_empty()).then_some((left, secret))
}

/// `text` with `secret` masked wherever it follows `left` and ends a token.
pub(crate) fn mask_after(text: &str, left: &str, secret: &str) -> String {
    let needle = format!("{left}{secret}");
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    while let Some(found) = text[pos..].find(&needle) {
        let at = pos + found;
        let end = at + needle.len();
        let whole = !text[end..].chars().next().is_some_and(|c| c.is_alphanumeric() || c == '_');
        out.push_str(&text[pos..at + left.len()]);
        out.push_str(if whole { "****" } else { secret });
        pos = end;
    }
    out.push_str(&text[pos..]);
    out
}

/// The texts of `ranges` in `text`.
fn secret_words<'a>(text: &'a str, ranges: &'a [TextRange]) -> impl Iterator<Item = &'a str> + 'a {
    ranges.iter().filter_map(|r| text.get(usize::from(r.start())..usize::from(r.end())))
}

/// The secret ranges the findings about the file `name` carry.
pub(crate) fn file_secrets(diagnostics: &[Diagnostic], name: &str) -> Vec<TextRange> {
    let mut out: Vec<TextRange> =
        diagnostics.iter().filter(|d| d.location.name() == name).flat_map(|d| d.redactions.iter().copied()).collect();
    out.sort_by_key(|r| (r.start(), r.end()));
    out.dedup();
    out
}

/// Checks a Dockerfile given as raw bytes.
pub fn check_dockerfile_bytes(
    name: &str,
    path: Option<PathBuf>,
    bytes: &[u8],
    settings: &Settings,
    fix: FixMode,
) -> FileReport {
    match decode_text(name, path.as_ref(), bytes) {
        Ok(text) => check_dockerfile_text(name, path, text, settings, fix),
        Err(report) => *report,
    }
}

/// The bytes as UTF-8 text, or the report of an unreadable file (binary, or not UTF-8,
/// with the position of the first bad byte).
pub(crate) fn decode_text<'b>(name: &str, path: Option<&PathBuf>, bytes: &'b [u8]) -> Result<&'b str, Box<FileReport>> {
    let unreadable = |location: Location, message: String| {
        Box::new(FileReport {
            name: name.to_string(),
            path: path.cloned(),
            diagnostics: vec![Diagnostic::new(registry::UNREADABLE_FILE, location, message)],
            fixed: None,
            unreadable: true,
        })
    };
    let sniff = &bytes[..bytes.len().min(BINARY_SNIFF_LEN)];
    if let Some(nul) = memchr_nul(sniff) {
        return Err(unreadable(
            Location::File { name: name.to_string() },
            format!("binary file (NUL byte at offset {nul}); not checked"),
        ));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        // The valid prefix is unchanged by lossy decoding, so the position of the
        // first bad byte is exact.
        let lossy = String::from_utf8_lossy(bytes).into_owned();
        let file = SourceFile::new(name, path.cloned(), lossy);
        let at = TextSize::from(e.valid_up_to() as u32);
        unreadable(
            Location::source(&file, TextRange::new(at, at + TextSize::from(1))),
            format!("invalid UTF-8 (byte 0x{:02x}); the file must be UTF-8 text", bytes[e.valid_up_to()]),
        )
    })
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|b| *b == 0)
}

/// [`check_dockerfile_bytes`] for bytes the caller no longer needs: the text is checked
/// in the buffer it was read into, not in a copy (a file is otherwise held twice while
/// its rules run; issue 19 #5).
pub fn check_dockerfile_owned(
    name: &str,
    path: Option<PathBuf>,
    bytes: Vec<u8>,
    settings: &Settings,
    fix: FixMode,
) -> FileReport {
    if let Err(report) = decode_text(name, path.as_ref(), &bytes) {
        return *report;
    }
    // Valid UTF-8: `decode_text` said so, so the lossy branch never runs.
    let text = String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    check_text_with_fixes(name, path, text, fix, |file| lint_dockerfile(file, settings))
}

/// Checks Dockerfile text, applying fixes per `fix`.
pub fn check_dockerfile_text(
    name: &str,
    path: Option<PathBuf>,
    text: &str,
    settings: &Settings,
    fix: FixMode,
) -> FileReport {
    check_text_with_fixes(name, path, text, fix, |file| lint_dockerfile(file, settings))
}

/// Lints one file's text with `lint`; with fixes on, applies the fixes at or above the
/// threshold, re-reads and re-lints, up to `MAX_FIX_ROUNDS` times (overlapping fixes
/// wait for the next round).
pub(crate) fn check_text_with_fixes<'t>(
    name: &str,
    path: Option<PathBuf>,
    text: impl Into<Cow<'t, str>>,
    fix: FixMode,
    lint: impl Fn(&Arc<SourceFile>) -> Vec<Diagnostic>,
) -> FileReport {
    check_text_with_fixes_and_keys(name, path, text, fix, lint, |_| 0)
}

/// [`check_text_with_fixes`] for a file of keys (JSON, YAML): `duplicate_keys`
/// counts the keys a text defines twice in one object, and no round of fixes may
/// raise it (see [`apply_fixes_keeping_keys_unique`]).
pub(crate) fn check_text_with_fixes_and_keys<'t>(
    name: &str,
    path: Option<PathBuf>,
    text: impl Into<Cow<'t, str>>,
    fix: FixMode,
    lint: impl Fn(&Arc<SourceFile>) -> Vec<Diagnostic>,
    duplicate_keys: impl Fn(&str) -> usize,
) -> FileReport {
    // An owned text becomes the source file without a copy.
    let mut file = match text.into() {
        Cow::Borrowed(text) => SourceFile::new(name, path.clone(), text),
        Cow::Owned(text) => SourceFile::new(name, path.clone(), text),
    };
    let first = Arc::clone(&file);
    let text = first.text();
    let mut diagnostics = lint(&file);
    let original_secrets = file_secrets(&diagnostics, name);
    let mut applied = 0;
    if let Some(threshold) = fix.threshold() {
        for _ in 0..MAX_FIX_ROUNDS {
            let fixes: Vec<&Fix> =
                diagnostics.iter().filter_map(|d| d.fix.as_deref()).filter(|f| f.applicability >= threshold).collect();
            if fixes.is_empty() {
                break;
            }
            let outcome = apply_fixes_keeping_keys_unique(file.text(), fixes, &duplicate_keys);
            if outcome.applied == 0 || outcome.text == file.text() {
                break;
            }
            applied += outcome.applied;
            file = SourceFile::new(name, path.clone(), outcome.text);
            diagnostics = lint(&file);
        }
    }
    let fixed = (applied > 0 && file.text() != text).then(|| FixedText {
        original: text.to_string(),
        text: file.text().to_string(),
        applied,
        original_secrets,
        text_secrets: file_secrets(&diagnostics, name),
    });
    FileReport { name: name.to_string(), path, diagnostics, fixed, unreadable: false }
}

/// Applies `fixes` like [`apply_fixes`], but never lets them define a key twice.
///
/// Fixes are computed against the same text, so two of them can add the same key:
/// one rule renames a misspelt `"live-restor"` to `"live-restore"` while another,
/// seeing no `live-restore`, inserts one. When the fixes together raise the count of
/// duplicated keys, they are taken one at a time in the order they apply, and a fix
/// that would add a duplicate is left out of the round: the next round re-checks the
/// fixed text, where it is usually no longer needed (or now edits the key in place).
pub(crate) fn apply_fixes_keeping_keys_unique(
    text: &str,
    fixes: Vec<&Fix>,
    duplicate_keys: &dyn Fn(&str) -> usize,
) -> FixOutcome {
    let all = apply_fixes(text, fixes.iter().copied());
    let before = duplicate_keys(text);
    if all.applied == 0 || duplicate_keys(&all.text) <= before {
        return all;
    }
    let mut ordered = fixes;
    // The order apply_fixes uses: by the range the fix's edits cover.
    ordered.sort_by_key(|f| {
        let start = f.edits.iter().map(|e| e.range.start()).min();
        (start, f.edits.iter().map(|e| e.range.end()).max())
    });
    let mut kept: Vec<&Fix> = Vec::with_capacity(ordered.len());
    for fix in ordered {
        kept.push(fix);
        if duplicate_keys(&apply_fixes(text, kept.iter().copied()).text) > before {
            kept.pop();
        }
    }
    apply_fixes(text, kept)
}

/// Runs every enabled Dockerfile rule over `file` and returns the findings that
/// survive suppressions and per-file ignores, with configured severities, sorted.
pub fn lint_dockerfile(file: &Arc<SourceFile>, settings: &Settings) -> Vec<Diagnostic> {
    let text = file.text();
    let dockerfile = dockward_dockerfile::parse_shared(file.shared_text());
    let model = Model::build(&dockerfile, &settings.build_args);

    let mut found: Vec<Diagnostic> = Vec::new();
    for err in &dockerfile.errors {
        found.push(Diagnostic::new(registry::SYNTAX_ERROR, Location::source(file, err.range), err.message.clone()));
    }
    // Flags BuildKit's instruction parser refuses (unknown, duplicated, valueless,
    // not boolean): the file does not build either.
    let mut refused: Vec<TextRange> = Vec::new();
    for (err, hint) in dockward_dockerfile::flag_errors(&dockerfile) {
        if let Some(instr) = dockerfile.instructions.iter().find(|i| i.range.contains_range(err.range)) {
            refused.push(instr.range);
        }
        let mut d = Diagnostic::new(registry::SYNTAX_ERROR, Location::source(file, err.range), err.message);
        if let Some(name) = hint {
            d.help(format!("did you mean --{name}?"));
        }
        found.push(d);
    }
    let mut cx = DockerfileContext::new(file, &dockerfile, &model, settings);
    for rule in DOCKERFILE_RULES {
        if settings.is_enabled(rule.meta()) {
            rule.check(&mut cx);
        }
    }
    let mut rule_findings = std::mem::take(&mut cx.diagnostics);
    let mut secrets: Vec<(String, TextRange)> =
        crate::rules::dockerfile::redaction::secret_ranges(&mut cx, &rule_findings)
            .into_iter()
            .map(|range| (file.name().to_string(), range))
            .collect();
    drop(cx);
    // `docker run` lines inside RUN: their problems and the container rules' findings.
    let (specs, run_problems) = crate::run_lines::dockerfile_run_specs(file, &dockerfile);
    secrets.extend(specs.iter().flat_map(secret_ranges));
    if !specs.is_empty() || !run_problems.is_empty() {
        rule_findings.extend(run_problems);
        rule_findings.extend(lint_container_specs(&specs, &EngineDefaults::default(), settings));
    }

    // A fix on an instruction BuildKit refuses cannot make it build: the flag error
    // comes first, so such findings carry no fix.
    for d in &mut rule_findings {
        if d.location.range().is_some_and(|r| refused.iter().any(|i| i.contains_range(r))) {
            d.fix = None;
        }
    }
    let mut suppressions = suppression::collect(text, &dockerfile);
    rule_findings.retain_mut(|d| {
        let at = d.location.range().map(|r| r.start()).unwrap_or_default();
        // Every matching suppression is marked used, not just the first.
        let mut suppressed = false;
        for s in &mut suppressions {
            suppressed |= s.covers(d.rule.code, at);
        }
        // CT035 lists members: a suppression of one of them takes it off the list.
        if !suppressed {
            suppressed = !crate::rules::container::container_not_hardened::drop_suppressed_members(d, |code| {
                suppressions.iter_mut().fold(false, |hit, s| s.covers(code, at) | hit)
            });
        }
        !suppressed
    });
    // Moved, not pushed one by one: a growing copy would hold the findings twice.
    if found.is_empty() {
        found = rule_findings;
    } else {
        found.append(&mut rule_findings);
    }
    report_suppression_problems(file, &suppressions, settings, &mut found);

    found.retain(|d| settings.is_enabled(d.rule) && !settings.ignored_for_path(d.rule, file.name()));
    for d in &mut found {
        d.configure_severity(settings.severity(d.rule));
    }
    // Snippets of any finding may show a line holding a secret found by another rule.
    redact_secrets(&mut found, &secrets);
    dockward_diagnostics::sort_diagnostics(&mut found);
    found
}

/// Runs every enabled container rule over each spec, with configured severities and
/// per-file ignores, sorted. Callers apply their own suppressions (YAML comments,
/// `dockward.ignore` labels) afterwards.
pub fn lint_container_specs(
    specs: &[ContainerSpec],
    defaults: &EngineDefaults,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let mut lint = ContainerLint::new(defaults, settings);
    for spec in specs {
        lint.check(spec);
    }
    lint.finish().0
}

/// [`lint_container_specs`] one spec at a time, for a caller that builds the specs as
/// it goes and drops each after its check: a Compose file of 50,000 services would
/// otherwise hold 50,000 specs of about 4 KB each (issue 19 #5).
pub(crate) struct ContainerLint<'a> {
    cx: ContainerContext<'a>,
    secrets: Vec<(String, TextRange)>,
}

impl<'a> ContainerLint<'a> {
    pub(crate) fn new(defaults: &'a EngineDefaults, settings: &'a Settings) -> Self {
        Self { cx: ContainerContext::new(settings, defaults), secrets: Vec::new() }
    }

    /// Runs every enabled container rule over `spec`.
    pub(crate) fn check(&mut self, spec: &ContainerSpec) {
        let settings = self.cx.settings;
        for rule in CONTAINER_RULES {
            if settings.is_enabled(rule.meta())
                && !crate::rules::container::container_not_hardened::reports_through_group(rule.meta(), spec, settings)
            {
                rule.check(spec, &mut self.cx);
            }
        }
        self.secrets.extend(secret_ranges(spec));
    }

    /// The findings, masked, with configured severities and per-file ignores, sorted;
    /// and the secrets of every spec checked (file name, range).
    pub(crate) fn finish(self) -> (Vec<Diagnostic>, Vec<(String, TextRange)>) {
        let settings = self.cx.settings;
        let mut found = self.cx.into_diagnostics();
        redact_secrets(&mut found, &self.secrets);
        found.retain(|d| !settings.ignored_for_path(d.rule, d.location.name()));
        for d in &mut found {
            d.configure_severity(settings.severity(d.rule));
        }
        dockward_diagnostics::sort_diagnostics(&mut found);
        (found, self.secrets)
    }
}

/// Masks every secret of a file in every finding about that file: a snippet shows
/// whole lines, and a line may hold a secret another finding (or no finding) is about.
pub(crate) fn redact_secrets(found: &mut [Diagnostic], secrets: &[(String, TextRange)]) {
    if secrets.is_empty() {
        return;
    }
    for d in found {
        for (name, range) in secrets {
            if d.location.name() == name && !d.redactions.contains(range) {
                d.redactions.push(*range);
            }
        }
    }
}

pub(crate) fn report_suppression_problems(
    file: &Arc<SourceFile>,
    suppressions: &[suppression::Suppression],
    settings: &Settings,
    out: &mut Vec<Diagnostic>,
) {
    for s in suppressions.iter().filter(|s| s.origin == Origin::Dockward) {
        let all_unused = s.codes.iter().all(|c| {
            !c.used && c.codes.iter().any(|code| registry::find(code).is_some_and(|r| settings.is_enabled(r)))
        });
        for c in &s.codes {
            if c.codes.is_empty() {
                out.push(Diagnostic::new(
                    registry::INVALID_SUPPRESSION,
                    Location::source(file, c.range),
                    format!("`{}` names no rule", c.selector),
                ));
                continue;
            }
            // A suppression for a rule that is switched off is not stale: the rule may
            // be switched back on.
            let enabled = c.codes.iter().any(|code| registry::find(code).is_some_and(|r| settings.is_enabled(r)));
            if c.used || !enabled {
                continue;
            }
            let scope = match s.scope {
                Scope::File => "this file",
                Scope::Range(_) if file.name().ends_with(".yaml") || file.name().ends_with(".yml") => {
                    "the YAML lines it covers"
                }
                Scope::Range(_) => "the next instruction",
            };
            let fix = if all_unused {
                Fix::safe("Remove the suppression comment", vec![Edit::delete(whole_line(file.text(), s.comment))])
            } else {
                Fix::safe(
                    format!("Remove `{}` from the suppression", c.selector),
                    vec![Edit::delete(list_item(file.text(), c.range))],
                )
            };
            let mut d = Diagnostic::new(
                registry::UNUSED_SUPPRESSION,
                Location::source(file, c.range),
                format!("`{}` suppresses nothing in {scope}", c.selector),
            );
            d.fix(fix);
            out.push(d);
        }
    }
}

/// The range of the line holding `range`, line terminator included.
fn whole_line(text: &str, range: TextRange) -> TextRange {
    let start = text[..usize::from(range.start())].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let end =
        text[usize::from(range.end())..].find('\n').map(|i| usize::from(range.end()) + i + 1).unwrap_or(text.len());
    TextRange::new((start as u32).into(), (end as u32).into())
}

/// `range` plus one neighbouring comma and the spaces around it, so removing one item
/// of `[A, B, C]` leaves a well-formed list.
fn list_item(text: &str, range: TextRange) -> TextRange {
    let bytes = text.as_bytes();
    let (mut s, mut e) = (usize::from(range.start()), usize::from(range.end()));
    let mut after = e;
    while after < bytes.len() && bytes[after] == b' ' {
        after += 1;
    }
    if after < bytes.len() && bytes[after] == b',' {
        e = after + 1;
        while e < bytes.len() && bytes[e] == b' ' {
            e += 1;
        }
    } else {
        let mut before = s;
        while before > 0 && bytes[before - 1] == b' ' {
            before -= 1;
        }
        if before > 0 && bytes[before - 1] == b',' {
            s = before - 1;
        }
    }
    TextRange::new((s as u32).into(), (e as u32).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_item_takes_one_comma() {
        let t = "ignore[A, B, C]";
        let r = |a: u32, b: u32| TextRange::new(a.into(), b.into());
        assert_eq!(&t[list_item(t, r(7, 8))], "A, ");
        assert_eq!(&t[list_item(t, r(10, 11))], "B, ");
        assert_eq!(&t[list_item(t, r(13, 14))], ", C");
    }

    #[test]
    fn binary_and_invalid_utf8_are_unreadable_with_positions() {
        let s = Settings::default();
        let r = check_dockerfile_bytes("bin", None, b"FROM a\0b", &s, FixMode::Off);
        assert!(r.unreadable);
        assert_eq!(r.diagnostics[0].rule.code, "DW002");
        assert!(r.diagnostics[0].message.contains("binary"));
        let r = check_dockerfile_bytes("u", None, b"FROM a\nRUN \xff\n", &s, FixMode::Off);
        assert!(r.unreadable);
        let (start, _) = r.diagnostics[0].location.span().unwrap();
        assert_eq!((start.line, start.column), (2, 5));
        assert!(r.diagnostics[0].message.contains("0xff"));
    }
}
