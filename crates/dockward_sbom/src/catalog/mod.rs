//! The catalogers and the one list of them.
//!
//! Two shapes:
//! - a [`TreeCataloger`] reads package databases and metadata files it names by path
//!   (`var/lib/dpkg/status`, `*.dist-info/METADATA`) from a [`FileTree`];
//! - a [`BinaryCataloger`] looks at one file's bytes (a Go or Rust binary, a jar) while
//!   the image streams past, because such files are too many and too large to keep.
//!
//! Each cataloger is a small module with its own tests. Catalogers never panic on bad
//! input: they push a located [`Warning`] and go on with the rest.

pub mod apk;
pub mod dotnet;
pub mod dpkg;
pub mod node;
pub mod php;
pub mod python;
pub mod ruby;
mod textutil;

use crate::model::{Distro, Package, Warning};
use crate::tree::FileTree;

/// What a cataloger produced.
#[derive(Debug, Default)]
pub struct CatalogOutput {
    pub packages: Vec<Package>,
    pub warnings: Vec<Warning>,
}

impl CatalogOutput {
    pub fn warn(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Warning::new(path, message));
    }
}

/// A cataloger of files named by path.
pub trait TreeCataloger: Sync {
    /// Short name (`dpkg`, `python`), for warnings and `--debug`.
    fn name(&self) -> &'static str;

    /// Whether this cataloger reads `path` (relative, no leading `/`), and the largest
    /// size it accepts. Called for every file of an image as it streams past: cheap
    /// string tests only. The image reader keeps the bytes of the files wanted here.
    fn wants(&self, path: &str) -> Option<u64>;

    /// Reads its packages from the tree. `paths` are the tree's entries this
    /// cataloger wanted, sorted.
    fn catalog(&self, tree: &dyn FileTree, paths: &[&str], distro: Option<&Distro>, out: &mut CatalogOutput);
}

/// A cataloger of single files that carry their own metadata (binaries, archives).
pub trait BinaryCataloger: Sync {
    fn name(&self) -> &'static str;

    /// Whether the file may be one this cataloger reads, from its path, permission
    /// bits and size alone (before any byte is read); and the largest size it reads.
    fn wants(&self, path: &str, mode: u32, size: u64) -> Option<u64>;

    /// Scans the whole file. `path` becomes the packages' `location`.
    fn scan(&self, path: &str, bytes: &[u8], out: &mut CatalogOutput);
}

/// Every tree cataloger, in the order they run.
pub fn tree_catalogers() -> Vec<&'static dyn TreeCataloger> {
    vec![&dpkg::Dpkg, &apk::Apk, &python::Python, &node::Node, &ruby::Ruby, &php::Php, &dotnet::DotNet]
}

/// Every binary cataloger.
pub fn binary_catalogers() -> Vec<&'static dyn BinaryCataloger> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memtree::MemTree;
    use crate::model::Ecosystem;

    #[test]
    fn every_tree_cataloger_is_registered_once_and_runs_on_its_own_files() {
        let catalogers = tree_catalogers();
        let mut names: Vec<&str> = catalogers.iter().map(|c| c.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), catalogers.len());

        let tree = MemTree::new()
            .with_file("var/lib/dpkg/status", "Package: a\nStatus: install ok installed\nVersion: 1\n")
            .with_file("lib/apk/db/installed", "P:b\nV:1-r0\n")
            .with_file("usr/lib/python3/site-packages/c-1.dist-info/METADATA", "Name: c\nVersion: 1\n")
            .with_file("app/node_modules/d/package.json", r#"{"name": "d", "version": "1.0.0"}"#)
            .with_file("gems/specifications/e-1.0.gemspec", "s.name = 'e'\ns.version = '1.0'\n")
            .with_file("app/vendor/composer/installed.json", r#"[{"name": "f/f", "version": "1.0"}]"#)
            .with_file("app/App.deps.json", r#"{"libraries": {"G/1.0.0": {"type": "package"}}}"#)
            .with_file("etc/passwd", "root:x:0:0::/root:/bin/sh\n");
        let mut found = Vec::new();
        for cataloger in &catalogers {
            let paths: Vec<&str> =
                tree.entries().iter().map(|e| e.path.as_str()).filter(|p| cataloger.wants(p).is_some()).collect();
            assert_eq!(paths.len(), 1, "{} wants {paths:?}", cataloger.name());
            let mut out = CatalogOutput::default();
            cataloger.catalog(&tree, &paths, None, &mut out);
            assert!(out.warnings.is_empty(), "{}: {:?}", cataloger.name(), out.warnings);
            found.extend(out.packages.into_iter().map(|p| (p.ecosystem, p.name)));
        }
        found.sort();
        let want = [
            (Ecosystem::Deb, "a"),
            (Ecosystem::Apk, "b"),
            (Ecosystem::PyPi, "c"),
            (Ecosystem::Npm, "d"),
            (Ecosystem::RubyGems, "e"),
            (Ecosystem::Packagist, "f/f"),
            (Ecosystem::NuGet, "G"),
        ];
        assert_eq!(found, want.map(|(e, n)| (e, n.to_string())));
    }
}
