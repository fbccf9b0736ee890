//! What software an image (or a root filesystem) holds: the operating system, the
//! packages its package managers installed, and the language packages and binaries
//! that carry their own metadata.
//!
//! The catalogers know nothing of where files come from: they read a [`FileTree`]
//! (an image's merged layers, or a directory), or, for binaries and archives that are
//! too large to keep, they scan the bytes of one file as it streams past
//! ([`BinaryCataloger`]). Nothing here knows rules, the CLI or the network.

pub mod catalog;
pub mod inventory;
pub mod memtree;
pub mod model;
pub mod os;
pub mod output;
pub mod purl;
pub mod tree;

pub use inventory::{inventory_archive, inventory_archive_with, inventory_dir, inventory_dir_with, lockfile_packages};
pub use memtree::MemTree;
pub use model::{Distro, Ecosystem, Inventory, Package, Warning};
pub use tree::{DirTree, FileTree, ImageTree, ReadError, TreeEntry};
