//! uv's `uv.lock` (TOML): one `[[package]]` table per distribution with `name`,
//! `version` and `source`. A source of `editable`, `virtual`, `directory` or `path` is
//! the project (or its workspace members): kept with extra `source=local`, skipped
//! when it has no version (a virtual root or a dynamic version). uv records which
//! packages only development groups need on the root package alone, not per
//! package, so no `dev` is given.

use super::poetry::PYTHON_DEPENDENCY_DIRS;
use super::{locked, toml_packages, toml_str, toml_table, LockfileCataloger};
use crate::catalog::CatalogOutput;
use crate::model::Ecosystem;

/// The uv lockfile cataloger.
pub static UV_LOCK: LockfileCataloger =
    LockfileCataloger { name: "uv-lock", file: is_uv_lock, skip_dirs: PYTHON_DEPENDENCY_DIRS, parse };

fn is_uv_lock(name: &str) -> bool {
    name == "uv.lock"
}

const LOCAL_SOURCES: [&str; 4] = ["editable", "virtual", "directory", "path"];

fn parse(bytes: &[u8], path: &str, out: &mut CatalogOutput) {
    let Some(table) = toml_table(bytes, path, out) else { return };
    if !table.contains_key("package") && !table.contains_key("version") {
        out.warn(path, "no `version` nor [[package]] table: not a uv.lock");
        return;
    }
    for (place, entry) in toml_packages(bytes, &table, path, out) {
        let source = entry.get("source").and_then(toml::Value::as_table);
        let local = source.is_some_and(|s| LOCAL_SOURCES.iter().any(|k| s.contains_key(*k)));
        let Some(name) = toml_str(entry, "name") else {
            out.warn(path, format!("{place}: a package without a name, skipped"));
            continue;
        };
        let Some(version) = toml_str(entry, "version") else {
            if !local {
                out.warn(path, format!("{place}: `{name}` has no version, skipped"));
            }
            continue;
        };
        let mut package = locked(Ecosystem::PyPi, name, version, path);
        if local {
            package.extra.insert("source".into(), "local".into());
        } else if let Some(kind) = source.and_then(|s| ["git", "url"].into_iter().find(|k| s.contains_key(*k))) {
            package.extra.insert("source".into(), kind.into());
        }
        out.packages.push(package);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{messages, names, pairs, run, with_extra};
    use super::*;
    use crate::catalog::TreeCataloger;

    #[test]
    fn wants_uv_lock() {
        assert!(UV_LOCK.wants("uv.lock").is_some());
        assert!(UV_LOCK.wants("a/b/uv.lock").is_some());
        assert!(UV_LOCK.wants("a/uv.toml").is_none());
    }

    #[test]
    fn registry_local_and_git_sources() {
        let lock = r#"version = 1
revision = 2
requires-python = ">=3.12"

[[package]]
name = "anyio"
version = "4.4.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "idna" },
    { name = "sniffio" },
]
sdist = { url = "https://files.pythonhosted.org/anyio-4.4.0.tar.gz", hash = "sha256:x", size = 1 }

[[package]]
name = "myproj"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "anyio" }]

[package.dev-dependencies]
dev = [{ name = "pytest" }]

[[package]]
name = "member"
source = { virtual = "packages/member" }

[[package]]
name = "forked"
version = "1.0.0"
source = { git = "https://example.com/forked?rev=abc#abc" }
"#;
        let out = run(&UV_LOCK, "uv.lock", lock);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(names(&out), pairs(&[("anyio", "4.4.0"), ("forked", "1.0.0"), ("myproj", "0.1.0")]));
        assert_eq!(with_extra(&out, "source", "local"), ["myproj"]);
        assert_eq!(with_extra(&out, "source", "git"), ["forked"]);
        assert!(with_extra(&out, "dev", "true").is_empty());
    }

    #[test]
    fn malformed_locks_warn() {
        let lock =
            "version = 1\n[[package]]\nversion = \"1\"\n[[package]]\nname = \"b\"\nsource = { registry = \"x\" }\n\
                    [[package]]\nname = \"c\"\nversion = \"3\"\n";
        let out = run(&UV_LOCK, "uv.lock", lock);
        assert_eq!(names(&out), pairs(&[("c", "3")]));
        assert_eq!(
            messages(&out),
            ["line 2: a package without a name, skipped", "line 4: `b` has no version, skipped"]
        );
        let out = run(&UV_LOCK, "uv.lock", "version = \n");
        assert!(out.packages.is_empty());
        assert!(messages(&out)[0].starts_with("line 1: invalid TOML"), "{:?}", out.warnings);
        let out = run(&UV_LOCK, "uv.lock", "[tool.uv]\n");
        assert_eq!(messages(&out), ["no `version` nor [[package]] table: not a uv.lock"]);
    }
}
