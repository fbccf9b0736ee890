//! The filesystem catalogers read: an image's merged layers or a directory, behind one
//! trait, so each cataloger is written once.

use std::fmt;

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
    /// A symlink whose target lies outside the root (or a loop).
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
            ReadError::Escapes(t) => write!(f, "a symlink out of the root (to `{t}`)"),
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
