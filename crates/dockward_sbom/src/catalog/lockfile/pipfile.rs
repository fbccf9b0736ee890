//! Pipenv's `Pipfile.lock` (JSON): the `default` and `develop` (development-only)
//! maps of name to `{"version": "==1.2.3", ...}`. Entries without a pinned version
//! (git checkouts, local paths, editable installs) are not checked.

use serde_json::Value;

use super::poetry::PYTHON_DEPENDENCY_DIRS;
use super::{json, json_str, locked, not_checked, set_dev, LockfileCataloger};
use crate::catalog::CatalogOutput;
use crate::model::Ecosystem;

/// The Pipenv lockfile cataloger.
pub static PIPFILE_LOCK: LockfileCataloger =
    LockfileCataloger { name: "pipfile-lock", file: is_pipfile_lock, skip_dirs: PYTHON_DEPENDENCY_DIRS, parse };

fn is_pipfile_lock(name: &str) -> bool {
    name == "Pipfile.lock"
}

fn parse(bytes: &[u8], path: &str, out: &mut CatalogOutput) {
    let Some(json) = json(bytes, path, out) else { return };
    let Some(lock) = json.as_object() else {
        out.warn(path, "not a JSON object, skipped");
        return;
    };
    if !lock.contains_key("default") && !lock.contains_key("develop") {
        out.warn(path, "no `default` or `develop` object: not a Pipfile.lock");
        return;
    }
    let mut unpinned = 0;
    for (section, dev) in [("default", false), ("develop", true)] {
        let entries = match lock.get(section) {
            None | Some(Value::Null) => continue,
            Some(Value::Object(entries)) => entries,
            Some(_) => {
                out.warn(path, format!("`{section}` is not an object, skipped"));
                continue;
            }
        };
        for (name, entry) in entries {
            if !entry.is_object() {
                out.warn(path, format!("{section}[\"{name}\"]: not an object, skipped"));
                continue;
            }
            let pinned = json_str(entry, "version")
                .and_then(|v| v.strip_prefix("===").or_else(|| v.strip_prefix("==")))
                .map(str::trim)
                .filter(|v| !v.is_empty() && !v.contains('*'));
            let Some(version) = pinned else {
                unpinned += 1;
                continue;
            };
            let mut package = locked(Ecosystem::PyPi, name, version, path);
            set_dev(&mut package, dev);
            out.packages.push(package);
        }
    }
    not_checked(
        out,
        path,
        unpinned,
        "package has no pinned version (git, path, editable)",
        "packages have no pinned version (git, path, editable)",
    );
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{messages, names, pairs, run, with_extra};
    use super::*;
    use crate::catalog::TreeCataloger;

    #[test]
    fn wants_the_exact_name() {
        assert!(PIPFILE_LOCK.wants("app/Pipfile.lock").is_some());
        assert!(PIPFILE_LOCK.wants("app/Pipfile").is_none());
        assert!(PIPFILE_LOCK.wants("app/pipfile.lock").is_none());
    }

    #[test]
    fn default_and_develop() {
        let lock = r#"{
            "_meta": {"hash": {"sha256": "abc"}, "pipfile-spec": 6, "requires": {"python_version": "3.11"},
                      "sources": [{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": true}]},
            "default": {
                "requests": {"hashes": ["sha256:x"], "index": "pypi", "markers": "python_version >= '3.7'", "version": "==2.31.0"},
                "urllib3": {"version": "==2.0.4"},
                "six": {"version": "==1.16.0"}
            },
            "develop": {
                "pytest": {"version": "==7.4.0"},
                "six": {"version": "==1.16.0"}
            }
        }"#;
        let out = run(&PIPFILE_LOCK, "Pipfile.lock", lock);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(
            names(&out),
            pairs(&[("pytest", "7.4.0"), ("requests", "2.31.0"), ("six", "1.16.0"), ("urllib3", "2.0.4")])
        );
        // six is needed at run time too.
        assert_eq!(with_extra(&out, "dev", "true"), ["pytest"]);
    }

    #[test]
    fn git_path_and_editable_entries_are_not_checked() {
        let lock = r#"{
            "default": {
                "mypkg": {"editable": true, "path": "."},
                "forked": {"git": "https://example.com/forked.git", "ref": "abc"},
                "arbitrary": {"version": "===1.0"},
                "star": {"version": "==1.*"}
            },
            "develop": {}
        }"#;
        let out = run(&PIPFILE_LOCK, "Pipfile.lock", lock);
        assert_eq!(names(&out), pairs(&[("arbitrary", "1.0")]));
        assert_eq!(messages(&out), ["3 packages have no pinned version (git, path, editable): not checked"]);
    }

    #[test]
    fn malformed_locks_warn() {
        for (text, want) in [
            ("{\"default\": {", "line 1: invalid JSON: EOF while parsing an object (column 13)"),
            ("[]", "not a JSON object, skipped"),
            ("{\"_meta\": {}}", "no `default` or `develop` object: not a Pipfile.lock"),
            ("{\"default\": []}", "`default` is not an object, skipped"),
            ("{\"default\": {\"a\": \"==1\"}}", "default[\"a\"]: not an object, skipped"),
        ] {
            let out = run(&PIPFILE_LOCK, "Pipfile.lock", text);
            assert!(out.packages.is_empty());
            assert_eq!(messages(&out), [want], "{text}");
        }
    }
}
