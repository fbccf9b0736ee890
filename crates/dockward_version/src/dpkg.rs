//! Debian package versions, ordered as `dpkg --compare-versions` orders them.
//!
//! The specification is Debian Policy §5.6.12 (`Version`) and dpkg's own parser
//! (`parseversion`) and comparator (`verrevcmp`):
//!
//! - The form is `[epoch:]upstream_version[-debian_revision]`. The epoch is the digits
//!   before the first colon (default 0, at most `i32::MAX`); the revision is what
//!   follows the **last** hyphen (default empty), so the upstream version may hold
//!   hyphens only when a revision is present, and colons only when an epoch is.
//! - Epochs compare numerically. Upstream versions, then revisions, compare with
//!   `verrevcmp`: alternately a run of non-digits and a run of digits from each string.
//!   Non-digit runs compare character by character, where `~` sorts before
//!   everything, *even the end of the string*, then the end of the string, then
//!   letters (ASCII order), then every other character (ASCII order). Digit runs
//!   compare numerically; an absent run counts as 0.
//! - So `1.0~rc1 < 1.0 < 1.0a < 1.0+b1 < 1.0.1`, and `1.0` equals `1.0-0` and `0:1.0`.
//!
//! Parsing follows dpkg: leading and trailing white space is ignored; an empty
//! string, embedded white space, an empty or non-numeric or negative or too large
//! epoch, nothing after the colon, an empty revision (`1.0-`) and an empty upstream
//! version are errors. dpkg only *warns* about an upstream version that does not
//! start with a digit and about characters outside the allowed sets (upstream:
//! alphanumerics and `.+-~:`, revision: alphanumerics and `.+~`), and
//! `dpkg --compare-versions` compares such versions anyway: [`Version::parse`] accepts
//! them as dpkg does, [`Version::parse_strict`] turns the warnings into errors.
//!
//! Bytes outside ASCII sort with the "other characters", after letters, by byte
//! value (dpkg's result depends on the platform's `char` signedness there).

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::{Scheme, VersionError};

/// A parsed Debian version. Ordering (and equality) is dpkg's: `1.0 == 1.0-0 == 0:1.00`.
#[derive(Debug, Clone)]
pub struct Version {
    epoch: u32,
    upstream: String,
    revision: String,
}

fn err(version: &str, reason: &'static str) -> VersionError {
    VersionError::new(Scheme::Dpkg, version, reason)
}

/// dpkg trims and rejects with C's `isspace`, which includes the vertical tab.
fn is_c_space(c: char) -> bool {
    c.is_ascii_whitespace() || c == '\x0b'
}

impl Version {
    /// Parses a version as `dpkg --compare-versions` does: what dpkg only warns about
    /// (an upstream part not starting with a digit, unusual characters) is accepted.
    pub fn parse(s: &str) -> Result<Version, VersionError> {
        Version::parse_inner(s, false)
    }

    /// Parses a version and also refuses what dpkg warns about: an upstream version
    /// not starting with a digit and characters outside the allowed sets.
    pub fn parse_strict(s: &str) -> Result<Version, VersionError> {
        Version::parse_inner(s, true)
    }

    fn parse_inner(input: &str, strict: bool) -> Result<Version, VersionError> {
        let s = input.trim_matches(is_c_space);
        if s.is_empty() {
            return Err(err(input, "version string is empty"));
        }
        if s.contains(is_c_space) {
            return Err(err(input, "version string has embedded spaces"));
        }
        let (epoch, rest) = match s.split_once(':') {
            None => (0, s),
            Some((epoch, rest)) => {
                if epoch.is_empty() {
                    return Err(err(input, "epoch in version is empty"));
                }
                if epoch.starts_with('-') && epoch.len() > 1 && epoch[1..].bytes().all(|c| c.is_ascii_digit()) {
                    return Err(err(input, "epoch in version is negative"));
                }
                if !epoch.bytes().all(|c| c.is_ascii_digit()) {
                    return Err(err(input, "epoch in version is not number"));
                }
                if crate::num::cmp_digits(epoch.as_bytes(), b"2147483647") == Ordering::Greater {
                    return Err(err(input, "epoch in version is too big"));
                }
                if rest.is_empty() {
                    return Err(err(input, "nothing after colon in version number"));
                }
                let value = epoch.bytes().fold(0u32, |n, c| n.wrapping_mul(10).wrapping_add(u32::from(c - b'0')));
                (value, rest)
            }
        };
        let (upstream, revision) = match rest.rsplit_once('-') {
            None => (rest, ""),
            Some((_, "")) => return Err(err(input, "revision number is empty")),
            Some((upstream, revision)) => (upstream, revision),
        };
        if upstream.is_empty() {
            return Err(err(input, "version number is empty"));
        }
        if strict {
            if !upstream.starts_with(|c: char| c.is_ascii_digit()) {
                return Err(err(input, "version number does not start with digit"));
            }
            if !upstream.bytes().all(|c| c.is_ascii_alphanumeric() || b".-+~:".contains(&c)) {
                return Err(err(input, "invalid character in version number"));
            }
            if !revision.bytes().all(|c| c.is_ascii_alphanumeric() || b".+~".contains(&c)) {
                return Err(err(input, "invalid character in revision number"));
            }
        }
        Ok(Version { epoch, upstream: upstream.to_owned(), revision: revision.to_owned() })
    }

    /// The epoch (0 when absent).
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// The upstream version.
    pub fn upstream(&self) -> &str {
        &self.upstream
    }

    /// The Debian revision (empty when absent).
    pub fn revision(&self) -> &str {
        &self.revision
    }
}

impl FromStr for Version {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Version, VersionError> {
        Version::parse(s)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // An upstream version with a colon needs its epoch written, even 0.
        if self.epoch != 0 || self.upstream.contains(':') {
            write!(f, "{}:", self.epoch)?;
        }
        f.write_str(&self.upstream)?;
        if !self.revision.is_empty() {
            write!(f, "-{}", self.revision)?;
        }
        Ok(())
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Version) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(&self.upstream, &other.upstream))
            .then_with(|| verrevcmp(&self.revision, &other.revision))
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

/// The weight of one character of a non-digit run; `None` is the end of the string.
fn weight(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// dpkg's comparison of one upstream version or revision with another (the part of
/// the ordering after the epoch). Total on any strings.
pub fn verrevcmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        // The non-digit run, character by character.
        while (i < a.len() && !a[i].is_ascii_digit()) || (j < b.len() && !b[j].is_ascii_digit()) {
            let (wa, wb) = (weight(a.get(i).copied()), weight(b.get(j).copied()));
            if wa != wb {
                return wa.cmp(&wb);
            }
            // Equal weights inside this loop mean the same non-digit on both sides.
            i = (i + 1).min(a.len());
            j = (j + 1).min(b.len());
        }
        // The digit run, numerically.
        let ea = crate::num::digits_end(a, i);
        let eb = crate::num::digits_end(b, j);
        let by_value = crate::num::cmp_digits(&a[i..ea], &b[j..eb]);
        if by_value != Ordering::Equal {
            return by_value;
        }
        i = ea;
        j = eb;
    }
    Ordering::Equal
}

/// Compares two version strings with dpkg's ordering.
pub fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(Version::parse(a)?.cmp(&Version::parse(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_split_at_the_first_colon_and_the_last_hyphen() {
        let v = Version::parse("0:09azAZ.-+~:-0").unwrap();
        assert_eq!((v.epoch(), v.upstream(), v.revision()), (0, "09azAZ.-+~:", "0"));
        let v = Version::parse("0:0:0-0-0").unwrap();
        assert_eq!((v.upstream(), v.revision()), ("0:0-0", "0"));
        let v = Version::parse(" \t1:2.3-4\n").unwrap();
        assert_eq!((v.epoch(), v.upstream(), v.revision()), (1, "2.3", "4"));
        assert_eq!(v.to_string(), "1:2.3-4");
        assert_eq!(Version::parse("0:1:2").unwrap().to_string(), "0:1:2");
        assert_eq!(Version::parse("2147483647:1").unwrap().epoch(), i32::MAX as u32);
    }

    #[test]
    fn verrevcmp_orders_tilde_end_letters_then_the_rest() {
        let chain = ["~~", "~~a", "~", "", "a", "+", "."];
        for pair in chain.windows(2) {
            assert_eq!(verrevcmp(pair[0], pair[1]), Ordering::Less, "{pair:?}");
            assert_eq!(verrevcmp(pair[1], pair[0]), Ordering::Greater, "{pair:?}");
        }
        assert_eq!(verrevcmp("", "0"), Ordering::Equal);
        assert_eq!(verrevcmp("a01", "a1"), Ordering::Equal);
    }
}
