//! NuGet's `packages.lock.json`: `dependencies` -> target framework -> package name ->
//! `{"type": "Direct" | "Transitive" | "CentralTransitive", "resolved": "1.2.3"}`.
//! `Project` entries are the solution's own projects. The same package under several
//! frameworks is one package.

use serde_json::Value;

use super::{json, json_str, locked, LockfileCataloger};
use crate::catalog::CatalogOutput;
use crate::model::Ecosystem;

/// The NuGet lockfile cataloger.
pub static NUGET_LOCK: LockfileCataloger =
    LockfileCataloger { name: "nuget-lock", file: is_nuget_lock, skip_dirs: &[], parse };

fn is_nuget_lock(name: &str) -> bool {
    name == "packages.lock.json"
}

fn parse(bytes: &[u8], path: &str, out: &mut CatalogOutput) {
    let Some(json) = json(bytes, path, out) else { return };
    let Some(frameworks) = json.get("dependencies").and_then(Value::as_object) else {
        out.warn(path, "no `dependencies` object: not a packages.lock.json");
        return;
    };
    for (framework, packages) in frameworks {
        let Some(packages) = packages.as_object() else {
            out.warn(path, format!("dependencies[\"{framework}\"]: not an object, skipped"));
            continue;
        };
        for (name, entry) in packages {
            if json_str(entry, "type").is_some_and(|t| t.eq_ignore_ascii_case("project")) {
                continue;
            }
            let Some(version) = json_str(entry, "resolved") else {
                out.warn(path, format!("dependencies[\"{framework}\"][\"{name}\"]: no resolved version, skipped"));
                continue;
            };
            out.packages.push(locked(Ecosystem::NuGet, name, version, path));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{messages, names, pairs, run};
    use super::*;
    use crate::catalog::TreeCataloger;

    #[test]
    fn wants_packages_lock_json() {
        assert!(NUGET_LOCK.wants("src/App/packages.lock.json").is_some());
        assert!(NUGET_LOCK.wants("src/App/packages.config").is_none());
    }

    #[test]
    fn frameworks_and_projects() {
        let lock = r#"{
          "version": 1,
          "dependencies": {
            "net6.0": {
              "Newtonsoft.Json": {"type": "Direct", "requested": "[13.0.1, )", "resolved": "13.0.1", "contentHash": "x"},
              "System.Text.Json": {"type": "Transitive", "resolved": "6.0.0"},
              "MyLib": {"type": "Project", "dependencies": {"Newtonsoft.Json": "[13.0.1, )"}}
            },
            "net8.0": {
              "Newtonsoft.Json": {"type": "Direct", "requested": "[13.0.1, )", "resolved": "13.0.1"}
            },
            "net8.0/linux-x64": {}
          }
        }"#;
        let out = run(&NUGET_LOCK, "packages.lock.json", lock);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(names(&out), pairs(&[("Newtonsoft.Json", "13.0.1"), ("System.Text.Json", "6.0.0")]));
        assert!(out.packages.iter().all(|p| p.ecosystem == Ecosystem::NuGet));
    }

    #[test]
    fn malformed_locks_warn() {
        let lock =
            r#"{"dependencies": {"net6.0": {"A": {"type": "Direct"}, "B": {"resolved": "1.0.0"}}, "net7.0": 3}}"#;
        let out = run(&NUGET_LOCK, "packages.lock.json", lock);
        assert_eq!(names(&out), pairs(&[("B", "1.0.0")]));
        assert_eq!(
            messages(&out),
            [
                "dependencies[\"net6.0\"][\"A\"]: no resolved version, skipped",
                "dependencies[\"net7.0\"]: not an object, skipped",
            ]
        );
        assert_eq!(
            messages(&run(&NUGET_LOCK, "packages.lock.json", "{}")),
            ["no `dependencies` object: not a packages.lock.json"]
        );
        assert_eq!(run(&NUGET_LOCK, "packages.lock.json", "{,").warnings.len(), 1);
    }
}
