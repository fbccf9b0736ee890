//! Installed npm packages: the `package.json` of every package directory under a
//! `node_modules` (nested and scoped ones included). Lockfiles (`package-lock.json`)
//! are read by [`crate::catalog::lockfile::npm`], for directories only.

use serde_json::{Map, Value};

use crate::catalog::textutil::{read_json, MIB};
use crate::catalog::{CatalogOutput, TreeCataloger};
use crate::model::{Distro, Ecosystem, Package};
use crate::tree::FileTree;

/// npm before v5 copied the whole README into the installed package.json.
const PACKAGE_JSON_MAX: u64 = 16 * MIB;

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

impl TreeCataloger for Node {
    fn name(&self) -> &'static str {
        "npm"
    }

    fn wants(&self, path: &str) -> Option<u64> {
        installed_package_dir(path).map(|_| PACKAGE_JSON_MAX)
    }

    fn catalog(&self, tree: &dyn FileTree, paths: &[&str], _distro: Option<&Distro>, out: &mut CatalogOutput) {
        for &path in paths {
            if installed_package_dir(path).is_none() {
                continue;
            }
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
            out.packages.push(package);
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

    #[test]
    fn wants_package_manifests_only() {
        assert!(Node.wants("app/node_modules/express/package.json").is_some());
        assert!(Node.wants("node_modules/express/package.json").is_some());
        assert!(Node.wants("app/node_modules/@types/node/package.json").is_some());
        assert!(Node.wants("app/node_modules/a/node_modules/b/package.json").is_some());
        assert!(Node.wants("app/node_modules/express/lib/package.json").is_none());
        assert!(Node.wants("app/node_modules/@types/package.json").is_none());
        assert!(Node.wants("app/node_modules/.bin/package.json").is_none());
        assert!(Node.wants("app/package.json").is_none());
        // Lockfiles are the lockfile catalogers' (directories only).
        assert!(Node.wants("app/package-lock.json").is_none());
        assert!(Node.wants("package-lock.json").is_none());
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
    fn bad_json_warns_and_the_rest_continues() {
        let tree = MemTree::new()
            .with_file("node_modules/a/package.json", "{ not json")
            .with_file("node_modules/b/package.json", "[1, 2]")
            .with_file("node_modules/c/package.json", r#"{"name": "c", "version": "1.0.0"}"#)
            .with_file("node_modules/d/package.json", "\"a string\"");
        let out = run(&tree);
        assert_eq!(out.packages.len(), 1);
        let paths: Vec<&str> = out.warnings.iter().map(|w| w.path.as_str()).collect();
        assert_eq!(
            paths,
            ["node_modules/a/package.json", "node_modules/b/package.json", "node_modules/d/package.json"]
        );
        assert!(out.warnings[0].message.starts_with("invalid JSON"));
    }
}
