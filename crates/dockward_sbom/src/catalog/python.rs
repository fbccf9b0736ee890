//! Installed Python distributions: `*.dist-info/METADATA` (with `RECORD` and
//! `INSTALLER` beside it), `*.egg-info/PKG-INFO` (with `installed-files.txt`),
//! a `*.egg-info` that is itself a PKG-INFO file, and `*.egg/EGG-INFO/PKG-INFO`.
//! Wherever they are: site-packages, dist-packages, virtualenvs.

use crate::catalog::textutil::{join, parent, read_optional, stanzas, Stanza, KIB, MIB};
use crate::catalog::{CatalogOutput, TreeCataloger};
use crate::model::{Distro, Ecosystem, Package};
use crate::tree::{FileTree, ReadError};

/// A METADATA carries the whole README as its body; some are megabytes long.
const METADATA_MAX: u64 = 16 * MIB;
const RECORD_MAX: u64 = 16 * MIB;
const INSTALLER_MAX: u64 = 4 * KIB;

/// The Python cataloger.
pub struct Python;

/// Which kind of metadata file a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `x.dist-info/METADATA`
    DistInfo,
    /// `x.egg-info/PKG-INFO` or `x.egg/EGG-INFO/PKG-INFO`
    EggInfoDir,
    /// `x.egg-info` as one file
    EggInfoFile,
}

fn metadata_kind(path: &str) -> Option<Kind> {
    if path.ends_with(".dist-info/METADATA") {
        Some(Kind::DistInfo)
    } else if path.ends_with(".egg-info/PKG-INFO") || path.ends_with(".egg/EGG-INFO/PKG-INFO") {
        Some(Kind::EggInfoDir)
    } else if path.ends_with(".egg-info") {
        Some(Kind::EggInfoFile)
    } else {
        None
    }
}

impl TreeCataloger for Python {
    fn name(&self) -> &'static str {
        "python"
    }

    fn wants(&self, path: &str) -> Option<u64> {
        if metadata_kind(path).is_some() {
            Some(METADATA_MAX)
        } else if path.ends_with(".dist-info/RECORD") || path.ends_with(".egg-info/installed-files.txt") {
            Some(RECORD_MAX)
        } else if path.ends_with(".dist-info/INSTALLER") {
            Some(INSTALLER_MAX)
        } else {
            None
        }
    }

    fn catalog(&self, tree: &dyn FileTree, paths: &[&str], _distro: Option<&Distro>, out: &mut CatalogOutput) {
        for &path in paths {
            let Some(kind) = metadata_kind(path) else { continue };
            let bytes = match tree.read(path, METADATA_MAX) {
                Ok(bytes) => bytes,
                // Entries include symlinks, and a `x.egg-info` symlink to a
                // directory is the directory form, whose PKG-INFO is read on its own.
                Err(ReadError::NotRegular) if kind == Kind::EggInfoFile => continue,
                Err(e) => {
                    out.warn(path, format!("cannot read: {e}"));
                    continue;
                }
            };
            let Some(mut package) = package_of(&bytes, path, out) else { continue };
            let dir = parent(path);
            match kind {
                Kind::DistInfo => {
                    // RECORD paths are relative to the directory holding the
                    // dist-info (site-packages), and may climb out of it (`../../../bin/x`).
                    if let Some(record) = read_optional(tree, &format!("{dir}/RECORD"), RECORD_MAX, out) {
                        package.files = record_files(&String::from_utf8_lossy(&record), parent(dir));
                    }
                    if let Some(installer) = read_optional(tree, &format!("{dir}/INSTALLER"), INSTALLER_MAX, out) {
                        let installer = String::from_utf8_lossy(&installer);
                        if let Some(first) = installer.lines().map(str::trim).find(|l| !l.is_empty()) {
                            package.extra.insert("installer".into(), first.to_string());
                        }
                    }
                }
                Kind::EggInfoDir => {
                    // installed-files.txt paths are relative to the egg-info directory.
                    let list = format!("{dir}/installed-files.txt");
                    if let Some(listed) = read_optional(tree, &list, RECORD_MAX, out) {
                        package.files = String::from_utf8_lossy(&listed)
                            .lines()
                            .map(str::trim)
                            .filter(|l| !l.is_empty())
                            .filter_map(|l| join(dir, l))
                            .collect();
                    }
                }
                Kind::EggInfoFile => {}
            }
            out.packages.push(package);
        }
    }
}

/// The package a METADATA / PKG-INFO names, from its headers only.
fn package_of(bytes: &[u8], path: &str, out: &mut CatalogOutput) -> Option<Package> {
    // Only the headers matter; the body (the long description) can be
    // megabytes, so it is never decoded.
    let headers = String::from_utf8_lossy(&bytes[..header_end(bytes)]);
    let stanza = stanzas(&headers).into_iter().next().unwrap_or_default();
    let Some(name) = stanza.get("Name") else {
        out.warn(path, "no Name header: not a package's metadata, skipped");
        return None;
    };
    let Some(version) = stanza.get("Version") else {
        out.warn(path, format!("package `{name}` has no Version header, skipped"));
        return None;
    };
    let mut package = Package::new(Ecosystem::PyPi, name, version, path);
    package.licenses = licenses(&stanza);
    Some(package)
}

/// The end of the header block: the first empty line.
fn header_end(bytes: &[u8]) -> usize {
    let mut i = 0;
    while let Some(offset) = bytes[i..].iter().position(|&b| b == b'\n') {
        let nl = i + offset;
        let rest = &bytes[nl + 1..];
        if rest.starts_with(b"\n") || rest.starts_with(b"\r\n") {
            return nl + 1;
        }
        i = nl + 1;
    }
    bytes.len()
}

/// `License-Expression` (PEP 639) when present, else `License`, else the last
/// segment of each `Classifier: License :: ...`.
fn licenses(stanza: &Stanza) -> Vec<String> {
    if let Some(expression) = stanza.get("License-Expression") {
        return vec![expression.to_string()];
    }
    if let Some(license) = stanza.get("License") {
        // Old setuptools wrote `UNKNOWN` for "not given", and some packages paste
        // the whole licence text here: neither names a licence.
        if license != "UNKNOWN" && !license.contains('\n') {
            return vec![license.to_string()];
        }
    }
    stanza
        .fields
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("Classifier"))
        .filter_map(|(_, v)| v.trim().strip_prefix("License ::"))
        .filter_map(|rest| rest.rsplit("::").next().map(str::trim))
        .filter(|last| !last.is_empty() && *last != "OSI Approved")
        .map(str::to_string)
        .collect()
}

/// The first CSV field of each `RECORD` row, taken from `base`.
fn record_files(record: &str, base: &str) -> Vec<String> {
    record.lines().filter_map(first_csv_field).filter(|f| !f.is_empty()).filter_map(|f| join(base, &f)).collect()
}

/// The first field of a CSV row, unquoting `"a,b"` and `""`.
fn first_csv_field(row: &str) -> Option<String> {
    let row = row.trim_end_matches('\r');
    let Some(quoted) = row.strip_prefix('"') else {
        return Some(row.split(',').next().unwrap_or("").to_string());
    };
    let mut field = String::new();
    let mut chars = quoted.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            if chars.peek() == Some(&'"') {
                chars.next();
                field.push('"');
            } else {
                return Some(field);
            }
        } else {
            field.push(c);
        }
    }
    // An unterminated quote: not a row to trust.
    None
}

/// PEP 503 normalised name: lower case, every run of `-`, `_` and `.` one `-`.
/// OSV's PyPI ecosystem and purls use it; `Package.name` keeps the spelling.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.extend(c.to_lowercase());
            in_run = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memtree::MemTree;

    fn run(tree: &MemTree) -> CatalogOutput {
        let paths: Vec<&str> =
            tree.entries().iter().map(|e| e.path.as_str()).filter(|p| Python.wants(p).is_some()).collect();
        let mut out = CatalogOutput::default();
        Python.catalog(tree, &paths, None, &mut out);
        out
    }

    #[test]
    fn debian12_python_layer_from_the_corpus() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/vuln/images/debian12-python/layer2");
        let tree = MemTree::from_dir(std::path::Path::new(root)).unwrap();
        let out = run(&tree);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        let got: Vec<(&str, &str, Vec<&str>)> = out
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.licenses.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            got,
            [
                ("Jinja2", "2.10", vec!["BSD"]),
                ("requests", "2.19.0", vec!["Apache 2.0"]),
                ("urllib3", "1.24.1", vec!["MIT"]),
            ]
        );
        let site = "usr/local/lib/python3.11/site-packages";
        let jinja = &out.packages[0];
        assert_eq!(jinja.ecosystem, Ecosystem::PyPi);
        assert_eq!(jinja.location, format!("{site}/Jinja2-2.10.dist-info/METADATA"));
        assert_eq!(jinja.files.len(), 64);
        assert!(jinja.files.contains(&format!("{site}/jinja2/__init__.py")), "{:?}", jinja.files);
        assert!(jinja.files.iter().all(|f| f.starts_with(site)));
        assert!(jinja.source_name.is_none() && jinja.purl.is_empty() && jinja.layer.is_none());
        assert_eq!(normalize_name(&jinja.name), "jinja2");
    }

    #[test]
    fn record_and_installer_beside_metadata() {
        let dir = "opt/venv/lib/python3.12/site-packages/My_Pkg-1.0.dist-info";
        let tree = MemTree::new()
            .with_file(&format!("{dir}/METADATA"), "Metadata-Version: 2.4\nName: My_Pkg\nVersion: 1.0\n")
            .with_file(
                &format!("{dir}/RECORD"),
                "my_pkg/__init__.py,sha256=abc,10\r\n\"my_pkg/odd,name.py\",,\n../../../bin/mytool,sha256=x,5\n\
                 ../../../../../../../../etc/escape,,\n\n\"unterminated,,\n",
            )
            .with_file(&format!("{dir}/INSTALLER"), "uv\n");
        let out = run(&tree);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        let p = &out.packages[0];
        assert_eq!(p.name, "My_Pkg");
        assert_eq!(p.extra["installer"], "uv");
        assert_eq!(
            p.files,
            [
                "opt/venv/lib/python3.12/site-packages/my_pkg/__init__.py",
                "opt/venv/lib/python3.12/site-packages/my_pkg/odd,name.py",
                "opt/venv/bin/mytool",
            ]
        );
        assert!(p.licenses.is_empty());
    }

    #[test]
    fn licence_precedence() {
        let lic = |headers: &str| {
            let tree = MemTree::new().with_file("x.dist-info/METADATA", format!("Name: x\nVersion: 1\n{headers}\n"));
            run(&tree).packages.remove(0).licenses
        };
        assert_eq!(lic("License: MIT\nLicense-Expression: MIT OR Apache-2.0"), ["MIT OR Apache-2.0"]);
        assert_eq!(lic("License: BSD\nClassifier: License :: OSI Approved :: MIT License"), ["BSD"]);
        assert_eq!(
            lic("License: UNKNOWN\nClassifier: License :: OSI Approved :: MIT License\nClassifier: License :: OSI Approved\n\
                 Classifier: Programming Language :: Python\nClassifier: License :: Public Domain"),
            ["MIT License", "Public Domain"]
        );
        assert_eq!(
            lic("License: Copyright (c) someone\n        Permission is hereby granted\nClassifier: License :: OSI Approved :: ISC License (ISCL)"),
            ["ISC License (ISCL)"]
        );
        assert!(lic("Summary: nothing").is_empty());
    }

    #[test]
    fn a_ten_megabyte_metadata_is_one_package_and_its_body_is_not_read_as_headers() {
        let mut text = b"Metadata-Version: 2.1\r\nName: big\r\nVersion: 3.0\r\nLicense: MIT\r\n\r\n".to_vec();
        // A body that looks like headers must not change the package.
        text.extend(b"Name: impostor\nVersion: 9\nLicense: GPL\n\n");
        while text.len() < 10 * 1024 * 1024 {
            text.extend(b"Lorem ipsum dolor sit amet, consectetur adipiscing elit. \xff\xfe\n");
        }
        let tree = MemTree::new().with_file("usr/lib/python3/dist-packages/big-3.0.dist-info/METADATA", text);
        let out = run(&tree);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(out.packages.len(), 1);
        let p = &out.packages[0];
        assert_eq!((p.name.as_str(), p.version.as_str()), ("big", "3.0"));
        assert_eq!(p.licenses, ["MIT"]);
    }

    #[test]
    fn egg_info_directory_file_and_egg() {
        let tree = MemTree::new()
            .with_file(
                "usr/lib/python3/dist-packages/six-1.16.0.egg-info",
                "Metadata-Version: 1.1\nName: six\nVersion: 1.16.0\n",
            )
            .with_file(
                "srv/lib/python3.9/site-packages/foo.egg-info/PKG-INFO",
                "Name: foo\nVersion: 0.1\nLicense: MIT\n",
            )
            .with_file(
                "srv/lib/python3.9/site-packages/foo.egg-info/installed-files.txt",
                "../foo/__init__.py\n./PKG-INFO\n\n../../../../bin/foo\n",
            )
            .with_file("app/lib/bar-2.0-py3.9.egg/EGG-INFO/PKG-INFO", "Name: bar\nVersion: 2.0\n");
        let out = run(&tree);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        let names: Vec<&str> = out.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["bar", "foo", "six"]);
        assert_eq!(
            out.packages[1].files,
            [
                "srv/lib/python3.9/site-packages/foo/__init__.py",
                "srv/lib/python3.9/site-packages/foo.egg-info/PKG-INFO",
                "srv/bin/foo",
            ]
        );
        assert_eq!(out.packages[2].location, "usr/lib/python3/dist-packages/six-1.16.0.egg-info");
    }

    #[test]
    fn an_egg_info_symlink_to_a_directory_is_not_a_file() {
        let tree = MemTree::new()
            .with_file("src/foo.egg-info/PKG-INFO", "Name: foo\nVersion: 1\n")
            .with_symlink("site-packages/foo.egg-info", "/src/foo.egg-info");
        let out = run(&tree);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(out.packages.len(), 1);
    }

    #[test]
    fn metadata_without_name_or_version_warns() {
        let tree = MemTree::new()
            .with_file("a.dist-info/METADATA", "Version: 1\n")
            .with_file("b.dist-info/METADATA", "Name: b\n\nVersion: 1\n")
            .with_file("c.dist-info/METADATA", "")
            .with_file("d.dist-info/METADATA", "Name: d\nVersion: 1\n");
        let out = run(&tree);
        assert_eq!(out.packages.len(), 1);
        let warnings: Vec<(&str, &str)> = out.warnings.iter().map(|w| (w.path.as_str(), w.message.as_str())).collect();
        assert_eq!(
            warnings,
            [
                ("a.dist-info/METADATA", "no Name header: not a package's metadata, skipped"),
                ("b.dist-info/METADATA", "package `b` has no Version header, skipped"),
                ("c.dist-info/METADATA", "no Name header: not a package's metadata, skipped"),
            ]
        );
    }

    #[test]
    fn wants() {
        assert_eq!(Python.wants("x/y.dist-info/METADATA"), Some(METADATA_MAX));
        assert_eq!(Python.wants("x/y.dist-info/RECORD"), Some(RECORD_MAX));
        assert_eq!(Python.wants("x/y.dist-info/INSTALLER"), Some(INSTALLER_MAX));
        assert_eq!(Python.wants("x/y.dist-info/LICENSE"), None);
        assert_eq!(Python.wants("x/y.egg-info/PKG-INFO"), Some(METADATA_MAX));
        assert_eq!(Python.wants("x/y.egg-info"), Some(METADATA_MAX));
        assert_eq!(Python.wants("x/y.egg-info/SOURCES.txt"), None);
        assert_eq!(Python.wants("x/METADATA"), None);
    }

    #[test]
    fn pep503_names() {
        assert_eq!(normalize_name("Jinja2"), "jinja2");
        assert_eq!(normalize_name("zope.interface"), "zope-interface");
        assert_eq!(normalize_name("Foo__Bar-._baz"), "foo-bar-baz");
        assert_eq!(normalize_name("ruamel.yaml.clib"), "ruamel-yaml-clib");
    }
}
