//! Which operating system a tree holds. A stub until the detector lands: it finds none.

use crate::model::{Distro, Warning};
use crate::tree::FileTree;

/// The distro of `tree` (from `os-release` or its fallbacks), with what could not be read.
pub fn detect(tree: &dyn FileTree) -> (Option<Distro>, Vec<Warning>) {
    let _ = tree;
    (None, Vec::new())
}
