//! Go versions: module versions (semantic versions with Go's rules) and Go toolchain
//! versions (`go1.21rc2`).
//!
//! **Module versions** (`golang.org/x/mod/semver`, "Go Modules Reference" §Versions)
//! are SemVer 2.0.0 with a `v` prefix, plus the shorthands `vMAJOR` and
//! `vMAJOR.MINOR` for `.0` (not combined with a pre-release or build: `v1.2-pre` is
//! invalid). Numbers and numeric pre-release identifiers have no leading zeros.
//! Ordering is SemVer precedence, build metadata ignored, so `+incompatible` does
//! not count. A pseudo-version names a commit as a pre-release of the version after
//! its base, and so sorts as one:
//! `v1.2.3 < v1.2.4-0.20191109021931-daa7c04131f5 < v1.2.4`, and
//! `v0.0.0-20191109021931-daa7c04131f5` sorts before every tagged `v0.0.0` pre-release
//! that starts with a letter. OSV writes module versions without the `v`;
//! [`Version::parse`] accepts both.
//!
//! **Toolchain versions** (`go/version`, `internal/gover`) are
//! `MAJOR[.MINOR[.PATCH]][KIND[N]]`, where a pre-release `KIND` (`alpha`, `beta`,
//! `rc`: lower-case letters) is only allowed without a patch, optionally prefixed by
//! `go`. Since Go 1.21, `1.21` names the language version, which sorts before its
//! release candidates, which sort before the first release `1.21.0`; before 1.21,
//! `1.20` is the first release, equal to `1.20.0`, so
//! `1.20rc1 < 1.20 == 1.20.0 < 1.21 < 1.21rc1 < 1.21.0`. [`Toolchain`] keeps that
//! order. OSV's `stdlib`/`toolchain` records instead use SEMVER ranges with the
//! versions written `1.19.8` and `1.21.0-rc.2`: [`go_toolchain_to_semver`] converts.
//!
//! [`crate::Scheme::Go`] accepts both kinds of string: a module version, or else a
//! toolchain version converted with [`go_toolchain_to_semver`], and compares them by
//! SemVer precedence.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::num::{digits_end, Num};
use crate::{semver, Scheme, VersionError};

fn err(version: &str, reason: impl Into<std::borrow::Cow<'static, str>>) -> VersionError {
    VersionError::new(Scheme::Go, version, reason)
}

/// A Go module version.
#[derive(Debug, Clone)]
pub struct Version {
    semver: semver::Version,
    had_v: bool,
}

impl Version {
    /// Parses a module version, with or without its `v`.
    pub fn parse(s: &str) -> Result<Version, VersionError> {
        let (had_v, body) = match s.strip_prefix('v') {
            Some(body) => (true, body),
            None => (false, s),
        };
        if body.is_empty() {
            return Err(err(s, "version string is empty"));
        }
        let numbers_end = body.find(['-', '+']).unwrap_or(body.len());
        let numbers = body[..numbers_end].split('.').count();
        let full = match numbers {
            3 => body.to_owned(),
            // The shorthands stand alone: `v1.2-pre` and `v1+meta` are invalid.
            1 | 2 if numbers_end == body.len() => format!("{body}{}", ".0".repeat(3 - numbers)),
            1 | 2 => return Err(err(s, "a shortened version (v1, v1.2) cannot have a pre-release or build suffix")),
            _ => return Err(err(s, "the form is vMAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]")),
        };
        match semver::Version::parse_strict(&full) {
            Ok(semver) => Ok(Version { semver, had_v }),
            Err(e) => Err(err(s, e.reason)),
        }
    }

    /// The version as SemVer (without `v`, shorthands expanded).
    pub fn as_semver(&self) -> &semver::Version {
        &self.semver
    }

    /// True for a pseudo-version (`v0.0.0-20191109021931-daa7c04131f5`).
    pub fn is_pseudo(&self) -> bool {
        pseudo_parts(&self.semver).is_some()
    }

    /// The pseudo-version's commit time (`20191109021931`) and revision
    /// (`daa7c04131f5`).
    pub fn pseudo_commit(&self) -> Option<(String, String)> {
        pseudo_parts(&self.semver)
    }

    /// True when the build metadata is `+incompatible` (a v2+ module without go.mod).
    pub fn is_incompatible(&self) -> bool {
        self.semver.build() == ["incompatible"]
    }
}

/// The time and revision of a pseudo-version: its last pre-release identifier is
/// `yyyymmddhhmmss-rev`, and the ones before it are empty (`vX.0.0-`), `0`
/// (`vX.Y.(Z+1)-0.`) or end with `0` (`vX.Y.Z-pre.0.`).
fn pseudo_parts(v: &semver::Version) -> Option<(String, String)> {
    let (last, before) = v.pre().split_last()?;
    let semver::Identifier::AlphaNumeric(last) = last else { return None };
    let (time, rev) = last.split_once('-')?;
    if time.len() != 14 || !time.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if rev.is_empty() || !rev.bytes().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let ok = match before.last() {
        None => v.minor() == "0" && v.patch() == "0",
        Some(semver::Identifier::Numeric(n)) => n.as_str() == "0",
        Some(semver::Identifier::AlphaNumeric(_)) => false,
    };
    ok.then(|| (time.to_owned(), rev.to_owned()))
}

/// True for a Go pseudo-version, with or without its `v`.
pub fn is_pseudo_version(s: &str) -> bool {
    Version::parse(s).is_ok_and(|v| v.is_pseudo())
}

impl FromStr for Version {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Version, VersionError> {
        Version::parse(s)
    }
}

/// The canonical form with `v` (`v1.2.0`) when it was written with one.
impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.had_v {
            f.write_str("v")?;
        }
        write!(f, "{}", self.semver)
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Version) -> Ordering {
        self.semver.cmp(&other.semver)
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

/// A Go toolchain version, ordered as the go command orders them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toolchain {
    major: Num,
    minor: Num,
    /// `None` for a language version (`1.21`) or a pre-release (`1.21rc1`) from Go
    /// 1.21 on, and for pre-releases before; it sorts below every patch number.
    patch: Option<Num>,
    /// `""` for releases, else the pre-release kind (`alpha`, `beta`, `rc`).
    kind: String,
    /// The pre-release number, if written (`rc` without one sorts first).
    pre: Option<Num>,
}

/// A number without unnecessary leading zeros at `p`, as the go command requires.
fn go_number(s: &[u8], p: usize) -> Option<(Num, usize)> {
    let end = digits_end(s, p);
    if end == p || (s[p] == b'0' && end - p > 1) {
        return None;
    }
    Some((Num::new(&s[p..end]), end))
}

/// `MAJOR[.MINOR[.PATCH]][KIND[N]]` with an optional `go` prefix (and, as
/// `go/version` allows, a `-suffix` after a `go`-prefixed version); patch
/// pre-releases only when `allow_patch_pre`.
fn parse_toolchain_parts(input: &str, allow_patch_pre: bool) -> Result<Toolchain, VersionError> {
    let bad = || err(input, "not a Go toolchain version (go1.21.0, go1.21rc2, 1.21)");
    let mut s = input;
    if let Some(rest) = s.strip_prefix("go") {
        s = rest.split('-').next().unwrap_or(rest);
    }
    let b = s.as_bytes();
    let (major, mut p) = go_number(b, 0).ok_or_else(bad)?;
    if p == b.len() {
        return Ok(Toolchain { major, minor: Num::zero(), patch: Some(Num::zero()), kind: String::new(), pre: None });
    }
    if b[p] != b'.' {
        return Err(bad());
    }
    let (minor, end) = go_number(b, p + 1).ok_or_else(bad)?;
    p = end;
    let mut patch = None;
    if b.get(p) == Some(&b'.') {
        let (n, end) = go_number(b, p + 1).ok_or_else(bad)?;
        patch = Some(n);
        p = end;
        if p < b.len() && !allow_patch_pre {
            // Go never released pre-releases of patch releases this way.
            return Err(bad());
        }
    }
    let kind_start = p;
    while p < b.len() && b[p].is_ascii_lowercase() {
        p += 1;
    }
    let kind = String::from_utf8_lossy(&b[kind_start..p]).into_owned();
    let mut pre = None;
    if p < b.len() {
        if kind.is_empty() {
            return Err(bad());
        }
        let (n, end) = go_number(b, p).ok_or_else(bad)?;
        if end != b.len() {
            return Err(bad());
        }
        pre = Some(n);
    }
    if patch.is_none() && kind.is_empty() && minor < Num::new(b"21") {
        // Before Go 1.21, `1.20` is the release `1.20.0`.
        patch = Some(Num::zero());
    }
    Ok(Toolchain { major, minor, patch, kind, pre })
}

impl Toolchain {
    /// Parses `go1.21.0`, `go1.21rc2`, `1.21`, `1.19.8`, `go1.22-bigcorp`.
    pub fn parse(s: &str) -> Result<Toolchain, VersionError> {
        parse_toolchain_parts(s, false)
    }

    /// True for a pre-release (`1.21rc1`).
    pub fn is_prerelease(&self) -> bool {
        !self.kind.is_empty()
    }
}

impl Ord for Toolchain {
    fn cmp(&self, other: &Toolchain) -> Ordering {
        self.major
            .cmp(&other.major)
            .then_with(|| self.minor.cmp(&other.minor))
            .then_with(|| self.patch.cmp(&other.patch))
            .then_with(|| self.kind.cmp(&other.kind))
            .then_with(|| self.pre.cmp(&other.pre))
    }
}

impl PartialOrd for Toolchain {
    fn partial_cmp(&self, other: &Toolchain) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl FromStr for Toolchain {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Toolchain, VersionError> {
        Toolchain::parse(s)
    }
}

/// Compares two Go toolchain versions as the go command does (`1.21 < 1.21rc1 < 1.21.0`).
pub fn compare_toolchain(a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(Toolchain::parse(a)?.cmp(&Toolchain::parse(b)?))
}

/// Converts a Go toolchain version to the SemVer form OSV's Go `stdlib` records use:
/// `go1.21rc2` → `1.21.0-rc.2`, `go1.19` → `1.19.0`, `go1.19.8` → `1.19.8`,
/// `go1` → `1.0.0`. Old patch pre-releases (`go1.9.2rc2` → `1.9.2-rc.2`) convert too.
pub fn go_toolchain_to_semver(s: &str) -> Result<String, VersionError> {
    let t = parse_toolchain_parts(s, true)?;
    let mut out = format!("{}.{}.{}", t.major, t.minor, t.patch.unwrap_or_default());
    if !t.kind.is_empty() {
        out.push('-');
        out.push_str(&t.kind);
        if let Some(pre) = t.pre {
            out.push('.');
            out.push_str(pre.as_str());
        }
    }
    Ok(out)
}

/// The parse behind [`crate::Scheme::Go`]: a module version (with or without `v`),
/// else a toolchain version converted to SemVer.
pub(crate) fn parse_osv(s: &str) -> Result<semver::Version, VersionError> {
    match Version::parse(s) {
        Ok(v) => Ok(v.semver),
        Err(module_error) => match go_toolchain_to_semver(s) {
            Ok(converted) => semver::Version::parse_strict(&converted).map_err(|e| err(s, e.reason)),
            Err(_) => Err(module_error),
        },
    }
}

/// Compares two Go versions as [`crate::Scheme::Go`] does.
pub fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(parse_osv(a)?.cmp(&parse_osv(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudo_versions_are_recognised() {
        for yes in [
            "v0.0.0-20191109021931-daa7c04131f5",
            "v1.2.4-0.20191109021931-daa7c04131f5",
            "v1.2.3-pre.0.20191109021931-daa7c04131f5",
            "v1.2.4-0.20191109021931-daa7c04131f5+incompatible",
            "0.0.0-20191109021931-daa7c04131f5",
        ] {
            assert!(is_pseudo_version(yes), "{yes}");
        }
        for no in [
            "v1.2.3",
            "v1.2.3-pre",
            "v1.2.4-1.20191109021931-daa7c04131f5",
            "v1.2.0-20191109021931-daa7c04131f5",
            "v0.0.0-2019110902193-daa7c04131f5",
            "junk",
        ] {
            assert!(!is_pseudo_version(no), "{no}");
        }
        let v = Version::parse("v1.2.4-0.20191109021931-daa7c04131f5").unwrap();
        assert_eq!(v.pseudo_commit(), Some(("20191109021931".into(), "daa7c04131f5".into())));
        assert!(Version::parse("v2.0.0+incompatible").unwrap().is_incompatible());
        assert_eq!(Version::parse("v1.2").unwrap().to_string(), "v1.2.0");
        assert_eq!(Version::parse("1").unwrap().to_string(), "1.0.0");
    }
}
