//! rpm: the installed packages of Red Hat, CentOS, Fedora, SUSE, Amazon Linux and
//! Mariner images, read from rpm's database with no librpm and no C library.
//!
//! rpm has kept its database in three containers over the years, each holding the same
//! thing: one RPM header blob per installed package (`header.rs`).
//!
//! | file | container | used by |
//! |---|---|---|
//! | `var/lib/rpm/Packages`, `usr/lib/sysimage/rpm/Packages` | Berkeley DB hash (`bdb.rs`) | RHEL ≤ 8, CentOS, Amazon Linux 2 |
//! | `var/lib/rpm/Packages.db`, `usr/lib/sysimage/rpm/Packages.db` | rpm's ndb (`ndb.rs`) | SUSE 15 |
//! | `var/lib/rpm/rpmdb.sqlite`, `usr/lib/sysimage/rpm/rpmdb.sqlite` | SQLite 3 (`sqlite.rs`) | Fedora 33+, RHEL 9, Mariner |
//!
//! The file name says which container to expect; the magic bytes decide. A database
//! that is a symlink is read only when no regular database gave packages (Fedora
//! links one location to the other). `gpg-pubkey` entries (the imported signing keys
//! `rpm -qa` lists as pseudo-packages) are not packages and are skipped.

mod bdb;
mod header;
mod ndb;
mod sqlite;

pub use header::{parse_header, RpmHeader};

use crate::catalog::{CatalogOutput, TreeCataloger};
use crate::model::{Distro, Ecosystem, Package, Warning};
use crate::tree::{FileTree, ReadError};

/// The largest database read (the Berkeley DB `Packages` of a large RHEL image is
/// some hundred MiB).
pub const MAX_DB_SIZE: u64 = 512 * 1024 * 1024;

/// The most problems reported for one database; the rest are counted.
const MAX_WARNINGS: usize = 20;

/// Bytes of file paths kept per database, all packages together (a large RHEL image
/// has some 300,000 files, about 20 MiB of paths).
const FILE_LIST_BUDGET: usize = 256 * 1024 * 1024;

/// rpm's database containers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbFormat {
    BerkeleyDb,
    Ndb,
    Sqlite,
}

/// Where rpm keeps its database, and the container each name means.
const DATABASES: &[(&str, DbFormat)] = &[
    ("usr/lib/sysimage/rpm/Packages", DbFormat::BerkeleyDb),
    ("usr/lib/sysimage/rpm/Packages.db", DbFormat::Ndb),
    ("usr/lib/sysimage/rpm/rpmdb.sqlite", DbFormat::Sqlite),
    ("var/lib/rpm/Packages", DbFormat::BerkeleyDb),
    ("var/lib/rpm/Packages.db", DbFormat::Ndb),
    ("var/lib/rpm/rpmdb.sqlite", DbFormat::Sqlite),
];

impl DbFormat {
    /// The container a database path names.
    pub fn for_path(path: &str) -> Option<Self> {
        DATABASES.iter().find(|(p, _)| *p == path).map(|(_, f)| *f)
    }

    /// The container the bytes are, from their magic.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if ndb::sniff(bytes) {
            Some(DbFormat::Ndb)
        } else if sqlite::sniff(bytes) {
            Some(DbFormat::Sqlite)
        } else if bdb::sniff(bytes) {
            Some(DbFormat::BerkeleyDb)
        } else {
            None
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            DbFormat::BerkeleyDb => "Berkeley DB",
            DbFormat::Ndb => "ndb",
            DbFormat::Sqlite => "SQLite",
        }
    }
}

/// Every package header of a database in `format`, in database order, and the
/// problems met (sentences locating them in the file); what could be read is kept.
pub fn read_database(format: DbFormat, bytes: &[u8]) -> (Vec<RpmHeader>, Vec<String>) {
    let mut headers = Vec::new();
    let mut header_problems = Vec::new();
    let mut budget = FILE_LIST_BUDGET;
    let mut n = 0usize;
    let mut on_blob = |blob: &[u8]| {
        n += 1;
        match header::parse_header_budget(blob, &mut budget) {
            Ok(h) => {
                for p in &h.problems {
                    header_problems.push(format!("package {}: {p}", h.name));
                }
                headers.push(h);
            }
            Err(e) => header_problems.push(format!("header {n}: {e}")),
        }
    };
    let mut problems = Vec::new();
    match format {
        DbFormat::BerkeleyDb => bdb::read(bytes, &mut on_blob, &mut problems),
        DbFormat::Ndb => ndb::read(bytes, &mut on_blob, &mut problems),
        DbFormat::Sqlite => sqlite::read(bytes, &mut on_blob, &mut problems),
    }
    problems.extend(header_problems);
    (headers, problems)
}

/// The package a header describes; `None` for a `gpg-pubkey` pseudo-package.
pub fn package_of(h: RpmHeader, location: &str) -> Option<Package> {
    if h.name == "gpg-pubkey" {
        return None;
    }
    let epoch = h.epoch.map(|e| format!("{e}:")).unwrap_or_default();
    let version = if h.release.is_empty() {
        format!("{epoch}{}", h.version)
    } else {
        format!("{epoch}{}-{}", h.version, h.release)
    };
    let mut p = Package::new(Ecosystem::Rpm, h.name, version, location);
    p.arch = h.arch.filter(|a| !a.is_empty());
    if let Some(src) = h.sourcerpm.filter(|s| !s.is_empty()) {
        if let Some((name, version_release)) = split_source_rpm(&src) {
            p.source_name = Some(name.to_string());
            p.source_version = Some(format!("{epoch}{version_release}"));
        }
        p.extra.insert("sourcerpm".into(), src);
    }
    p.licenses = h.license.into_iter().filter(|l| !l.is_empty()).collect();
    if let Some(v) = h.vendor.filter(|v| !v.is_empty()) {
        p.extra.insert("vendor".into(), v);
    }
    if let Some(m) = h.modularitylabel.filter(|m| !m.is_empty()) {
        p.extra.insert("modularitylabel".into(), m);
    }
    p.files = h.files;
    Some(p)
}

/// `foo-1.2-3.el9.src.rpm` → (`foo`, `1.2-3.el9`): the name, then the version and
/// release, which contain no `-`.
fn split_source_rpm(file: &str) -> Option<(&str, &str)> {
    let stem = file.strip_suffix(".rpm")?;
    let (nvr, _arch) = stem.rsplit_once('.')?;
    let (nv, release) = nvr.rsplit_once('-')?;
    let (name, version) = nv.rsplit_once('-')?;
    if name.is_empty() || version.is_empty() || release.is_empty() {
        return None;
    }
    Some((name, &nvr[name.len() + 1..]))
}

/// The rpm database cataloger.
#[derive(Debug, Clone, Copy, Default)]
pub struct RpmCataloger;

impl TreeCataloger for RpmCataloger {
    fn name(&self) -> &'static str {
        "rpm"
    }

    fn wants(&self, path: &str) -> Option<u64> {
        DbFormat::for_path(path).map(|_| MAX_DB_SIZE)
    }

    fn catalog(&self, tree: &dyn FileTree, paths: &[&str], _distro: Option<&Distro>, out: &mut CatalogOutput) {
        let entries = tree.entries();
        let is_symlink = |p: &str| {
            entries.binary_search_by(|e| e.path.as_str().cmp(p)).map(|i| entries[i].is_symlink).unwrap_or(false)
        };
        let wanted = paths.iter().copied().filter(|p| DbFormat::for_path(p).is_some());
        let (links, files): (Vec<&str>, Vec<&str>) = wanted.partition(|p| is_symlink(p));
        let mut found = 0;
        for path in files {
            found += catalog_one(tree, path, out);
        }
        // Links to one database: the first that gives packages, when no file did.
        for path in links {
            if found > 0 {
                break;
            }
            found += catalog_one(tree, path, out);
        }
    }
}

fn warn(out: &mut CatalogOutput, path: &str, layer: Option<usize>, message: String) {
    let mut w = Warning::new(path, message);
    w.layer = layer;
    out.warnings.push(w);
}

/// Reads one database into `out`; returns the number of packages.
fn catalog_one(tree: &dyn FileTree, path: &str, out: &mut CatalogOutput) -> usize {
    let Some(by_name) = DbFormat::for_path(path) else { return 0 };
    let layer = tree.layer_of(path);
    let bytes = match tree.read(path, MAX_DB_SIZE) {
        Ok(b) => b,
        Err(ReadError::TooLarge { size, .. }) => {
            let msg = format!("rpm database of {size} bytes, over the 512 MiB limit for one: not read");
            warn(out, path, layer, msg);
            return 0;
        }
        Err(e) => {
            warn(out, path, layer, format!("rpm database not read: {e}"));
            return 0;
        }
    };
    // An empty file is an empty database (rpm leaves one behind after converting).
    if bytes.is_empty() {
        return 0;
    }
    let Some(format) = DbFormat::sniff(&bytes) else {
        let head = &bytes[..bytes.len().min(16)];
        let msg = format!("not an rpm database: expected {} by its name, found bytes {head:02x?}", by_name.describe());
        warn(out, path, layer, msg);
        return 0;
    };
    if format == DbFormat::Sqlite {
        let wal = format!("{path}-wal");
        let entries = tree.entries();
        if let Ok(i) = entries.binary_search_by(|e| e.path.as_str().cmp(&wal)) {
            if entries[i].size > 0 {
                let msg = format!(
                    "{wal} holds {} bytes of changes not yet in the database; they are not read",
                    entries[i].size
                );
                warn(out, path, layer, msg);
            }
        }
    }
    let (headers, problems) = read_database(format, &bytes);
    drop(bytes);
    let kind = format.describe();
    for p in problems.iter().take(MAX_WARNINGS) {
        warn(out, path, layer, format!("rpm {kind} database: {p}"));
    }
    if problems.len() > MAX_WARNINGS {
        let more = problems.len() - MAX_WARNINGS;
        warn(out, path, layer, format!("rpm {kind} database: {more} more problems not listed"));
    }
    let before = out.packages.len();
    for h in headers {
        if let Some(mut p) = package_of(h, path) {
            p.layer = layer;
            out.packages.push(p);
        }
    }
    out.packages.len() - before
}

/// The shape of the three database readers (`bdb::read`, `ndb::read`, `sqlite::read`).
#[cfg(test)]
type DbReader = fn(&[u8], &mut dyn FnMut(&[u8]), &mut Vec<String>);

/// Test helper of the three database readers: every header blob a reader hands out,
/// and its problems.
#[cfg(test)]
fn collect_blobs(read: DbReader, data: &[u8]) -> (Vec<Vec<u8>>, Vec<String>) {
    let mut blobs = Vec::new();
    let mut problems = Vec::new();
    read(data, &mut |b| blobs.push(b.to_vec()), &mut problems);
    (blobs, problems)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use serde_json::Value;

    use super::*;
    use crate::tree::TreeEntry;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/vuln/rpmdb");

    /// A tree of files in memory. A file may claim a size larger than its bytes (to
    /// test the size cap without allocating it).
    #[derive(Default)]
    struct MemTree {
        entries: Vec<TreeEntry>,
        files: BTreeMap<String, Vec<u8>>,
    }

    impl MemTree {
        fn add(&mut self, path: &str, bytes: Vec<u8>) -> &mut Self {
            self.add_entry(path, bytes.len() as u64, false, bytes)
        }

        fn add_entry(&mut self, path: &str, size: u64, is_symlink: bool, bytes: Vec<u8>) -> &mut Self {
            self.entries.push(TreeEntry { path: path.into(), size, mode: 0o644, is_symlink, layer: Some(2) });
            self.entries.sort_by(|a, b| a.path.cmp(&b.path));
            self.files.insert(path.into(), bytes);
            self
        }

        fn catalog(&self) -> CatalogOutput {
            let c = RpmCataloger;
            let paths: Vec<&str> =
                self.entries.iter().map(|e| e.path.as_str()).filter(|p| c.wants(p).is_some()).collect();
            let mut out = CatalogOutput::default();
            c.catalog(self, &paths, None, &mut out);
            out
        }
    }

    impl FileTree for MemTree {
        fn entries(&self) -> &[TreeEntry] {
            &self.entries
        }

        fn read(&self, path: &str, max: u64) -> Result<Vec<u8>, ReadError> {
            let e = self.entries.iter().find(|e| e.path == path).ok_or(ReadError::NotFound)?;
            if e.size > max {
                return Err(ReadError::TooLarge { size: e.size, max });
            }
            Ok(self.files[path].clone())
        }

        fn layer_of(&self, path: &str) -> Option<usize> {
            self.entries.iter().find(|e| e.path == path).and_then(|e| e.layer)
        }
    }

    fn fixture(rel: &str) -> Vec<u8> {
        std::fs::read(Path::new(CORPUS).join(rel)).unwrap_or_else(|e| panic!("shared corpus {rel}: {e}"))
    }

    fn expected(name: &str) -> Value {
        serde_json::from_slice(&fixture(name)).unwrap()
    }

    /// Every package of the expected file, in its order, against the cataloged ones in
    /// database order.
    fn check_against(out: &CatalogOutput, expected: &Value, location: &str) {
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        let want = expected["packages"].as_array().unwrap();
        assert_eq!(out.packages.len(), want.len());
        assert_eq!(want.len() as u64, expected["count"].as_u64().unwrap());
        for (got, want) in out.packages.iter().zip(want) {
            let s = |k: &str| want[k].as_str().unwrap_or_default().to_string();
            let epoch = want["epoch"].as_u64().map(|e| format!("{e}:")).unwrap_or_default();
            assert_eq!(got.name, s("name"));
            assert_eq!(got.version, format!("{epoch}{}-{}", s("version"), s("release")), "{}", got.name);
            assert_eq!(got.arch.as_deref(), Some(s("arch").as_str()), "{}", got.name);
            assert_eq!(got.extra.get("sourcerpm"), Some(&s("sourcerpm")), "{}", got.name);
            let srpm = s("sourcerpm");
            let (src_name, src_vr) = split_source_rpm(&srpm).unwrap();
            assert_eq!(got.source_name.as_deref(), Some(src_name));
            assert_eq!(got.source_version, Some(format!("{epoch}{src_vr}")));
            assert_eq!(got.licenses, [s("license")], "{}", got.name);
            assert_eq!(got.extra.get("vendor"), Some(&s("vendor")), "{}", got.name);
            assert_eq!(got.extra.get("modularitylabel").cloned().unwrap_or_default(), s("modularitylabel"));
            assert_eq!(got.ecosystem, Ecosystem::Rpm);
            assert_eq!(got.location, location);
            assert_eq!(got.layer, Some(2));
        }
    }

    fn files_of(detail: &Value) -> Vec<String> {
        detail["installed_file_names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().trim_start_matches('/').to_string())
            .collect()
    }

    #[test]
    fn berkeley_db_libuuid() {
        let mut tree = MemTree::default();
        tree.add("var/lib/rpm/Packages", fixture("pkg/testdata/libuuid/Packages"));
        let out = tree.catalog();
        let want = expected("expected-libuuid.json");
        check_against(&out, &want, "var/lib/rpm/Packages");
        let p = &out.packages[0];
        assert_eq!(p.source_name.as_deref(), Some("util-linux"));
        assert_eq!(p.source_version.as_deref(), Some("2.32.1-42.el8_8"));
        assert_eq!(p.files, files_of(&want["package_detail_from_go_rpmdb_test"]));
    }

    #[test]
    fn ndb_sle15() {
        let mut tree = MemTree::default();
        tree.add("usr/lib/sysimage/rpm/Packages.db", fixture("pkg/testdata/sle15-bci/Packages.db"));
        let out = tree.catalog();
        check_against(&out, &expected("expected-sle15-bci.json"), "usr/lib/sysimage/rpm/Packages.db");
    }

    #[test]
    fn sqlite_mariner() {
        let mut tree = MemTree::default();
        tree.add("var/lib/rpm/rpmdb.sqlite", fixture("pkg/testdata/cbl-mariner-2.0/rpmdb.sqlite"));
        let out = tree.catalog();
        let want = expected("expected-cbl-mariner-2.0.json");
        check_against(&out, &want, "var/lib/rpm/rpmdb.sqlite");
        let detail = &want["package_detail_from_go_rpmdb_test"];
        let curl = out.packages.iter().find(|p| p.name == detail["name"].as_str().unwrap()).unwrap();
        assert_eq!(curl.files, files_of(detail));
        let ca = out.packages.iter().find(|p| p.name == "ca-certificates-base").unwrap();
        assert!(ca.version.starts_with("1:"), "{}", ca.version);
        assert!(ca.source_version.as_deref().unwrap().starts_with("1:"));
        // Every package lists files.
        assert!(out.packages.iter().filter(|p| p.files.is_empty()).count() < 5);
        assert!(out.packages.iter().flat_map(|p| &p.files).all(|f| !f.starts_with('/') && !f.is_empty()));
    }

    #[test]
    fn the_blob_alone() {
        let h = parse_header(&fixture("pkg/testdata/blob.bin")).unwrap();
        let want = &expected("expected-blob.json")["package"];
        let p = package_of(h, "x").unwrap();
        assert_eq!(p.name, want["name"].as_str().unwrap());
        assert_eq!(p.version, "20210518-2.fc35");
        assert_eq!(p.source_name.as_deref(), Some("publicsuffix-list"));
        assert_eq!(p.licenses, ["MPLv2.0"]);
    }

    #[test]
    fn source_rpm_names() {
        assert_eq!(split_source_rpm("util-linux-2.32.1-42.el8_8.src.rpm"), Some(("util-linux", "2.32.1-42.el8_8")));
        assert_eq!(split_source_rpm("gcc11-11.2.1+git610-1.3.9.nosrc.rpm"), Some(("gcc11", "11.2.1+git610-1.3.9")));
        assert_eq!(split_source_rpm("foo-1.src.rpm"), None);
        assert_eq!(split_source_rpm("foo-1-2.src"), None);
        assert_eq!(split_source_rpm("-1-2.src.rpm"), None);
        assert_eq!(split_source_rpm(""), None);
    }

    #[test]
    fn gpg_pubkeys_are_skipped() {
        let h = RpmHeader { name: "gpg-pubkey".into(), version: "fd431d51".into(), ..RpmHeader::default() };
        assert_eq!(package_of(h, "x"), None);
    }

    #[test]
    fn wants_the_six_paths() {
        let c = RpmCataloger;
        for (p, _) in DATABASES {
            assert_eq!(c.wants(p), Some(MAX_DB_SIZE));
        }
        assert_eq!(c.wants("var/lib/rpm/Name"), None);
        assert_eq!(c.wants("/var/lib/rpm/Packages"), None);
        assert_eq!(c.wants("var/lib/rpm/rpmdb.sqlite-wal"), None);
    }

    #[test]
    fn the_magic_decides_the_format() {
        let mut tree = MemTree::default();
        // An ndb database where a Berkeley DB is expected; a text file as a database.
        tree.add("var/lib/rpm/Packages", fixture("pkg/testdata/sle15-bci/Packages.db"));
        tree.add("usr/lib/sysimage/rpm/rpmdb.sqlite", b"hello, world\n".to_vec());
        tree.add("var/lib/rpm/Packages.db", Vec::new());
        let out = tree.catalog();
        assert_eq!(out.packages.len(), 35);
        assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
        assert_eq!(out.warnings[0].path, "usr/lib/sysimage/rpm/rpmdb.sqlite");
        assert_eq!(out.warnings[0].layer, Some(2));
        assert!(out.warnings[0].message.starts_with("not an rpm database: expected SQLite by its name"));
    }

    #[test]
    fn a_symlinked_database_is_read_once() {
        let db = fixture("pkg/testdata/cbl-mariner-2.0/rpmdb.sqlite");
        let mut tree = MemTree::default();
        tree.add("usr/lib/sysimage/rpm/rpmdb.sqlite", db.clone());
        tree.add_entry("var/lib/rpm/rpmdb.sqlite", 40, true, db.clone());
        assert_eq!(tree.catalog().packages.len(), 129);
        // Only the link: it is read.
        let mut tree = MemTree::default();
        tree.add_entry("var/lib/rpm/rpmdb.sqlite", 40, true, db);
        let out = tree.catalog();
        assert_eq!(out.packages.len(), 129);
        assert_eq!(out.packages[0].location, "var/lib/rpm/rpmdb.sqlite");
    }

    #[test]
    fn an_oversized_database_is_a_warning() {
        let mut tree = MemTree::default();
        tree.add_entry("var/lib/rpm/Packages", MAX_DB_SIZE + 1, false, Vec::new());
        let out = tree.catalog();
        assert!(out.packages.is_empty());
        assert_eq!(out.warnings.len(), 1);
        assert!(out.warnings[0].message.contains("over the 512 MiB limit"), "{:?}", out.warnings);
    }

    #[test]
    fn a_write_ahead_log_is_reported() {
        let mut tree = MemTree::default();
        tree.add("usr/lib/sysimage/rpm/rpmdb.sqlite", fixture("pkg/testdata/cbl-mariner-2.0/rpmdb.sqlite"));
        tree.add("usr/lib/sysimage/rpm/rpmdb.sqlite-wal", vec![0; 32]);
        let out = tree.catalog();
        assert_eq!(out.packages.len(), 129);
        assert_eq!(out.warnings.len(), 1);
        assert!(out.warnings[0].message.contains("rpmdb.sqlite-wal holds 32 bytes"));
    }

    #[test]
    fn damaged_databases_warn_and_keep_what_they_can() {
        let mut tree = MemTree::default();
        let bdb = fixture("pkg/testdata/libuuid/Packages");
        tree.add("var/lib/rpm/Packages", bdb[..60_000].to_vec());
        let ndb = fixture("pkg/testdata/sle15-bci/Packages.db");
        tree.add("usr/lib/sysimage/rpm/Packages.db", ndb[..700_000].to_vec());
        let out = tree.catalog();
        assert!(!out.packages.is_empty() && out.packages.len() < 35);
        let messages: Vec<&str> = out.warnings.iter().map(|w| w.message.as_str()).collect();
        assert!(messages.iter().any(|m| m.starts_with("rpm Berkeley DB database: truncated")), "{messages:?}");
        assert!(messages.iter().any(|m| m.starts_with("rpm ndb database: truncated: the blobs of")), "{messages:?}");
    }

    #[test]
    fn a_bad_header_in_a_database_is_a_located_warning() {
        // The NAME offset of libuuid's header (in its first overflow page) pushed past
        // the data store.
        let mut bdb = fixture("pkg/testdata/libuuid/Packages");
        let blob = 3 * 4096 + 26;
        let il = u32::from_be_bytes(bdb[blob..blob + 4].try_into().unwrap()) as usize;
        let name = (0..il)
            .map(|i| blob + 8 + i * 16)
            .find(|at| u32::from_be_bytes(bdb[*at..*at + 4].try_into().unwrap()) == 1000)
            .unwrap();
        bdb[name + 8..name + 12].copy_from_slice(&0x00ff_ffffu32.to_be_bytes());
        let mut tree = MemTree::default();
        tree.add("var/lib/rpm/Packages", bdb);
        let out = tree.catalog();
        assert!(out.packages.is_empty());
        assert_eq!(out.warnings.len(), 1);
        assert_eq!(out.warnings[0].path, "var/lib/rpm/Packages");
        assert!(
            out.warnings[0].message.starts_with("rpm Berkeley DB database: header 1: NAME (1000) offset 16777215"),
            "{:?}",
            out.warnings
        );
    }

    #[test]
    fn many_problems_are_capped() {
        // Every used slot of the ndb file names its blob with the wrong package index.
        let mut ndb = fixture("pkg/testdata/sle15-bci/Packages.db");
        for at in (32..4096).step_by(16).map(|s| s + 4) {
            if ndb[at..at + 4] != [0; 4] {
                ndb[at + 3] = 0x70;
            }
        }
        let mut tree = MemTree::default();
        tree.add("var/lib/rpm/Packages.db", ndb);
        let out = tree.catalog();
        assert!(out.packages.is_empty());
        assert_eq!(out.warnings.len(), MAX_WARNINGS + 1);
        assert_eq!(out.warnings[MAX_WARNINGS].message, "rpm ndb database: 15 more problems not listed");
    }
}
