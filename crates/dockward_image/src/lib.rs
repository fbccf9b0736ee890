//! Image archives as `docker save` writes them, read as one stream and never unpacked:
//! the classic docker-archive layout (`manifest.json`, `<id>/layer.tar`) and the OCI
//! layout Engine 25+ writes (`oci-layout`, `index.json`, `blobs/sha256/<digest>`), with
//! layers plain or gzip-compressed (told apart by their first bytes).
//!
//! The manifest that gives the layer order may come after the layers in the stream, so
//! each layer is reduced to its file metadata as it passes (plus the contents of the
//! few small files the caller asks for); the layers are then merged in manifest order,
//! honouring whiteouts (`.wh.<name>`) and opaque directories (`.wh..wh..opq`). Files a
//! later layer deleted or replaced are kept apart: they are still in the image.
//!
//! Memory grows with the number of files, never with their size.
//!
//! A [`LayerSink`] chooses, file by file, which bytes to keep (each with its own cap)
//! and which to be fed as they pass ([`read_archive_sink`]); [`read_archive`] keeps
//! the small files a predicate names.

mod archive;
mod layer;
mod merge;
mod sink;
mod sniff;

use std::collections::BTreeMap;
use std::fmt;

pub use archive::{read_archive, read_archive_sink, read_archive_with, ReadLimits};
pub use sink::{human_size, LayerSink, SkipReason, SkippedContent};
pub use sniff::{looks_like_image_archive, Compression};

/// What a table entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileKind {
    File,
    Dir,
    Symlink,
    /// A hard link to another path of the image (`link_target`).
    Hardlink,
    CharDevice,
    BlockDevice,
    Fifo,
    Other,
}

/// One file of one layer.
#[derive(Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Relative to the image root, without a leading `/` (`usr/bin/passwd`).
    pub path: String,
    pub kind: FileKind,
    /// Permission bits with setuid (0o4000), setgid (0o2000) and sticky (0o1000).
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
    pub size: u64,
    /// Symlink or hard-link target, as written in the layer.
    pub link_target: Option<String>,
    /// Index of the layer (in manifest order, from 0) this entry comes from.
    pub layer: usize,
    /// The file's bytes, for the files the caller asked for and no larger than
    /// [`ReadLimits::max_content`] (or the cap a [`LayerSink`] gave).
    pub content: Option<Vec<u8>>,
}

impl fmt::Debug for FileEntry {
    // Contents may be secrets: never print them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileEntry")
            .field("path", &self.path)
            .field("kind", &self.kind)
            .field("mode", &format_args!("{:o}", self.mode))
            .field("uid", &self.uid)
            .field("gid", &self.gid)
            .field("size", &self.size)
            .field("link_target", &self.link_target)
            .field("layer", &self.layer)
            .field("content", &self.content.as_ref().map(|c| format!("<{} bytes>", c.len())))
            .finish()
    }
}

impl FileEntry {
    /// The path as the container sees it: `/usr/bin/passwd`.
    pub fn abs_path(&self) -> String {
        format!("/{}", self.path)
    }

    pub fn is_setuid(&self) -> bool {
        self.mode & 0o4000 != 0
    }

    pub fn is_setgid(&self) -> bool {
        self.mode & 0o2000 != 0
    }

    /// The contents as UTF-8 text (lossy), when they were kept.
    pub fn text(&self) -> Option<String> {
        self.content.as_ref().map(|c| String::from_utf8_lossy(c).into_owned())
    }
}

/// Why a layer's file is not in the final filesystem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Removal {
    /// A whiteout (or an opaque directory) in layer `by` deleted it.
    Deleted { by: usize },
    /// Layer `by` wrote the same path again.
    Replaced { by: usize },
}

/// A regular file that a later layer (or a later entry of its own layer) deleted or
/// replaced: its bytes are still in the image, in layer `entry.layer`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HiddenFile {
    pub entry: FileEntry,
    pub removal: Removal,
}

/// One layer of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerInfo {
    /// The layer's path in the archive as the manifest names it (`blobs/sha256/<hex>`
    /// or `<id>/layer.tar`).
    pub archive_path: String,
    /// The member that holds the layer's bytes: `archive_path` with the archive's links
    /// followed (Docker 25+ links `<id>/layer.tar` to a blob). [`LayerSink::feed`] names
    /// layers this way, because it runs before the manifest is read.
    pub member: String,
    pub compression: Compression,
    /// Entries in the layer (whiteouts included).
    pub entries: usize,
}

/// One image of an archive, its layers merged.
#[derive(Debug, Clone, Default)]
pub struct ImageContents {
    /// The first tag, else `sha256:` and the first 12 hex digits of the config digest.
    pub name: String,
    /// Every tag the archive gives the image.
    pub tags: Vec<String>,
    /// `sha256:<hex>` of the image config (the image id), when known.
    pub id: Option<String>,
    pub layers: Vec<LayerInfo>,
    /// The final filesystem, by path.
    pub files: BTreeMap<String, FileEntry>,
    /// Regular files deleted or replaced by a later layer, by path and layer.
    pub hidden: Vec<HiddenFile>,
    /// `sha256:<hex>` of each uncompressed layer, from the image config's
    /// `rootfs.diff_ids` as written (empty when the config is missing or unreadable).
    pub diff_ids: Vec<String>,
    /// The `created_by` of the history entry that made each layer (the config's
    /// history without its `empty_layer` entries), one per layer: `None` where the
    /// history says nothing.
    pub history: Vec<Option<String>>,
    /// Files whose bytes were asked for but not kept or fed (too large, budget spent),
    /// in every layer, sorted.
    pub skipped: Vec<SkippedContent>,
}

impl ImageContents {
    pub fn file(&self, path: &str) -> Option<&FileEntry> {
        self.files.get(path.trim_start_matches('/'))
    }
}

/// Why an archive could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("cannot read the archive: {0}")]
    Io(#[from] std::io::Error),
    #[error("not an image archive: {0}")]
    NotAnArchive(String),
    #[error("`{path}` in the archive: {message}")]
    Member { path: String, message: String },
    #[error("the archive has no manifest.json or index.json naming its images")]
    NoManifest,
    #[error("the manifest names layer `{0}`, which the archive does not hold")]
    MissingLayer(String),
    #[error("too large: {0}")]
    Limit(String),
}
