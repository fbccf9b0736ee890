//! The one finding model.
//!
//! Every check, static or live, produces a [`Diagnostic`]; every renderer reads only
//! that. Rule metadata ([`RuleMeta`]) lives here rather than in the linter so that the
//! report crate can describe rules (SARIF `tool.driver.rules`) without depending on
//! the rules themselves.

mod fix;
mod meta;

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use dockward_source::{Position, SourceFile, TextRange};

pub use fix::{apply_fixes, Applicability, Edit, Fix, FixOutcome};
pub use meta::{docker_bench_control, Category, FixAvailability, RuleMeta, Target};
/// The list type of [`Diagnostic`]'s rarely-filled fields (`related`, `redactions`,
/// `cis`): a `Vec` of one pointer, so an empty list costs 8 bytes per finding, not 24.
pub use thin_vec::{thin_vec, ThinVec};

/// The texts a finding keeps (message, help, fix message, edit content): most are
/// string literals, borrowed for free, and the rest are owned at their length. A
/// large file has hundreds of thousands of findings (issue 19 #5).
pub type Text = std::borrow::Cow<'static, str>;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// One level lower (`error` -> `warning` -> `info`); `info` stays `info`.
    pub fn lower(self) -> Self {
        match self {
            Severity::Error => Severity::Warning,
            Severity::Warning | Severity::Info => Severity::Info,
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "info" | "note" | "style" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a finding points.
#[derive(Debug, Clone)]
pub enum Location {
    /// A byte range in a source file.
    Source { file: Arc<SourceFile>, range: TextRange },
    /// A whole file that could not be read as text (no position inside it).
    File { name: String },
    /// A place that is not a file: a live container's API field, a host setting.
    /// `scope` names the object (`container/web-1`), `path` the field
    /// (`HostConfig.Privileged`).
    Logical { scope: String, path: String },
}

impl Location {
    pub fn source(file: &Arc<SourceFile>, range: TextRange) -> Self {
        Location::Source { file: file.clone(), range }
    }

    /// The display name of the file or object this location is in.
    pub fn name(&self) -> &str {
        match self {
            Location::Source { file, .. } => file.name(),
            Location::File { name } => name,
            Location::Logical { scope, .. } => scope,
        }
    }

    pub fn range(&self) -> Option<TextRange> {
        match self {
            Location::Source { range, .. } => Some(*range),
            _ => None,
        }
    }

    pub fn file(&self) -> Option<&Arc<SourceFile>> {
        match self {
            Location::Source { file, .. } => Some(file),
            _ => None,
        }
    }

    /// Start and end positions, for source locations.
    pub fn span(&self) -> Option<(Position, Position)> {
        match self {
            Location::Source { file, range } => Some((file.position(range.start()), file.position(range.end()))),
            _ => None,
        }
    }

    fn sort_offset(&self) -> u32 {
        self.range().map(|r| r.start().into()).unwrap_or(0)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Source { file, range } => write!(f, "{}:{}", file.name(), file.position(range.start())),
            Location::File { name } => f.write_str(name),
            Location::Logical { scope, path } => write!(f, "{scope}/{path}"),
        }
    }
}

/// A secondary location with a note, e.g. "the stage is defined here".
#[derive(Debug, Clone)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

/// One finding.
///
/// Findings are kept until their file's report is written, and one file can have
/// hundreds of thousands of them (issue 19 #5), so the fields most findings leave
/// empty cost one pointer each: `related`, `redactions` and `cis` are [`ThinVec`]s,
/// `fix` and `vuln` are boxed. A test keeps `size_of::<Diagnostic>()` under its bound.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rule: &'static RuleMeta,
    /// The effective severity, after configuration overrides.
    pub severity: Severity,
    pub message: Text,
    pub location: Location,
    pub related: ThinVec<Related>,
    pub help: Option<Text>,
    /// Boxed: most findings have none (set it with [`Diagnostic::with_fix`] or
    /// [`Diagnostic::fix`], read it with `d.fix.as_deref()`).
    pub fix: Option<Box<Fix>>,
    /// Byte ranges holding secrets. Every renderer masks them wherever it prints source
    /// text (snippets, SARIF `snippet`), and messages must never contain them.
    pub redactions: ThinVec<TextRange>,
    /// The CIS Docker Benchmark controls this finding is about, when narrower than its
    /// rule's `cis` list (one rule may check several controls, e.g. one per file or per
    /// namespace). `None` means all of the rule's controls.
    pub cis: Option<ThinVec<&'static str>>,
    /// The facts of a vulnerability finding (VU rules): the package, the advisory, the
    /// fixed version. Boxed: most findings have none.
    pub vuln: Option<Box<VulnFacts>>,
    /// This finding is one level below its rule's (configured) severity: a weaker case
    /// of what the rule reports, such as a placeholder credential. Configuration sets
    /// the rule's severity; [`Diagnostic::configure_severity`] keeps the step.
    pub lowered: bool,
}

/// What a vulnerability finding is about, for the renderers: JSON prints it as the
/// finding's `vulnerability` object, SARIF as result properties, text sums it up by
/// severity.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct VulnFacts {
    /// The installed package's name (the binary package for OS packages).
    pub package: String,
    /// The installed version.
    pub version: String,
    /// The lowest version that fixes it, when one exists (for OS packages, a version
    /// of the source package).
    pub fixed: Option<String>,
    /// The advisory's id (`DEBIAN-CVE-2026-27171`, `GHSA-...`).
    pub advisory: String,
    /// Other ids of the same vulnerability (`CVE-...`), sorted.
    pub aliases: Vec<String>,
    /// `fixed`, `unfixed` or `wont-fix`.
    pub status: String,
    /// The advisory's severity: `critical`, `high`, `medium`, `low`, `negligible` or
    /// `unknown`.
    pub severity: String,
    /// CVSS base score, when the advisory gives a vector.
    pub cvss_score: Option<f64>,
    /// The package's purl.
    pub purl: String,
    /// Advisory URLs, most useful first.
    pub references: Vec<String>,
}

impl Diagnostic {
    pub fn new(rule: &'static RuleMeta, location: Location, message: impl Into<Text>) -> Self {
        Self {
            rule,
            severity: rule.severity,
            message: exact(message.into()),
            location,
            related: ThinVec::new(),
            help: None,
            fix: None,
            redactions: ThinVec::new(),
            cis: None,
            vuln: None,
            lowered: false,
        }
    }

    pub fn with_help(mut self, help: impl Into<Text>) -> Self {
        self.help = Some(exact(help.into()));
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(Box::new(fix));
        self
    }

    pub fn with_related(mut self, location: Location, message: impl Into<String>) -> Self {
        self.related.push(Related { location, message: message.into() });
        self
    }

    pub fn with_redaction(mut self, range: TextRange) -> Self {
        self.redactions.push(range);
        self
    }

    pub fn with_vuln(mut self, facts: VulnFacts) -> Self {
        self.vuln = Some(Box::new(facts));
        self
    }

    /// Sets the help text (for chaining on `&mut` from a rule context).
    pub fn help(&mut self, help: impl Into<Text>) -> &mut Self {
        self.help = Some(exact(help.into()));
        self
    }

    pub fn fix(&mut self, fix: Fix) -> &mut Self {
        self.fix = Some(Box::new(fix));
        self
    }

    pub fn related(&mut self, location: Location, message: impl Into<String>) -> &mut Self {
        self.related.push(Related { location, message: message.into() });
        self
    }

    /// Puts this finding one level below its rule's severity (see [`Diagnostic::lowered`]).
    pub fn lower_severity(&mut self) -> &mut Self {
        if !self.lowered {
            self.lowered = true;
            self.severity = self.severity.lower();
        }
        self
    }

    /// Sets the severity configured for the rule, one level lower for a lowered finding.
    pub fn configure_severity(&mut self, configured: Severity) {
        self.severity = if self.lowered { configured.lower() } else { configured };
    }

    pub fn mark_secret(&mut self, range: TextRange) -> &mut Self {
        self.redactions.push(range);
        self
    }

    /// Narrows the finding to these of its rule's CIS controls (see [`Diagnostic::cis`]);
    /// an empty list means none of them.
    pub fn cis_controls(&mut self, ids: &[&'static str]) -> &mut Self {
        debug_assert!(
            ids.iter().all(|id| self.rule.cis.contains(id)),
            "{} has no CIS control in {ids:?}",
            self.rule.code
        );
        self.cis = Some(ids.iter().copied().collect());
        self
    }

    /// The CIS controls this finding counts against.
    pub fn controls(&self) -> &[&'static str] {
        self.cis.as_deref().unwrap_or(self.rule.cis)
    }

    /// The canonical output order: file, position, rule code, message.
    pub fn sort_key_cmp(&self, other: &Self) -> Ordering {
        self.location
            .name()
            .cmp(other.location.name())
            .then_with(|| self.location.sort_offset().cmp(&other.location.sort_offset()))
            // A logical location's field plays the part of a position in a file.
            .then_with(|| match (&self.location, &other.location) {
                (Location::Logical { path: a, .. }, Location::Logical { path: b, .. }) => a.cmp(b),
                _ => Ordering::Equal,
            })
            .then_with(|| self.rule.code.cmp(other.rule.code))
            .then_with(|| self.message.cmp(&other.message))
    }
}

/// Sorts findings into the canonical order ([`Diagnostic::sort_key_cmp`]), stably, like
/// `slice::sort_by`, but without its scratch buffer of half the findings: the order is
/// found on 4-byte indices and then applied in place, cycle by cycle. A 50,000-service
/// Compose file has 400,000 findings of a few hundred bytes each (issue 19 #5).
pub fn sort_diagnostics(list: &mut [Diagnostic]) {
    if list.is_sorted_by(|a, b| a.sort_key_cmp(b) != Ordering::Greater) {
        return;
    }
    let Ok(len) = u32::try_from(list.len()) else {
        list.sort_by(|a, b| a.sort_key_cmp(b));
        return;
    };
    let mut order: Vec<u32> = (0..len).collect();
    order.sort_by(|&a, &b| list[a as usize].sort_key_cmp(&list[b as usize]));
    // `order[i]` is the index of the finding that belongs at `i`: follow each cycle,
    // swapping each place's finding in from where it is.
    for start in 0..list.len() {
        if order[start] as usize == start {
            continue;
        }
        let mut at = start;
        loop {
            let from = order[at] as usize;
            order[at] = at as u32;
            if from == start {
                break;
            }
            list.swap(at, from);
            at = from;
        }
    }
}

/// `text` without spare capacity. Findings are kept until the report is written (a
/// 10 MB Dockerfile can have 100,000 of them), and `format!` leaves up to half of its
/// buffer unused (issue 19 #5).
fn exact(text: Text) -> Text {
    match text {
        Text::Owned(mut text) => {
            text.shrink_to_fit();
            Text::Owned(text)
        }
        borrowed => borrowed,
    }
}

/// Masks `redactions` inside `text`, which starts at byte `text_start` of the file.
/// Each secret byte range becomes `****` so neither its content nor its length leaks.
pub fn redact(text: &str, text_start: u32, redactions: &[TextRange]) -> String {
    if redactions.is_empty() {
        return text.to_string();
    }
    let text_end = text_start + text.len() as u32;
    let mut ranges: Vec<(usize, usize)> = redactions
        .iter()
        .filter_map(|r| {
            let s = u32::from(r.start()).max(text_start);
            let e = u32::from(r.end()).min(text_end);
            (s < e).then(|| ((s - text_start) as usize, (e - text_start) as usize))
        })
        .collect();
    ranges.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for (s, e) in ranges {
        let s = floor_char_boundary(text, s.max(pos));
        let e = ceil_char_boundary(text, e);
        if s < pos || e <= s {
            pos = pos.max(e);
            continue;
        }
        out.push_str(&text[pos..s]);
        out.push_str("****");
        pos = e;
    }
    out.push_str(&text[pos.min(text.len())..]);
    out
}

/// True when a secret's text cannot be an ordinary word, so a copy of it elsewhere
/// (a message quoting the value, the same token twice in the file) is the secret and
/// may be masked by text: at least 6 characters, with a letter and something that is
/// not a letter (`hunter2`, `s3cr3t-value`, `AKIA...`). A plain word (`root`, `admin`,
/// `postgres`) is masked only where it is the secret, by byte range: masking every
/// `root` in a report would turn "writable root filesystem" into "writable ****
/// filesystem" and so print the password.
pub fn is_distinctive_secret(secret: &str) -> bool {
    secret.chars().count() >= 6
        && secret.chars().any(char::is_alphabetic)
        && secret.chars().any(|c| !c.is_alphabetic())
        && !secret.chars().any(char::is_whitespace)
}

/// `text` with every whole-token copy of a distinctive secret (see
/// [`is_distinctive_secret`]) replaced by `****`. A copy is whole when neither
/// neighbour is a letter, digit or `_` (`hunter2` in `bob:hunter2@host`, not in
/// `hunter22`). `secrets` that are not distinctive are ignored.
pub fn mask_copies<'a>(text: &'a str, secrets: &[&str]) -> std::borrow::Cow<'a, str> {
    let mut sorted: Vec<&str> = secrets.iter().copied().filter(|s| is_distinctive_secret(s)).collect();
    // Longest first, so a secret containing another is replaced whole.
    sorted.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    sorted.dedup();
    let mut out = std::borrow::Cow::Borrowed(text);
    for secret in sorted {
        if !out.contains(secret) {
            continue;
        }
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        let mut masked = String::with_capacity(out.len());
        let mut pos = 0;
        let src: &str = &out;
        while let Some(found) = src[pos..].find(secret) {
            let start = pos + found;
            let end = start + secret.len();
            let before = src[..start].chars().next_back();
            let after = src[end..].chars().next();
            masked.push_str(&src[pos..start]);
            if word(before) || word(after) {
                masked.push_str(secret);
            } else {
                masked.push_str("****");
            }
            pos = end;
        }
        masked.push_str(&src[pos..]);
        if masked != *src {
            out = std::borrow::Cow::Owned(masked);
        }
    }
    out
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockward_source::TextSize;

    fn r(a: u32, b: u32) -> TextRange {
        TextRange::new(TextSize::from(a), TextSize::from(b))
    }

    #[test]
    fn redact_masks_only_the_secret() {
        assert_eq!(redact("ENV TOKEN=abc123 X=1", 0, &[r(10, 16)]), "ENV TOKEN=**** X=1");
        // Ranges are absolute; the text starts at offset 100.
        assert_eq!(redact("pw=hunter2", 100, &[r(103, 110)]), "pw=****");
        // A range only partly inside the text is clipped.
        assert_eq!(redact("abcdef", 10, &[r(5, 12)]), "****cdef");
        assert_eq!(redact("abc", 0, &[]), "abc");
    }

    #[test]
    fn only_distinctive_secrets_are_masked_by_text() {
        assert!(is_distinctive_secret("hunter2") && is_distinctive_secret("s3cr3t-value"));
        for plain in ["root", "admin", "postgres", "password", "12345678", "abc1", "two words1"] {
            assert!(!is_distinctive_secret(plain), "{plain}");
        }
        // A plain word is never masked by text: it may be any other word of the report.
        assert_eq!(mask_copies("writable root filesystem", &["root"]), "writable root filesystem");
        assert_eq!(mask_copies("bob:hunter2@h, hunter22, hunter2.", &["hunter2"]), "bob:****@h, hunter22, ****.");
        assert_eq!(mask_copies("k=s3cret-pw-long s3cret-pw", &["s3cret-pw", "s3cret-pw-long"]), "k=**** ****");
        assert!(matches!(mask_copies("nothing", &["hunter2"]), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn lowered_findings_keep_their_step_under_configuration() {
        static META: RuleMeta = RuleMeta {
            code: "XX001",
            name: "x",
            summary: "x",
            docs: "",
            severity: Severity::Error,
            category: Category::Security,
            target: Target::Dockerfile,
            fix: FixAvailability::None,
            default_enabled: true,
            aliases: &[],
            cis: &[],
            practices: &[],
        };
        let mut d = Diagnostic::new(&META, Location::File { name: "f".into() }, "m");
        d.lower_severity().lower_severity();
        assert_eq!(d.severity, Severity::Warning, "lowered once, however often asked");
        d.configure_severity(Severity::Warning);
        assert_eq!(d.severity, Severity::Info);
        let mut plain = Diagnostic::new(&META, Location::File { name: "f".into() }, "m");
        plain.configure_severity(Severity::Warning);
        assert_eq!(plain.severity, Severity::Warning);
        assert_eq!(Severity::Info.lower(), Severity::Info);
    }

    #[test]
    fn sort_diagnostics_is_the_stable_sort() {
        static META: RuleMeta = RuleMeta {
            code: "XX002",
            name: "x",
            summary: "x",
            docs: "",
            severity: Severity::Error,
            category: Category::Security,
            target: Target::Dockerfile,
            fix: FixAvailability::None,
            default_enabled: true,
            aliases: &[],
            cis: &[],
            practices: &[],
        };
        // Ties (same file, place, rule, message) told apart by their help: a stable sort
        // keeps them in their first order. A fixed pseudo-random order, many cycles.
        let mut seed = 7u32;
        let list: Vec<Diagnostic> = (0..500)
            .map(|i| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                let file = format!("f{}", (seed >> 16) % 5);
                let at = (seed >> 8) % 7;
                Diagnostic::new(&META, Location::Logical { scope: file, path: at.to_string() }, "m")
                    .with_help(i.to_string())
            })
            .collect();
        let key = |d: &Diagnostic| (d.location.to_string(), d.help.clone());
        let mut expected = list.clone();
        expected.sort_by(|a, b| a.sort_key_cmp(b));
        let mut got = list;
        sort_diagnostics(&mut got);
        assert_eq!(got.iter().map(key).collect::<Vec<_>>(), expected.iter().map(key).collect::<Vec<_>>());
        sort_diagnostics(&mut got);
        assert_eq!(got.iter().map(key).collect::<Vec<_>>(), expected.iter().map(key).collect::<Vec<_>>());
    }

    #[test]
    fn a_finding_stays_small() {
        // Every finding of a file is held until its report is written (issue 19 #5): a
        // 10 MB Dockerfile has about 120,000, a 50,000-service Compose file 400,000.
        // The rarely-set fields cost one pointer each; this was 248 bytes before.
        let size = std::mem::size_of::<Diagnostic>();
        eprintln!("size_of::<Diagnostic>() = {size}");
        assert!(size <= 152, "Diagnostic grew to {size} bytes: box or thin the new field");
        assert!(std::mem::size_of::<Location>() <= 56);
    }

    #[test]
    fn severity_orders_and_parses() {
        assert!(Severity::Info < Severity::Warning && Severity::Warning < Severity::Error);
        assert_eq!(Severity::parse("WARN"), Some(Severity::Warning));
        assert_eq!(Severity::parse("fatal"), None);
    }
}
