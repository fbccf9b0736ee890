//! An image's final filesystem, as [`dockward_image`] merged it.

use dockward_image::{FileEntry, FileKind, ImageContents};

use super::{resolve, FileTree, Node, ReadError, TreeEntry};

/// Hard links followed for one path (a link to a link is unusual; a chain is a loop).
const MAX_HARDLINK_HOPS: usize = 8;

/// The final files of an image. Contents are what the image reader kept.
pub struct ImageTree<'a> {
    image: &'a ImageContents,
    entries: Vec<TreeEntry>,
}

impl<'a> ImageTree<'a> {
    pub fn new(image: &'a ImageContents) -> Self {
        let mut tree = Self { image, entries: Vec::new() };
        // BTreeMap order: the entries come out sorted by path.
        let entries = image
            .files
            .values()
            .filter(|f| matches!(f.kind, FileKind::File | FileKind::Symlink | FileKind::Hardlink))
            .map(|f| TreeEntry {
                path: f.path.clone(),
                // A hard link's entry carries no bytes: the size is its target's.
                size: match f.kind {
                    FileKind::Hardlink => tree.file(&f.path).map(|t| t.size).unwrap_or(0),
                    _ => f.size,
                },
                mode: f.mode,
                is_symlink: f.kind == FileKind::Symlink,
                layer: Some(f.layer),
            })
            .collect();
        tree.entries = entries;
        tree
    }

    pub fn image(&self) -> &'a ImageContents {
        self.image
    }

    /// The final path `path` names, symlinks followed.
    fn resolve(&self, path: &str) -> Result<String, ReadError> {
        let files = &self.image.files;
        resolve(path, &mut |p| {
            Ok(match files.get(p) {
                Some(f) => Some(match f.kind {
                    FileKind::Dir => Node::Dir,
                    FileKind::Symlink => Node::Symlink(f.link_target.clone().unwrap_or_default()),
                    _ => Node::Other,
                }),
                // Layers need not list a file's parent directories.
                None => {
                    let prefix = format!("{p}/");
                    files
                        .range(prefix.clone()..)
                        .next()
                        .is_some_and(|(k, _)| k.starts_with(&prefix))
                        .then_some(Node::Dir)
                }
            })
        })
    }

    /// The regular file `path` names, symlinks and hard links followed.
    fn file(&self, path: &str) -> Result<&'a FileEntry, ReadError> {
        let mut path = path.to_string();
        for _ in 0..MAX_HARDLINK_HOPS {
            let resolved = self.resolve(&path)?;
            let Some(entry) = self.image.files.get(&resolved) else { return Err(ReadError::NotRegular) };
            match (entry.kind, &entry.link_target) {
                (FileKind::File, _) => return Ok(entry),
                // Hard-link targets are paths from the root, as the layer wrote them.
                (FileKind::Hardlink, Some(target)) => path = target.clone(),
                (FileKind::Hardlink, None) => return Err(ReadError::NotFound),
                _ => return Err(ReadError::NotRegular),
            }
        }
        Err(ReadError::Escapes(format!("`{path}` is a chain of more than {MAX_HARDLINK_HOPS} hard links")))
    }
}

impl FileTree for ImageTree<'_> {
    fn entries(&self) -> &[TreeEntry] {
        &self.entries
    }

    fn read(&self, path: &str, max: u64) -> Result<Vec<u8>, ReadError> {
        let entry = self.file(path)?;
        if entry.size > max {
            return Err(ReadError::TooLarge { size: entry.size, max });
        }
        match &entry.content {
            Some(c) if c.len() as u64 > max => Err(ReadError::TooLarge { size: c.len() as u64, max }),
            Some(c) => Ok(c.clone()),
            None => Err(ReadError::NotKept),
        }
    }

    fn layer_of(&self, path: &str) -> Option<usize> {
        let files = &self.image.files;
        match self.resolve(path) {
            Ok(resolved) => files.get(&resolved).or_else(|| files.get(path.trim_start_matches('/'))),
            Err(_) => files.get(path.trim_start_matches('/')),
        }
        .map(|f| f.layer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, kind: FileKind, layer: usize, target: Option<&str>, content: Option<&[u8]>) -> FileEntry {
        FileEntry {
            path: path.into(),
            kind,
            mode: if kind == FileKind::Symlink { 0o777 } else { 0o644 },
            uid: 0,
            gid: 0,
            size: content.map_or(if kind == FileKind::File { 5000 } else { 0 }, |c| c.len() as u64),
            link_target: target.map(str::to_string),
            layer,
            content: content.map(<[u8]>::to_vec),
        }
    }

    fn image() -> ImageContents {
        let files = [
            entry("etc", FileKind::Dir, 0, None, None),
            entry("etc/os-release", FileKind::Symlink, 0, Some("../usr/lib/os-release"), None),
            entry("usr/lib/os-release", FileKind::File, 1, None, Some(b"ID=debian\n")),
            entry("usr/lib/sysimage/rpm/rpmdb.sqlite", FileKind::File, 2, None, Some(b"SQLite format 3\0")),
            entry("var/lib/rpm", FileKind::Symlink, 0, Some("../../usr/lib/sysimage/rpm"), None),
            entry("var/lib/dpkg/status", FileKind::Symlink, 0, Some("/etc/hostname"), None),
            entry("bin/big", FileKind::File, 0, None, None),
            entry("bin/big2", FileKind::Hardlink, 1, Some("bin/big"), None),
            entry("loop", FileKind::Symlink, 0, Some("loop"), None),
            entry("dev/null", FileKind::CharDevice, 0, None, None),
        ];
        ImageContents { files: files.into_iter().map(|f| (f.path.clone(), f)).collect(), ..Default::default() }
    }

    #[test]
    fn reads_follow_symlinks_and_hard_links_inside_the_image() {
        let img = image();
        let tree = ImageTree::new(&img);
        assert_eq!(tree.read("etc/os-release", 100).unwrap(), b"ID=debian\n");
        assert_eq!(tree.read("/var/lib/rpm/rpmdb.sqlite", 100).unwrap(), b"SQLite format 3\0");
        assert_eq!(tree.layer_of("var/lib/rpm/rpmdb.sqlite"), Some(2));
        assert_eq!(tree.layer_of("etc/os-release"), Some(1), "the layer that holds the bytes");
        // An absolute target is the image's /etc/hostname, which it does not have.
        assert_eq!(tree.read("var/lib/dpkg/status", 100), Err(ReadError::NotFound));
        assert_eq!(tree.layer_of("var/lib/dpkg/status"), Some(0), "the link itself");
        assert!(matches!(tree.read("loop", 100), Err(ReadError::Escapes(_))));
        assert_eq!(tree.read("dev/null", 100), Err(ReadError::NotRegular));
        assert_eq!(tree.read("usr/lib", 100), Err(ReadError::NotRegular), "an implicit directory");
        assert_eq!(tree.read("etc/os-release", 5), Err(ReadError::TooLarge { size: 10, max: 5 }));
        assert_eq!(tree.read("bin/big", 1 << 20), Err(ReadError::NotKept));
        assert_eq!(tree.read("bin/big2", 1 << 20), Err(ReadError::NotKept));
        assert_eq!(tree.read("bin/big2", 10), Err(ReadError::TooLarge { size: 5000, max: 10 }));
        assert_eq!(tree.layer_of("nope"), None);
    }

    #[test]
    fn entries_are_the_files_and_links_sorted() {
        let img = image();
        let tree = ImageTree::new(&img);
        let listed: Vec<(&str, u64, bool, Option<usize>)> =
            tree.entries().iter().map(|e| (e.path.as_str(), e.size, e.is_symlink, e.layer)).collect();
        assert_eq!(
            listed,
            [
                ("bin/big", 5000, false, Some(0)),
                ("bin/big2", 5000, false, Some(1)),
                ("etc/os-release", 0, true, Some(0)),
                ("loop", 0, true, Some(0)),
                ("usr/lib/os-release", 10, false, Some(1)),
                ("usr/lib/sysimage/rpm/rpmdb.sqlite", 16, false, Some(2)),
                ("var/lib/dpkg/status", 0, true, Some(0)),
                ("var/lib/rpm", 0, true, Some(0)),
            ]
        );
    }
}
