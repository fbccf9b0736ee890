//! One layer tar reduced to its file metadata (and the few contents asked for).

use std::io::Read;

use crate::archive::{Budget, HeaderBound, ReadLimits};
use crate::{Compression, FileEntry, FileKind, ImageError, LayerSink, SkipReason};

/// What one layer entry does to the filesystem below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    Add(FileEntry),
    /// `.wh.<name>`: the path (and everything under it) is deleted.
    Whiteout(String),
    /// `.wh..wh..opq` in a directory: everything the lower layers had in it is deleted.
    Opaque(String),
}

/// A file of the layer whose bytes the sink asked for and did not get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Skip {
    pub path: String,
    pub size: u64,
    pub reason: SkipReason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LayerMeta {
    pub compression: Compression,
    pub changes: Vec<Change>,
    pub entries: usize,
    pub skipped: Vec<Skip>,
    /// Bytes of the entry names and link targets kept.
    pub name_bytes: u64,
}

/// `./a//b/./c/` -> `a/b/c`; `..` stays inside the root. The root itself is `""`.
pub(crate) fn normalise_path(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    parts.join("/")
}

const WHITEOUT_PREFIX: &str = ".wh.";
const OPAQUE_MARKER: &str = ".wh..wh..opq";

fn kind_of(t: tar::EntryType) -> FileKind {
    use tar::EntryType as T;
    match t {
        T::Regular | T::Continuous | T::GNUSparse => FileKind::File,
        T::Directory => FileKind::Dir,
        T::Symlink => FileKind::Symlink,
        T::Link => FileKind::Hardlink,
        T::Char => FileKind::CharDevice,
        T::Block => FileKind::BlockDevice,
        T::Fifo => FileKind::Fifo,
        _ => FileKind::Other,
    }
}

/// Reads one layer stream (already decompressed). `member` names the layer in errors
/// and to the sink.
pub(crate) fn read_layer(
    r: impl Read,
    compression: Compression,
    member: &str,
    sink: &mut dyn LayerSink,
    limits: &ReadLimits,
    budget: &mut Budget,
) -> Result<LayerMeta, ImageError> {
    let bad = |e: std::io::Error| ImageError::Member { path: member.to_string(), message: e.to_string() };
    let (r, header_bytes) = HeaderBound::new(r, limits.max_header);
    let mut archive = tar::Archive::new(r);
    let mut changes = Vec::new();
    let mut skipped = Vec::new();
    let mut entries = 0usize;
    let mut name_bytes = 0u64;
    for entry in archive.entries().map_err(bad)? {
        let mut entry = entry.map_err(bad)?;
        header_bytes.entry_start();
        entries += 1;
        budget.count_entry(limits)?;
        'entry: {
            let name_len = entry.path_bytes().len().max(entry.link_name_bytes().map_or(0, |t| t.len()));
            if name_len > limits.max_name {
                return Err(crate::archive::name_too_long(
                    &format!("`{member}` in the archive"),
                    name_len,
                    limits.max_name,
                ));
            }
            let raw_path = entry.path().map_err(bad)?.to_string_lossy().into_owned();
            let path = normalise_path(&raw_path);
            if path.is_empty() {
                break 'entry;
            }
            let (parent, base) = match path.rsplit_once('/') {
                Some((p, b)) => (p, b),
                None => ("", path.as_str()),
            };
            if base == OPAQUE_MARKER {
                budget.take_names(parent.len(), limits)?;
                name_bytes += parent.len() as u64;
                changes.push(Change::Opaque(parent.to_string()));
                break 'entry;
            }
            if let Some(name) = base.strip_prefix(WHITEOUT_PREFIX) {
                // `.wh.`, `.wh..` and `.wh...` name no file: taken as paths they would
                // delete the directory they sit in (the whole root for `/.wh.`).
                if matches!(name, "" | "." | "..") {
                    break 'entry;
                }
                let target = if parent.is_empty() { name.to_string() } else { format!("{parent}/{name}") };
                budget.take_names(target.len(), limits)?;
                name_bytes += target.len() as u64;
                changes.push(Change::Whiteout(target));
                break 'entry;
            }
            let header = entry.header();
            let kind = kind_of(header.entry_type());
            let link_target = match kind {
                FileKind::Symlink => entry.link_name().map_err(bad)?.map(|l| l.to_string_lossy().into_owned()),
                FileKind::Hardlink => entry.link_name().map_err(bad)?.map(|l| normalise_path(&l.to_string_lossy())),
                _ => None,
            };
            // Some writers leave numeric fields blank; blank means 0 to tar(1) as well.
            let mode = header.mode().unwrap_or(0);
            let uid = header.uid().unwrap_or(0);
            let gid = header.gid().unwrap_or(0);
            let size = entry.size();
            let mut content = None;
            if kind == FileKind::File {
                let keep = sink.keep(&path, size);
                let inspect = sink.inspect(&path, mode, size);
                let mut skip = |reason| skipped.push(Skip { path: path.clone(), size, reason });
                match keep {
                    Some(max) if size > max => skip(SkipReason::TooLargeToKeep { max }),
                    Some(max) => match budget.take_content(size, limits) {
                        Ok(()) => {
                            let mut buf = Vec::with_capacity(size as usize);
                            (&mut entry).take(max).read_to_end(&mut buf).map_err(bad)?;
                            content = Some(buf);
                        }
                        Err(reason) => skip(reason),
                    },
                    None => {}
                }
                match inspect {
                    Some(max) if size > max => skip(SkipReason::TooLargeToScan { max }),
                    Some(max) => {
                        let fed = match &content {
                            // Already read off the stream: feed the kept copy.
                            Some(kept) => sink.feed(member, &path, mode, size, &mut &kept[..]),
                            None => sink.feed(member, &path, mode, size, &mut (&mut entry).take(max)),
                        };
                        fed.map_err(bad)?;
                    }
                    None => {}
                }
            }
            let kept = path.len() + link_target.as_ref().map_or(0, String::len);
            budget.take_names(kept, limits)?;
            name_bytes += kept as u64;
            changes.push(Change::Add(FileEntry { path, kind, mode, uid, gid, size, link_target, layer: 0, content }));
        }
        header_bytes.entry_done(&mut entry).map_err(bad)?;
    }
    Ok(LayerMeta { compression, changes, entries, skipped, name_bytes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised_inside_the_root() {
        assert_eq!(normalise_path("./etc/passwd"), "etc/passwd");
        assert_eq!(normalise_path("/usr//bin/./su/"), "usr/bin/su");
        assert_eq!(normalise_path("../../etc/shadow"), "etc/shadow");
        assert_eq!(normalise_path("./"), "");
    }
}
