//! Composer's `composer.lock` (JSON): the `packages` and `packages-dev`
//! (development-only) arrays of `{"name": "vendor/name", "version": "1.2.3", ...}`.

use serde_json::Value;

use super::{json, json_str, locked, set_dev, LockfileCataloger};
use crate::catalog::CatalogOutput;
use crate::model::Ecosystem;

/// The Composer lockfile cataloger.
pub static COMPOSER_LOCK: LockfileCataloger =
    LockfileCataloger { name: "composer-lock", file: is_composer_lock, skip_dirs: &["vendor"], parse };

fn is_composer_lock(name: &str) -> bool {
    name == "composer.lock"
}

fn parse(bytes: &[u8], path: &str, out: &mut CatalogOutput) {
    let Some(json) = json(bytes, path, out) else { return };
    let Some(lock) = json.as_object() else {
        out.warn(path, "not a JSON object, skipped");
        return;
    };
    if !lock.contains_key("packages") && !lock.contains_key("packages-dev") {
        out.warn(path, "no `packages` or `packages-dev` array: not a composer.lock");
        return;
    }
    for (section, dev) in [("packages", false), ("packages-dev", true)] {
        let entries = match lock.get(section) {
            None | Some(Value::Null) => continue,
            Some(Value::Array(entries)) => entries,
            Some(_) => {
                out.warn(path, format!("`{section}` is not an array, skipped"));
                continue;
            }
        };
        for (index, entry) in entries.iter().enumerate() {
            let (Some(name), Some(version)) = (json_str(entry, "name"), json_str(entry, "version")) else {
                out.warn(path, format!("{section}[{index}]: a package without name or version, skipped"));
                continue;
            };
            let mut package = locked(Ecosystem::Packagist, name, version, path);
            if let Some(licenses) = entry.get("license").and_then(Value::as_array) {
                package.licenses = licenses.iter().filter_map(Value::as_str).map(str::to_string).collect();
            }
            set_dev(&mut package, dev);
            out.packages.push(package);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{messages, names, pairs, run, with_extra};
    use super::*;
    use crate::catalog::TreeCataloger;

    #[test]
    fn wants_composer_lock_outside_vendor() {
        assert!(COMPOSER_LOCK.wants("composer.lock").is_some());
        assert!(COMPOSER_LOCK.wants("web/composer.lock").is_some());
        assert!(COMPOSER_LOCK.wants("web/vendor/acme/x/composer.lock").is_none());
        assert!(COMPOSER_LOCK.wants("web/node_modules/x/composer.lock").is_none());
        assert!(COMPOSER_LOCK.wants("web/composer.json").is_none());
    }

    #[test]
    fn packages_and_dev_packages() {
        let lock = r#"{
            "_readme": ["This file locks the dependencies of your project to a known state"],
            "content-hash": "abc",
            "packages": [
                {"name": "monolog/monolog", "version": "3.4.0", "license": ["MIT"], "type": "library"},
                {"name": "symfony/polyfill-mbstring", "version": "v1.28.0", "source": {"type": "git"}}
            ],
            "packages-dev": [
                {"name": "phpunit/phpunit", "version": "10.3.2"}
            ],
            "aliases": [], "minimum-stability": "stable", "plugin-api-version": "2.6.0"
        }"#;
        let out = run(&COMPOSER_LOCK, "composer.lock", lock);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(
            names(&out),
            pairs(&[
                ("monolog/monolog", "3.4.0"),
                ("phpunit/phpunit", "10.3.2"),
                ("symfony/polyfill-mbstring", "v1.28.0")
            ])
        );
        assert_eq!(with_extra(&out, "dev", "true"), ["phpunit/phpunit"]);
        assert_eq!(out.packages[0].licenses, ["MIT"]);
    }

    #[test]
    fn null_dev_packages_and_branch_versions() {
        let lock = r#"{"packages": [{"name": "acme/x", "version": "dev-main"}], "packages-dev": null}"#;
        let out = run(&COMPOSER_LOCK, "composer.lock", lock);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(names(&out), pairs(&[("acme/x", "dev-main")]));
    }

    #[test]
    fn malformed_locks_warn() {
        let lock = r#"{"packages": [{"name": "a/a"}, 7, {"name": "b/b", "version": "1.0.0"}], "packages-dev": {}}"#;
        let out = run(&COMPOSER_LOCK, "composer.lock", lock);
        assert_eq!(names(&out), pairs(&[("b/b", "1.0.0")]));
        assert_eq!(
            messages(&out),
            [
                "packages[0]: a package without name or version, skipped",
                "packages[1]: a package without name or version, skipped",
                "`packages-dev` is not an array, skipped",
            ]
        );
        for (text, want) in [
            ("", "line 1: invalid JSON: EOF while parsing a value (column 0)"),
            ("true", "not a JSON object, skipped"),
            ("{}", "no `packages` or `packages-dev` array: not a composer.lock"),
        ] {
            assert_eq!(messages(&run(&COMPOSER_LOCK, "composer.lock", text)), [want], "{text}");
        }
    }
}
