//! PHP packages Composer installed: `vendor/composer/installed.json`, a JSON
//! array (Composer 1) or `{"packages": [...]}` (Composer 2).

use std::collections::HashSet;

use serde_json::Value;

use crate::catalog::textutil::{read_json, MIB};
use crate::catalog::{CatalogOutput, TreeCataloger};
use crate::model::{Distro, Ecosystem, Package};
use crate::tree::FileTree;

const INSTALLED_MAX: u64 = 64 * MIB;

/// The Composer cataloger.
pub struct Php;

fn is_installed_json(path: &str) -> bool {
    path == "vendor/composer/installed.json" || path.ends_with("/vendor/composer/installed.json")
}

impl TreeCataloger for Php {
    fn name(&self) -> &'static str {
        "composer"
    }

    fn wants(&self, path: &str) -> Option<u64> {
        is_installed_json(path).then_some(INSTALLED_MAX)
    }

    fn catalog(&self, tree: &dyn FileTree, paths: &[&str], _distro: Option<&Distro>, out: &mut CatalogOutput) {
        for &path in paths.iter().filter(|p| is_installed_json(p)) {
            let Some(json) = read_json(tree, path, INSTALLED_MAX, out) else { continue };
            let (entries, dev_names) = match &json {
                Value::Array(entries) => (entries, HashSet::new()),
                Value::Object(object) => match object.get("packages") {
                    Some(Value::Array(entries)) => {
                        // Composer 2 lists the require-dev packages by name.
                        let dev = object
                            .get("dev-package-names")
                            .and_then(Value::as_array)
                            .map(|names| names.iter().filter_map(Value::as_str).collect())
                            .unwrap_or_default();
                        (entries, dev)
                    }
                    _ => {
                        out.warn(path, "no `packages` array: not an installed.json Composer writes, skipped");
                        continue;
                    }
                },
                _ => {
                    out.warn(path, "neither an array nor an object: not an installed.json Composer writes, skipped");
                    continue;
                }
            };
            for (index, entry) in entries.iter().enumerate() {
                let text = |key: &str| entry.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
                let (Some(name), Some(version)) = (text("name"), text("version")) else {
                    out.warn(path, format!("package #{} has no name or no version, skipped", index + 1));
                    continue;
                };
                // Kept as given (`v5.4.1`): Composer's own comparisons accept the `v`.
                let mut package = Package::new(Ecosystem::Packagist, name, version, path);
                package.licenses = match entry.get("license") {
                    Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).map(str::to_string).collect(),
                    Some(Value::String(one)) => vec![one.clone()],
                    _ => Vec::new(),
                };
                package.licenses.retain(|l| !l.trim().is_empty());
                if let Some(normalized) = text("version_normalized") {
                    package.extra.insert("version_normalized".into(), normalized.to_string());
                }
                if dev_names.contains(name) {
                    package.extra.insert("dev".into(), "true".into());
                }
                out.packages.push(package);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memtree::MemTree;

    fn run(tree: &MemTree) -> CatalogOutput {
        let paths: Vec<&str> =
            tree.entries().iter().map(|e| e.path.as_str()).filter(|p| Php.wants(p).is_some()).collect();
        let mut out = CatalogOutput::default();
        Php.catalog(tree, &paths, None, &mut out);
        out
    }

    #[test]
    fn composer_2_with_dev_packages() {
        let json = r#"{
            "packages": [
                {"name": "symfony/console", "version": "v5.4.1", "version_normalized": "5.4.1.0",
                 "license": ["MIT"], "type": "library"},
                {"name": "monolog/monolog", "version": "2.9.1", "license": ["MIT", "BSD-3-Clause"]},
                {"name": "phpunit/phpunit", "version": "9.6.0", "license": "BSD-3-Clause"},
                {"name": "nover"},
                "junk"
            ],
            "dev": true,
            "dev-package-names": ["phpunit/phpunit"]
        }"#;
        let out = run(&MemTree::new().with_file("var/www/app/vendor/composer/installed.json", json));
        let got: Vec<(&str, &str, Vec<String>)> =
            out.packages.iter().map(|p| (p.name.as_str(), p.version.as_str(), p.licenses.clone())).collect();
        assert_eq!(
            got,
            [
                ("symfony/console", "v5.4.1", vec!["MIT".to_string()]),
                ("monolog/monolog", "2.9.1", vec!["MIT".to_string(), "BSD-3-Clause".to_string()]),
                ("phpunit/phpunit", "9.6.0", vec!["BSD-3-Clause".to_string()]),
            ]
        );
        assert_eq!(out.packages[0].extra["version_normalized"], "5.4.1.0");
        assert_eq!(out.packages[0].ecosystem, Ecosystem::Packagist);
        assert_eq!(out.packages[0].location, "var/www/app/vendor/composer/installed.json");
        assert!(!out.packages[1].extra.contains_key("dev"));
        assert_eq!(out.packages[2].extra["dev"], "true");
        let messages: Vec<&str> = out.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            messages,
            ["package #4 has no name or no version, skipped", "package #5 has no name or no version, skipped"]
        );
    }

    #[test]
    fn composer_1_array() {
        let json = r#"[{"name": "guzzlehttp/guzzle", "version": "6.5.5", "license": ["MIT"]}]"#;
        let out = run(&MemTree::new().with_file("vendor/composer/installed.json", json));
        assert!(out.warnings.is_empty());
        assert_eq!(out.packages.len(), 1);
        assert_eq!(out.packages[0].name, "guzzlehttp/guzzle");
    }

    #[test]
    fn other_shapes_warn() {
        let tree = MemTree::new()
            .with_file("a/vendor/composer/installed.json", r#"{"dev": true}"#)
            .with_file("b/vendor/composer/installed.json", "42")
            .with_file("c/vendor/composer/installed.json", "{oops");
        let out = run(&tree);
        assert!(out.packages.is_empty());
        assert_eq!(out.warnings.len(), 3);
        assert!(out.warnings[2].message.starts_with("invalid JSON"));
    }

    #[test]
    fn wants_installed_json_only() {
        assert!(Php.wants("vendor/composer/installed.json").is_some());
        assert!(Php.wants("app/vendor/composer/installed.json").is_some());
        assert!(Php.wants("app/myvendor/composer/installed.json").is_none());
        assert!(Php.wants("app/vendor/composer/installed.php").is_none());
    }
}
