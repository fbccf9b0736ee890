//! Debian packages: `var/lib/dpkg/status` with the `info/<pkg>[:<arch>].list` file
//! lists, and distroless images' `var/lib/dpkg/status.d/<pkg>` (one `dpkg-deb
//! --field` output per package) with `status.d/<pkg>.md5sums`.

use crate::catalog::textutil::{read_optional, read_wanted, stanzas, Stanza, MIB};
use crate::catalog::{CatalogOutput, TreeCataloger};
use crate::model::{Distro, Ecosystem, Package};
use crate::tree::FileTree;

pub const STATUS: &str = "var/lib/dpkg/status";
const STATUS_D: &str = "var/lib/dpkg/status.d/";
const INFO: &str = "var/lib/dpkg/info/";
/// 673 KB holds 743 packages; 64 MiB is far past any real system.
const STATUS_MAX: u64 = 64 * MIB;
const LIST_MAX: u64 = 16 * MIB;

/// The dpkg cataloger.
pub struct Dpkg;

impl TreeCataloger for Dpkg {
    fn name(&self) -> &'static str {
        "dpkg"
    }

    fn wants(&self, path: &str) -> Option<u64> {
        if path == STATUS {
            return Some(STATUS_MAX);
        }
        if let Some(name) = path.strip_prefix(STATUS_D) {
            if name.is_empty() || name.contains('/') {
                return None;
            }
            return Some(if name.ends_with(".md5sums") { LIST_MAX } else { STATUS_MAX });
        }
        let name = path.strip_prefix(INFO)?;
        (!name.contains('/') && name.ends_with(".list")).then_some(LIST_MAX)
    }

    fn catalog(&self, tree: &dyn FileTree, paths: &[&str], _distro: Option<&Distro>, out: &mut CatalogOutput) {
        for &path in paths {
            if path == STATUS {
                catalog_status(tree, out);
            } else if path.starts_with(STATUS_D) && !path.ends_with(".md5sums") {
                catalog_status_d(tree, path, out);
            }
        }
    }
}

fn catalog_status(tree: &dyn FileTree, out: &mut CatalogOutput) {
    let Some(bytes) = read_wanted(tree, STATUS, STATUS_MAX, out) else { return };
    for mut package in packages_of(&String::from_utf8_lossy(&bytes), STATUS, out) {
        package.files = list_files(tree, &package, out).unwrap_or_default();
        out.packages.push(package);
    }
}

fn catalog_status_d(tree: &dyn FileTree, path: &str, out: &mut CatalogOutput) {
    let Some(bytes) = read_wanted(tree, path, STATUS_MAX, out) else { return };
    for mut package in packages_of(&String::from_utf8_lossy(&bytes), path, out) {
        // Distroless names the sums after the status.d file; that is the package
        // name, but try the name from the stanza too in case they differ.
        let by_file = format!("{path}.md5sums");
        let by_name = format!("{STATUS_D}{}.md5sums", package.name);
        let mut files = md5sums_files(tree, &by_file, out);
        if files.is_none() && by_name != by_file {
            files = md5sums_files(tree, &by_name, out);
        }
        package.files = files.or_else(|| list_files(tree, &package, out)).unwrap_or_default();
        out.packages.push(package);
    }
}

/// The installed packages of one status-format file.
fn packages_of(text: &str, path: &str, out: &mut CatalogOutput) -> Vec<Package> {
    let mut packages = Vec::new();
    for stanza in stanzas(text) {
        match package_of(&stanza, path) {
            Ok(Some(package)) => {
                if let Some(line) = stanza.bad_line {
                    out.warn(path, format!("line {line}: not a `Field: value` line, ignored"));
                }
                packages.push(package);
            }
            Ok(None) => {}
            Err(message) => out.warn(path, message),
        }
    }
    packages
}

/// `Ok(None)` for a package that is not installed; `Err` for a stanza that names
/// no package (one message, with the line).
fn package_of(stanza: &Stanza, path: &str) -> Result<Option<Package>, String> {
    let Some(name) = stanza.get("Package") else {
        let line = stanza.bad_line.unwrap_or(stanza.first_line);
        return Err(format!("line {line}: stanza without a Package field, skipped"));
    };
    // `dpkg-deb --field` output (distroless status.d) has no Status: it describes
    // a package that was unpacked, so it counts as installed.
    if let Some(status) = stanza.get("Status") {
        if !is_installed(status) {
            return Ok(None);
        }
    }
    let Some(version) = stanza.get("Version") else {
        return Err(format!("line {}: package `{name}` has no Version field, skipped", stanza.first_line));
    };
    let mut package = Package::new(Ecosystem::Deb, name, version, path);
    package.arch = stanza.get("Architecture").map(str::to_string);
    // The matcher looks advisories up by source package, so both are always set.
    let (source_name, source_version) = match stanza.get("Source") {
        Some(source) => parse_source(source),
        None => (name, None),
    };
    package.source_name = Some(source_name.to_string());
    package.source_version = Some(source_version.unwrap_or(version).to_string());
    if let Some(maintainer) = stanza.get("Maintainer") {
        package.extra.insert("maintainer".into(), maintainer.to_string());
    }
    Ok(Some(package))
}

/// `Status: <want> <flag> <status>`. Only unpacked-and-configured packages are
/// on disk in full; `hold ok installed` is installed and pinned, so it counts,
/// while `deinstall`/`purge` wants mean the package is on its way out.
fn is_installed(status: &str) -> bool {
    let words: Vec<&str> = status.split_whitespace().collect();
    match words.as_slice() {
        [want, _flag, "installed"] => !matches!(*want, "deinstall" | "purge"),
        _ => false,
    }
}

/// `util-linux (2.38.1-5+deb12u3)` -> (`util-linux`, Some(`2.38.1-5+deb12u3`)).
fn parse_source(source: &str) -> (&str, Option<&str>) {
    match source.split_once('(') {
        Some((name, rest)) => {
            let version = rest.split_once(')').map_or(rest, |(v, _)| v).trim();
            (name.trim(), Some(version).filter(|v| !v.is_empty()))
        }
        None => (source.trim(), None),
    }
}

/// The files of `info/<pkg>:<arch>.list` (Multi-Arch: same packages) or
/// `info/<pkg>.list`; `None` when neither exists.
fn list_files(tree: &dyn FileTree, package: &Package, out: &mut CatalogOutput) -> Option<Vec<String>> {
    let mut candidates = Vec::new();
    if let Some(arch) = &package.arch {
        candidates.push(format!("{INFO}{}:{arch}.list", package.name));
    }
    candidates.push(format!("{INFO}{}.list", package.name));
    let bytes = candidates.iter().find_map(|path| read_optional(tree, path, LIST_MAX, out))?;
    Some(String::from_utf8_lossy(&bytes).lines().filter_map(owned_path).collect())
}

/// `<md5>  <path>` lines.
fn md5sums_files(tree: &dyn FileTree, path: &str, out: &mut CatalogOutput) -> Option<Vec<String>> {
    let bytes = read_optional(tree, path, LIST_MAX, out)?;
    let text = String::from_utf8_lossy(&bytes);
    let mut files = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match line.split_once(char::is_whitespace).and_then(|(_, p)| owned_path(p.trim_start())) {
            Some(file) => files.push(file),
            None => out.warn(path, format!("line {}: not a `<md5>  <path>` line, skipped", index + 1)),
        }
    }
    Some(files)
}

/// `/usr/bin/logger` -> `usr/bin/logger`; the root itself (`/.`) is no file.
fn owned_path(line: &str) -> Option<String> {
    let path = line.trim_end_matches('\r').trim_start_matches('/');
    (!path.is_empty() && path != ".").then(|| path.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memtree::MemTree;

    fn run(tree: &MemTree) -> CatalogOutput {
        let paths: Vec<&str> =
            tree.entries().iter().map(|e| e.path.as_str()).filter(|p| Dpkg.wants(p).is_some()).collect();
        let mut out = CatalogOutput::default();
        Dpkg.catalog(tree, &paths, None, &mut out);
        out
    }

    #[test]
    fn wants_status_status_d_and_lists() {
        assert_eq!(Dpkg.wants("var/lib/dpkg/status"), Some(STATUS_MAX));
        assert_eq!(Dpkg.wants("var/lib/dpkg/status-old"), None);
        assert_eq!(Dpkg.wants("var/lib/dpkg/status.d/libc6"), Some(STATUS_MAX));
        assert_eq!(Dpkg.wants("var/lib/dpkg/status.d/libc6.md5sums"), Some(LIST_MAX));
        assert_eq!(Dpkg.wants("var/lib/dpkg/status.d/sub/x"), None);
        assert_eq!(Dpkg.wants("var/lib/dpkg/info/bash.list"), Some(LIST_MAX));
        assert_eq!(Dpkg.wants("var/lib/dpkg/info/bash.md5sums"), None);
        assert_eq!(Dpkg.wants("usr/var/lib/dpkg/status"), None);
    }

    #[test]
    fn debian12_minbase_matches_the_expected_inventory() {
        let base = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/vuln/images/debian12-minbase");
        let tree = MemTree::from_dir(&std::path::Path::new(base).join("rootfs")).unwrap();
        let out = run(&tree);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(out.packages.len(), 88);

        let expected: serde_json::Value =
            serde_json::from_slice(&std::fs::read(format!("{base}/expected-inventory.json")).unwrap()).unwrap();
        let mut want: Vec<(String, String, String, String, String)> = expected["packages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let s = |k: &str| p[k].as_str().unwrap().to_string();
                (s("name"), s("version"), s("architecture"), s("source"), s("source_version"))
            })
            .collect();
        let mut got: Vec<(String, String, String, String, String)> = out
            .packages
            .iter()
            .map(|p| {
                (
                    p.name.clone(),
                    p.version.clone(),
                    p.arch.clone().unwrap(),
                    p.source_name.clone().unwrap(),
                    p.source_version.clone().unwrap(),
                )
            })
            .collect();
        want.sort();
        got.sort();
        assert_eq!(got, want);

        for p in &out.packages {
            assert_eq!(p.location, STATUS);
            assert_eq!(p.ecosystem, Ecosystem::Deb);
            assert!(!p.files.is_empty(), "{} has no files", p.name);
            assert!(p.extra.contains_key("maintainer"), "{}", p.name);
            assert!(p.purl.is_empty() && p.layer.is_none() && p.licenses.is_empty());
        }
        let bsdutils = out.packages.iter().find(|p| p.name == "bsdutils").unwrap();
        assert_eq!(bsdutils.files.len(), 33);
        assert_eq!(bsdutils.files[..3], ["usr", "usr/bin", "usr/bin/logger"]);
        // Multi-Arch: same packages keep their list under `<pkg>:<arch>.list`.
        let zlib = out.packages.iter().find(|p| p.name == "zlib1g").unwrap();
        assert!(zlib.files.iter().any(|f| f.starts_with("lib/x86_64-linux-gnu/libz.so")), "{:?}", zlib.files);
    }

    #[test]
    fn only_installed_stanzas_count() {
        let status = "\
Package: kept
Status: install ok installed
Version: 1.0-1
Architecture: amd64

Package: held
Status: hold ok installed
Version: 2.0
Architecture: all

Package: removing
Status: deinstall ok installed
Version: 1

Package: purged
Status: purge ok not-installed
Version: 1

Package: conffiles-left
Status: deinstall ok config-files
Version: 1

Package: broken
Status: install reinstreq half-installed
Version: 1

Package: never
Status: unknown ok not-installed
";
        let out = run(&MemTree::new().with_file(STATUS, status));
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        let names: Vec<&str> = out.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["kept", "held"]);
        let kept = &out.packages[0];
        assert_eq!(kept.source_name.as_deref(), Some("kept"));
        assert_eq!(kept.source_version.as_deref(), Some("1.0-1"));
        assert!(kept.files.is_empty());
    }

    #[test]
    fn source_field_forms() {
        assert_eq!(parse_source("util-linux (2.38.1-5+deb12u3)"), ("util-linux", Some("2.38.1-5+deb12u3")));
        assert_eq!(parse_source("zlib"), ("zlib", None));
        assert_eq!(parse_source("x ()"), ("x", None));
        assert_eq!(parse_source("x (1.0"), ("x", Some("1.0")));
        let status = "Package: libfoo1\nStatus: install ok installed\nSource: foo (1.0-2)\nVersion: 1.0-2+b1\n\
                      Maintainer: Someone <a@b>\n";
        let out = run(&MemTree::new().with_file(STATUS, status));
        let p = &out.packages[0];
        assert_eq!((p.source_name.as_deref(), p.source_version.as_deref()), (Some("foo"), Some("1.0-2")));
        assert_eq!(p.extra["maintainer"], "Someone <a@b>");
    }

    #[test]
    fn malformed_stanzas_warn_once_each_and_the_rest_continues() {
        let status = "\
Status: install ok installed
Version: 1

Package: noversion
Status: install ok installed

Package: garbled
Status: install ok installed
this is not a field
Version: 3

Package: fine
Status: install ok installed
Version: 4
";
        let out = run(&MemTree::new().with_file(STATUS, status));
        let names: Vec<&str> = out.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["garbled", "fine"]);
        let messages: Vec<&str> = out.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "line 1: stanza without a Package field, skipped",
                "line 4: package `noversion` has no Version field, skipped",
                "line 9: not a `Field: value` line, ignored",
            ]
        );
        assert!(out.warnings.iter().all(|w| w.path == STATUS));
    }

    #[test]
    fn binary_garbage_does_not_panic() {
        let mut bytes = b"Package: a\nVersion: 1\n".to_vec();
        bytes.extend((0..=255u8).cycle().take(5000));
        let out = run(&MemTree::new().with_file(STATUS, bytes));
        assert_eq!(out.packages.len(), 1);
        assert!(!out.warnings.is_empty());
    }

    #[test]
    fn list_files_by_plain_and_arch_qualified_name() {
        let status = "Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n\n\
                      Package: b\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n";
        let tree = MemTree::new()
            .with_file(STATUS, status)
            .with_file("var/lib/dpkg/info/a.list", "/.\n/usr\n/usr/bin/a\n\n")
            .with_file("var/lib/dpkg/info/b:amd64.list", "/.\r\n/usr/lib/libb.so.1\r\n")
            .with_file("var/lib/dpkg/info/b.list", "/wrong\n");
        let out = run(&tree);
        assert_eq!(out.packages[0].files, ["usr", "usr/bin/a"]);
        assert_eq!(out.packages[1].files, ["usr/lib/libb.so.1"]);
    }

    #[test]
    fn an_unreadable_list_is_a_warning() {
        let status = "Package: a\nStatus: install ok installed\nVersion: 1\n";
        let tree = MemTree::new().with_file(STATUS, status).with_symlink("var/lib/dpkg/info/a.list", "a.list");
        let out = run(&tree);
        assert_eq!(out.packages.len(), 1);
        assert_eq!(out.warnings.len(), 1);
        assert_eq!(out.warnings[0].path, "var/lib/dpkg/info/a.list");
    }

    #[test]
    fn distroless_status_d_with_md5sums() {
        let tree = MemTree::new()
            .with_file(
                "var/lib/dpkg/status.d/base-files",
                "Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\nMaintainer: Santiago Vila <sanvila@debian.org>\n",
            )
            .with_file(
                "var/lib/dpkg/status.d/base-files.md5sums",
                "d41d8cd98f00b204e9800998ecf8427e  etc/debian_version\nbad\n\n0123  usr/share/doc/base-files/README\n",
            )
            .with_file(
                "var/lib/dpkg/status.d/libssl3",
                "Package: libssl3\nSource: openssl\nVersion: 3.0.11-1~deb12u2\nArchitecture: amd64\n",
            )
            .with_file("var/lib/dpkg/status.d/tzdata", "Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n")
            .with_file("var/lib/dpkg/status.d/tzdata.md5sums", "");
        let out = run(&tree);
        let names: Vec<&str> = out.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["base-files", "libssl3", "tzdata"]);
        let base = &out.packages[0];
        assert_eq!(base.location, "var/lib/dpkg/status.d/base-files");
        assert_eq!(base.files, ["etc/debian_version", "usr/share/doc/base-files/README"]);
        let ssl = &out.packages[1];
        assert_eq!(
            (ssl.source_name.as_deref(), ssl.source_version.as_deref()),
            (Some("openssl"), Some("3.0.11-1~deb12u2"))
        );
        assert!(ssl.files.is_empty());
        assert_eq!(out.warnings.len(), 1);
        assert_eq!(out.warnings[0].path, "var/lib/dpkg/status.d/base-files.md5sums");
        assert_eq!(out.warnings[0].message, "line 2: not a `<md5>  <path>` line, skipped");
    }
}
