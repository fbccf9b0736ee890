//! The outer `docker save` tar: layers, manifests and configs in whatever order they
//! come, then the images assembled from the manifest.

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::rc::Rc;

use serde::Deserialize;

use crate::layer::{normalise_path, read_layer, Change, LayerMeta};
use crate::merge::merge;
use crate::sniff::{peek, sniff, Sniffed, HEAD_LEN};
use crate::{Compression, FileEntry, ImageContents, ImageError, LayerInfo, LayerSink, SkipReason, SkippedContent};

/// Bounds on what is kept in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadLimits {
    /// Largest file whose contents are kept (when asked for), unless a [`LayerSink`]
    /// gives that file its own cap.
    pub max_content: u64,
    /// Kept contents of files up to `max_content` together; past this, such contents
    /// are no longer kept.
    pub max_total_content: u64,
    /// Kept contents of larger files (which only a sink's own cap lets through, such as
    /// package databases) together. Apart from `max_total_content`, so that a few large
    /// databases cannot starve the many small files rules read, nor the reverse.
    pub max_total_catalog: u64,
    /// Largest JSON member (manifest, index, config) read.
    pub max_json: u64,
    /// All JSON members together: they are kept until the manifest is read, and a
    /// compressed archive can hold many large ones in few bytes.
    pub max_total_json: u64,
    /// Entries in all layers together.
    pub max_entries: usize,
    /// Bytes of tar headers before one entry (GNU long names, PAX records): the tar
    /// crate keeps them whole in memory.
    pub max_header: u64,
    /// Bytes coming out of the decompressors (the outer gzip and every gzip layer)
    /// together: a small archive must not cost unbounded CPU time.
    pub max_unpacked: u64,
    /// Unpacked bytes per byte read of the archive, checked once more than
    /// `unpack_ratio_floor` bytes are unpacked: one gzip level stays under ~1032:1,
    /// compression nested in compression (a decompression bomb) does not.
    pub max_unpack_ratio: u64,
    /// Unpacked bytes below which the ratio is not checked ([`UNPACK_RATIO_FLOOR`]).
    pub unpack_ratio_floor: u64,
    /// Bytes of entry names and link targets kept (each time a manifest names a
    /// layer, its names are copied again): a tar header can carry a name of up to
    /// `max_header` bytes, and a compressed archive many of them in few bytes.
    pub max_name_bytes: u64,
    /// Bytes of one entry name or link target ([`MAX_NAME`]): no file system holds a
    /// path near this long (Linux: 4,096 bytes), so a longer one is a crafted archive,
    /// refused before any rule or cataloger looks at it.
    pub max_name: usize,
}

/// The longest entry name or link target read: 64 KiB, sixteen times Linux's PATH_MAX.
pub const MAX_NAME: usize = 64 * 1024;

/// The error for a name longer than `max`: `what` says where it was met.
pub(crate) fn name_too_long(what: &str, len: usize, max: usize) -> ImageError {
    ImageError::Limit(format!(
        "{what}: a name of {len} bytes (no file system holds a path over {max} bytes); not read further"
    ))
}

/// Unpacked bytes below which the ratio bound is not checked: 1 GiB.
pub const UNPACK_RATIO_FLOOR: u64 = 1 << 30;

impl Default for ReadLimits {
    fn default() -> Self {
        let process = dockward_source::input::limits();
        Self {
            max_content: 64 * 1024,
            max_total_content: 64 * 1024 * 1024,
            max_total_catalog: 256 * 1024 * 1024,
            max_json: 16 * 1024 * 1024,
            max_total_json: 64 * 1024 * 1024,
            max_entries: 5_000_000,
            max_header: 1024 * 1024,
            // The process-wide bounds (documented defaults, environment overrides).
            max_unpacked: process.max_unpacked,
            max_unpack_ratio: process.max_unpack_ratio,
            unpack_ratio_floor: UNPACK_RATIO_FLOOR,
            max_name_bytes: process.max_name_bytes,
            max_name: MAX_NAME,
        }
    }
}

/// What has been spent of the limits so far.
#[derive(Debug, Default)]
pub(crate) struct Budget {
    entries: usize,
    content: u64,
    catalog: u64,
    json: u64,
    names: u64,
}

impl Budget {
    /// Counts the bytes of a kept entry name (and link target).
    pub(crate) fn take_names(&mut self, n: usize, limits: &ReadLimits) -> Result<(), ImageError> {
        self.names = self.names.saturating_add(n as u64);
        if self.names > limits.max_name_bytes {
            return Err(names_limit(limits));
        }
        Ok(())
    }

    pub(crate) fn count_entry(&mut self, limits: &ReadLimits) -> Result<(), ImageError> {
        self.entries += 1;
        if self.entries > limits.max_entries {
            return Err(ImageError::Limit(format!("more than {} files in the layers", limits.max_entries)));
        }
        Ok(())
    }

    /// Counts `size` kept bytes against the budget their size falls under.
    pub(crate) fn take_content(&mut self, size: u64, limits: &ReadLimits) -> Result<(), SkipReason> {
        let (spent, budget) = if size <= limits.max_content {
            (&mut self.content, limits.max_total_content)
        } else {
            (&mut self.catalog, limits.max_total_catalog)
        };
        if spent.saturating_add(size) > budget {
            return Err(SkipReason::BudgetSpent { budget });
        }
        *spent += size;
        Ok(())
    }
}

fn names_limit(limits: &ReadLimits) -> ImageError {
    ImageError::Limit(format!(
        "the entry names and link targets hold more than {} bytes (DOCKWARD_MAX_NAME_BYTES)",
        limits.max_name_bytes
    ))
}

/// Bytes read from the archive itself and bytes out of its decompressors, shared by
/// the readers of one archive.
#[derive(Debug, Default)]
pub(crate) struct Unpacking {
    packed: Cell<u64>,
    unpacked: Cell<u64>,
}

/// Counts the bytes read from the archive.
pub(crate) struct Packed<R> {
    inner: R,
    count: Rc<Unpacking>,
}

impl<R: Read> Read for Packed<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.packed.set(self.count.packed.get().saturating_add(n as u64));
        Ok(n)
    }
}

/// A decompressor's output, failing once the archive's decompressors together have
/// unpacked more than [`ReadLimits::max_unpacked`] bytes, or more than
/// [`ReadLimits::max_unpack_ratio`] times the bytes read of the archive.
pub(crate) struct Unpacked<R> {
    inner: R,
    count: Rc<Unpacking>,
    max: u64,
    ratio: u64,
    floor: u64,
}

impl<R: Read> Unpacked<R> {
    pub(crate) fn new(inner: R, count: &Rc<Unpacking>, limits: &ReadLimits) -> Self {
        Self {
            inner,
            count: Rc::clone(count),
            max: limits.max_unpacked,
            ratio: limits.max_unpack_ratio,
            floor: limits.unpack_ratio_floor,
        }
    }
}

impl<R: Read> Read for Unpacked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let unpacked = self.count.unpacked.get().saturating_add(n as u64);
        self.count.unpacked.set(unpacked);
        if unpacked > self.max {
            return Err(std::io::Error::other(format!(
                "the archive unpacks to more than {} bytes (DOCKWARD_MAX_UNPACKED); not read further",
                self.max
            )));
        }
        let packed = self.count.packed.get().max(1);
        if unpacked > self.floor && unpacked / packed > self.ratio {
            return Err(std::io::Error::other(format!(
                "the archive unpacks to more than {} times its size ({unpacked} bytes from {packed}): \
                 compression within compression (DOCKWARD_MAX_UNPACK_RATIO); not read further",
                self.ratio
            )));
        }
        Ok(n)
    }
}

/// A tar stream that fails once more than `max` bytes are read between the end of
/// one entry's data and the next entry. The tar crate reads an entry's headers, GNU
/// long names and PAX records into memory before handing the entry out; file data
/// (read or drained by the caller between [`HeaderCount::entry_start`] and
/// [`HeaderCount::entry_done`]) does not count.
pub(crate) struct HeaderBound<R> {
    inner: R,
    /// Header bytes read since the last entry; `None` while inside an entry's data.
    read: Rc<Cell<Option<u64>>>,
    max: u64,
}

/// The caller's side of a [`HeaderBound`].
pub(crate) struct HeaderCount(Rc<Cell<Option<u64>>>);

impl HeaderCount {
    /// The tar crate has handed out an entry: its data does not count.
    pub(crate) fn entry_start(&self) {
        self.0.set(None);
    }

    /// Drains the rest of the entry's data; what is read next is headers again.
    pub(crate) fn entry_done(&self, entry: &mut impl Read) -> std::io::Result<()> {
        std::io::copy(entry, &mut std::io::sink())?;
        self.0.set(Some(0));
        Ok(())
    }
}

impl<R: Read> HeaderBound<R> {
    pub(crate) fn new(inner: R, max: u64) -> (Self, HeaderCount) {
        let read = Rc::new(Cell::new(Some(0)));
        (Self { inner, read: Rc::clone(&read), max }, HeaderCount(read))
    }
}

impl<R: Read> Read for HeaderBound<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let counted = self.read.get();
        if counted.is_some_and(|n| n > self.max) {
            return Err(std::io::Error::other(format!("tar headers of more than {} bytes", self.max)));
        }
        let n = self.inner.read(buf)?;
        self.read.set(counted.map(|c| c.saturating_add(n as u64)));
        Ok(n)
    }
}

/// `manifest.json` of the docker-archive layout.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DockerManifestItem {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    #[serde(default)]
    layers: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct OciDescriptor {
    digest: String,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
}

/// The parts of an image config read here.
#[derive(Debug, Default, Deserialize)]
struct ImageConfig {
    #[serde(default)]
    rootfs: Option<RootFs>,
    #[serde(default)]
    history: Vec<HistoryEntry>,
}

#[derive(Debug, Default, Deserialize)]
struct RootFs {
    #[serde(default)]
    diff_ids: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
struct HistoryEntry {
    #[serde(default)]
    created_by: Option<String>,
    #[serde(default)]
    empty_layer: bool,
}

/// An OCI image index (`index.json`) or manifest, whichever a blob is.
#[derive(Debug, Deserialize)]
struct OciDocument {
    #[serde(default)]
    manifests: Vec<OciDescriptor>,
    #[serde(default)]
    config: Option<OciDescriptor>,
    #[serde(default)]
    layers: Vec<OciDescriptor>,
}

/// Reads an archive with the default limits; `wants(path)` says which files' contents
/// to keep (paths relative to the image root, `etc/shadow`).
pub fn read_archive(r: impl Read, wants: &dyn Fn(&str) -> bool) -> Result<Vec<ImageContents>, ImageError> {
    read_archive_with(r, wants, &ReadLimits::default())
}

/// [`read_archive`] with other limits.
pub fn read_archive_with(
    r: impl Read,
    wants: &dyn Fn(&str) -> bool,
    limits: &ReadLimits,
) -> Result<Vec<ImageContents>, ImageError> {
    let mut sink = WantsSink { wants, max: limits.max_content };
    read_archive_sink(r, &mut sink, limits)
}

/// Keeps the files a predicate names, up to one cap for all.
struct WantsSink<'a> {
    wants: &'a dyn Fn(&str) -> bool,
    max: u64,
}

impl LayerSink for WantsSink<'_> {
    fn keep(&self, path: &str, _size: u64) -> Option<u64> {
        (self.wants)(path).then_some(self.max)
    }

    fn inspect(&self, _path: &str, _mode: u32, _size: u64) -> Option<u64> {
        None
    }

    fn feed(&mut self, _: &str, _: &str, _: u32, _: u64, _: &mut dyn Read) -> std::io::Result<()> {
        Ok(())
    }
}

#[derive(Default)]
struct Members {
    layers: HashMap<String, LayerMeta>,
    json: HashMap<String, Vec<u8>>,
    /// Symlinks and hard links between members (`<id>/layer.tar` -> `blobs/sha256/...`).
    links: HashMap<String, String>,
}

impl Members {
    fn resolve<'a>(&'a self, path: &'a str) -> &'a str {
        let mut p = path;
        for _ in 0..16 {
            match self.links.get(p) {
                Some(t) => p = t,
                None => break,
            }
        }
        p
    }

    /// The layer `path` names, and the member that holds it.
    fn layer(&self, path: &str) -> Result<(String, &LayerMeta), ImageError> {
        let p = normalise_path(path);
        let member = self.resolve(&p);
        match self.layers.get(member) {
            Some(meta) => Ok((member.to_string(), meta)),
            None => Err(ImageError::MissingLayer(path.to_string())),
        }
    }

    fn json<T: for<'de> Deserialize<'de>>(&self, path: &str) -> Result<Option<T>, ImageError> {
        let p = normalise_path(path);
        let Some(bytes) = self.json.get(self.resolve(&p)) else { return Ok(None) };
        serde_json::from_slice(bytes)
            .map(Some)
            .map_err(|e| ImageError::Member { path: path.to_string(), message: format!("invalid JSON: {e}") })
    }
}

/// Reads an archive, `sink` choosing which files' bytes to keep and which to be fed.
pub fn read_archive_sink(
    r: impl Read,
    sink: &mut dyn LayerSink,
    limits: &ReadLimits,
) -> Result<Vec<ImageContents>, ImageError> {
    let unpacking = Rc::new(Unpacking::default());
    let r = Packed { inner: r, count: Rc::clone(&unpacking) };
    let (head, r) = peek(r, HEAD_LEN)?;
    let outer: Box<dyn Read> = match sniff(&head) {
        Sniffed::Gzip => Box::new(Unpacked::new(flate2::read::MultiGzDecoder::new(r), &unpacking, limits)),
        Sniffed::Tar => Box::new(r),
        Sniffed::Empty => return Err(ImageError::NotAnArchive("the file is empty".into())),
        _ => return Err(ImageError::NotAnArchive("it is not a tar archive (as `docker save` writes)".into())),
    };
    let (head, outer) = peek(outer, HEAD_LEN)?;
    if !crate::sniff::looks_like_tar(&head) {
        return Err(ImageError::NotAnArchive("the gzip stream does not hold a tar archive".into()));
    }
    let members = read_members(outer, sink, limits, &unpacking)?;
    assemble(&members, limits)
}

fn read_members(
    r: impl Read,
    sink: &mut dyn LayerSink,
    limits: &ReadLimits,
    unpacking: &Rc<Unpacking>,
) -> Result<Members, ImageError> {
    let mut members = Members::default();
    let mut budget = Budget::default();
    let (r, header_bytes) = HeaderBound::new(r, limits.max_header);
    let mut archive = tar::Archive::new(r);
    let outer_bad = |e: std::io::Error| ImageError::Member { path: "(archive)".into(), message: e.to_string() };
    for entry in archive.entries().map_err(outer_bad)? {
        let mut entry = entry.map_err(outer_bad)?;
        header_bytes.entry_start();
        'member: {
            let raw = entry.path().map_err(outer_bad)?;
            if raw.as_os_str().len() > limits.max_name {
                return Err(name_too_long("a member of the archive", raw.as_os_str().len(), limits.max_name));
            }
            let path = normalise_path(&raw.to_string_lossy());
            let bad = |e: std::io::Error| ImageError::Member { path: path.clone(), message: e.to_string() };
            // Every member's name is kept (as a link, a layer or a JSON document).
            budget.take_names(path.len(), limits)?;
            match entry.header().entry_type() {
                tar::EntryType::Symlink | tar::EntryType::Link
                    if entry.link_name_bytes().is_some_and(|t| t.len() > limits.max_name) =>
                {
                    let len = entry.link_name_bytes().map_or(0, |t| t.len());
                    return Err(name_too_long(&format!("the link `{path}` in the archive"), len, limits.max_name));
                }
                tar::EntryType::Symlink => {
                    if let Some(target) = entry.link_name().map_err(bad)? {
                        let parent = path.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
                        let target = normalise_path(&format!("{parent}/{}", target.to_string_lossy()));
                        budget.take_names(target.len(), limits)?;
                        members.links.insert(path.clone(), target);
                    }
                    break 'member;
                }
                tar::EntryType::Link => {
                    if let Some(target) = entry.link_name().map_err(bad)? {
                        let target = normalise_path(&target.to_string_lossy());
                        budget.take_names(target.len(), limits)?;
                        members.links.insert(path.clone(), target);
                    }
                    break 'member;
                }
                t if !t.is_file() => break 'member,
                _ => {}
            }
            let size = entry.size();
            let base = path.rsplit('/').next().unwrap_or("");
            if matches!(base, "VERSION" | "json" | "oci-layout" | "repositories") {
                break 'member;
            }
            let (head, body) = peek(&mut entry, HEAD_LEN).map_err(bad)?;
            match sniff(&head) {
                Sniffed::Empty => {
                    let empty = LayerMeta {
                        compression: Compression::None,
                        changes: Vec::new(),
                        entries: 0,
                        skipped: Vec::new(),
                        name_bytes: 0,
                    };
                    members.layers.insert(path, empty);
                }
                Sniffed::Gzip => {
                    let layer = read_layer(
                        Unpacked::new(flate2::read::GzDecoder::new(body), unpacking, limits),
                        Compression::Gzip,
                        &path,
                        sink,
                        limits,
                        &mut budget,
                    )?;
                    members.layers.insert(path, layer);
                }
                Sniffed::Tar => {
                    let layer = read_layer(body, Compression::None, &path, sink, limits, &mut budget)?;
                    members.layers.insert(path, layer);
                }
                Sniffed::Zstd => {
                    return Err(ImageError::Member {
                        path,
                        message: "zstd-compressed layers are not supported yet".into(),
                    })
                }
                Sniffed::Json if size <= limits.max_json => {
                    budget.json = budget.json.saturating_add(size);
                    if budget.json > limits.max_total_json {
                        return Err(ImageError::Limit(format!(
                            "the JSON members hold more than {} bytes together",
                            limits.max_total_json
                        )));
                    }
                    let mut buf = Vec::with_capacity(size as usize);
                    body.take(limits.max_json).read_to_end(&mut buf).map_err(bad)?;
                    members.json.insert(path, buf);
                }
                Sniffed::Json => return Err(ImageError::Limit(format!("`{path}` is a JSON member of {size} bytes"))),
                Sniffed::Unknown => {}
            }
        }
        header_bytes.entry_done(&mut entry).map_err(outer_bad)?;
    }
    Ok(members)
}

fn blob_path(digest: &str) -> Option<String> {
    let (algo, hex) = digest.split_once(':')?;
    (!hex.is_empty() && !hex.contains('/')).then(|| format!("blobs/{algo}/{hex}"))
}

fn short_name(id: &str) -> String {
    let hex = id.strip_prefix("sha256:").unwrap_or(id);
    // Characters, not bytes: the archive chooses the name, and it need not be hex.
    format!("sha256:{}", hex.chars().take(12).collect::<String>())
}

/// Entries merged so far, over all images: a manifest may name one layer many times
/// (or many images may share it), and each naming merges all its entries again.
struct MergeBudget<'a> {
    merged: usize,
    /// Kept contents copied into the images: each naming copies them again. Counted
    /// as when they were read: small files apart from larger ones.
    content: Budget,
    /// Names copied into the images (each naming copies them again).
    names: Budget,
    limits: &'a ReadLimits,
}

impl MergeBudget<'_> {
    fn spend(&mut self, n: usize) -> Result<(), ImageError> {
        self.merged = self.merged.saturating_add(n);
        if self.merged > self.limits.max_entries {
            return Err(ImageError::Limit(format!(
                "the manifests name layers of more than {} files in all",
                self.limits.max_entries
            )));
        }
        Ok(())
    }

    fn spend_content(&mut self, layer: &LayerMeta) -> Result<(), ImageError> {
        for change in &layer.changes {
            if let Change::Add(FileEntry { content: Some(c), .. }) = change {
                if let Err(SkipReason::BudgetSpent { budget }) = self.content.take_content(c.len() as u64, self.limits)
                {
                    return Err(ImageError::Limit(format!(
                        "the manifests name layers whose kept contents exceed {budget} bytes in all"
                    )));
                }
            }
        }
        Ok(())
    }
}

/// The image config at `path` (a member), if the archive holds a readable one: a bad
/// config costs the layer ids and history, not the image's files.
fn config(members: &Members, path: Option<&str>) -> ImageConfig {
    path.and_then(|p| members.json::<ImageConfig>(p).ok().flatten()).unwrap_or_default()
}

fn image(
    members: &Members,
    tags: Vec<String>,
    id: Option<String>,
    config: ImageConfig,
    layer_paths: &[String],
    budget: &mut MergeBudget<'_>,
) -> Result<ImageContents, ImageError> {
    let named: Vec<(String, &LayerMeta)> = layer_paths.iter().map(|p| members.layer(p)).collect::<Result<_, _>>()?;
    for (_, m) in &named {
        budget.spend(m.changes.len())?;
        budget.spend(m.skipped.len())?;
        budget.spend_content(m)?;
        budget.names.take_names(m.name_bytes as usize, budget.limits)?;
    }
    let metas: Vec<&LayerMeta> = named.iter().map(|(_, m)| *m).collect();
    let (files, hidden) = merge(&metas);
    let mut skipped: Vec<SkippedContent> = named
        .iter()
        .enumerate()
        .flat_map(|(layer, (_, m))| {
            m.skipped.iter().map(move |s| SkippedContent {
                layer,
                path: s.path.clone(),
                size: s.size,
                reason: s.reason,
            })
        })
        .collect();
    skipped.sort();
    let layers = layer_paths
        .iter()
        .zip(named)
        .map(|(p, (member, m))| LayerInfo {
            archive_path: p.clone(),
            member,
            compression: m.compression,
            entries: m.entries,
        })
        .collect();
    let mut history: Vec<Option<String>> =
        config.history.into_iter().filter(|h| !h.empty_layer).map(|h| h.created_by).take(layer_paths.len()).collect();
    history.resize(layer_paths.len(), None);
    let diff_ids = config.rootfs.map(|r| r.diff_ids).unwrap_or_default();
    let name = tags.first().cloned().or_else(|| id.as_deref().map(short_name)).unwrap_or_else(|| "image".into());
    Ok(ImageContents { name, tags, id, layers, files, hidden, diff_ids, history, skipped })
}

/// The images the manifests name: `manifest.json` when present (Docker writes it in
/// both layouts), else the OCI `index.json`.
fn assemble(members: &Members, limits: &ReadLimits) -> Result<Vec<ImageContents>, ImageError> {
    let mut budget = MergeBudget { merged: 0, content: Budget::default(), names: Budget::default(), limits };
    if let Some(items) = members.json::<Vec<DockerManifestItem>>("manifest.json")? {
        return items
            .into_iter()
            .map(|item| {
                let hex = item.config.rsplit('/').next().unwrap_or("").trim_end_matches(".json");
                let id = (!hex.is_empty()).then(|| format!("sha256:{hex}"));
                let config = config(members, Some(&item.config));
                image(members, item.repo_tags.unwrap_or_default(), id, config, &item.layers, &mut budget)
            })
            .collect();
    }
    let Some(index) = members.json::<OciDocument>("index.json")? else { return Err(ImageError::NoManifest) };
    let mut images = Vec::new();
    for desc in &index.manifests {
        collect_oci(members, desc, None, 0, &mut images, &mut budget)?;
    }
    Ok(images)
}

fn collect_oci(
    members: &Members,
    desc: &OciDescriptor,
    name: Option<String>,
    depth: usize,
    out: &mut Vec<ImageContents>,
    budget: &mut MergeBudget<'_>,
) -> Result<(), ImageError> {
    if depth > 4 {
        return Err(ImageError::Limit("image indexes nested more than 4 deep".into()));
    }
    let name = name.or_else(|| {
        desc.annotations
            .get("io.containerd.image.name")
            .or_else(|| desc.annotations.get("org.opencontainers.image.ref.name"))
            .cloned()
    });
    let path = blob_path(&desc.digest).ok_or_else(|| ImageError::Member {
        path: "index.json".into(),
        message: format!("bad digest `{}`", desc.digest),
    })?;
    let Some(doc) = members.json::<OciDocument>(&path)? else { return Err(ImageError::MissingLayer(path)) };
    // Nested indexes can name one another many times over: each visit counts.
    budget.spend(1 + doc.manifests.len())?;
    if let Some(config) = &doc.config {
        let layers: Vec<String> = doc
            .layers
            .iter()
            .map(|l| {
                blob_path(&l.digest).ok_or_else(|| ImageError::Member {
                    path: path.clone(),
                    message: format!("bad digest `{}`", l.digest),
                })
            })
            .collect::<Result<_, _>>()?;
        let image_config = self::config(members, blob_path(&config.digest).as_deref());
        out.push(image(
            members,
            name.into_iter().collect(),
            Some(config.digest.clone()),
            image_config,
            &layers,
            budget,
        )?);
    } else {
        for m in &doc.manifests {
            collect_oci(members, m, name.clone(), depth + 1, out, budget)?;
        }
    }
    Ok(())
}
