//! Version ordering for the package ecosystems that OSV vulnerability records cover.
//!
//! Matching an installed package against an OSV record means asking "is this version
//! inside `introduced <= v < fixed`?", and every ecosystem answers "which version is
//! newer?" with its own rules. One module per ordering, each with its specification
//! in the module documentation and the upstream project's own test vectors in the
//! tests:
//!
//! | module | ordering of | used for OSV ecosystems |
//! |---|---|---|
//! | [`dpkg`] | dpkg (`epoch:upstream-revision`, `~`) | `Debian`, `Ubuntu` |
//! | [`apk`] | apk-tools (`1.2.3_rc1-r0`) | `Alpine`, `Wolfi`, `Chainguard` |
//! | [`rpm`] | rpmvercmp and EVR | `Red Hat`, `Rocky Linux`, `AlmaLinux`, `SUSE`, `openSUSE`, `Mageia` |
//! | [`pep440`] | PEP 440 | `PyPI` |
//! | [`semver`] | SemVer 2.0.0 precedence, tolerant parsing | `npm`, `crates.io`, `NuGet`, `Packagist`, `Hex`, `Pub` |
//! | [`golang`] | Go module versions and Go toolchain versions | `Go` |
//! | [`maven`] | Maven's `ComparableVersion` | `Maven` |
//! | [`rubygems`] | `Gem::Version` | `RubyGems` |
//!
//! The common entry points are [`compare`] and [`validate`], which take a [`Scheme`]
//! (pick it with [`scheme_for_osv_ecosystem`]); each module also has a parsed
//! `Version` type implementing [`Ord`].
//!
//! Every parser and comparator is total: no input string makes them panic, and digit
//! runs of any length are compared as integers without overflow (leading zeros
//! stripped, then by length, then lexically). OSV's `"introduced": "0"` sentinel is a
//! range-evaluation matter for the caller, although `0` also parses in every scheme.
//!
//! No dependencies. Each comparator is a page of code, written here from the
//! specifications and checked against the upstream test vectors, not ported: the
//! third-party crates for these orderings cover one ecosystem each, and a port of
//! dpkg's, rpm's or apk-tools' C code inherits that project's (L)GPL. The maintained permissive ones (the `semver` crate, for one)
//! implement the strict grammar only, while OSV data needs the tolerant forms npm,
//! NuGet and Composer accept.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

pub mod apk;
pub mod dpkg;
pub mod golang;
pub mod maven;
mod num;
pub mod pep440;
pub mod rpm;
pub mod rubygems;
pub mod semver;

/// A version ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scheme {
    /// Debian and Ubuntu packages ([`dpkg`]).
    Dpkg,
    /// Alpine, Wolfi and Chainguard packages ([`apk`]).
    Apk,
    /// RPM packages: epoch, version, release ([`rpm`]).
    Rpm,
    /// Python packages ([`pep440`]).
    Pep440,
    /// SemVer precedence with npm/crates.io/NuGet/Composer tolerance ([`semver`]).
    Semver,
    /// Go modules, plus Go toolchain versions for `stdlib` ([`golang`]).
    Go,
    /// Maven artifacts ([`maven`]).
    Maven,
    /// Ruby gems ([`rubygems`]).
    RubyGems,
}

impl Scheme {
    /// Every scheme, in declaration order.
    pub const ALL: [Scheme; 8] = [
        Scheme::Dpkg,
        Scheme::Apk,
        Scheme::Rpm,
        Scheme::Pep440,
        Scheme::Semver,
        Scheme::Go,
        Scheme::Maven,
        Scheme::RubyGems,
    ];

    /// A short lower-case name (`dpkg`, `pep440`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Dpkg => "dpkg",
            Scheme::Apk => "apk",
            Scheme::Rpm => "rpm",
            Scheme::Pep440 => "pep440",
            Scheme::Semver => "semver",
            Scheme::Go => "go",
            Scheme::Maven => "maven",
            Scheme::RubyGems => "rubygems",
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A version string that its scheme does not accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionError {
    /// The string as it was given.
    pub version: String,
    /// The scheme it was parsed with.
    pub scheme: Scheme,
    /// Why it was refused.
    pub reason: Cow<'static, str>,
}

impl VersionError {
    pub(crate) fn new(scheme: Scheme, version: &str, reason: impl Into<Cow<'static, str>>) -> VersionError {
        VersionError { version: version.to_owned(), scheme, reason: reason.into() }
    }
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A fuzzer's megabyte of nines has no place in a log line.
        const SHOWN: usize = 80;
        let mut shown: String = self.version.chars().take(SHOWN).collect();
        if self.version.chars().nth(SHOWN).is_some() {
            shown.push('…');
        }
        write!(f, "invalid {} version {:?}: {}", self.scheme, shown, self.reason)
    }
}

impl std::error::Error for VersionError {}

/// Compares two versions with a scheme's ordering. Fails with the first string the
/// scheme refuses.
pub fn compare(scheme: Scheme, a: &str, b: &str) -> Result<Ordering, VersionError> {
    fn both<T: Ord>(
        parse: impl Fn(&str) -> Result<T, VersionError>,
        a: &str,
        b: &str,
    ) -> Result<Ordering, VersionError> {
        let a = parse(a)?;
        let b = parse(b)?;
        Ok(a.cmp(&b))
    }
    match scheme {
        Scheme::Dpkg => both(dpkg::Version::parse, a, b),
        Scheme::Apk => both(apk::Version::parse, a, b),
        Scheme::Rpm => both(rpm::parse_evr, a, b),
        Scheme::Pep440 => both(pep440::Version::parse, a, b),
        Scheme::Semver => both(semver::Version::parse, a, b),
        Scheme::Go => both(golang::parse_osv, a, b),
        Scheme::Maven => both(maven::Version::parse, a, b),
        Scheme::RubyGems => both(rubygems::Version::parse, a, b),
    }
}

/// Checks that a scheme accepts a version string.
pub fn validate(scheme: Scheme, v: &str) -> Result<(), VersionError> {
    match scheme {
        Scheme::Dpkg => dpkg::Version::parse(v).map(drop),
        Scheme::Apk => apk::Version::parse(v).map(drop),
        Scheme::Rpm => rpm::parse_evr(v).map(drop),
        Scheme::Pep440 => pep440::Version::parse(v).map(drop),
        Scheme::Semver => semver::Version::parse(v).map(drop),
        Scheme::Go => golang::parse_osv(v).map(drop),
        Scheme::Maven => maven::Version::parse(v).map(drop),
        Scheme::RubyGems => rubygems::Version::parse(v).map(drop),
    }
}

/// The ordering of an OSV `affected[].package.ecosystem` value (`Debian:12`,
/// `Alpine:v3.19`, `PyPI`, ...), or `None` for ecosystems this crate does not order.
pub fn scheme_for_osv_ecosystem(eco: &str) -> Option<Scheme> {
    // OSV appends the release after a colon (`Debian:12`, `Ubuntu:22.04:LTS`,
    // `Red Hat:enterprise_linux:9::appstream`); the ordering depends on the name only.
    let name = eco.split(':').next().unwrap_or(eco);
    let scheme = match name {
        "Debian" | "Ubuntu" => Scheme::Dpkg,
        "Alpine" | "Wolfi" | "Chainguard" => Scheme::Apk,
        "Red Hat" | "Rocky Linux" | "AlmaLinux" | "SUSE" | "openSUSE" | "Mageia" => Scheme::Rpm,
        "PyPI" => Scheme::Pep440,
        // Composer's own ordering normalises stability names (`RC1`, `beta2`); SemVer
        // precedence over its tolerant form is close and is what OSV's tooling uses.
        "npm" | "crates.io" | "NuGet" | "Packagist" | "Hex" | "Pub" => Scheme::Semver,
        "Go" => Scheme::Go,
        "Maven" => Scheme::Maven,
        "RubyGems" => Scheme::RubyGems,
        _ => return None,
    };
    Some(scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osv_ecosystems_map_to_schemes() {
        let cases = [
            ("Debian:12", Some(Scheme::Dpkg)),
            ("Debian", Some(Scheme::Dpkg)),
            ("Ubuntu:22.04:LTS", Some(Scheme::Dpkg)),
            ("Ubuntu:Pro:18.04:LTS", Some(Scheme::Dpkg)),
            ("Alpine:v3.19", Some(Scheme::Apk)),
            ("Wolfi", Some(Scheme::Apk)),
            ("Chainguard", Some(Scheme::Apk)),
            ("Red Hat:enterprise_linux:9::appstream", Some(Scheme::Rpm)),
            ("Rocky Linux:9", Some(Scheme::Rpm)),
            ("AlmaLinux:8", Some(Scheme::Rpm)),
            ("SUSE:Linux Enterprise Server 15 SP5", Some(Scheme::Rpm)),
            ("openSUSE:Leap 15.5", Some(Scheme::Rpm)),
            ("Mageia:9", Some(Scheme::Rpm)),
            ("PyPI", Some(Scheme::Pep440)),
            ("npm", Some(Scheme::Semver)),
            ("crates.io", Some(Scheme::Semver)),
            ("NuGet", Some(Scheme::Semver)),
            ("Packagist", Some(Scheme::Semver)),
            ("Hex", Some(Scheme::Semver)),
            ("Pub", Some(Scheme::Semver)),
            ("Go", Some(Scheme::Go)),
            ("Maven", Some(Scheme::Maven)),
            ("RubyGems", Some(Scheme::RubyGems)),
            ("GIT", None),
            ("pypi", None),
            ("Debianish", None),
            ("", None),
            ("OSS-Fuzz", None),
        ];
        for (eco, want) in cases {
            assert_eq!(scheme_for_osv_ecosystem(eco), want, "{eco}");
        }
    }

    #[test]
    fn errors_name_the_string_scheme_and_reason() {
        let err = compare(Scheme::Pep440, "1.0", "2004d").unwrap_err();
        assert_eq!(err.version, "2004d");
        assert_eq!(err.scheme, Scheme::Pep440);
        assert!(err.to_string().starts_with("invalid pep440 version \"2004d\": "), "{err}");
        let long = "9".repeat(500) + ":1.0";
        let shown = validate(Scheme::Dpkg, &long).unwrap_err().to_string();
        assert!(shown.len() < 200, "{shown}");
        assert_eq!(Scheme::ALL.len(), 8);
        assert_eq!(Scheme::RubyGems.to_string(), "rubygems");
    }

    #[test]
    fn zero_parses_in_every_scheme() {
        for scheme in Scheme::ALL {
            assert_eq!(compare(scheme, "0", "1"), Ok(Ordering::Less), "{scheme}");
        }
    }
}
