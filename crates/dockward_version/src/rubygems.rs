//! Ruby gem versions, ordered as RubyGems' `Gem::Version` orders them.
//!
//! - Valid versions match `[0-9]+(\.[0-9A-Za-z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?`
//!   after surrounding white space is removed; each `-` then reads as `.pre.`
//!   (`1.0.0-rc1` is `1.0.0.pre.rc1`).
//! - The segments are the runs of digits and the runs of letters (`1.8.2.a10` is
//!   `1, 8, 2, a, 10`). A version with a letter is a pre-release.
//! - Trailing zeros are dropped from the numeric segments before the first letter
//!   run, and from the segments after it (`1.0 == 1`, `0.0.beta.1 == 0.beta.1`).
//! - Versions compare segment by segment, a missing segment counting as 0: numbers
//!   numerically, letter runs as (case-sensitive) strings, and a letter run is older
//!   than a number. So `1.0.a < 1.0 < 1.0.0.1`, `5.a < 5.0.0.rc2 < 5.x`.
//!
//! `Gem::Version` reads a blank string as `0`; here an empty or blank version is an
//! error, like every other invalid one (`junk`, `1..2`, `1.0\n2.0`).

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::num::Num;
use crate::{Scheme, VersionError};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Number(Num),
    Letters(String),
}

impl Segment {
    fn is_zero(&self) -> bool {
        matches!(self, Segment::Number(n) if n.is_zero())
    }
}

/// A gem version. Equality is the ordering's (`1.0 == 1`).
#[derive(Debug, Clone)]
pub struct Version {
    text: String,
    /// The canonical segments (trailing zeros dropped as described above).
    segments: Vec<Segment>,
    prerelease: bool,
}

fn is_ruby_space(c: char) -> bool {
    // Ruby's `strip`: ASCII white space and NUL.
    c.is_ascii_whitespace() || c == '\x0b' || c == '\0'
}

/// `[0-9]+(\.[0-9A-Za-z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?`
fn is_valid(s: &str) -> bool {
    let (release, pre) = match s.split_once('-') {
        Some((release, pre)) => (release, Some(pre)),
        None => (s, None),
    };
    let mut parts = release.split('.');
    let first_ok = parts.next().is_some_and(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()));
    let rest_ok = parts.all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_alphanumeric()));
    let pre_ok = pre.is_none_or(|pre| {
        pre.split('.').all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-'))
    });
    first_ok && rest_ok && pre_ok
}

impl Version {
    /// Parses a gem version.
    pub fn parse(input: &str) -> Result<Version, VersionError> {
        let s = input.trim_matches(is_ruby_space);
        if s.is_empty() {
            return Err(VersionError::new(Scheme::RubyGems, input, "version string is empty"));
        }
        if !is_valid(s) {
            return Err(VersionError::new(
                Scheme::RubyGems,
                input,
                "not a gem version (N{.segment}[-pre{.segment}], letters, digits and dots)",
            ));
        }
        let expanded = s.replace('-', ".pre.");
        let bytes = expanded.as_bytes();
        let mut segments = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            if bytes[i].is_ascii_digit() {
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                segments.push(Segment::Number(Num::new(&bytes[start..i])));
            } else if bytes[i].is_ascii_alphabetic() {
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                segments.push(Segment::Letters(expanded[start..i].to_owned()));
            } else {
                i += 1;
            }
        }
        let prerelease = segments.iter().any(|s| matches!(s, Segment::Letters(_)));
        // Drop trailing zeros from the numbers before the first letters, and from the rest.
        let split = segments.iter().position(|s| matches!(s, Segment::Letters(_))).unwrap_or(segments.len());
        let mut tail = segments.split_off(split);
        while segments.last().is_some_and(Segment::is_zero) {
            segments.pop();
        }
        while tail.last().is_some_and(Segment::is_zero) {
            tail.pop();
        }
        segments.append(&mut tail);
        Ok(Version { text: s.to_owned(), segments, prerelease })
    }

    /// The version as written, without surrounding white space.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// True when the version has a letter (`1.0.a`, `1.0-1`).
    pub fn is_prerelease(&self) -> bool {
        self.prerelease
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Version) -> Ordering {
        let zero = Segment::Number(Num::zero());
        let (a, b) = (&self.segments, &other.segments);
        for i in 0..a.len().max(b.len()) {
            let order = match (a.get(i).unwrap_or(&zero), b.get(i).unwrap_or(&zero)) {
                (Segment::Number(x), Segment::Number(y)) => x.cmp(y),
                (Segment::Letters(x), Segment::Letters(y)) => x.cmp(y),
                (Segment::Letters(_), Segment::Number(_)) => Ordering::Less,
                (Segment::Number(_), Segment::Letters(_)) => Ordering::Greater,
            };
            if order.is_ne() {
                return order;
            }
        }
        Ordering::Equal
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

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Compares two gem version strings.
pub fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(Version::parse(a)?.cmp(&Version::parse(b)?))
}
