//! RPM versions: `rpmvercmp` and epoch/version/release (EVR) comparison.
//!
//! `rpmvercmp` (rpm's `rpmio/rpmvercmp.c`) compares two strings segment by segment:
//!
//! - characters other than ASCII letters, ASCII digits, `~` and `^` are separators and
//!   only delimit segments (`2.0 == 2_0`, `1.1.α == 1.1.β`);
//! - `~` sorts before anything, even the end of the string (`1.0~rc1 < 1.0`);
//! - `^` sorts after the end of the string but before anything else
//!   (`1.0 < 1.0^git1 < 1.0.1`);
//! - a segment is a run of digits or a run of letters; digit runs compare numerically
//!   (leading zeros ignored), letter runs as ASCII strings, and a numeric segment is
//!   newer than an alphabetic one (`1.0 > 1.a`);
//! - when one string runs out, the one with segments left is newer.
//!
//! An EVR is `[epoch:]version[-release]`: the epoch is the leading digits before a
//! colon (absent means 0), the release follows the last hyphen. Epochs compare
//! numerically, then versions and releases with `rpmvercmp`. rpm itself skips the
//! release when either side has none (so `1.0` matches `1.0-3` in a dependency);
//! that is not an order, so here a missing release compares as an empty one, older
//! than any release.
//!
//! rpm accepts nearly any string; [`parse_evr`] refuses an empty string, an empty
//! version or release (`1:`, `1.0-`), and white space or control characters, none of
//! which a package can carry.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::num::cmp_digits;
use crate::{Scheme, VersionError};

fn is_separator(c: u8) -> bool {
    !c.is_ascii_alphanumeric() && c != b'~' && c != b'^'
}

/// rpm's comparison of two version (or release) strings. Total on any strings.
pub fn rpmvercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    loop {
        while i < a.len() && is_separator(a[i]) {
            i += 1;
        }
        while j < b.len() && is_separator(b[j]) {
            j += 1;
        }
        let (ca, cb) = (a.get(i).copied(), b.get(j).copied());
        if ca == Some(b'~') || cb == Some(b'~') {
            match (ca, cb) {
                (Some(b'~'), Some(b'~')) => {
                    i += 1;
                    j += 1;
                    continue;
                }
                (Some(b'~'), _) => return Ordering::Less,
                _ => return Ordering::Greater,
            }
        }
        if ca == Some(b'^') || cb == Some(b'^') {
            match (ca, cb) {
                (None, _) => return Ordering::Less,
                (_, None) => return Ordering::Greater,
                (Some(b'^'), Some(b'^')) => {
                    i += 1;
                    j += 1;
                    continue;
                }
                (Some(b'^'), _) => return Ordering::Less,
                _ => return Ordering::Greater,
            }
        }
        let (Some(first), Some(_)) = (ca, cb) else {
            // One side (or both) ran out: the one with more is newer.
            return match (ca, cb) {
                (None, None) => Ordering::Equal,
                (None, _) => Ordering::Less,
                _ => Ordering::Greater,
            };
        };
        let numeric = first.is_ascii_digit();
        let in_segment = |c: u8| if numeric { c.is_ascii_digit() } else { c.is_ascii_alphabetic() };
        let mut ei = i;
        while ei < a.len() && in_segment(a[ei]) {
            ei += 1;
        }
        let mut ej = j;
        while ej < b.len() && in_segment(b[ej]) {
            ej += 1;
        }
        if ej == j {
            // Segments of different types: numeric is newer.
            return if numeric { Ordering::Greater } else { Ordering::Less };
        }
        let by_value = if numeric { cmp_digits(&a[i..ei], &b[j..ej]) } else { a[i..ei].cmp(&b[j..ej]) };
        if by_value != Ordering::Equal {
            return by_value;
        }
        i = ei;
        j = ej;
    }
}

/// An RPM epoch, version and release.
#[derive(Debug, Clone)]
pub struct Evr {
    epoch: Option<crate::num::Num>,
    version: String,
    release: Option<String>,
}

fn err(version: &str, reason: &'static str) -> VersionError {
    VersionError::new(Scheme::Rpm, version, reason)
}

/// Parses `[epoch:]version[-release]` (`1:2.3-4.el9`).
pub fn parse_evr(s: &str) -> Result<Evr, VersionError> {
    if s.is_empty() {
        return Err(err(s, "version string is empty"));
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(err(s, "white space or control character in version"));
    }
    // As rpm's parseEVR: the epoch is a (possibly empty) digit run ending at a colon.
    let digits = crate::num::digits_end(s.as_bytes(), 0);
    let (epoch, rest) = if s.as_bytes().get(digits) == Some(&b':') {
        (Some(crate::num::Num::new(&s.as_bytes()[..digits])), &s[digits + 1..])
    } else {
        (None, s)
    };
    let (version, release) = match rest.rsplit_once('-') {
        Some((version, release)) => (version, Some(release)),
        None => (rest, None),
    };
    if version.is_empty() {
        return Err(err(s, "version is empty"));
    }
    if release == Some("") {
        return Err(err(s, "release is empty"));
    }
    Ok(Evr { epoch, version: version.to_owned(), release: release.map(str::to_owned) })
}

impl Evr {
    /// Parses `[epoch:]version[-release]`; see [`parse_evr`].
    pub fn parse(s: &str) -> Result<Evr, VersionError> {
        parse_evr(s)
    }

    /// The epoch's digits, if one was written.
    pub fn epoch(&self) -> Option<&str> {
        self.epoch.as_ref().map(|e| e.as_str())
    }

    /// The version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The release, if one was written.
    pub fn release(&self) -> Option<&str> {
        self.release.as_deref()
    }
}

impl FromStr for Evr {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Evr, VersionError> {
        parse_evr(s)
    }
}

impl fmt::Display for Evr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(epoch) = &self.epoch {
            write!(f, "{epoch}:")?;
        }
        f.write_str(&self.version)?;
        if let Some(release) = &self.release {
            write!(f, "-{release}")?;
        }
        Ok(())
    }
}

impl Ord for Evr {
    fn cmp(&self, other: &Evr) -> Ordering {
        let zero = crate::num::Num::zero();
        let (ea, eb) = (self.epoch.as_ref().unwrap_or(&zero), other.epoch.as_ref().unwrap_or(&zero));
        ea.cmp(eb)
            .then_with(|| rpmvercmp(&self.version, &other.version))
            .then_with(|| rpmvercmp(self.release.as_deref().unwrap_or(""), other.release.as_deref().unwrap_or("")))
    }
}

impl PartialOrd for Evr {
    fn partial_cmp(&self, other: &Evr) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Evr {
    fn eq(&self, other: &Evr) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Evr {}

/// Compares two EVR strings.
pub fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(parse_evr(a)?.cmp(&parse_evr(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evr_parts() {
        let evr = parse_evr("1:2.3-4").unwrap();
        assert_eq!((evr.epoch(), evr.version(), evr.release()), (Some("1"), "2.3", Some("4")));
        assert_eq!(evr.to_string(), "1:2.3-4");
        let evr = parse_evr("2.3").unwrap();
        assert_eq!((evr.epoch(), evr.version(), evr.release()), (None, "2.3", None));
        // A colon after something other than digits is part of the version.
        let evr = parse_evr("a:1-2").unwrap();
        assert_eq!((evr.epoch(), evr.version(), evr.release()), (None, "a:1", Some("2")));
        // An empty epoch is 0.
        assert_eq!(parse_evr(":1").unwrap().epoch(), Some("0"));
        let evr = parse_evr("0:1.2-3-4").unwrap();
        assert_eq!((evr.version(), evr.release()), ("1.2-3", Some("4")));
    }
}
