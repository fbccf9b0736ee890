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

/// The largest database read (the Berkeley DB `Packages` of a large RHEL image is
/// some hundred MiB).
pub const MAX_DB_SIZE: u64 = 512 * 1024 * 1024;

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
