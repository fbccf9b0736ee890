//! Lockfiles: the dependencies a project *declares*, pinned by its package manager,
//! rather than the packages an image has installed.
//!
//! Like Trivy and Syft, images are read for installed metadata only; lockfiles are
//! read in directories and by `dockward check`, to catch a vulnerable dependency
//! before the image is built. Every package a lockfile gives carries the extra
//! `from-lockfile=true`, `dev=true` where the lockfile marks it as a development-only
//! dependency, and the lockfile as its `location`.
//!
//! One module per format, each a plain `parse(bytes, path, out)` wrapped in a
//! [`LockfileCataloger`] that picks files by exact name (never inside a dependency
//! tree such as `node_modules/`), reads at most [`LOCK_MAX`] bytes, drops duplicates
//! within one file and bounds the warnings one file can give.

pub mod cargo;
pub mod composer;
pub mod gemfile;
pub mod gomod;
pub mod npm;
pub mod nuget;
pub mod pipfile;
pub mod pnpm;
pub mod poetry;
pub mod requirements;
pub mod uv;
pub mod yarn;

use std::collections::HashMap;

use serde_json::Value;

use crate::catalog::textutil::{read_wanted, MIB};
use crate::catalog::{CatalogOutput, TreeCataloger};
use crate::model::{Distro, Ecosystem, Package};
use crate::tree::FileTree;

/// The largest lockfile read.
pub const LOCK_MAX: u64 = 64 * MIB;

/// Warnings one file may give before the rest are summed up in one.
const MAX_WARNINGS: usize = 20;

/// The extra every lockfile package carries.
pub const FROM_LOCKFILE: &str = "from-lockfile";
/// The extra of a development-only dependency.
pub const DEV: &str = "dev";

/// A cataloger of one lockfile format.
pub struct LockfileCataloger {
    name: &'static str,
    /// Whether a file name (no directory) is one of this format's.
    file: fn(&str) -> bool,
    /// Directory names whose files belong to the dependencies, not the project.
    skip_dirs: &'static [&'static str],
    parse: fn(&[u8], &str, &mut CatalogOutput),
}

impl LockfileCataloger {
    /// Whether a file of this name, in any directory, is one this cataloger reads.
    pub fn wants_file_name(&self, name: &str) -> bool {
        (self.file)(name)
    }

    /// Reads one lockfile's bytes; `path` becomes the packages' `location`.
    pub fn parse(&self, bytes: &[u8], path: &str, out: &mut CatalogOutput) {
        let mut found = CatalogOutput::default();
        (self.parse)(bytes, path, &mut found);
        dedupe(&mut found.packages);
        if found.warnings.len() > MAX_WARNINGS {
            let more = found.warnings.len() - MAX_WARNINGS;
            found.warnings.truncate(MAX_WARNINGS);
            found.warn(path, format!("{more} more warnings not shown"));
        }
        out.packages.append(&mut found.packages);
        out.warnings.append(&mut found.warnings);
    }
}

impl TreeCataloger for LockfileCataloger {
    fn name(&self) -> &'static str {
        self.name
    }

    fn wants(&self, path: &str) -> Option<u64> {
        let (dirs, name) = path.rsplit_once('/').unwrap_or(("", path));
        let inside_dependencies = dirs.split('/').any(|d| d == "node_modules" || self.skip_dirs.contains(&d));
        ((self.file)(name) && !inside_dependencies).then_some(LOCK_MAX)
    }

    fn catalog(&self, tree: &dyn FileTree, paths: &[&str], _distro: Option<&Distro>, out: &mut CatalogOutput) {
        for &path in paths {
            if let Some(bytes) = read_wanted(tree, path, LOCK_MAX, out) {
                self.parse(&bytes, path, out);
            }
        }
    }
}

/// A package a lockfile names.
pub(crate) fn locked(ecosystem: Ecosystem, name: &str, version: &str, path: &str) -> Package {
    let mut package = Package::new(ecosystem, name, version, path);
    package.extra.insert(FROM_LOCKFILE.into(), "true".into());
    package
}

/// Marks a development-only dependency.
pub(crate) fn set_dev(package: &mut Package, dev: bool) {
    if dev {
        package.extra.insert(DEV.into(), "true".into());
    }
}

/// One package per (name, version, extras other than `dev`) per file; a package that
/// is a development dependency in one place and not in another is not one.
fn dedupe(packages: &mut Vec<Package>) {
    /// Ecosystem, name, version and the extras other than `dev`.
    type Key = (Ecosystem, String, String, Vec<(String, String)>);
    let mut first: HashMap<Key, usize> = HashMap::new();
    let mut kept: Vec<Package> = Vec::with_capacity(packages.len());
    for package in packages.drain(..) {
        let extras = package.extra.iter().filter(|(k, _)| *k != DEV).map(|(k, v)| (k.clone(), v.clone())).collect();
        let key = (package.ecosystem, package.name.clone(), package.version.clone(), extras);
        match first.get(&key) {
            Some(&index) => {
                if !package.extra.contains_key(DEV) {
                    kept[index].extra.remove(DEV);
                }
            }
            None => {
                first.insert(key, kept.len());
                kept.push(package);
            }
        }
    }
    *packages = kept;
}

/// The 1-based line holding byte `offset` of `text`.
pub(crate) fn line_at(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

/// The file as UTF-8 text (a byte-order mark dropped); anything else is a warning.
pub(crate) fn text<'a>(bytes: &'a [u8], path: &str, out: &mut CatalogOutput) -> Option<&'a str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(e) => {
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or("");
            out.warn(path, format!("line {}: not UTF-8 text, skipped", line_at(valid, valid.len())));
            None
        }
    }
}

/// The file as JSON; invalid JSON is a warning with its line.
pub(crate) fn json(bytes: &[u8], path: &str, out: &mut CatalogOutput) -> Option<Value> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match serde_json::from_slice(bytes) {
        Ok(value) => Some(value),
        Err(e) => {
            let message = e.to_string();
            // serde_json ends its messages with the position, given here first.
            let message = message.rsplit_once(" at line ").map_or(message.as_str(), |(m, _)| m);
            out.warn(path, format!("line {}: invalid JSON: {message} (column {})", e.line(), e.column()));
            None
        }
    }
}

/// The file as a TOML table; invalid TOML is a warning with its line.
pub(crate) fn toml_table(bytes: &[u8], path: &str, out: &mut CatalogOutput) -> Option<toml::Table> {
    let text = text(bytes, path, out)?;
    match toml::from_str::<toml::Table>(text) {
        Ok(table) => Some(table),
        Err(e) => {
            let line = e.span().map_or(1, |span| line_at(text, span.start));
            out.warn(path, format!("line {line}: invalid TOML: {}", e.message().trim()));
            None
        }
    }
}

/// The `[[package]]` tables of a TOML lockfile (poetry, uv, Cargo), each with where it
/// is for warnings: `line N` of its header when the headers can be counted, else
/// `package #N`. A `package` key that is not an array of tables is a warning.
pub(crate) fn toml_packages<'a>(
    bytes: &[u8],
    table: &'a toml::Table,
    path: &str,
    out: &mut CatalogOutput,
) -> Vec<(String, &'a toml::Table)> {
    let Some(value) = table.get("package") else { return Vec::new() };
    let Some(array) = value.as_array() else {
        out.warn(path, "`package` is not an array of tables, skipped");
        return Vec::new();
    };
    let text = String::from_utf8_lossy(bytes);
    let headers: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| line.split('#').next().unwrap_or("").trim() == "[[package]]")
        .map(|(index, _)| index + 1)
        .collect();
    let located = headers.len() == array.len();
    let mut tables = Vec::with_capacity(array.len());
    for (index, value) in array.iter().enumerate() {
        let place = if located { format!("line {}", headers[index]) } else { format!("package #{}", index + 1) };
        match value.as_table() {
            Some(entry) => tables.push((place, entry)),
            None => out.warn(path, format!("{place}: not a table, skipped")),
        }
    }
    tables
}

/// A non-empty string field of a TOML table, trimmed.
pub(crate) fn toml_str<'a>(table: &'a toml::Table, key: &str) -> Option<&'a str> {
    table.get(key).and_then(toml::Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// A non-empty string field of a JSON object, trimmed.
pub(crate) fn json_str<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// `N <what>: not checked`, once per file, when `count` is not zero: `one` and
/// `many` say what in the singular and the plural.
pub(crate) fn not_checked(out: &mut CatalogOutput, path: &str, count: usize, one: &str, many: &str) {
    match count {
        0 => {}
        1 => out.warn(path, format!("1 {one}: not checked")),
        n => out.warn(path, format!("{n} {many}: not checked")),
    }
}

#[cfg(test)]
pub(crate) mod testutil {
    use crate::catalog::CatalogOutput;

    use super::LockfileCataloger;

    /// Runs a cataloger's parser on a fixture.
    pub fn run(cataloger: &LockfileCataloger, path: &str, text: &str) -> CatalogOutput {
        let mut out = CatalogOutput::default();
        cataloger.parse(text.as_bytes(), path, &mut out);
        out
    }

    /// `(name, version)` of each package, sorted.
    pub fn names(out: &CatalogOutput) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = out.packages.iter().map(|p| (p.name.clone(), p.version.clone())).collect();
        all.sort();
        all
    }

    /// The names of the packages with `extra[key] == value`, sorted.
    pub fn with_extra(out: &CatalogOutput, key: &str, value: &str) -> Vec<String> {
        let mut all: Vec<String> = out
            .packages
            .iter()
            .filter(|p| p.extra.get(key).map(String::as_str) == Some(value))
            .map(|p| p.name.clone())
            .collect();
        all.sort();
        all
    }

    /// The warnings' messages.
    pub fn messages(out: &CatalogOutput) -> Vec<&str> {
        out.warnings.iter().map(|w| w.message.as_str()).collect()
    }

    /// Pairs of `(name, version)` from literals.
    pub fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = list.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        all.sort();
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noop(_: &[u8], _: &str, _: &mut CatalogOutput) {}
    fn is_x(name: &str) -> bool {
        name == "x.lock"
    }
    static X: LockfileCataloger = LockfileCataloger { name: "x", file: is_x, skip_dirs: &["vendor"], parse: noop };

    #[test]
    fn wants_the_name_in_any_directory_outside_dependency_trees() {
        assert_eq!(X.wants("x.lock"), Some(LOCK_MAX));
        assert_eq!(X.wants("a/b/x.lock"), Some(LOCK_MAX));
        assert_eq!(X.wants("a/node_modules/b/x.lock"), None);
        assert_eq!(X.wants("vendor/x.lock"), None);
        assert_eq!(X.wants("a/vendored/x.lock"), Some(LOCK_MAX));
        assert_eq!(X.wants("a/x.lock.bak"), None);
        assert_eq!(X.wants("a/my-x.lock"), None);
    }

    #[test]
    fn duplicates_are_one_package_dev_only_when_every_copy_is() {
        let mut a = locked(Ecosystem::Npm, "a", "1", "l");
        set_dev(&mut a, true);
        let b = locked(Ecosystem::Npm, "a", "1", "l");
        let mut c = locked(Ecosystem::Npm, "c", "1", "l");
        set_dev(&mut c, true);
        let mut packages = vec![a, c.clone(), b, c, locked(Ecosystem::Npm, "a", "2", "l")];
        dedupe(&mut packages);
        let got: Vec<(&str, &str, bool)> =
            packages.iter().map(|p| (p.name.as_str(), p.version.as_str(), p.extra.contains_key(DEV))).collect();
        assert_eq!(got, [("a", "1", false), ("c", "1", true), ("a", "2", false)]);
    }

    #[test]
    fn lines_text_and_parse_errors_are_located() {
        assert_eq!(line_at("a\nb\nc", 0), 1);
        assert_eq!(line_at("a\nb\nc", 2), 2);
        assert_eq!(line_at("a\nb\nc", 99), 3);
        let mut out = CatalogOutput::default();
        assert_eq!(text(b"\xEF\xBB\xBFok", "p", &mut out), Some("ok"));
        assert_eq!(text(b"one\ntwo \xff", "p", &mut out), None);
        assert!(json(b"{\n\"a\": 1,\n}", "p", &mut out).is_none());
        assert!(toml_table(b"a = 1\nb = [\n", "p", &mut out).is_none());
        let got: Vec<&str> = out.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(got[0], "line 2: not UTF-8 text, skipped");
        assert!(got[1].starts_with("line 3: invalid JSON: trailing comma"), "{}", got[1]);
        assert!(got[2].starts_with("line 2: invalid TOML") || got[2].starts_with("line 3: invalid TOML"), "{}", got[2]);
    }

    #[test]
    fn toml_packages_are_located_by_their_headers() {
        let text = b"[[package]] # one\nname = \"a\"\n\n  [[package]]\nname = 1\n";
        let mut out = CatalogOutput::default();
        let table = toml_table(text, "p", &mut out).unwrap();
        let places: Vec<String> = toml_packages(text, &table, "p", &mut out).into_iter().map(|(p, _)| p).collect();
        assert_eq!(places, ["line 1", "line 4"]);
        // Inline arrays have no header to count.
        let text = b"package = [{name = \"a\"}]\n";
        let table = toml_table(text, "p", &mut out).unwrap();
        let places: Vec<String> = toml_packages(text, &table, "p", &mut out).into_iter().map(|(p, _)| p).collect();
        assert_eq!(places, ["package #1"]);
        assert!(out.warnings.is_empty());
    }

    #[test]
    fn warnings_are_bounded_per_file() {
        fn many(_: &[u8], path: &str, out: &mut CatalogOutput) {
            for i in 0..1000 {
                out.warn(path, format!("line {i}: bad"));
            }
        }
        static MANY: LockfileCataloger = LockfileCataloger { name: "m", file: is_x, skip_dirs: &[], parse: many };
        let mut out = CatalogOutput::default();
        MANY.parse(b"", "x.lock", &mut out);
        assert_eq!(out.warnings.len(), MAX_WARNINGS + 1);
        assert_eq!(out.warnings.last().unwrap().message, "980 more warnings not shown");
    }

    #[test]
    fn not_checked_counts_once() {
        let mut out = CatalogOutput::default();
        for n in [0, 1, 3] {
            not_checked(&mut out, "p", n, "requirement is not pinned", "requirements are not pinned");
        }
        let got: Vec<&str> = out.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(got, ["1 requirement is not pinned: not checked", "3 requirements are not pinned: not checked"]);
    }
}
