//! The driver: from an image archive (or a root directory) to its [`Inventory`].
//!
//! An archive is read once, as a stream. While it passes, the files the tree catalogers
//! name are kept (each up to its cataloger's cap) and the binaries the binary
//! catalogers want are scanned and dropped; results are held per (layer, path),
//! because the manifest that orders the layers may come last. Then, per image, the
//! tree catalogers read the merged filesystem, binary results count only where that
//! file is still in the image as that layer wrote it, and package databases a later
//! layer replaced or deleted give the packages the image no longer has.
//!
//! Images are read for what is installed only ([`catalog::tree_catalogers`]); a
//! directory is also read for the dependencies its lockfiles declare
//! ([`catalog::lockfile_catalogers`]), and [`lockfile_packages`] reads one lockfile's
//! bytes (for `dockward check`).

use std::collections::{BTreeMap, HashSet};
use std::io::{self, Read};
use std::path::Path;

use dockward_image::{human_size, FileEntry, FileKind, ImageContents, ImageError, LayerSink, ReadLimits, Removal};

use crate::catalog::lockfile::FROM_LOCKFILE;
use crate::catalog::{self, BinaryCataloger, CatalogOutput, TreeCataloger};
use crate::memtree::MemTree;
use crate::model::{Distro, Ecosystem, Inventory, Layer, Package, RemovedPackage, Warning};
use crate::purl::purl;
use crate::tree::{DirTree, FileTree, ImageTree, ReadError, TreeEntry};

/// The note for an image or directory without a detected operating system.
pub const NO_DISTRO_NOTE: &str = "no os-release: a distroless or scratch image?";

/// A scan buffer larger than this is freed after use rather than kept for the next
/// file: one large jar should not pin its size for the rest of the archive.
const RETAINED_BUFFER: usize = 64 * 1024 * 1024;

/// The inventory of every image of an archive, with the registered catalogers of
/// installed packages (no lockfile cataloger: an image is what it installed).
pub fn inventory_archive(r: impl Read, limits: &ReadLimits) -> Result<Vec<Inventory>, ImageError> {
    inventory_archive_with(r, limits, &catalog::tree_catalogers(), &catalog::binary_catalogers())
}

/// [`inventory_archive`] with the given catalogers.
pub fn inventory_archive_with(
    r: impl Read,
    limits: &ReadLimits,
    tree_catalogers: &[&dyn TreeCataloger],
    binary_catalogers: &[&dyn BinaryCataloger],
) -> Result<Vec<Inventory>, ImageError> {
    let mut sink = CatalogSink { tree_catalogers, binary_catalogers, buf: Vec::new(), scanned: BTreeMap::new() };
    let images = dockward_image::read_archive_sink(r, &mut sink, limits)?;
    Ok(images.iter().map(|image| image_inventory(image, tree_catalogers, &sink.scanned)).collect())
}

/// The inventory of a root directory, with the registered catalogers: those of
/// installed packages, then those of lockfiles.
pub fn inventory_dir(root: &Path) -> Result<Inventory, String> {
    let mut tree_catalogers = catalog::tree_catalogers();
    tree_catalogers.extend(catalog::lockfile_catalogers());
    inventory_dir_with(root, &tree_catalogers, &catalog::binary_catalogers())
}

/// [`inventory_dir`] with the given catalogers. A package a lockfile declares that is
/// also installed (same ecosystem, name and version) in the lockfile's directory or
/// below it is listed once, as installed.
pub fn inventory_dir_with(
    root: &Path,
    tree_catalogers: &[&dyn TreeCataloger],
    binary_catalogers: &[&dyn BinaryCataloger],
) -> Result<Inventory, String> {
    let tree = DirTree::new(root)?;
    let (distro, mut warnings) = crate::os::detect(&tree);
    warnings.extend(tree.warnings().iter().cloned());
    let mut out = CatalogOutput::default();
    run_tree_catalogers(&tree, tree_catalogers, distro.as_ref(), &mut out);
    for entry in tree.entries().iter().filter(|e| !e.is_symlink) {
        scan_file(&tree, entry, binary_catalogers, &mut out);
    }
    warnings.append(&mut out.warnings);
    drop_locked_copies_of_installed(&mut out.packages);
    let mut inventory = Inventory { name: root.display().to_string(), ..Default::default() };
    finish(&mut inventory, &tree, distro, out.packages, warnings);
    Ok(inventory)
}

/// The packages one lockfile declares, from its bytes: the lockfile cataloger that
/// wants a file of that name reads it (even inside `node_modules/` or `vendor/`,
/// which directory walks leave out: the caller named it). `path` becomes the
/// packages' `location` and the warnings' path; `purl` is left empty (see
/// [`crate::purl::purl`], which needs no distro for these). A file no lockfile
/// cataloger reads, or one over its size limit, gives a warning and no package.
pub fn lockfile_packages(path: &str, bytes: &[u8]) -> CatalogOutput {
    let mut out = CatalogOutput::default();
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let catalogers = catalog::lockfile_catalogers();
    let Some((cataloger, max)) = catalogers.iter().find_map(|c| c.wants(name).map(|max| (*c, max))) else {
        out.warn(path, "not a lockfile dockward reads");
        return out;
    };
    let size = bytes.len() as u64;
    if size > max {
        out.warn(path, format!("{}, over the {} limit; not read", human_size(size), human_size(max)));
        return out;
    }
    // The file alone, under its bare name: `path` may be absolute or climb (`../`).
    let tree = MemTree::new().with_file(name, bytes);
    cataloger.catalog(&tree, &[name], None, &mut out);
    for p in &mut out.packages {
        if p.location == name {
            p.location = path.to_string();
        }
    }
    for w in &mut out.warnings {
        if w.path == name {
            w.path = path.to_string();
        }
    }
    out
}

/// Drops the lockfile packages that are installed in the lockfile's directory tree:
/// the installed copy stands for both.
fn drop_locked_copies_of_installed(packages: &mut Vec<Package>) {
    let key = |p: &Package| {
        let name = match p.ecosystem {
            Ecosystem::PyPi => catalog::python::normalize_name(&p.name),
            _ => p.name.clone(),
        };
        (p.ecosystem, name, p.version.clone())
    };
    let mut installed: BTreeMap<(Ecosystem, String, String), Vec<String>> = BTreeMap::new();
    for p in packages.iter().filter(|p| !p.extra.contains_key(FROM_LOCKFILE)) {
        installed.entry(key(p)).or_default().push(p.location.clone());
    }
    if installed.is_empty() {
        return;
    }
    packages.retain(|p| {
        if !p.extra.contains_key(FROM_LOCKFILE) {
            return true;
        }
        let dir = p.location.rsplit_once('/').map_or("", |(dir, _)| dir);
        let under =
            |location: &String| dir.is_empty() || location.strip_prefix(dir).is_some_and(|r| r.starts_with('/'));
        !installed.get(&key(p)).is_some_and(|locations| locations.iter().any(under))
    });
}

/// Runs the binary catalogers that want `entry` over its bytes, read once.
fn scan_file(tree: &dyn FileTree, entry: &TreeEntry, catalogers: &[&dyn BinaryCataloger], out: &mut CatalogOutput) {
    let wanting: Vec<(&dyn BinaryCataloger, u64)> =
        catalogers.iter().filter_map(|c| c.wants(&entry.path, entry.mode, entry.size).map(|max| (*c, max))).collect();
    let Some(max) = wanting.iter().map(|(_, max)| *max).max() else { return };
    if entry.size > max {
        let message = format!("{}, over the {} limit; not scanned", human_size(entry.size), human_size(max));
        out.warn(entry.path.clone(), message);
        return;
    }
    match tree.read(&entry.path, max) {
        Ok(bytes) => {
            for (cataloger, max) in wanting {
                if bytes.len() as u64 <= max {
                    cataloger.scan(&entry.path, &bytes, out);
                }
            }
        }
        Err(e) => out.warn(entry.path.clone(), format!("not scanned: {e}")),
    }
}

/// What the binary catalogers made of one file of one layer.
struct Scanned {
    /// The file's mode and size when scanned: a later copy of the same path in the same
    /// layer that was not scanned must not inherit this result.
    mode: u32,
    size: u64,
    output: CatalogOutput,
}

/// Keeps what the tree catalogers will read and scans what the binary catalogers want,
/// as the archive streams past.
struct CatalogSink<'c> {
    tree_catalogers: &'c [&'c dyn TreeCataloger],
    binary_catalogers: &'c [&'c dyn BinaryCataloger],
    /// Reused for each scanned file.
    buf: Vec<u8>,
    /// By (layer member, path).
    scanned: BTreeMap<(String, String), Scanned>,
}

impl LayerSink for CatalogSink<'_> {
    fn keep(&self, path: &str, _size: u64) -> Option<u64> {
        // The OS files are read by `os::detect`, not by a cataloger.
        self.tree_catalogers.iter().filter_map(|c| c.wants(path)).chain(crate::os::wants(path)).max()
    }

    fn inspect(&self, path: &str, mode: u32, size: u64) -> Option<u64> {
        self.binary_catalogers.iter().filter_map(|c| c.wants(path, mode, size)).max()
    }

    fn feed(&mut self, layer_member: &str, path: &str, mode: u32, size: u64, data: &mut dyn Read) -> io::Result<()> {
        self.buf.clear();
        // `data` stops at the largest cap inspect gave.
        data.read_to_end(&mut self.buf)?;
        let mut output = CatalogOutput::default();
        for cataloger in self.binary_catalogers {
            if cataloger.wants(path, mode, size).is_some_and(|max| self.buf.len() as u64 <= max) {
                cataloger.scan(path, &self.buf, &mut output);
            }
        }
        if self.buf.capacity() > RETAINED_BUFFER {
            self.buf = Vec::new();
        }
        let key = (layer_member.to_string(), path.to_string());
        if output.packages.is_empty() && output.warnings.is_empty() {
            // A second copy in the same layer replaces what the first one gave.
            self.scanned.remove(&key);
        } else {
            self.scanned.insert(key, Scanned { mode, size, output });
        }
        Ok(())
    }
}

fn run_tree_catalogers(
    tree: &dyn FileTree,
    catalogers: &[&dyn TreeCataloger],
    distro: Option<&Distro>,
    out: &mut CatalogOutput,
) {
    for cataloger in catalogers {
        let paths: Vec<&str> =
            tree.entries().iter().map(|e| e.path.as_str()).filter(|p| cataloger.wants(p).is_some()).collect();
        if !paths.is_empty() {
            cataloger.catalog(tree, &paths, distro, out);
        }
    }
}

fn image_inventory(
    image: &ImageContents,
    tree_catalogers: &[&dyn TreeCataloger],
    scanned: &BTreeMap<(String, String), Scanned>,
) -> Inventory {
    let tree = ImageTree::new(image);
    let (distro, mut warnings) = crate::os::detect(&tree);
    let mut out = CatalogOutput::default();
    run_tree_catalogers(&tree, tree_catalogers, distro.as_ref(), &mut out);
    for ((member, path), found) in scanned {
        // Only where the final file is the one that layer wrote: a later layer may have
        // deleted or replaced it.
        let Some(file) = image.files.get(path) else { continue };
        let same_layer = image.layers.get(file.layer).is_some_and(|l| l.member == *member);
        if file.kind == FileKind::File && same_layer && file.mode == found.mode && file.size == found.size {
            out.packages.extend(found.output.packages.iter().cloned());
            out.warnings.extend(found.output.warnings.iter().cloned());
        }
    }
    warnings.append(&mut out.warnings);
    for skipped in &image.skipped {
        // Only files of the final filesystem: a hidden copy's note would be noise.
        if image.files.get(&skipped.path).is_some_and(|f| f.kind == FileKind::File && f.layer == skipped.layer) {
            warnings.push(Warning {
                path: skipped.path.clone(),
                layer: Some(skipped.layer),
                message: skipped.message(),
            });
        }
    }
    let removed = removed_packages(image, tree_catalogers, distro.as_ref(), &out.packages);
    let layers = (0..image.layers.len())
        .map(|index| Layer {
            index,
            diff_id: image.diff_ids.get(index).cloned(),
            created_by: image.history.get(index).cloned().flatten(),
        })
        .collect();
    let mut inventory = Inventory {
        name: image.name.clone(),
        image_id: image.id.clone(),
        tags: image.tags.clone(),
        layers,
        removed,
        ..Default::default()
    };
    finish(&mut inventory, &tree, distro, out.packages, warnings);
    inventory
}

/// Layers, purls and order; the warnings located; the note for a missing distro.
fn finish(
    inventory: &mut Inventory,
    tree: &dyn FileTree,
    distro: Option<Distro>,
    mut packages: Vec<Package>,
    mut warnings: Vec<Warning>,
) {
    for p in &mut packages {
        p.layer = tree.layer_of(&p.location);
        p.purl = purl(p, distro.as_ref());
    }
    packages.sort_by(|a, b| {
        (a.ecosystem, &a.name, &a.version, &a.location, &a.inner_path).cmp(&(
            b.ecosystem,
            &b.name,
            &b.version,
            &b.location,
            &b.inner_path,
        ))
    });
    for w in &mut warnings {
        if w.layer.is_none() {
            // `app.war!WEB-INF/lib/x.jar`: the outer file is the one in a layer.
            let outer = w.path.split('!').next().unwrap_or(&w.path);
            w.layer = tree.layer_of(outer);
        }
    }
    warnings.sort();
    warnings.dedup();
    if distro.is_none() {
        inventory.notes.push(NO_DISTRO_NOTE.to_string());
    }
    inventory.distro = distro;
    inventory.packages = packages;
    inventory.warnings = warnings;
}

/// Packages listed by a package database that a later layer rewrote or deleted, and
/// missing from the image: each with the first layer whose copy listed it and the
/// layer that replaced (or deleted) the last copy that did.
fn removed_packages(
    image: &ImageContents,
    catalogers: &[&dyn TreeCataloger],
    distro: Option<&Distro>,
    present: &[Package],
) -> Vec<RemovedPackage> {
    let present: HashSet<(Ecosystem, &str)> = present.iter().map(|p| (p.ecosystem, p.name.as_str())).collect();
    let mut removed: BTreeMap<(Ecosystem, String), RemovedPackage> = BTreeMap::new();
    for hidden in &image.hidden {
        let entry = &hidden.entry;
        let Some(content) = &entry.content else { continue };
        let wanting: Vec<&&dyn TreeCataloger> = catalogers.iter().filter(|c| c.wants(&entry.path).is_some()).collect();
        if wanting.is_empty() {
            continue;
        }
        let tree = OneFile::new(entry, content);
        // Its warnings are dropped: the copy is alone, and not in the image.
        let mut out = CatalogOutput::default();
        for cataloger in wanting {
            cataloger.catalog(&tree, &[entry.path.as_str()], distro, &mut out);
        }
        let by = match hidden.removal {
            Removal::Deleted { by } | Removal::Replaced { by } => by,
        };
        for p in out.packages {
            if present.contains(&(p.ecosystem, p.name.as_str())) {
                continue;
            }
            let key = (p.ecosystem, p.name.clone());
            match removed.get_mut(&key) {
                // Hidden copies come oldest first: a later copy still listing it moves
                // the removal later.
                Some(r) => {
                    r.layer = r.layer.min(entry.layer);
                    if by >= r.removed_by {
                        r.removed_by = by;
                        r.version = p.version;
                        r.location = p.location;
                    }
                }
                None => {
                    let r = RemovedPackage {
                        ecosystem: p.ecosystem,
                        name: p.name,
                        version: p.version,
                        location: p.location,
                        layer: entry.layer,
                        removed_by: by,
                    };
                    removed.insert(key, r);
                }
            }
        }
    }
    removed.into_values().collect()
}

/// One hidden file as a tree of its own, for the catalogers that read it.
struct OneFile<'a> {
    entries: Vec<TreeEntry>,
    content: &'a [u8],
}

impl<'a> OneFile<'a> {
    fn new(entry: &FileEntry, content: &'a [u8]) -> Self {
        let listed = TreeEntry {
            path: entry.path.clone(),
            size: entry.size,
            mode: entry.mode,
            is_symlink: false,
            layer: Some(entry.layer),
        };
        Self { entries: vec![listed], content }
    }

    fn is_it(&self, path: &str) -> bool {
        self.entries[0].path == path.trim_start_matches('/')
    }
}

impl FileTree for OneFile<'_> {
    fn entries(&self) -> &[TreeEntry] {
        &self.entries
    }

    fn read(&self, path: &str, max: u64) -> Result<Vec<u8>, ReadError> {
        if !self.is_it(path) {
            return Err(ReadError::NotFound);
        }
        let size = self.content.len() as u64;
        if size > max {
            return Err(ReadError::TooLarge { size, max });
        }
        Ok(self.content.to_vec())
    }

    fn layer_of(&self, path: &str) -> Option<usize> {
        self.is_it(path).then_some(self.entries[0].layer).flatten()
    }
}
