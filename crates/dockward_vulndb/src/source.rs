//! Where OSV records come from: a directory (walked recursively, `*.json` files
//! only, so licence files and READMEs are skipped), an OSV `all.zip` (its `*.json`
//! entries), or a single JSON file. A JSON document may hold one record or an array
//! of records.
//!
//! A record that is not valid OSV is a [`Warning`] located at its file (`path`),
//! array element (`path#3`) or zip entry (`all.zip!GHSA-x.json`), and reading goes
//! on. An input that cannot be read at all (missing, a truncated zip, beyond the
//! limits) is a [`DbError`]: a database silently missing a source is worse than no
//! new database.

use std::fs::File;
use std::io::{self, Read, Seek};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::osv::OsvRecord;
use crate::{DbError, Warning};

/// What kind of input a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Directory,
    Zip,
    File,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Directory => "directory",
            SourceKind::Zip => "zip",
            SourceKind::File => "file",
        }
    }

    pub fn parse(s: &str) -> Option<SourceKind> {
        match s {
            "directory" => Some(SourceKind::Directory),
            "zip" => Some(SourceKind::Zip),
            "file" => Some(SourceKind::File),
            _ => None,
        }
    }
}

/// Bounds on what one source may make the reader hold or inflate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLimits {
    /// The largest JSON document (file or inflated zip entry) read; larger ones are
    /// skipped with a warning.
    pub max_document_bytes: u64,
    /// The most entries a zip may have.
    pub max_zip_entries: usize,
    /// The most JSON bytes one source may yield in all (inflated).
    pub max_total_bytes: u64,
}

impl Default for SourceLimits {
    fn default() -> Self {
        SourceLimits { max_document_bytes: 16 << 20, max_zip_entries: 4_000_000, max_total_bytes: 32 << 30 }
    }
}

/// What was read from one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    pub path: PathBuf,
    pub kind: SourceKind,
    /// Hex SHA-256: of the file for a zip or a JSON file; for a directory, of the
    /// sorted list of `relative path NUL sha256-of-file LF` lines of its JSON files.
    pub sha256: String,
    /// Valid records read.
    pub records: u64,
    /// Documents or records that were not valid OSV (each one a warning).
    pub rejected: u64,
    /// JSON bytes read (inflated, for a zip).
    pub json_bytes: u64,
}

/// Receives each valid record with its location; an error stops reading.
pub type RecordSink<'a> = dyn FnMut(&str, OsvRecord) -> Result<(), DbError> + 'a;

/// Reads every record of one source, handing valid ones to `on_record` and bad ones
/// to `on_warning`.
pub fn read_source(
    path: &Path,
    limits: &SourceLimits,
    on_record: &mut RecordSink<'_>,
    on_warning: &mut dyn FnMut(Warning),
) -> Result<SourceInfo, DbError> {
    let io_err = |source| DbError::Io { path: path.to_path_buf(), source };
    let meta = std::fs::metadata(path).map_err(io_err)?;
    let mut reader = Reader { limits, on_record, on_warning, records: 0, rejected: 0, json_bytes: 0, path };
    if meta.is_dir() {
        let sha256 = reader.read_dir()?;
        return Ok(reader.info(SourceKind::Directory, sha256));
    }
    // A FIFO or a device is refused, never blocked on or read without end.
    let mut file = dockward_source::input::open_regular(path).map_err(io_err)?;
    let mut magic = [0u8; 4];
    let n = read_up_to(&mut file, &mut magic).map_err(io_err)?;
    file.rewind().map_err(io_err)?;
    if n == 4 && (magic == *b"PK\x03\x04" || magic == *b"PK\x05\x06") {
        let sha256 = reader.read_zip(file)?;
        Ok(reader.info(SourceKind::Zip, sha256))
    } else {
        let sha256 = sha256_of(&mut file).map_err(io_err)?;
        let location = path.display().to_string();
        match reader.read_bounded(file, meta.len(), &location) {
            Ok(Some(bytes)) => reader.parse_document(&bytes, &location)?,
            Ok(None) => {}
            Err(e) => return Err(io_err(e)),
        }
        Ok(reader.info(SourceKind::File, sha256))
    }
}

/// Checks that `path` is a zip whose central directory reads and returns how many
/// `*.json` entries it lists, inflating nothing: `db update` runs this on a download
/// before it replaces the cached copy.
pub fn check_zip(path: &Path) -> Result<usize, DbError> {
    let file = File::open(path).map_err(|source| DbError::Io { path: path.to_path_buf(), source })?;
    let archive = zip::ZipArchive::new(io::BufReader::new(file))
        .map_err(|e| DbError::Source { path: path.to_path_buf(), reason: format!("not a readable zip: {e}") })?;
    let json = archive.file_names_raw().filter(|name| name.to_ascii_lowercase().ends_with(b".json")).count();
    Ok(json)
}

/// The hex SHA-256 of a whole file, which is left rewound.
fn sha256_of(file: &mut File) -> io::Result<String> {
    let mut hasher = Sha256::new();
    io::copy(file, &mut hasher)?;
    file.rewind()?;
    Ok(hex(&hasher.finalize()))
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

struct Reader<'a, 'b> {
    limits: &'a SourceLimits,
    on_record: &'a mut RecordSink<'b>,
    on_warning: &'a mut dyn FnMut(Warning),
    records: u64,
    rejected: u64,
    json_bytes: u64,
    path: &'a Path,
}

impl Reader<'_, '_> {
    fn info(&self, kind: SourceKind, sha256: String) -> SourceInfo {
        SourceInfo {
            path: self.path.to_path_buf(),
            kind,
            sha256,
            records: self.records,
            rejected: self.rejected,
            json_bytes: self.json_bytes,
        }
    }

    fn warn(&mut self, location: &str, message: String) {
        self.rejected += 1;
        (self.on_warning)(Warning { location: location.to_string(), message });
    }

    /// Reads at most the document limit; `Ok(None)` (with a warning) when the
    /// document is larger. `declared` is the size the file system or zip claims.
    fn read_bounded(&mut self, r: impl Read, declared: u64, location: &str) -> io::Result<Option<Vec<u8>>> {
        let max = self.limits.max_document_bytes;
        if declared > max {
            self.warn(location, format!("skipped: {declared} bytes, more than the {max}-byte limit"));
            return Ok(None);
        }
        let mut bytes = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
        r.take(max + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > max {
            self.warn(location, format!("skipped: more than the {max}-byte limit"));
            return Ok(None);
        }
        Ok(Some(bytes))
    }

    fn count_bytes(&mut self, n: usize) -> Result<(), DbError> {
        self.json_bytes += n as u64;
        if self.json_bytes > self.limits.max_total_bytes {
            return Err(DbError::Limit {
                path: self.path.to_path_buf(),
                reason: format!("more than {} bytes of JSON", self.limits.max_total_bytes),
            });
        }
        Ok(())
    }

    /// One JSON document: a record, or an array of records.
    fn parse_document(&mut self, bytes: &[u8], location: &str) -> Result<(), DbError> {
        self.count_bytes(bytes.len())?;
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        if first == Some(&b'[') {
            let items: Vec<serde_json::Value> = match serde_json::from_slice(bytes) {
                Ok(items) => items,
                Err(e) => {
                    self.warn(location, format!("not valid JSON: {e}"));
                    return Ok(());
                }
            };
            for (i, item) in items.into_iter().enumerate() {
                let location = format!("{location}#{i}");
                match OsvRecord::from_value(item) {
                    Ok(record) => {
                        self.records += 1;
                        (self.on_record)(&location, record)?;
                    }
                    Err(reason) => self.warn(&location, format!("not a valid OSV record: {reason}")),
                }
            }
            return Ok(());
        }
        match OsvRecord::from_json(bytes) {
            Ok(record) => {
                self.records += 1;
                (self.on_record)(location, record)
            }
            Err(reason) => {
                self.warn(location, format!("not a valid OSV record: {reason}"));
                Ok(())
            }
        }
    }

    fn read_dir(&mut self) -> Result<String, DbError> {
        let mut files = Vec::new();
        collect_json_files(self.path, Path::new(""), &mut files, 0)?;
        files.sort();
        let mut listing = Sha256::new();
        for rel in files {
            let full = self.path.join(&rel);
            let location = full.display().to_string();
            let read = dockward_source::input::open_regular(&full).and_then(|f| {
                let declared = f.metadata()?.len();
                self.read_bounded(f, declared, &location)
            });
            let bytes = match read {
                Ok(Some(bytes)) => bytes,
                Ok(None) => continue,
                Err(e) => {
                    self.warn(&location, format!("cannot read: {e}"));
                    continue;
                }
            };
            listing.update(rel.to_string_lossy().as_bytes());
            listing.update(b"\0");
            listing.update(hex(&Sha256::digest(&bytes)).as_bytes());
            listing.update(b"\n");
            self.parse_document(&bytes, &location)?;
        }
        Ok(hex(&listing.finalize()))
    }

    fn read_zip(&mut self, mut file: File) -> Result<String, DbError> {
        let path = self.path.to_path_buf();
        let io_err = |source| DbError::Io { path: path.clone(), source };
        let sha256 = sha256_of(&mut file).map_err(io_err)?;
        let mut archive = zip::ZipArchive::new(io::BufReader::new(file))
            .map_err(|e| DbError::Source { path: path.clone(), reason: format!("not a readable zip: {e}") })?;
        if archive.len() > self.limits.max_zip_entries {
            return Err(DbError::Limit {
                path: path.clone(),
                reason: format!(
                    "{} zip entries, more than the limit of {}",
                    archive.len(),
                    self.limits.max_zip_entries
                ),
            });
        }
        let zip_name = path.display().to_string();
        for i in 0..archive.len() {
            let entry = match archive.by_index(i) {
                Ok(entry) => entry,
                Err(e) => {
                    self.warn(&format!("{zip_name}!#{i}"), format!("cannot read zip entry: {e}"));
                    continue;
                }
            };
            let name = match entry.name() {
                Ok(n) => n.to_string(),
                Err(e) => {
                    self.warn(&format!("{zip_name}!#{i}"), format!("a zip entry name that cannot be read: {e}"));
                    continue;
                }
            };
            if entry.is_dir() || !name.to_ascii_lowercase().ends_with(".json") {
                continue;
            }
            let location = format!("{zip_name}!{name}");
            let declared = entry.size();
            let bytes = match self.read_bounded(entry, declared, &location) {
                Ok(Some(bytes)) => bytes,
                Ok(None) => continue,
                Err(e) => {
                    self.warn(&location, format!("cannot inflate zip entry: {e}"));
                    continue;
                }
            };
            self.parse_document(&bytes, &location)?;
        }
        Ok(sha256)
    }
}

/// The `*.json` files under `dir`, as paths relative to it. Hidden entries (`.git`)
/// are skipped; symbolic links to files are followed, to directories not (no cycles).
fn collect_json_files(root: &Path, rel: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<(), DbError> {
    let dir = root.join(rel);
    if depth > 64 {
        return Err(DbError::Limit { path: dir, reason: "directories nested more than 64 deep".into() });
    }
    let entries = std::fs::read_dir(&dir).map_err(|source| DbError::Io { path: dir.clone(), source })?;
    for entry in entries {
        let entry = entry.map_err(|source| DbError::Io { path: dir.clone(), source })?;
        let name = entry.file_name();
        let name_str = name.to_string_lossy();
        if name_str.starts_with('.') {
            continue;
        }
        let child = rel.join(&name);
        let file_type = entry.file_type().map_err(|source| DbError::Io { path: entry.path(), source })?;
        if file_type.is_dir() {
            collect_json_files(root, &child, out, depth + 1)?;
        } else if name_str.to_ascii_lowercase().ends_with(".json") {
            let is_file = if file_type.is_symlink() {
                std::fs::metadata(entry.path()).map(|m| m.is_file()).unwrap_or(false)
            } else {
                file_type.is_file()
            };
            if is_file {
                out.push(child);
            }
        }
    }
    Ok(())
}
