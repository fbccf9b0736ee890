//! npm's `package-lock.json` and `npm-shrinkwrap.json` (the same format): v1 nests
//! `dependencies` as the `node_modules` directories nest; v2 and v3 list every
//! installed directory in one `packages` map keyed `node_modules/...`.

use serde_json::{Map, Value};

use super::{json, json_str, locked, not_checked, set_dev, LockfileCataloger};
use crate::catalog::CatalogOutput;
use crate::model::Ecosystem;

/// The npm lockfile cataloger.
pub static NPM_LOCK: LockfileCataloger =
    LockfileCataloger { name: "npm-lock", file: is_npm_lock, skip_dirs: &[], parse };

fn is_npm_lock(name: &str) -> bool {
    name == "package-lock.json" || name == "npm-shrinkwrap.json"
}

fn parse(bytes: &[u8], path: &str, out: &mut CatalogOutput) {
    let Some(json) = json(bytes, path, out) else { return };
    let Some(lock) = json.as_object() else {
        out.warn(path, "not a JSON object, skipped");
        return;
    };
    // v2 keeps v1's `dependencies` beside `packages` for older npms: `packages` wins.
    match (lock.get("packages"), lock.get("dependencies")) {
        (Some(Value::Object(packages)), _) => v2_packages(packages, path, out),
        (Some(_), _) => out.warn(path, "`packages` is not an object, skipped"),
        (None, Some(Value::Object(dependencies))) => {
            let mut not_registry = 0;
            v1_dependencies(dependencies, path, &mut not_registry, out);
            not_checked(
                out,
                path,
                not_registry,
                "dependency is not a registry version (git, URL)",
                "dependencies are not registry versions (git, URL)",
            );
        }
        (None, Some(_)) => out.warn(path, "`dependencies` is not an object, skipped"),
        // A project without dependencies has neither.
        (None, None) if lock.contains_key("lockfileVersion") => {}
        (None, None) => out.warn(path, "no `lockfileVersion`, `packages` or `dependencies`: not an npm lockfile"),
    }
}

/// v2/v3: `"packages": {"": {...}, "node_modules/a": {...}, "node_modules/a/node_modules/b": {...}}`.
fn v2_packages(packages: &Map<String, Value>, path: &str, out: &mut CatalogOutput) {
    for (key, entry) in packages {
        // `""` is the project itself, keys outside node_modules are its workspace
        // packages: the project's own code, not dependencies.
        let Some((_, name_from_key)) = key.rsplit_once("node_modules/") else { continue };
        if !entry.is_object() {
            out.warn(path, format!("packages[\"{key}\"]: not an object, skipped"));
            continue;
        }
        // A link points at a workspace package (listed under its own key).
        if entry.get("link").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        // An alias (`"x": "npm:y@1"`) installs y under the directory x.
        let name = json_str(entry, "name").unwrap_or(name_from_key);
        if name.is_empty() {
            out.warn(path, format!("packages[\"{key}\"]: no package name, skipped"));
            continue;
        }
        // Entries without a version are optional packages for other platforms that
        // were not installed, or directories npm knows nothing of.
        let Some(version) = json_str(entry, "version") else { continue };
        let mut package = locked(Ecosystem::Npm, name, version, path);
        package.licenses.extend(json_str(entry, "license").map(str::to_string));
        set_dev(&mut package, entry.get("dev").and_then(Value::as_bool) == Some(true));
        out.packages.push(package);
    }
}

/// v1: `"dependencies": {"a": {"version": "1", "dependencies": {...}}}`.
fn v1_dependencies(dependencies: &Map<String, Value>, path: &str, not_registry: &mut usize, out: &mut CatalogOutput) {
    for (key, entry) in dependencies {
        if !entry.is_object() {
            out.warn(path, format!("dependencies[\"{key}\"]: not an object, skipped"));
            continue;
        }
        if let Some(version) = json_str(entry, "version") {
            // `"version": "npm:real@1.0.0"` is an alias installed under `key`.
            let (name, version) = match version.strip_prefix("npm:").and_then(split_at_version) {
                Some((real, v)) => (real, v),
                None => (key.as_str(), version),
            };
            if version.starts_with("file:") || version.starts_with("link:") {
                // The project's own code.
            } else if !version.starts_with(|c: char| c.is_ascii_digit()) {
                *not_registry += 1;
            } else {
                let mut package = locked(Ecosystem::Npm, name, version, path);
                set_dev(&mut package, entry.get("dev").and_then(Value::as_bool) == Some(true));
                out.packages.push(package);
            }
        }
        // serde_json stops nesting at 128 levels, which bounds this recursion.
        if let Some(nested) = entry.get("dependencies").and_then(Value::as_object) {
            v1_dependencies(nested, path, not_registry, out);
        }
    }
}

/// `name@1.0.0` or `@scope/name@1.0.0` -> (name, version).
pub(crate) fn split_at_version(spec: &str) -> Option<(&str, &str)> {
    let at = spec.get(1..)?.find('@')? + 1;
    let (name, version) = (&spec[..at], &spec[at + 1..]);
    (!name.is_empty() && !version.is_empty()).then_some((name, version))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{messages, names, pairs, run, with_extra};
    use super::*;
    use crate::catalog::TreeCataloger;

    #[test]
    fn wants_both_names_outside_node_modules() {
        assert!(NPM_LOCK.wants("package-lock.json").is_some());
        assert!(NPM_LOCK.wants("app/npm-shrinkwrap.json").is_some());
        assert!(NPM_LOCK.wants("app/node_modules/.package-lock.json").is_none());
        assert!(NPM_LOCK.wants("app/node_modules/x/package-lock.json").is_none());
        assert!(NPM_LOCK.wants("app/package.json").is_none());
    }

    #[test]
    fn v3_packages_map() {
        let lock = r#"{
          "name": "my-app", "lockfileVersion": 3,
          "packages": {
            "": {"name": "my-app", "version": "1.0.0"},
            "node_modules/a": {"version": "1.0.0", "license": "MIT"},
            "node_modules/a/node_modules/b": {"version": "2.0.0"},
            "node_modules/@scope/c": {"version": "3.0.0", "dev": true},
            "node_modules/d": {"version": "4.0.0", "dev": true},
            "node_modules/x/node_modules/d": {"version": "4.0.0"}
          }
        }"#;
        let out = run(&NPM_LOCK, "app/package-lock.json", lock);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(names(&out), pairs(&[("a", "1.0.0"), ("b", "2.0.0"), ("@scope/c", "3.0.0"), ("d", "4.0.0")]));
        // `d` is also a production dependency of `x`.
        assert_eq!(with_extra(&out, "dev", "true"), ["@scope/c"]);
        assert_eq!(with_extra(&out, "from-lockfile", "true").len(), 4);
        assert!(out.packages.iter().all(|p| p.location == "app/package-lock.json" && p.purl.is_empty()));
        assert_eq!(out.packages.iter().find(|p| p.name == "a").unwrap().licenses, ["MIT"]);
    }

    #[test]
    fn v2_links_workspaces_aliases_and_uninstalled_optionals() {
        let lock = r#"{
          "lockfileVersion": 2,
          "packages": {
            "": {"name": "root", "version": "1.0.0", "workspaces": ["packages/*"]},
            "node_modules/alias": {"name": "real", "version": "5.0.0"},
            "node_modules/linked": {"resolved": "packages/lib", "link": true},
            "packages/lib": {"name": "lib", "version": "0.0.1"},
            "packages/lib/node_modules/e": {"version": "6.0.0"},
            "node_modules/fsevents": {"optional": true, "os": ["darwin"]}
          },
          "dependencies": {"ignored": {"version": "9.9.9"}}
        }"#;
        let out = run(&NPM_LOCK, "npm-shrinkwrap.json", lock);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(names(&out), pairs(&[("e", "6.0.0"), ("real", "5.0.0")]));
    }

    #[test]
    fn v1_nested_dependencies_aliases_and_git() {
        let lock = r#"{
          "lockfileVersion": 1,
          "dependencies": {
            "a": {"version": "1.0.0", "dependencies": {"b": {"version": "2.0.0", "dev": true}}},
            "c": {"version": "3.0.0", "dev": true},
            "al": {"version": "npm:@s/real@4.0.0"},
            "local": {"version": "file:../local"},
            "g": {"version": "git+https://example.com/g.git#abc"},
            "h": {"version": "github:user/h#def"}
          }
        }"#;
        let out = run(&NPM_LOCK, "package-lock.json", lock);
        assert_eq!(names(&out), pairs(&[("a", "1.0.0"), ("b", "2.0.0"), ("c", "3.0.0"), ("@s/real", "4.0.0")]));
        assert_eq!(with_extra(&out, "dev", "true"), ["b", "c"]);
        assert_eq!(messages(&out), ["2 dependencies are not registry versions (git, URL): not checked"]);
    }

    #[test]
    fn an_empty_project_is_no_package_and_no_warning() {
        let out = run(&NPM_LOCK, "package-lock.json", r#"{"name": "x", "lockfileVersion": 1, "requires": true}"#);
        assert!(out.packages.is_empty() && out.warnings.is_empty());
    }

    #[test]
    fn malformed_locks_warn() {
        for (text, want) in [
            ("{ not json", "line 1: invalid JSON: key must be a string (column 3)"),
            ("[1]", "not a JSON object, skipped"),
            (r#"{"packages": []}"#, "`packages` is not an object, skipped"),
            (r#"{"dependencies": 3}"#, "`dependencies` is not an object, skipped"),
            (r#"{"name": "x"}"#, "no `lockfileVersion`, `packages` or `dependencies`: not an npm lockfile"),
        ] {
            let out = run(&NPM_LOCK, "package-lock.json", text);
            assert!(out.packages.is_empty());
            assert_eq!(messages(&out), [want], "{text}");
        }
        let out = run(
            &NPM_LOCK,
            "package-lock.json",
            r#"{"packages": {"node_modules/a": 1, "node_modules/b": {"version": "1.0.0"}}}"#,
        );
        assert_eq!(names(&out), pairs(&[("b", "1.0.0")]));
        assert_eq!(messages(&out), ["packages[\"node_modules/a\"]: not an object, skipped"]);
        let out = run(&NPM_LOCK, "package-lock.json", r#"{"dependencies": {"a": [], "b": {"version": "1.0.0"}}}"#);
        assert_eq!(names(&out), pairs(&[("b", "1.0.0")]));
        assert_eq!(messages(&out), ["dependencies[\"a\"]: not an object, skipped"]);
    }

    #[test]
    fn split_at_version_keeps_scopes() {
        assert_eq!(split_at_version("a@1"), Some(("a", "1")));
        assert_eq!(split_at_version("@s/a@1"), Some(("@s/a", "1")));
        assert_eq!(split_at_version("@s/a"), None);
        assert_eq!(split_at_version("a@"), None);
        assert_eq!(split_at_version(""), None);
    }
}
