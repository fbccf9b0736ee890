//! Semantic Versioning 2.0.0 precedence, with the tolerant parsing that npm,
//! crates.io, NuGet, Composer (Packagist), Hex and Pub versions need.
//!
//! SemVer 2.0.0 (semver.org, §9–§11):
//!
//! ```text
//! MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]
//! ```
//!
//! - `MAJOR`, `MINOR`, `PATCH` are numbers without leading zeros, compared
//!   numerically;
//! - `PRERELEASE` is dot-separated identifiers of `[0-9A-Za-z-]`; a version with one
//!   has lower precedence than the same version without (`1.0.0-rc.1 < 1.0.0`).
//!   Identifiers compare left to right: numeric ones numerically, alphanumeric ones
//!   in ASCII order, a numeric identifier below an alphanumeric one, and when all of
//!   the shorter list are equal the longer list is higher
//!   (`1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2 <
//!   1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0`);
//! - `BUILD` metadata is ignored for precedence (`1.0.0+a == 1.0.0+b`).
//!
//! [`Version::parse_strict`] accepts exactly that grammar. [`Version::parse`] also
//! accepts what the package ecosystems write: surrounding white space, leading `=`,
//! `v`, `V` and spaces (npm's loose form, `= v1.2.3`), one to four numeric parts where missing ones are 0 (`1.2`
//! is `1.2.0`; NuGet's fourth "revision" part compares after the patch, and
//! `1.2.3.0 == 1.2.3`), and leading zeros (`01.2.3`, numeric identifiers `-rc.01`,
//! compared numerically).
//!
//! Not modelled: NuGet compares pre-release labels case-insensitively and Composer
//! normalises stability names (`RC1`, `beta2`) before comparing; here identifiers
//! compare as SemVer says, by ASCII order.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::num::Num;
use crate::{Scheme, VersionError};

/// One pre-release identifier.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Identifier {
    // Declared first: numeric identifiers have lower precedence.
    /// Digits only, compared numerically.
    Numeric(NumericId),
    /// Anything else, compared in ASCII order.
    AlphaNumeric(String),
}

/// A numeric pre-release identifier of any size.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NumericId(Num);

impl NumericId {
    /// The digits, without leading zeros.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Display for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Identifier::Numeric(n) => f.write_str(n.as_str()),
            Identifier::AlphaNumeric(s) => f.write_str(s),
        }
    }
}

/// A semantic version. Equality is precedence (`1.2 == 1.2.0 == 1.2.0+build`).
#[derive(Debug, Clone)]
pub struct Version {
    /// Major, minor, patch and, from NuGet, revision; at least three.
    release: Vec<Num>,
    pre: Vec<Identifier>,
    build: Vec<String>,
}

fn err(version: &str, reason: impl Into<std::borrow::Cow<'static, str>>) -> VersionError {
    VersionError::new(Scheme::Semver, version, reason)
}

fn is_identifier_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

/// Dot-separated non-empty identifiers of `[0-9A-Za-z-]`.
fn identifiers<'a>(input: &str, what: &'static str, s: &'a str) -> Result<Vec<&'a str>, VersionError> {
    s.split('.')
        .map(|id| {
            if id.is_empty() {
                Err(err(input, format!("empty {what} identifier")))
            } else if !id.bytes().all(is_identifier_char) {
                Err(err(input, format!("{what} identifiers are made of ASCII letters, digits and hyphens")))
            } else {
                Ok(id)
            }
        })
        .collect()
}

impl Version {
    /// Parses tolerantly: white space, `=`/`v` prefixes, one to four numeric parts,
    /// leading zeros.
    pub fn parse(s: &str) -> Result<Version, VersionError> {
        Version::parse_inner(s, false)
    }

    /// Parses exactly the SemVer 2.0.0 grammar.
    pub fn parse_strict(s: &str) -> Result<Version, VersionError> {
        Version::parse_inner(s, true)
    }

    fn parse_inner(input: &str, strict: bool) -> Result<Version, VersionError> {
        let mut s = input;
        if !strict {
            // npm's loose form: any run of `=`, `v` and white space before the numbers.
            s = s.trim().trim_start_matches(|c: char| c == '=' || c == 'v' || c == 'V' || c.is_whitespace());
        }
        if s.is_empty() {
            return Err(err(input, "version string is empty"));
        }
        // The build metadata starts at the first `+`, the pre-release at the first `-`
        // before it (identifiers may hold more hyphens).
        let (rest, build) = match s.split_once('+') {
            Some((rest, build)) => (rest, Some(build)),
            None => (s, None),
        };
        let (core, pre) = match rest.split_once('-') {
            Some((core, pre)) => (core, Some(pre)),
            None => (rest, None),
        };
        let parts: Vec<&str> = core.split('.').collect();
        let allowed = if strict { 3..=3 } else { 1..=4 };
        if !allowed.contains(&parts.len()) {
            return Err(err(
                input,
                if strict {
                    "the core is MAJOR.MINOR.PATCH"
                } else {
                    "the core is one to four numbers separated by dots"
                },
            ));
        }
        let mut release = Vec::with_capacity(4);
        for part in &parts {
            if part.is_empty() || !part.bytes().all(|c| c.is_ascii_digit()) {
                return Err(err(input, "version numbers are ASCII digits"));
            }
            if strict && part.len() > 1 && part.starts_with('0') {
                return Err(err(input, "version numbers have no leading zeros"));
            }
            release.push(Num::new(part.as_bytes()));
        }
        while release.len() < 3 {
            release.push(Num::zero());
        }
        let pre = match pre {
            None => Vec::new(),
            Some(pre) => identifiers(input, "pre-release", pre)?
                .into_iter()
                .map(|id| {
                    if id.bytes().all(|c| c.is_ascii_digit()) {
                        if strict && id.len() > 1 && id.starts_with('0') {
                            return Err(err(input, "numeric pre-release identifiers have no leading zeros"));
                        }
                        Ok(Identifier::Numeric(NumericId(Num::new(id.as_bytes()))))
                    } else {
                        Ok(Identifier::AlphaNumeric(id.to_owned()))
                    }
                })
                .collect::<Result<_, _>>()?,
        };
        let build = match build {
            None => Vec::new(),
            Some(build) => identifiers(input, "build", build)?.into_iter().map(str::to_owned).collect(),
        };
        Ok(Version { release, pre, build })
    }

    /// The major version's digits.
    pub fn major(&self) -> &str {
        self.release[0].as_str()
    }

    /// The minor version's digits.
    pub fn minor(&self) -> &str {
        self.release[1].as_str()
    }

    /// The patch version's digits.
    pub fn patch(&self) -> &str {
        self.release[2].as_str()
    }

    /// NuGet's fourth number, when one was written.
    pub fn revision(&self) -> Option<&str> {
        self.release.get(3).map(Num::as_str)
    }

    /// The pre-release identifiers (empty for a release).
    pub fn pre(&self) -> &[Identifier] {
        &self.pre
    }

    /// The build metadata identifiers.
    pub fn build(&self) -> &[String] {
        &self.build
    }

    /// True when the version has pre-release identifiers.
    pub fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }
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
        cmp_release(&self.release, &other.release).then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => self.pre.cmp(&other.pre),
        })
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

/// The normalised form: at least three numbers, no prefix, no leading zeros.
impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let release: Vec<&str> = self.release.iter().map(Num::as_str).collect();
        f.write_str(&release.join("."))?;
        if !self.pre.is_empty() {
            let pre: Vec<String> = self.pre.iter().map(Identifier::to_string).collect();
            write!(f, "-{}", pre.join("."))?;
        }
        if !self.build.is_empty() {
            write!(f, "+{}", self.build.join("."))?;
        }
        Ok(())
    }
}

/// Compares two version strings by SemVer precedence, parsing tolerantly.
pub fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(Version::parse(a)?.cmp(&Version::parse(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_and_normal_form() {
        let v = Version::parse(" =v01.2-rc.01+build.5 ").unwrap();
        assert_eq!((v.major(), v.minor(), v.patch(), v.revision()), ("1", "2", "0", None));
        assert_eq!(v.to_string(), "1.2.0-rc.1+build.5");
        assert_eq!(v.build(), ["build", "5"]);
        assert!(v.is_prerelease());
        let v = Version::parse("1.2.3.4").unwrap();
        assert_eq!(v.revision(), Some("4"));
        assert_eq!(v.to_string(), "1.2.3.4");
        let v = Version::parse_strict("1.0.0-x-y.7+z-").unwrap();
        assert_eq!(v.pre(), [Identifier::AlphaNumeric("x-y".into()), Identifier::Numeric(NumericId(Num::new(b"7")))]);
    }
}
