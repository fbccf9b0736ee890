//! Python package versions: PEP 440 (the "Version specifiers" specification of the
//! Python Packaging Authority), parsed with the permitted spellings and ordered as
//! the `packaging` library orders them.
//!
//! ```text
//! [v][N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]
//! ```
//!
//! - **Epoch** `N!`, default 0, compared first.
//! - **Release** `N(.N)*`, compared numerically with trailing zeros ignored
//!   (`1.0.0 == 1.0`).
//! - **Pre-release** `a`, `b`, `rc`; also spelled `alpha`, `beta`, `c`, `pre`,
//!   `preview` (all of `c`, `pre`, `preview` mean `rc`), optionally preceded and
//!   followed by one of `.`, `-`, `_`; a missing number is 0 (`1.0-alpha` is `1.0a0`).
//! - **Post-release** `.postN`, also spelled `post`, `rev`, `r` with optional
//!   separators and implicit 0, or `-N` (`1.0-1 == 1.0.post1`).
//! - **Development release** `.devN`, same separator and implicit-number rules.
//! - **Local version** `+` and segments of ASCII letters and digits separated by
//!   `.`, `-` or `_`.
//! - Parsing ignores case and surrounding white space, and allows a leading `v`.
//!
//! Ordering: epoch, release, then pre-release (a version with only a dev part sorts
//! before all pre-releases of its release, a version without pre-release after
//! them), post-release (none is oldest), dev-release (none is newest), local (none is
//! oldest; segments compare numerically when both are numeric, a numeric segment is
//! newer than an alphanumeric one, alphanumeric ones compare as lower-case strings,
//! and a shorter prefix is older). Hence
//! `1.0.dev1 < 1.0a1.dev1 < 1.0a1 < 1.0 < 1.0+local < 1.0.post1.dev1 < 1.0.post1`.
//!
//! Anything else is invalid, including PyPI's legacy versions (`2004d`,
//! `1.0-SNAPSHOT`), which `packaging` no longer orders either.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::num::{digits_end, Num};
use crate::{Scheme, VersionError};

/// The pre-release phases, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PreRelease {
    /// `a` (alpha).
    Alpha,
    /// `b` (beta).
    Beta,
    /// `rc` (release candidate; also `c`, `pre`, `preview`).
    Rc,
}

impl PreRelease {
    fn as_str(self) -> &'static str {
        match self {
            PreRelease::Alpha => "a",
            PreRelease::Beta => "b",
            PreRelease::Rc => "rc",
        }
    }
}

/// One segment of a local version label.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Local {
    // Declared first: an alphanumeric segment is older than a numeric one.
    Text(String),
    Number(Num),
}

/// A PEP 440 version. Equality is the ordering's (`1.0 == 1.0.0 == V1.0`).
#[derive(Debug, Clone)]
pub struct Version {
    epoch: Num,
    release: Vec<Num>,
    pre: Option<(PreRelease, Num)>,
    post: Option<Num>,
    dev: Option<Num>,
    local: Option<Vec<Local>>,
}

const PRE_LABELS: [(&str, PreRelease); 8] = [
    // Longer spellings first: "alpha" before "a", "preview" before "pre".
    ("alpha", PreRelease::Alpha),
    ("a", PreRelease::Alpha),
    ("beta", PreRelease::Beta),
    ("b", PreRelease::Beta),
    ("preview", PreRelease::Rc),
    ("pre", PreRelease::Rc),
    ("c", PreRelease::Rc),
    ("rc", PreRelease::Rc),
];

fn is_separator(c: u8) -> bool {
    matches!(c, b'.' | b'-' | b'_')
}

/// The positions where an optional separator may end, in the order the reference
/// regular expression tries them (consume it first).
fn optional_separator(s: &[u8], p: usize) -> Vec<usize> {
    if s.get(p).is_some_and(|&c| is_separator(c)) {
        vec![p + 1, p]
    } else {
        vec![p]
    }
}

/// `[-_.]?([0-9]+)?` after a label: every way to match it, most greedy first.
fn separator_and_number(s: &[u8], p: usize) -> Vec<(Option<Num>, usize)> {
    let mut out = Vec::new();
    for q in optional_separator(s, p) {
        let end = digits_end(s, q);
        if end > q {
            out.push((Some(Num::new(&s[q..end])), end));
        }
        out.push((None, q));
    }
    out
}

/// The label among `labels` spelled at `p`, if any (only one can match: a shorter
/// spelling is never followed by a valid continuation of a longer one).
fn label<T: Copy>(s: &[u8], p: usize, labels: &[(&str, T)]) -> Option<(T, usize)> {
    labels
        .iter()
        .find(|(text, _)| s[p.min(s.len())..].starts_with(text.as_bytes()))
        .map(|&(text, t)| (t, p + text.len()))
}

type Pre = Option<(PreRelease, Num)>;

fn pre_candidates(s: &[u8], p: usize) -> Vec<(Pre, usize)> {
    let mut out = Vec::new();
    for q in optional_separator(s, p) {
        if let Some((kind, q)) = label(s, q, &PRE_LABELS) {
            for (number, end) in separator_and_number(s, q) {
                out.push((Some((kind, number.unwrap_or_default())), end));
            }
        }
    }
    out.push((None, p));
    out
}

fn post_candidates(s: &[u8], p: usize) -> Vec<(Option<Num>, usize)> {
    let mut out = Vec::new();
    if s.get(p) == Some(&b'-') {
        let end = digits_end(s, p + 1);
        if end > p + 1 {
            out.push((Some(Num::new(&s[p + 1..end])), end));
        }
    }
    for q in optional_separator(s, p) {
        if let Some(((), q)) = label(s, q, &[("post", ()), ("rev", ()), ("r", ())]) {
            for (number, end) in separator_and_number(s, q) {
                out.push((Some(number.unwrap_or_default()), end));
            }
        }
    }
    out.push((None, p));
    out
}

fn dev_candidates(s: &[u8], p: usize) -> Vec<(Option<Num>, usize)> {
    let mut out = Vec::new();
    for q in optional_separator(s, p) {
        if let Some(((), q)) = label(s, q, &[("dev", ())]) {
            for (number, end) in separator_and_number(s, q) {
                out.push((Some(number.unwrap_or_default()), end));
            }
        }
    }
    out.push((None, p));
    out
}

/// `(+[a-z0-9]+([-_.][a-z0-9]+)*)?` up to the end of the string.
fn local_to_end(s: &[u8], p: usize) -> Option<Option<Vec<Local>>> {
    if p == s.len() {
        return Some(None);
    }
    if s[p] != b'+' {
        return None;
    }
    let mut segments = Vec::new();
    for segment in s[p + 1..].split(|&c| is_separator(c)) {
        if segment.is_empty() || !segment.iter().all(u8::is_ascii_alphanumeric) {
            return None;
        }
        segments.push(if segment.iter().all(u8::is_ascii_digit) {
            Local::Number(Num::new(segment))
        } else {
            Local::Text(String::from_utf8_lossy(segment).into_owned())
        });
    }
    Some(Some(segments))
}

fn err(version: &str, reason: &'static str) -> VersionError {
    VersionError::new(Scheme::Pep440, version, reason)
}

impl Version {
    /// Parses a PEP 440 version in any permitted spelling.
    pub fn parse(input: &str) -> Result<Version, VersionError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(err(input, "version string is empty"));
        }
        if !trimmed.is_ascii() {
            return Err(err(input, "non-ASCII character in version"));
        }
        let lower = trimmed.to_ascii_lowercase();
        let s = lower.as_bytes();
        let mut p = usize::from(s[0] == b'v');

        let mut epoch = Num::zero();
        let end = digits_end(s, p);
        if end > p && s.get(end) == Some(&b'!') {
            epoch = Num::new(&s[p..end]);
            p = end + 1;
        }

        let end = digits_end(s, p);
        if end == p {
            return Err(err(input, "a version starts with its release number (after an optional `v` and `N!`)"));
        }
        let mut release = vec![Num::new(&s[p..end])];
        p = end;
        while s.get(p) == Some(&b'.') && s.get(p + 1).is_some_and(u8::is_ascii_digit) {
            let end = digits_end(s, p + 1);
            release.push(Num::new(&s[p + 1..end]));
            p = end;
        }

        // The pre, post and dev parts each have a few readings (a separator may belong
        // to this part or the next); take the first combination, in the reference
        // regular expression's order, that reaches a valid end.
        for (pre, p) in pre_candidates(s, p) {
            for (post, p) in post_candidates(s, p) {
                for (dev, p) in dev_candidates(s, p) {
                    if let Some(local) = local_to_end(s, p) {
                        return Ok(Version { epoch, release, pre, post, dev, local });
                    }
                }
            }
        }
        Err(err(input, "not a PEP 440 version (N!N.N[{a|b|rc}N][.postN][.devN][+local])"))
    }

    /// The epoch.
    pub fn epoch(&self) -> &str {
        self.epoch.as_str()
    }

    /// The release numbers, as written (`1.0.0` has three).
    pub fn release(&self) -> Vec<&str> {
        self.release.iter().map(Num::as_str).collect()
    }

    /// The pre-release phase and number.
    pub fn pre(&self) -> Option<(PreRelease, &str)> {
        self.pre.as_ref().map(|(kind, n)| (*kind, n.as_str()))
    }

    /// The post-release number.
    pub fn post(&self) -> Option<&str> {
        self.post.as_ref().map(Num::as_str)
    }

    /// The development release number.
    pub fn dev(&self) -> Option<&str> {
        self.dev.as_ref().map(Num::as_str)
    }

    /// True for pre-releases and development releases.
    pub fn is_prerelease(&self) -> bool {
        self.pre.is_some() || self.dev.is_some()
    }

    /// The local version label, normalised (`ubuntu.1`).
    pub fn local(&self) -> Option<String> {
        self.local.as_ref().map(|segments| {
            let parts: Vec<&str> = segments
                .iter()
                .map(|s| match s {
                    Local::Text(t) => t.as_str(),
                    Local::Number(n) => n.as_str(),
                })
                .collect();
            parts.join(".")
        })
    }

    /// The part of the sort key after the release: pre-release, post-release, dev.
    fn suffix_key(&self) -> (PreKey<'_>, Option<&Num>, DevKey<'_>) {
        let pre = match (&self.pre, &self.post, &self.dev) {
            (None, None, Some(_)) => PreKey::BeforeAll,
            (None, _, _) => PreKey::AfterAll,
            (Some((kind, n)), _, _) => PreKey::Pre(*kind, n),
        };
        let dev = match &self.dev {
            Some(n) => DevKey::Dev(n),
            None => DevKey::None,
        };
        (pre, self.post.as_ref(), dev)
    }
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum PreKey<'a> {
    BeforeAll,
    Pre(PreRelease, &'a Num),
    AfterAll,
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum DevKey<'a> {
    Dev(&'a Num),
    None,
}

fn cmp_release(a: &[Num], b: &[Num]) -> Ordering {
    let zero = Num::zero();
    (0..a.len().max(b.len()))
        .map(|i| a.get(i).unwrap_or(&zero).cmp(b.get(i).unwrap_or(&zero)))
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

impl Ord for Version {
    fn cmp(&self, other: &Version) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| cmp_release(&self.release, &other.release))
            .then_with(|| self.suffix_key().cmp(&other.suffix_key()))
            .then_with(|| self.local.cmp(&other.local))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Version) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Version) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl FromStr for Version {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Version, VersionError> {
        Version::parse(s)
    }
}

/// The normalised form (`1!2.0rc1.post0.dev3+ubuntu.1`).
impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.epoch.is_zero() {
            write!(f, "{}!", self.epoch)?;
        }
        let release: Vec<&str> = self.release.iter().map(Num::as_str).collect();
        f.write_str(&release.join("."))?;
        if let Some((kind, n)) = &self.pre {
            write!(f, "{}{}", kind.as_str(), n)?;
        }
        if let Some(n) = &self.post {
            write!(f, ".post{n}")?;
        }
        if let Some(n) = &self.dev {
            write!(f, ".dev{n}")?;
        }
        if let Some(local) = self.local() {
            write!(f, "+{local}")?;
        }
        Ok(())
    }
}

/// Compares two PEP 440 version strings.
pub fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(Version::parse(a)?.cmp(&Version::parse(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normal(s: &str) -> String {
        Version::parse(s).unwrap().to_string()
    }

    #[test]
    fn spellings_normalise() {
        let cases = [
            ("1.0", "1.0"),
            ("V1.0", "1.0"),
            ("1.0a", "1.0a0"),
            ("1.0-alpha", "1.0a0"),
            ("1.0.ALPHA.1", "1.0a1"),
            ("1.0_b-2", "1.0b2"),
            ("1.0c1", "1.0rc1"),
            ("1.0preview1", "1.0rc1"),
            ("1.0-pre_1", "1.0rc1"),
            ("1.0-1", "1.0.post1"),
            ("1.0post", "1.0.post0"),
            ("1.0-r-4", "1.0.post4"),
            ("1.0.rev4", "1.0.post4"),
            ("1.0-dev", "1.0.dev0"),
            ("1.0dev_3", "1.0.dev3"),
            ("1!01.002", "1!1.2"),
            ("0!1.0", "1.0"),
            ("1.0+UBUNTU-1_2", "1.0+ubuntu.1.2"),
            ("1.0+007", "1.0+7"),
            (" \t1.0\n", "1.0"),
            // A separator that no part can take belongs to the next part.
            ("1.0a.post1", "1.0a0.post1"),
            ("1.0a--1", "1.0a0.post1"),
            ("1.0a-1", "1.0a1"),
            ("1.0.post.dev", "1.0.post0.dev0"),
        ];
        for (input, want) in cases {
            assert_eq!(normal(input), want, "{input}");
        }
        let v = Version::parse("1!2.3rc4.post5.dev6+x.7").unwrap();
        assert_eq!(v.epoch(), "1");
        assert_eq!(v.release(), ["2", "3"]);
        assert_eq!(v.pre(), Some((PreRelease::Rc, "4")));
        assert_eq!((v.post(), v.dev()), (Some("5"), Some("6")));
        assert_eq!(v.local().as_deref(), Some("x.7"));
        assert!(v.is_prerelease());
    }
}
