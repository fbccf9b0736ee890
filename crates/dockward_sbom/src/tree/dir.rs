//! A root filesystem on disk (an unpacked image, a container's rootfs), read without
//! ever leaving it.

use std::fs::{self, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use super::{resolve, FileTree, Node, ReadError, TreeEntry};
use crate::model::Warning;

/// Directory entries looked at before the walk stops: each file costs a [`TreeEntry`],
/// and a whole host's root can hold millions.
pub const MAX_DIR_ENTRIES: usize = 2_000_000;

/// Directories deeper than this are not walked.
pub const MAX_DIR_DEPTH: usize = 64;

/// Initial buffer for one read: the metadata's size may change before the read.
const MAX_PREALLOC: u64 = 16 * 1024 * 1024;

/// Regular files and symlinks under a root directory. Symlinked directories are never
/// walked into; reads resolve symlinks inside the root (a link to `/etc/passwd` reads
/// `<root>/etc/passwd`, as a container would) and open regular files only.
pub struct DirTree {
    root: PathBuf,
    entries: Vec<TreeEntry>,
    warnings: Vec<Warning>,
}

impl DirTree {
    pub fn new(root: &Path) -> Result<Self, String> {
        Self::with_limits(root, MAX_DIR_ENTRIES, MAX_DIR_DEPTH)
    }

    pub fn with_limits(root: &Path, max_entries: usize, max_depth: usize) -> Result<Self, String> {
        let shown = root.display();
        let root = root.canonicalize().map_err(|e| format!("{shown}: {e}"))?;
        let meta = fs::metadata(&root).map_err(|e| format!("{shown}: {e}"))?;
        if !meta.is_dir() {
            return Err(format!("{shown}: not a directory"));
        }
        let mut tree = Self { root, entries: Vec::new(), warnings: Vec::new() };
        tree.walk(meta.dev(), max_entries, max_depth);
        tree.entries.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(tree)
    }

    /// The root, canonical.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// What the walk could not list (unreadable directories, names that are not UTF-8,
    /// the limits).
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    fn walk(&mut self, root_dev: u64, max_entries: usize, max_depth: usize) {
        let mut seen = 0usize;
        let mut dirs: Vec<(String, usize)> = vec![(String::new(), 0)];
        while let Some((dir, depth)) = dirs.pop() {
            let listing = match fs::read_dir(self.root.join(&dir)) {
                Ok(l) => l,
                Err(e) => {
                    self.warnings.push(Warning::new(dir_name(&dir), format!("cannot list the directory: {e}")));
                    continue;
                }
            };
            for item in listing {
                seen += 1;
                if seen > max_entries {
                    self.warnings.push(Warning::new(
                        "",
                        format!("more than {max_entries} files: the rest of the tree was not looked at"),
                    ));
                    return;
                }
                let item = match item {
                    Ok(i) => i,
                    Err(e) => {
                        self.warnings.push(Warning::new(dir_name(&dir), format!("cannot list the directory: {e}")));
                        break;
                    }
                };
                let Some(name) = item.file_name().to_str().map(str::to_string) else {
                    let lossy = item.file_name().to_string_lossy().into_owned();
                    self.warnings.push(Warning::new(join(&dir, &lossy), "the name is not UTF-8: not looked at"));
                    continue;
                };
                let path = join(&dir, &name);
                // The entry itself, never what a symlink points at.
                let meta = match item.metadata() {
                    Ok(m) => m,
                    Err(e) => {
                        self.warnings.push(Warning::new(path, format!("cannot read its metadata: {e}")));
                        continue;
                    }
                };
                let kind = meta.file_type();
                if kind.is_dir() {
                    // A live root's /proc and /sys hold no packages and many entries.
                    let pseudo = depth == 0 && matches!(name.as_str(), "proc" | "sys") && meta.dev() != root_dev;
                    if pseudo {
                        continue;
                    }
                    if depth + 1 >= max_depth {
                        self.warnings
                            .push(Warning::new(path, format!("deeper than {max_depth} directories: not walked")));
                        continue;
                    }
                    dirs.push((path, depth + 1));
                } else if kind.is_file() || kind.is_symlink() {
                    self.entries.push(TreeEntry {
                        path,
                        size: meta.len(),
                        mode: meta.mode() & 0o7777,
                        is_symlink: kind.is_symlink(),
                        layer: None,
                    });
                }
            }
        }
    }

    fn resolve(&self, path: &str) -> Result<String, ReadError> {
        resolve(path, &mut |p| match fs::symlink_metadata(self.root.join(p)) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(self.root.join(p)).map_err(io_error)?;
                Ok(Some(Node::Symlink(target.to_string_lossy().into_owned())))
            }
            Ok(m) if m.is_dir() => Ok(Some(Node::Dir)),
            Ok(_) => Ok(Some(Node::Other)),
            Err(e) if e.kind() == io::ErrorKind::NotFound || e.raw_os_error() == Some(libc::ENOTDIR) => Ok(None),
            Err(e) => Err(io_error(e)),
        })
    }
}

fn dir_name(dir: &str) -> String {
    if dir.is_empty() {
        ".".into()
    } else {
        dir.to_string()
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

fn io_error(e: io::Error) -> ReadError {
    if e.kind() == io::ErrorKind::NotFound {
        ReadError::NotFound
    } else {
        ReadError::Io(e.to_string())
    }
}

impl FileTree for DirTree {
    fn entries(&self) -> &[TreeEntry] {
        &self.entries
    }

    fn read(&self, path: &str, max: u64) -> Result<Vec<u8>, ReadError> {
        let real = self.root.join(self.resolve(path)?);
        let meta = fs::symlink_metadata(&real).map_err(io_error)?;
        // Never open a FIFO (it would block) or a device.
        if !meta.file_type().is_file() {
            return Err(ReadError::NotRegular);
        }
        if meta.len() > max {
            return Err(ReadError::TooLarge { size: meta.len(), max });
        }
        // If the file was swapped since the checks above: a symlink fails to open, a
        // FIFO does not block, and anything else is caught by comparing the inodes.
        let file = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(&real)
            .map_err(io_error)?;
        let opened = file.metadata().map_err(io_error)?;
        if !opened.is_file() || opened.dev() != meta.dev() || opened.ino() != meta.ino() {
            return Err(ReadError::NotRegular);
        }
        let mut buf = Vec::with_capacity(opened.len().min(max).min(MAX_PREALLOC) as usize);
        file.take(max.saturating_add(1)).read_to_end(&mut buf).map_err(io_error)?;
        if buf.len() as u64 > max {
            return Err(ReadError::TooLarge { size: buf.len() as u64, max });
        }
        Ok(buf)
    }

    fn layer_of(&self, _path: &str) -> Option<usize> {
        None
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::symlink;
    use std::time::{Duration, Instant};

    use super::*;

    fn write(root: &Path, path: &str, data: &str) {
        let p = root.join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, data).unwrap();
    }

    fn link(root: &Path, path: &str, target: &str) {
        let p = root.join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        symlink(target, p).unwrap();
    }

    #[test]
    fn a_symlink_out_of_the_root_reads_the_root_s_file_never_the_host_s() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        link(root, "var/lib/dpkg/status", "/etc/hostname");
        link(root, "var/lib/dpkg/status-up", "../../../../../../../../etc/hostname");
        let tree = DirTree::new(root).unwrap();
        // The root has no etc/hostname: not found, although the host has one.
        assert_eq!(tree.read("var/lib/dpkg/status", 1000), Err(ReadError::NotFound));
        assert_eq!(tree.read("var/lib/dpkg/status-up", 1000), Err(ReadError::NotFound));
        write(root, "etc/hostname", "inside\n");
        assert_eq!(tree.read("var/lib/dpkg/status", 1000).unwrap(), b"inside\n");
        assert_eq!(tree.read("/var/lib/dpkg/status-up", 1000).unwrap(), b"inside\n");
        assert_eq!(tree.layer_of("etc/hostname"), None);
    }

    #[test]
    fn symlinked_directories_are_not_walked_but_resolve_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "usr/lib/sysimage/rpm/rpmdb.sqlite", "db");
        link(root, "var/lib/rpm", "../../usr/lib/sysimage/rpm");
        // A link to the host's /etc: listed as a link, its contents never walked.
        link(root, "hostetc", "/etc");
        write(root, ".hidden/file", "h");
        let tree = DirTree::new(root).unwrap();
        let listed: Vec<(&str, bool)> = tree.entries().iter().map(|e| (e.path.as_str(), e.is_symlink)).collect();
        assert_eq!(
            listed,
            [
                (".hidden/file", false),
                ("hostetc", true),
                ("usr/lib/sysimage/rpm/rpmdb.sqlite", false),
                ("var/lib/rpm", true)
            ]
        );
        assert_eq!(tree.read("var/lib/rpm/rpmdb.sqlite", 10).unwrap(), b"db");
        assert_eq!(tree.read("hostetc/passwd", 1 << 20), Err(ReadError::NotFound), "<root>/etc, not /etc");
        assert!(tree.warnings().is_empty(), "{:?}", tree.warnings());
    }

    #[test]
    fn a_fifo_is_neither_listed_nor_read_and_nothing_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("var/lib/dpkg")).unwrap();
        let made = std::process::Command::new("mkfifo").arg(root.join("var/lib/dpkg/status")).status().unwrap();
        assert!(made.success());
        link(root, "status-link", "var/lib/dpkg/status");
        let start = Instant::now();
        let tree = DirTree::new(root).unwrap();
        assert_eq!(tree.entries().iter().map(|e| e.path.as_str()).collect::<Vec<_>>(), ["status-link"]);
        assert_eq!(tree.read("var/lib/dpkg/status", 1000), Err(ReadError::NotRegular));
        assert_eq!(tree.read("status-link", 1000), Err(ReadError::NotRegular));
        assert_eq!(tree.read("var/lib/dpkg", 1000), Err(ReadError::NotRegular));
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn loops_large_files_and_missing_paths_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        link(root, "a", "b");
        link(root, "b", "/a");
        write(root, "big", &"x".repeat(100));
        write(root, "file", "f");
        let tree = DirTree::new(root).unwrap();
        assert!(matches!(tree.read("a", 10), Err(ReadError::Escapes(_))));
        assert_eq!(tree.read("big", 99), Err(ReadError::TooLarge { size: 100, max: 99 }));
        assert_eq!(tree.read("big", 100).unwrap().len(), 100);
        assert_eq!(tree.read("file/x", 10), Err(ReadError::NotFound));
        assert_eq!(tree.read("nope", 10), Err(ReadError::NotFound));
    }

    #[test]
    fn the_walk_is_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for i in 0..20 {
            write(root, &format!("f{i}"), "x");
        }
        write(root, "a/b/c/d/e", "deep");
        let tree = DirTree::with_limits(root, 10, 64).unwrap();
        assert!(tree.entries().len() <= 10);
        assert!(tree.warnings().iter().any(|w| w.message.contains("more than 10 files")));
        let tree = DirTree::with_limits(root, 1000, 3).unwrap();
        assert!(!tree.entries().iter().any(|e| e.path == "a/b/c/d/e"));
        assert!(tree.warnings().iter().any(|w| w.path == "a/b/c" && w.message.contains("deeper than 3")));
        assert!(DirTree::new(&root.join("f1")).is_err());
        assert!(DirTree::new(&root.join("missing")).is_err());
    }
}
