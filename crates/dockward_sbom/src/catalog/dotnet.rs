//! .NET packages: the `*.deps.json` a published application carries, whose
//! `libraries` map lists every NuGet package it was built with as `Name/Version`.

use serde_json::Value;

use crate::catalog::textutil::{read_json, MIB};
use crate::catalog::{CatalogOutput, TreeCataloger};
use crate::model::{Distro, Ecosystem, Package};
use crate::tree::FileTree;

const DEPS_MAX: u64 = 64 * MIB;

/// The .NET cataloger.
pub struct DotNet;

impl TreeCataloger for DotNet {
    fn name(&self) -> &'static str {
        "dotnet"
    }

    fn wants(&self, path: &str) -> Option<u64> {
        path.ends_with(".deps.json").then_some(DEPS_MAX)
    }

    fn catalog(&self, tree: &dyn FileTree, paths: &[&str], _distro: Option<&Distro>, out: &mut CatalogOutput) {
        for &path in paths.iter().filter(|p| p.ends_with(".deps.json")) {
            let Some(json) = read_json(tree, path, DEPS_MAX, out) else { continue };
            let Some(libraries) = json.get("libraries").and_then(Value::as_object) else {
                out.warn(path, "no `libraries` object: not a deps.json the .NET SDK writes, skipped");
                continue;
            };
            for (key, library) in libraries {
                // `project` entries are the application's own assemblies, and
                // `reference` ones plain DLLs: neither is a NuGet package.
                if library.get("type").and_then(Value::as_str) != Some("package") {
                    continue;
                }
                match key.split_once('/') {
                    Some((name, version)) if !name.is_empty() && !version.is_empty() => {
                        out.packages.push(Package::new(Ecosystem::NuGet, name, version, path));
                    }
                    _ => out.warn(path, format!("library `{key}` is not `Name/Version`, skipped")),
                }
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
            tree.entries().iter().map(|e| e.path.as_str()).filter(|p| DotNet.wants(p).is_some()).collect();
        let mut out = CatalogOutput::default();
        DotNet.catalog(tree, &paths, None, &mut out);
        out
    }

    const DEPS: &str = r#"{
      "runtimeTarget": {"name": ".NETCoreApp,Version=v8.0", "signature": ""},
      "targets": {".NETCoreApp,Version=v8.0": {"MyApp/1.0.0": {"dependencies": {"Newtonsoft.Json": "13.0.1"}}}},
      "libraries": {
        "MyApp/1.0.0": {"type": "project", "serviceable": false, "sha512": ""},
        "Newtonsoft.Json/13.0.1": {"type": "package", "serviceable": true, "sha512": "sha512-x",
                                   "path": "newtonsoft.json/13.0.1"},
        "System.Text.Json/8.0.0": {"type": "package"},
        "Legacy.Dll/1.0.0.0": {"type": "reference"},
        "NoVersion": {"type": "package"},
        "Odd/1.0": "not an object"
      }
    }"#;

    #[test]
    fn packages_not_projects() {
        let out = run(&MemTree::new().with_file("app/MyApp.deps.json", DEPS));
        let got: Vec<(&str, &str)> = out.packages.iter().map(|p| (p.name.as_str(), p.version.as_str())).collect();
        assert_eq!(got, [("Newtonsoft.Json", "13.0.1"), ("System.Text.Json", "8.0.0")]);
        assert!(out.packages.iter().all(|p| p.ecosystem == Ecosystem::NuGet && p.location == "app/MyApp.deps.json"));
        assert_eq!(out.warnings.len(), 1);
        assert_eq!(out.warnings[0].message, "library `NoVersion` is not `Name/Version`, skipped");
    }

    #[test]
    fn not_a_deps_file() {
        let tree = MemTree::new().with_file("a.deps.json", "[]").with_file("b.deps.json", "{{");
        let out = run(&tree);
        assert!(out.packages.is_empty());
        assert_eq!(out.warnings.len(), 2);
        assert!(out.warnings[0].message.starts_with("no `libraries`"));
        assert!(out.warnings[1].message.starts_with("invalid JSON"));
    }

    #[test]
    fn wants_deps_json() {
        assert!(DotNet.wants("app/MyApp.deps.json").is_some());
        assert!(DotNet.wants("app/MyApp.runtimeconfig.json").is_none());
    }
}
