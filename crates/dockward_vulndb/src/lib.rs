//! dockward's offline vulnerability database.
//!
//! Built only from OSV records ([`osv`]) read from directories, OSV `all.zip` files
//! or single JSON files ([`source`]), into one immutable SQLite file ([`build`]),
//! which scans open read-only ([`VulnDb`]) and query by (ecosystem, package name).
//!
//! This crate stores and returns advisories; it never compares versions. The
//! matcher decides, with the ecosystem's comparator, whether an installed version
//! falls in an entry's ranges, and skips what the entries flag: withdrawn records,
//! `GIT` ranges, RustSec informational notices.
//!
//! No network, no async.

pub mod cvss;
pub mod osv;
mod pack;
pub mod source;
mod store;
pub mod time;

use std::borrow::Cow;
use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;

pub use osv::{Event, FixState, OsvRecord, RangeNotes, RangeType};
pub use source::{check_zip, read_source, SourceInfo, SourceKind, SourceLimits};
pub use store::{
    build, build_with, Advisory, AffectedEntry, BuildOptions, BuildReport, DbStatus, EcosystemCount, Range,
    SeverityInfo, VulnDb, MAX_REFERENCES, SCHEMA_VERSION,
};

/// Where the database is when no `--db` is given: `$DOCKWARD_DB` if set, else
/// `$XDG_CACHE_HOME/dockward/vulns.db` (an absolute `XDG_CACHE_HOME` only, as the XDG
/// spec says), else `$HOME/.cache/dockward/vulns.db`, else (no home at all)
/// `.cache/dockward/vulns.db` under the current directory. Reads the environment only:
/// the file need not exist. `db update` keeps its downloads in `osv/` next to it.
pub fn default_path() -> PathBuf {
    default_path_from(|name| std::env::var_os(name))
}

fn default_path_from(var: impl Fn(&str) -> Option<OsString>) -> PathBuf {
    let set = |name: &str| var(name).filter(|v| !v.is_empty());
    if let Some(db) = set("DOCKWARD_DB") {
        return PathBuf::from(db);
    }
    let cache = set("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| set("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .unwrap_or_else(|| PathBuf::from(".cache"));
    cache.join("dockward").join("vulns.db")
}

/// Something wrong with one record or entry that did not stop the build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// `path`, `path#index` for an element of a JSON array, or `zip!entry`.
    pub location: String,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// An I/O error in plain words (`permission denied`), without the OS error number.
fn plain_io(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = text.split(" (os error ").next().unwrap_or(&text);
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Why a build, or opening or reading a database, failed.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{path}: {}", plain_io(.source))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// An input that cannot be read at all (not a directory, JSON file or readable zip).
    #[error("{path}: {reason}")]
    Source { path: PathBuf, reason: String },
    /// An input beyond the reading limits ([`SourceLimits`]).
    #[error("{path}: {reason}")]
    Limit { path: PathBuf, reason: String },
    #[error("no input to build from")]
    NoInputs,
    /// The file is not an SQLite database.
    #[error("{path}: not a dockward vulnerability database (not an SQLite file)")]
    NotADatabase { path: PathBuf },
    /// An SQLite file that is not a dockward vulnerability database.
    #[error("{path}: not a dockward vulnerability database ({reason})")]
    Foreign { path: PathBuf, reason: String },
    /// A dockward database of a schema this build cannot read.
    #[error("{path}: vulnerability database schema {found}, this dockward reads schema {expected}; rebuild or update the database")]
    SchemaVersion { path: PathBuf, found: i64, expected: i64 },
    /// The database is damaged (or was changed after it was built).
    #[error("{path}: damaged vulnerability database: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    /// SQLite failed while building.
    #[error("{path}: writing the database failed: {reason}")]
    Write { path: PathBuf, reason: String },
}

/// The name under which a package is stored and looked up: PyPI names after PEP 503
/// (lowercase, each run of `-`, `_`, `.` as one `-`); every other ecosystem's names
/// exactly as given (Go module paths, npm, Maven `group:artifact`, crates, Debian
/// source packages).
pub fn normalize_name<'a>(ecosystem: &str, name: &'a str) -> Cow<'a, str> {
    let base = ecosystem.split(':').next().unwrap_or(ecosystem);
    if base != "PyPI" {
        return Cow::Borrowed(name);
    }
    let needs = name.chars().any(|c| c.is_uppercase() || c == '_' || c == '.') || name.contains("--");
    if !needs {
        return Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            in_run = false;
            out.extend(c.to_lowercase());
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_locations() {
        fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
            move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| OsString::from(v))
        }
        let all = [("DOCKWARD_DB", "/srv/v.db"), ("XDG_CACHE_HOME", "/xdg"), ("HOME", "/home/u")];
        assert_eq!(default_path_from(env(&all)), PathBuf::from("/srv/v.db"));
        let xdg = [("DOCKWARD_DB", ""), ("XDG_CACHE_HOME", "/xdg"), ("HOME", "/home/u")];
        assert_eq!(default_path_from(env(&xdg)), PathBuf::from("/xdg/dockward/vulns.db"));
        let relative_xdg = [("XDG_CACHE_HOME", "rel"), ("HOME", "/home/u")];
        assert_eq!(default_path_from(env(&relative_xdg)), PathBuf::from("/home/u/.cache/dockward/vulns.db"));
        assert_eq!(default_path_from(env(&[])), PathBuf::from(".cache/dockward/vulns.db"));
    }

    #[test]
    fn pep503() {
        assert_eq!(normalize_name("PyPI", "Jinja2"), "jinja2");
        assert_eq!(normalize_name("PyPI", "zope.interface"), "zope-interface");
        assert_eq!(normalize_name("PyPI", "Foo__Bar-._baz"), "foo-bar-baz");
        assert_eq!(normalize_name("PyPI", "requests"), "requests");
        assert_eq!(normalize_name("PyPI", "a--b"), "a-b");
        assert!(matches!(normalize_name("PyPI", "requests"), Cow::Borrowed(_)));
        assert_eq!(normalize_name("Go", "github.com/Foo/Bar"), "github.com/Foo/Bar");
        assert_eq!(normalize_name("Maven", "org.Apache:Thing_X"), "org.Apache:Thing_X");
        assert_eq!(normalize_name("Debian:12", "Perl"), "Perl");
    }
}
