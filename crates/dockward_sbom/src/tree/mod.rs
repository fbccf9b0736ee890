//! The filesystem catalogers read: an image's merged layers or a directory, behind one
//! trait, so each cataloger is written once.
//!
//! Both resolve symlinks the way a container sees its root: an absolute target starts
//! again at the root, `..` stops at it, and nothing outside the root is ever read.

mod dir;
mod image;

use std::collections::VecDeque;
use std::fmt;

pub use dir::DirTree;
pub use image::ImageTree;

/// One regular file or symlink of the final filesystem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeEntry {
    /// Relative to the root, no leading `/` (`var/lib/dpkg/status`).
    pub path: String,
    pub size: u64,
    /// Permission bits (with setuid/setgid/sticky).
    pub mode: u32,
    pub is_symlink: bool,
    /// The layer that holds it (images), `None` for a directory.
    pub layer: Option<usize>,
}

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    NotFound,
    /// Larger than the cap the cataloger asked for.
    TooLarge {
        size: u64,
        max: u64,
    },
    /// A directory, device, FIFO or socket.
    NotRegular,
    /// A symlink that cannot be resolved inside the root: a loop, or a chain of more
    /// than [`MAX_SYMLINK_HOPS`] links. The text says which.
    Escapes(String),
    /// The bytes were not kept when the image streamed past (the caller did not ask for
    /// them, or the total budget was spent).
    NotKept,
    Io(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotFound => write!(f, "not found"),
            ReadError::TooLarge { size, max } => {
                write!(f, "{size} bytes, over the {max}-byte limit for this kind of file")
            }
            ReadError::NotRegular => write!(f, "not a regular file"),
            ReadError::Escapes(t) => write!(f, "a symlink that does not resolve inside the root: {t}"),
            ReadError::NotKept => write!(f, "its contents were not kept (the budget for kept files was spent)"),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// The final filesystem. Paths are relative to its root with no leading `/`.
pub trait FileTree {
    /// Every regular file and symlink, sorted by path.
    fn entries(&self) -> &[TreeEntry];

    /// The bytes of `path`, symlinks followed inside the root, at most `max` bytes
    /// (a larger file is [`ReadError::TooLarge`], never truncated).
    fn read(&self, path: &str, max: u64) -> Result<Vec<u8>, ReadError>;

    /// The layer holding `path` in the final filesystem (images only).
    fn layer_of(&self, path: &str) -> Option<usize>;
}

/// Symlinks followed for one path before it counts as a loop (Linux's limit).
pub const MAX_SYMLINK_HOPS: usize = 40;

/// Path components looked at for one path, its symlinks' targets included: a target
/// may be long, and each component costs a lookup.
const MAX_COMPONENTS: usize = 4096;

/// What a path names, for [`resolve`].
pub(crate) enum Node {
    Dir,
    Symlink(String),
    /// A regular file, device, FIFO, socket or hard link: nothing to walk into.
    Other,
}

/// The path (relative, no leading `/`) that `path` names once every symlink in it is
/// followed inside the root; it exists. `lookup` says what a resolved path is (`None`:
/// nothing). An absolute symlink target starts again at the root and `..` stops at the
/// root, as in a container, so the result never leaves it.
pub(crate) fn resolve(
    path: &str,
    lookup: &mut dyn FnMut(&str) -> Result<Option<Node>, ReadError>,
) -> Result<String, ReadError> {
    let mut pending: VecDeque<String> = parts(path).collect();
    let mut resolved: Vec<String> = Vec::new();
    let mut hops = 0;
    let mut seen = 0;
    while let Some(part) = pending.pop_front() {
        seen += 1;
        if seen > MAX_COMPONENTS {
            return Err(ReadError::Io(format!("`{path}` and its symlinks name more than {MAX_COMPONENTS} components")));
        }
        match part.as_str() {
            "." => continue,
            ".." => {
                resolved.pop();
                continue;
            }
            _ => {}
        }
        resolved.push(part);
        let current = resolved.join("/");
        match lookup(&current)? {
            None => return Err(ReadError::NotFound),
            Some(Node::Dir) => {}
            // A file where a directory is expected: the path does not exist.
            Some(Node::Other) if !pending.is_empty() => return Err(ReadError::NotFound),
            Some(Node::Other) => {}
            Some(Node::Symlink(target)) => {
                hops += 1;
                if hops > MAX_SYMLINK_HOPS {
                    return Err(ReadError::Escapes(format!(
                        "`{path}` goes through more than {MAX_SYMLINK_HOPS} symlinks (a loop?)"
                    )));
                }
                resolved.pop();
                if target.starts_with('/') {
                    resolved.clear();
                }
                for p in parts(&target).collect::<Vec<_>>().into_iter().rev() {
                    pending.push_front(p);
                }
            }
        }
    }
    Ok(resolved.join("/"))
}

fn parts(path: &str) -> impl Iterator<Item = String> + '_ {
    path.split('/').filter(|p| !p.is_empty()).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// A tree of paths: `d` a directory, `f` a file, anything else a symlink target.
    fn lookup_in<'a>(tree: &'a BTreeMap<&str, &str>) -> impl FnMut(&str) -> Result<Option<Node>, ReadError> + 'a {
        |p| {
            Ok(tree.get(p).map(|n| match *n {
                "d" => Node::Dir,
                "f" => Node::Other,
                t => Node::Symlink(t.to_string()),
            }))
        }
    }

    #[test]
    fn symlinks_resolve_inside_the_root_as_a_container_sees_them() {
        let tree = BTreeMap::from([
            ("etc", "d"),
            ("etc/os-release", "../usr/lib/os-release"),
            ("usr", "d"),
            ("usr/lib", "d"),
            ("usr/lib/os-release", "f"),
            ("usr/lib/sysimage", "d"),
            ("usr/lib/sysimage/rpm", "d"),
            ("usr/lib/sysimage/rpm/rpmdb.sqlite", "f"),
            ("var", "d"),
            ("var/lib", "d"),
            ("var/lib/rpm", "../../usr/lib/sysimage/rpm"),
            ("up", "../../../../../usr/lib/os-release"),
            ("abs", "/etc/os-release"),
            ("loop-a", "loop-b"),
            ("loop-b", "loop-a"),
            ("self", "./self"),
        ]);
        let mut lookup = lookup_in(&tree);
        let mut r = |p: &str| resolve(p, &mut lookup);
        assert_eq!(r("etc/os-release"), Ok("usr/lib/os-release".into()));
        assert_eq!(r("/var/lib/rpm/rpmdb.sqlite"), Ok("usr/lib/sysimage/rpm/rpmdb.sqlite".into()));
        assert_eq!(r("up"), Ok("usr/lib/os-release".into()), "`..` stops at the root");
        assert_eq!(r("abs"), Ok("usr/lib/os-release".into()));
        assert_eq!(r("usr/lib/os-release/x"), Err(ReadError::NotFound));
        assert_eq!(r("nope"), Err(ReadError::NotFound));
        assert!(matches!(r("loop-a"), Err(ReadError::Escapes(_))));
        assert!(matches!(r("self"), Err(ReadError::Escapes(_))));
        assert_eq!(r(""), Ok(String::new()));
    }

    #[test]
    fn a_very_long_path_is_refused_not_walked() {
        let tree = BTreeMap::from([("a", "d")]);
        let mut lookup = lookup_in(&tree);
        let long = "a/..//".repeat(10_000);
        assert!(matches!(resolve(&long, &mut lookup), Err(ReadError::Io(_))));
    }
}
