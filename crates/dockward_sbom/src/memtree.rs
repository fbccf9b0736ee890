//! A [`FileTree`] held in memory: files, symlinks and the layer of each path. For
//! tests (here and in other crates) and for small trees built by hand.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use crate::tree::{FileTree, ReadError, TreeEntry};

/// An in-memory filesystem. Paths are relative to the root; a leading `/`, `./`
/// and doubled slashes are accepted and dropped. Directories exist implicitly as
/// the parents of files.
#[derive(Debug, Clone, Default)]
pub struct MemTree {
    files: BTreeMap<String, Vec<u8>>,
    symlinks: BTreeMap<String, String>,
    layers: BTreeMap<String, usize>,
    modes: BTreeMap<String, u32>,
    /// Rebuilt after every change so that `entries()` can hand out a slice.
    entries: Vec<TreeEntry>,
}

impl MemTree {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a regular file.
    pub fn add_file(&mut self, path: &str, bytes: impl Into<Vec<u8>>) -> &mut Self {
        let path = normalize(path);
        self.symlinks.remove(&path);
        self.files.insert(path, bytes.into());
        self.rebuild();
        self
    }

    /// Adds (or replaces) a symlink; `target` is kept as written (absolute targets
    /// are taken from the tree's root, relative ones from the link's directory).
    pub fn add_symlink(&mut self, path: &str, target: &str) -> &mut Self {
        let path = normalize(path);
        self.files.remove(&path);
        self.symlinks.insert(path, target.to_string());
        self.rebuild();
        self
    }

    /// Records the layer that holds `path`.
    pub fn set_layer(&mut self, path: &str, layer: usize) -> &mut Self {
        self.layers.insert(normalize(path), layer);
        self.rebuild();
        self
    }

    /// Sets the permission bits reported for `path` (default 0o644 for files).
    pub fn set_mode(&mut self, path: &str, mode: u32) -> &mut Self {
        self.modes.insert(normalize(path), mode);
        self.rebuild();
        self
    }

    /// Builder form of [`MemTree::add_file`].
    pub fn with_file(mut self, path: &str, bytes: impl Into<Vec<u8>>) -> Self {
        self.add_file(path, bytes);
        self
    }

    /// Builder form of [`MemTree::add_symlink`].
    pub fn with_symlink(mut self, path: &str, target: &str) -> Self {
        self.add_symlink(path, target);
        self
    }

    /// Reads a whole directory from disk: regular files with their bytes, symlinks
    /// with their targets; other kinds are left out. Everything is held in memory,
    /// so this is for test fixtures and other small trees.
    pub fn from_dir(root: &Path) -> io::Result<Self> {
        let mut tree = Self::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir)? {
                let entry = entry?;
                let full = entry.path();
                let Ok(rel) = full.strip_prefix(root) else { continue };
                let rel = rel.to_string_lossy().replace('\\', "/");
                let kind = entry.file_type()?;
                if kind.is_symlink() {
                    let target = std::fs::read_link(&full)?;
                    tree.symlinks.insert(normalize(&rel), target.to_string_lossy().into_owned());
                } else if kind.is_dir() {
                    stack.push(full);
                } else if kind.is_file() {
                    tree.files.insert(normalize(&rel), std::fs::read(&full)?);
                }
            }
        }
        tree.rebuild();
        Ok(tree)
    }

    fn rebuild(&mut self) {
        let files = self.files.iter().map(|(p, b)| (p, b.len() as u64, false));
        let links = self.symlinks.iter().map(|(p, t)| (p, t.len() as u64, true));
        let mut entries: Vec<TreeEntry> = files
            .chain(links)
            .map(|(path, size, is_symlink)| TreeEntry {
                path: path.clone(),
                size,
                mode: self.modes.get(path).copied().unwrap_or(if is_symlink { 0o777 } else { 0o644 }),
                is_symlink,
                layer: self.layers.get(path).copied(),
            })
            .collect();
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        self.entries = entries;
    }

    fn is_dir(&self, path: &str) -> bool {
        if path.is_empty() {
            return true;
        }
        let prefix = format!("{path}/");
        let starts = |map_key: Option<&String>| map_key.is_some_and(|k| k.starts_with(&prefix));
        starts(self.files.range(prefix.clone()..).next().map(|(k, _)| k))
            || starts(self.symlinks.range(prefix.clone()..).next().map(|(k, _)| k))
    }

    /// Follows symlinks in every component of `path` inside the root, with the same
    /// resolver as the image and directory trees.
    fn resolve(&self, path: &str) -> Result<String, ReadError> {
        crate::tree::resolve(path, &mut |p: &str| {
            Ok(if self.files.contains_key(p) {
                Some(crate::tree::Node::Other)
            } else if let Some(t) = self.symlinks.get(p) {
                Some(crate::tree::Node::Symlink(t.clone()))
            } else if self.is_dir(p) {
                Some(crate::tree::Node::Dir)
            } else {
                None
            })
        })
    }
}

impl FileTree for MemTree {
    fn entries(&self) -> &[TreeEntry] {
        &self.entries
    }

    fn read(&self, path: &str, max: u64) -> Result<Vec<u8>, ReadError> {
        let resolved = self.resolve(path)?;
        match self.files.get(&resolved) {
            Some(bytes) if bytes.len() as u64 > max => Err(ReadError::TooLarge { size: bytes.len() as u64, max }),
            Some(bytes) => Ok(bytes.clone()),
            None if self.is_dir(&resolved) => Err(ReadError::NotRegular),
            None => Err(ReadError::NotFound),
        }
    }

    fn layer_of(&self, path: &str) -> Option<usize> {
        self.layers.get(&normalize(path)).copied()
    }
}

/// `/a//b/./c` -> `a/b/c` (no symlink following, `..` kept).
fn normalize(path: &str) -> String {
    path.split('/').filter(|c| !c.is_empty() && *c != ".").collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> MemTree {
        MemTree::new()
            .with_file("usr/lib/os-release", "ID=debian\n")
            .with_symlink("etc/os-release", "../usr/lib/os-release")
            .with_symlink("etc/abs", "/usr/lib/os-release")
            .with_symlink("lib", "usr/lib")
            .with_symlink("loop/a", "b")
            .with_symlink("loop/b", "a")
            .with_symlink("up", "../../../../usr/lib/os-release")
            .with_symlink("dangling", "nowhere")
    }

    #[test]
    fn entries_are_sorted_files_and_symlinks() {
        let t = tree();
        let paths: Vec<&str> = t.entries().iter().map(|e| e.path.as_str()).collect();
        let mut sorted = paths.clone();
        sorted.sort();
        assert_eq!(paths, sorted);
        assert_eq!(paths.len(), 8);
        let link = t.entries().iter().find(|e| e.path == "etc/os-release").unwrap();
        assert!(link.is_symlink);
        assert_eq!(link.mode, 0o777);
    }

    #[test]
    fn follows_relative_absolute_and_directory_symlinks() {
        let t = tree();
        assert_eq!(t.read("etc/os-release", 100).unwrap(), b"ID=debian\n");
        assert_eq!(t.read("/etc/abs", 100).unwrap(), b"ID=debian\n");
        assert_eq!(t.read("lib/os-release", 100).unwrap(), b"ID=debian\n");
        assert_eq!(t.read("./usr//lib/./os-release", 100).unwrap(), b"ID=debian\n");
    }

    #[test]
    fn dotdot_stops_at_the_root() {
        let t = tree();
        assert_eq!(t.read("up", 100).unwrap(), b"ID=debian\n");
        assert_eq!(t.read("../../usr/lib/os-release", 100).unwrap(), b"ID=debian\n");
    }

    #[test]
    fn loops_missing_directories_and_caps_are_errors() {
        let t = tree();
        assert!(matches!(t.read("loop/a", 100), Err(ReadError::Escapes(_))));
        assert_eq!(t.read("dangling", 100), Err(ReadError::NotFound));
        assert_eq!(t.read("usr/lib", 100), Err(ReadError::NotRegular));
        assert_eq!(t.read("", 100), Err(ReadError::NotRegular));
        assert_eq!(t.read("etc/os-release", 3), Err(ReadError::TooLarge { size: 10, max: 3 }));
    }

    #[test]
    fn layers_and_modes_are_per_path() {
        let mut t = tree();
        t.set_layer("etc/os-release", 2).set_mode("usr/lib/os-release", 0o4755);
        assert_eq!(t.layer_of("/etc/os-release"), Some(2));
        assert_eq!(t.layer_of("usr/lib/os-release"), None);
        let e = t.entries().iter().find(|e| e.path == "usr/lib/os-release").unwrap();
        assert_eq!(e.mode, 0o4755);
        let e = t.entries().iter().find(|e| e.path == "etc/os-release").unwrap();
        assert_eq!(e.layer, Some(2));
    }

    #[test]
    fn replacing_a_symlink_by_a_file() {
        let mut t = tree();
        t.add_file("etc/os-release", "ID=alpine\n");
        assert_eq!(t.read("etc/os-release", 100).unwrap(), b"ID=alpine\n");
        assert!(!t.entries().iter().find(|e| e.path == "etc/os-release").unwrap().is_symlink);
    }
}
