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
