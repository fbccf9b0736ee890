//! npm packages: the `package.json` of every package directory under a
//! `node_modules` (nested and scoped ones included), and the packages a
//! `package-lock.json` outside `node_modules` locks (v1 `dependencies`, v2/v3
//! `packages`) that are not also installed where the lock says.

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::catalog::textutil::{join, parent, read_json, MIB};
use crate::catalog::{CatalogOutput, TreeCataloger};
use crate::model::{Distro, Ecosystem, Package};
use crate::tree::FileTree;

/// npm before v5 copied the whole README into the installed package.json.
const PACKAGE_JSON_MAX: u64 = 16 * MIB;
const LOCK_MAX: u64 = 64 * MIB;
const NODE_MODULES: &str = "node_modules";

/// The npm cataloger.
pub struct Node;

/// `a/node_modules/@s/x/package.json` -> `a/node_modules/@s/x`: the path is the
/// manifest of an installed package, not a file deeper inside one.
fn installed_package_dir(path: &str) -> Option<&str> {
    let dir = path.strip_suffix("/package.json")?;
    let name = match dir.rsplit_once("/node_modules/") {
        Some((_, name)) => name,
        None => dir.strip_prefix("node_modules/")?,
    };
    let valid = |part: &str| !part.is_empty() && !part.starts_with('.');
    let ok = match name.split_once('/') {
        Some((scope, rest)) => scope.starts_with('@') && scope.len() > 1 && valid(rest) && !rest.contains('/'),
        // `@scope` alone is the directory of a scope's packages.
        None => valid(name) && !name.starts_with('@'),
    };
    ok.then_some(dir)
}

fn is_lockfile(path: &str) -> bool {
    (path == "package-lock.json" || path.ends_with("/package-lock.json"))
        && !path.split('/').any(|part| part == NODE_MODULES)
}

impl TreeCataloger for Node {
    fn name(&self) -> &'static str {
        "npm"
    }

    fn wants(&self, path: &str) -> Option<u64> {
        if installed_package_dir(path).is_some() {
            Some(PACKAGE_JSON_MAX)
        } else if is_lockfile(path) {
            Some(LOCK_MAX)
        } else {
            None
        }
    }

    fn catalog(&self, tree: &dyn FileTree, paths: &[&str], _distro: Option<&Distro>, out: &mut CatalogOutput) {
        // (name, version, directory) of every installed package, so that a lock
        // entry for the same installed copy is not listed twice.
        let mut installed: HashSet<(String, String, String)> = HashSet::new();
        for &path in paths {
            let Some(dir) = installed_package_dir(path) else { continue };
            let Some(json) = read_json(tree, path, PACKAGE_JSON_MAX, out) else { continue };
            let Some(object) = json.as_object() else {
                out.warn(path, "not a JSON object, skipped");
                continue;
            };
            // A package.json without name or version is a build artefact or a
            // test fixture inside a package, not an installed package.
            let (Some(name), Some(version)) = (string(object, "name"), string(object, "version")) else { continue };
            let mut package = Package::new(Ecosystem::Npm, name, version, path);
            package.licenses = licenses(object);
            installed.insert((name.to_string(), version.to_string(), dir.to_string()));
            out.packages.push(package);
        }
        for &path in paths.iter().filter(|p| is_lockfile(p)) {
            let Some(json) = read_json(tree, path, LOCK_MAX, out) else { continue };
            let Some(lock) = json.as_object() else {
                out.warn(path, "not a JSON object, skipped");
                continue;
            };
            let lockdir = parent(path);
            if let Some(packages) = lock.get("packages").and_then(Value::as_object) {
                lock_v2_packages(packages, path, lockdir, &installed, out);
            } else if let Some(dependencies) = lock.get("dependencies").and_then(Value::as_object) {
                lock_v1_dependencies(dependencies, path, lockdir, &installed, out);
            }
        }
    }
}

fn string<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// `"license": "MIT"`, the old `"license": {"type": "MIT"}`, or the older
/// `"licenses": [{"type": "MIT"}, "BSD"]`.
fn licenses(object: &Map<String, Value>) -> Vec<String> {
    let one = |v: &Value| match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Object(o) => string(o, "type").map(str::to_string),
        _ => None,
    };
    if let Some(license) = object.get("license").and_then(one).filter(|s| !s.is_empty()) {
        return vec![license];
    }
    match object.get("licenses") {
        Some(Value::Array(list)) => list.iter().filter_map(one).filter(|s| !s.is_empty()).collect(),
        Some(other) => one(other).into_iter().filter(|s| !s.is_empty()).collect(),
        None => Vec::new(),
    }
}

fn locked_package(name: &str, version: &str, path: &str) -> Package {
    let mut package = Package::new(Ecosystem::Npm, name, version, path);
    package.extra.insert("from-lockfile".into(), "true".into());
    package
}

/// v2/v3: `"packages": {"node_modules/a": {...}, "node_modules/a/node_modules/b": {...}}`.
fn lock_v2_packages(
    packages: &Map<String, Value>,
    path: &str,
    lockdir: &str,
    installed: &HashSet<(String, String, String)>,
    out: &mut CatalogOutput,
) {
    for (key, entry) in packages {
        // `""` is the project itself, keys outside node_modules are its workspace
        // packages: the project's own code, not dependencies.
        let Some(name_from_key) = key.rsplit_once("node_modules/").map(|(_, name)| name) else { continue };
        let Some(entry) = entry.as_object() else { continue };
        if entry.get("link").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        // An alias (`"x": "npm:y@1"`) installs y under the directory x.
        let name = string(entry, "name").unwrap_or(name_from_key);
        let Some(version) = string(entry, "version") else { continue };
        let Some(dir) = join(lockdir, key) else { continue };
        if installed.contains(&(name.to_string(), version.to_string(), dir)) {
            continue;
        }
        let mut package = locked_package(name, version, path);
        package.licenses.extend(string(entry, "license").map(str::to_string));
        if entry.get("dev").and_then(Value::as_bool) == Some(true) {
            package.extra.insert("dev".into(), "true".into());
        }
        out.packages.push(package);
    }
}

/// v1: `"dependencies": {"a": {"version": "1", "dependencies": {...}}}`, nested as
/// the directories are.
fn lock_v1_dependencies(
    dependencies: &Map<String, Value>,
    path: &str,
    dir: &str,
    installed: &HashSet<(String, String, String)>,
    out: &mut CatalogOutput,
) {
    for (name, entry) in dependencies {
        let Some(entry) = entry.as_object() else { continue };
        let Some(installed_dir) = join(dir, &format!("{NODE_MODULES}/{name}")) else { continue };
        if let Some(version) = string(entry, "version") {
            if !installed.contains(&(name.to_string(), version.to_string(), installed_dir.clone())) {
                let mut package = locked_package(name, version, path);
                if entry.get("dev").and_then(Value::as_bool) == Some(true) {
                    package.extra.insert("dev".into(), "true".into());
                }
                out.packages.push(package);
            }
        }
        // serde_json stops nesting at 128 levels, which bounds this recursion.
        if let Some(nested) = entry.get("dependencies").and_then(Value::as_object) {
            lock_v1_dependencies(nested, path, &installed_dir, installed, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memtree::MemTree;

    fn run(tree: &MemTree) -> CatalogOutput {
        let paths: Vec<&str> =
            tree.entries().iter().map(|e| e.path.as_str()).filter(|p| Node.wants(p).is_some()).collect();
        let mut out = CatalogOutput::default();
        Node.catalog(tree, &paths, None, &mut out);
        out
    }

    /// Sorted: the order of a lockfile's keys is serde_json's, not the file's.
    fn summary(out: &CatalogOutput) -> Vec<(String, String, String, bool)> {
        let mut all: Vec<_> = out
            .packages
            .iter()
            .map(|p| (p.name.clone(), p.version.clone(), p.location.clone(), p.extra.contains_key("from-lockfile")))
            .collect();
        all.sort();
        all
    }

    #[test]
    fn wants_package_manifests_and_lockfiles_only() {
        assert!(Node.wants("app/node_modules/express/package.json").is_some());
        assert!(Node.wants("node_modules/express/package.json").is_some());
        assert!(Node.wants("app/node_modules/@types/node/package.json").is_some());
        assert!(Node.wants("app/node_modules/a/node_modules/b/package.json").is_some());
        assert!(Node.wants("app/node_modules/express/lib/package.json").is_none());
        assert!(Node.wants("app/node_modules/@types/package.json").is_none());
        assert!(Node.wants("app/node_modules/.bin/package.json").is_none());
        assert!(Node.wants("app/package.json").is_none());
        assert!(Node.wants("app/package-lock.json").is_some());
        assert!(Node.wants("package-lock.json").is_some());
        assert!(Node.wants("app/node_modules/.package-lock.json").is_none());
        assert!(Node.wants("app/node_modules/x/package-lock.json").is_none());
    }

    #[test]
    fn installed_packages_nested_and_scoped_with_licence_forms() {
        let tree = MemTree::new()
            .with_file("app/package.json", r#"{"name": "my-app", "version": "1.0.0"}"#)
            .with_file("app/node_modules/a/package.json", r#"{"name": "a", "version": "1.0.0", "license": "MIT"}"#)
            .with_file(
                "app/node_modules/a/node_modules/b/package.json",
                r#"{"name": "b", "version": "2.0.0", "license": {"type": "ISC", "url": "x"}}"#,
            )
            .with_file(
                "app/node_modules/@scope/c/package.json",
                r#"{"name": "@scope/c", "version": "3.0.0", "licenses": [{"type": "MIT"}, "Apache-2.0", 7]}"#,
            )
            .with_file("app/node_modules/a/dist/esm/package.json", r#"{"type": "module"}"#)
            .with_file("app/node_modules/noversion/package.json", r#"{"name": "noversion"}"#);
        let out = run(&tree);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        let got: Vec<(&str, &str, Vec<String>)> =
            out.packages.iter().map(|p| (p.name.as_str(), p.version.as_str(), p.licenses.clone())).collect();
        assert_eq!(
            got,
            [
                ("@scope/c", "3.0.0", vec!["MIT".to_string(), "Apache-2.0".to_string()]),
                ("b", "2.0.0", vec!["ISC".to_string()]),
                ("a", "1.0.0", vec!["MIT".to_string()]),
            ]
        );
        assert_eq!(out.packages[1].location, "app/node_modules/a/node_modules/b/package.json");
        assert!(out.packages.iter().all(|p| p.ecosystem == Ecosystem::Npm && p.extra.is_empty()));
    }

    #[test]
    fn lock_v3_adds_what_is_not_installed() {
        let lock = r#"{
          "name": "my-app", "lockfileVersion": 3,
          "packages": {
            "": {"name": "my-app", "version": "1.0.0"},
            "node_modules/a": {"version": "1.0.0", "license": "MIT"},
            "node_modules/a/node_modules/b": {"version": "2.0.0"},
            "node_modules/d": {"version": "4.0.0", "dev": true, "license": "BSD-2-Clause"},
            "node_modules/alias": {"name": "real", "version": "5.0.0"},
            "node_modules/linked": {"resolved": "packages/lib", "link": true},
            "packages/lib": {"name": "lib", "version": "0.0.1"},
            "node_modules/broken": "not an object"
          }
        }"#;
        let tree = MemTree::new()
            .with_file("app/package-lock.json", lock)
            .with_file("app/node_modules/a/package.json", r#"{"name": "a", "version": "1.0.0"}"#);
        let out = run(&tree);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        let lock_path = "app/package-lock.json".to_string();
        assert_eq!(
            summary(&out),
            [
                ("a".into(), "1.0.0".into(), "app/node_modules/a/package.json".into(), false),
                ("b".into(), "2.0.0".into(), lock_path.clone(), true),
                ("d".into(), "4.0.0".into(), lock_path.clone(), true),
                ("real".into(), "5.0.0".into(), lock_path, true),
            ]
        );
        let d = out.packages.iter().find(|p| p.name == "d").unwrap();
        assert_eq!(d.extra["dev"], "true");
        assert_eq!(d.licenses, ["BSD-2-Clause"]);
    }

    #[test]
    fn lock_v1_nested_dependencies() {
        let lock = r#"{
          "lockfileVersion": 1,
          "dependencies": {
            "a": {"version": "1.0.0", "dependencies": {"b": {"version": "2.0.0"}}},
            "c": {"version": "3.0.0", "dev": true},
            "bad": 5
          }
        }"#;
        let tree = MemTree::new()
            .with_file("package-lock.json", lock)
            .with_file("node_modules/a/node_modules/b/package.json", r#"{"name": "b", "version": "2.0.0"}"#)
            // Same name and version at another place: not the locked copy.
            .with_file("node_modules/x/node_modules/a/package.json", r#"{"name": "a", "version": "1.0.0"}"#);
        let out = run(&tree);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(
            summary(&out),
            [
                ("a".into(), "1.0.0".into(), "node_modules/x/node_modules/a/package.json".into(), false),
                ("a".into(), "1.0.0".into(), "package-lock.json".into(), true),
                ("b".into(), "2.0.0".into(), "node_modules/a/node_modules/b/package.json".into(), false),
                ("c".into(), "3.0.0".into(), "package-lock.json".into(), true),
            ]
        );
    }

    #[test]
    fn bad_json_warns_and_the_rest_continues() {
        let tree = MemTree::new()
            .with_file("node_modules/a/package.json", "{ not json")
            .with_file("node_modules/b/package.json", "[1, 2]")
            .with_file("node_modules/c/package.json", r#"{"name": "c", "version": "1.0.0"}"#)
            .with_file("package-lock.json", "\"a string\"");
        let out = run(&tree);
        assert_eq!(out.packages.len(), 1);
        let paths: Vec<&str> = out.warnings.iter().map(|w| w.path.as_str()).collect();
        assert_eq!(paths, ["node_modules/a/package.json", "node_modules/b/package.json", "package-lock.json"]);
        assert!(out.warnings[0].message.starts_with("invalid JSON"));
    }
}
