//! The database file: built once from OSV sources, then only read.
//!
//! # Schema (version 1)
//!
//! The file is SQLite with `PRAGMA application_id` = `0x44574442` ("DWDB") and
//! `PRAGMA user_version` = the schema version.
//!
//! * `meta(key, value)`: `schema_version`, `build_time` (RFC 3339 UTC),
//!   `build_time_unix`, `dockward_version`, `records`, `zdict` (the preset
//!   dictionary of packed columns, a BLOB).
//! * `source(idx, path, kind, sha256, records, rejected, json_bytes)`: one row per
//!   input, in build order.
//! * `advisory(id PK, modified, published, withdrawn, summary, aliases, related,
//!   upstream, severity_label, cvss_vector, cvss_score, cvss_v4, refs,
//!   informational)`: one row per record. The three times are Unix seconds
//!   (`datetime(modified, 'unixepoch')` in the `sqlite3` shell), or the record's
//!   text when it is not RFC 3339; readers get RFC 3339 UTC text back. `aliases`,
//!   `related` and `upstream` are JSON arrays; `refs` is a packed JSON array of at
//!   most [`MAX_REFERENCES`] URLs (ADVISORY first, then WEB, REPORT, FIX, others).
//!   `details` is not stored. Severity: `severity_label` is GHSA-style
//!   `database_specific.severity` or Ubuntu's priority; `cvss_vector` the first
//!   valid CVSS v3 vector (else v2) with its base score in `cvss_score`; `cvss_v4`
//!   a v4 vector, unscored. `informational` is RustSec's kind of notice.
//! * `package(id, ecosystem, name_norm)`, unique on (ecosystem, name_norm), which is
//!   the lookup index. `ecosystem` is the OSV string as given (`Debian:12`, `PyPI`).
//! * `range_set(id, ranges, versions)`: the version facts of entries, each distinct
//!   pair stored once (many entries share `introduced 0, fixed X`). `ranges` is
//!   compact JSON, one array per range: a type code (`S` SEMVER, `E` ECOSYSTEM,
//!   `G` GIT, `x:TYPE` any other), then kind and version pairs with the kinds
//!   shortened (`i` introduced, `f` fixed, `a` last_affected, `l` limit), e.g.
//!   `[["E","i","0","f","1.2"]]`, in the record's order. `versions` is a packed
//!   JSON array of `affected[].versions`.
//! * `affected(package_id, advisory_id, name, range_set, status, tracker_status,
//!   urgency, severity_label, cvss_vector, cvss_score, informational, notes)`,
//!   indexed on `package_id`: one row per `affected[]` entry. `name` is the record's
//!   spelling, NULL when it equals `name_norm`. `status` is `fixed`, `unfixed` or
//!   `wont-fix` (see [`FixState`]); `notes` holds [`RangeNotes`] bits.
//! * `ecosystem_counts(ecosystem, advisories, packages, affected, withdrawn)`,
//!   computed at build time for `db status`.
//!
//! A packed column is TEXT when compression does not pay, else a BLOB whose first
//! byte names the compression (1: raw deflate, 2: raw deflate with `meta.zdict`).
//!
//! # Withdrawn records
//!
//! Withdrawn records are stored, with their `withdrawn` time, so that `db search`
//! can say an id was withdrawn; lookups return their entries flagged
//! ([`AffectedEntry::withdrawn`]) and the matcher skips them. The build report
//! counts them.
//!
//! # Duplicate ids
//!
//! When two inputs hold the same id, the record with the later `modified` time is
//! kept (the first one read on a tie), with a warning.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use crate::osv::{Affected, Event, FixState, OsvRecord, RangeNotes, RangeType, SeverityFacts};
use crate::pack::{self, Packed};
use crate::source::{self, SourceInfo, SourceKind, SourceLimits};
use crate::{normalize_name, time, DbError, Warning};

/// The schema this build writes and reads.
pub const SCHEMA_VERSION: i64 = 1;

/// "DWDB": tells a dockward vulnerability database from any other SQLite file.
const APPLICATION_ID: i32 = 0x4457_4442;

/// At most this many reference URLs are kept per advisory.
pub const MAX_REFERENCES: usize = 5;

/// At most this many warnings are kept in a [`BuildReport`]; the rest are counted.
const MAX_WARNINGS: usize = 1000;

const SCHEMA_SQL: &str = "
CREATE TABLE meta(key TEXT PRIMARY KEY NOT NULL, value) WITHOUT ROWID;
CREATE TABLE source(
    idx INTEGER PRIMARY KEY, path TEXT NOT NULL, kind TEXT NOT NULL, sha256 TEXT NOT NULL,
    records INTEGER NOT NULL, rejected INTEGER NOT NULL, json_bytes INTEGER NOT NULL);
CREATE TABLE advisory(
    id TEXT PRIMARY KEY NOT NULL, modified NOT NULL, published, withdrawn,
    summary TEXT, aliases TEXT, related TEXT, upstream TEXT,
    severity_label TEXT, cvss_vector TEXT, cvss_score REAL, cvss_v4 TEXT,
    refs, informational TEXT) WITHOUT ROWID;
CREATE TABLE package(
    id INTEGER PRIMARY KEY, ecosystem TEXT NOT NULL, name_norm TEXT NOT NULL,
    UNIQUE(ecosystem, name_norm));
CREATE TABLE range_set(id INTEGER PRIMARY KEY, ranges TEXT NOT NULL, versions);
CREATE TABLE affected(
    package_id INTEGER NOT NULL, advisory_id TEXT NOT NULL, name TEXT,
    range_set INTEGER NOT NULL, status TEXT NOT NULL, tracker_status TEXT, urgency TEXT,
    severity_label TEXT, cvss_vector TEXT, cvss_score REAL, informational TEXT,
    notes INTEGER NOT NULL);
CREATE TABLE ecosystem_counts(
    ecosystem TEXT PRIMARY KEY NOT NULL, advisories INTEGER NOT NULL, packages INTEGER NOT NULL,
    affected INTEGER NOT NULL, withdrawn INTEGER NOT NULL) WITHOUT ROWID;
";

/// Build settings beyond the inputs.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub limits: SourceLimits,
    /// The time recorded as the build time (now when `None`).
    pub build_time: Option<SystemTime>,
    /// The dockward version recorded in `meta`.
    pub dockward_version: String,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            limits: SourceLimits::default(),
            build_time: None,
            dockward_version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// Advisories, packages and entries of one ecosystem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcosystemCount {
    pub ecosystem: String,
    /// Distinct advisories with an entry in the ecosystem (withdrawn included).
    pub advisories: u64,
    /// Distinct (normalised) package names.
    pub packages: u64,
    /// `affected` rows.
    pub affected: u64,
    /// Of `advisories`, the withdrawn ones.
    pub withdrawn: u64,
}

/// What a build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub out: PathBuf,
    pub sources: Vec<SourceInfo>,
    /// Advisories stored (withdrawn included, duplicates not).
    pub advisories: u64,
    pub withdrawn: u64,
    /// Records whose id was already stored (one of the two was dropped).
    pub duplicates: u64,
    /// Records or documents that were not valid OSV.
    pub rejected: u64,
    pub packages: u64,
    pub affected: u64,
    /// `affected[]` entries without a package, not stored (counted as read, so a
    /// replaced duplicate's count too).
    pub skipped_affected: u64,
    /// Stored entries with a `GIT` range (or one of a type the schema does not
    /// know), which the matcher ignores.
    pub not_comparable_entries: u64,
    /// Stored entries with a range whose events are not in a sortable order, or
    /// that mixes `fixed` and `last_affected`.
    pub suspect_entries: u64,
    pub ecosystems: Vec<EcosystemCount>,
    /// JSON bytes read from all sources.
    pub json_bytes: u64,
    /// Size of the database file written.
    pub db_bytes: u64,
    /// The first warnings (bad records, duplicates, skipped entries).
    pub warnings: Vec<Warning>,
    /// Warnings beyond those kept.
    pub warnings_dropped: u64,
}

/// Builds the database at `out` from OSV inputs (directories, `all.zip` files, JSON
/// files), with default options. See [`build_with`].
pub fn build(inputs: &[PathBuf], out: &Path) -> Result<BuildReport, DbError> {
    build_with(inputs, out, &BuildOptions::default())
}

/// Builds the database at `out`. The file is written under a temporary name in the
/// same directory and renamed over `out` only when complete, so a failed build
/// leaves an existing database untouched.
pub fn build_with(inputs: &[PathBuf], out: &Path, options: &BuildOptions) -> Result<BuildReport, DbError> {
    if inputs.is_empty() {
        return Err(DbError::NoInputs);
    }
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "vulndb".into());
    let (tmp, _) = create_temp(&dir, &file_name)?;
    let guard = TempGuard(Some(tmp.clone()));
    let mut report = write_db(inputs, &tmp, options)?;
    let f = File::open(&tmp).map_err(|source| DbError::Io { path: tmp.clone(), source })?;
    f.sync_all().map_err(|source| DbError::Io { path: tmp.clone(), source })?;
    report.db_bytes = f.metadata().map_err(|source| DbError::Io { path: tmp.clone(), source })?.len();
    drop(f);
    fs::rename(&tmp, out).map_err(|source| DbError::Io { path: out.to_path_buf(), source })?;
    guard.disarm();
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    report.out = out.to_path_buf();
    Ok(report)
}

fn create_temp(dir: &Path, file_name: &str) -> Result<(PathBuf, File), DbError> {
    let stamp = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    for attempt in 0..100u32 {
        let path = dir.join(format!(".{file_name}.tmp-{}-{stamp}-{attempt}", std::process::id()));
        match fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(source) => return Err(DbError::Io { path, source }),
        }
    }
    Err(DbError::Io {
        path: dir.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::AlreadyExists, "no free temporary file name"),
    })
}

/// Removes the temporary file unless disarmed.
struct TempGuard(Option<PathBuf>);

impl TempGuard {
    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = fs::remove_file(&path);
            for suffix in ["-journal", "-wal", "-shm"] {
                let mut p = path.clone().into_os_string();
                p.push(suffix);
                let _ = fs::remove_file(p);
            }
        }
    }
}

struct Writer<'c> {
    conn: &'c Connection,
    path: PathBuf,
    packages: HashMap<(String, String), i64>,
    range_sets: HashMap<(String, Option<String>), i64>,
    report: BuildReport,
}

impl Writer<'_> {
    fn sql(&self, e: rusqlite::Error) -> DbError {
        DbError::Write { path: self.path.clone(), reason: e.to_string() }
    }

    fn warn(&mut self, w: Warning) {
        if self.report.warnings.len() < MAX_WARNINGS {
            self.report.warnings.push(w);
        } else {
            self.report.warnings_dropped += 1;
        }
    }

    fn package_id(&mut self, ecosystem: &str, name_norm: &str) -> Result<i64, DbError> {
        if let Some(id) = self.packages.get(&(ecosystem.to_string(), name_norm.to_string())) {
            return Ok(*id);
        }
        self.conn
            .prepare_cached("INSERT INTO package(ecosystem, name_norm) VALUES (?1, ?2)")
            .and_then(|mut s| s.execute(params![ecosystem, name_norm]))
            .map_err(|e| self.sql(e))?;
        let id = self.conn.last_insert_rowid();
        self.packages.insert((ecosystem.to_string(), name_norm.to_string()), id);
        Ok(id)
    }

    /// The id of a (ranges, versions) pair, stored once however many entries share it.
    fn range_set_id(&mut self, ranges: String, versions: Option<String>) -> Result<i64, DbError> {
        let key = (ranges, versions);
        if let Some(id) = self.range_sets.get(&key) {
            return Ok(*id);
        }
        let versions = key.1.clone().map(|v| packed_sql(pack::pack(v, None)));
        self.conn
            .prepare_cached("INSERT INTO range_set(ranges, versions) VALUES (?1, ?2)")
            .and_then(|mut s| s.execute(params![key.0, versions]))
            .map_err(|e| self.sql(e))?;
        let id = self.conn.last_insert_rowid();
        self.range_sets.insert(key, id);
        Ok(id)
    }

    /// Stores a record, or keeps the stored one of the same id if it is as new.
    fn add(&mut self, location: &str, record: OsvRecord) -> Result<(), DbError> {
        let existing: Option<rusqlite::types::Value> = self
            .conn
            .prepare_cached("SELECT modified FROM advisory WHERE id = ?1")
            .and_then(|mut s| s.query_row([&record.id], |r| r.get(0)).optional())
            .map_err(|e| self.sql(e))?;
        if let Some(old) = existing {
            self.report.duplicates += 1;
            let newer = match (time::parse_rfc3339(&record.modified), old) {
                (Some(new), rusqlite::types::Value::Integer(old)) => new > old,
                (None, rusqlite::types::Value::Text(old)) => record.modified > old,
                // A parseable time is newer than an unparseable one.
                (new, _) => new.is_some(),
            };
            let message = if newer {
                format!("duplicate id {}: replaces the record read before, whose `modified` is older", record.id)
            } else {
                format!("duplicate id {}: ignored, the record read before is as new or newer", record.id)
            };
            self.warn(Warning { location: location.to_string(), message });
            if !newer {
                return Ok(());
            }
            for sql in ["DELETE FROM affected WHERE advisory_id = ?1", "DELETE FROM advisory WHERE id = ?1"] {
                self.conn.prepare_cached(sql).and_then(|mut s| s.execute([&record.id])).map_err(|e| self.sql(e))?;
            }
        }
        self.insert(location, &record)
    }

    fn insert(&mut self, location: &str, record: &OsvRecord) -> Result<(), DbError> {
        let facts = record.severity_facts();
        let informational = record.affected.iter().find_map(Affected::informational);
        let refs = references_json(record);
        self.conn
            .prepare_cached(
                "INSERT INTO advisory(id, modified, published, withdrawn, summary, aliases, related, upstream,
                 severity_label, cvss_vector, cvss_score, cvss_v4, refs, informational)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    record.id,
                    timestamp_sql(&record.modified),
                    record.published.as_deref().map(timestamp_sql),
                    record.withdrawn.as_deref().map(timestamp_sql),
                    record.summary.as_deref().map(str::trim).filter(|s| !s.is_empty()),
                    json_list(&record.aliases),
                    json_list(&record.related),
                    json_list(&record.upstream),
                    facts.label,
                    facts.cvss_vector,
                    facts.cvss_score,
                    facts.cvss_v4,
                    refs,
                    informational,
                ])
            })
            .map_err(|e| self.sql(e))?;
        for (i, affected) in record.affected.iter().enumerate() {
            let Some(package) = &affected.package else {
                self.report.skipped_affected += 1;
                self.warn(Warning {
                    location: location.to_string(),
                    message: format!("{}: affected[{i}] names no package; not stored", record.id),
                });
                continue;
            };
            let ecosystem = package.ecosystem.trim();
            let name = package.name.trim();
            let name_norm = normalize_name(ecosystem, name);
            let package_id = self.package_id(ecosystem, &name_norm)?;
            let notes = affected.notes();
            let own = SeverityFacts::from_osv(&affected.severity, affected.database_specific.as_ref());
            let range_set = self.range_set_id(ranges_json(affected), json_list(&affected.versions))?;
            self.conn
                .prepare_cached(
                    "INSERT INTO affected(package_id, advisory_id, name, range_set, status, tracker_status,
                     urgency, severity_label, cvss_vector, cvss_score, informational, notes)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                )
                .and_then(|mut s| {
                    s.execute(params![
                        package_id,
                        record.id,
                        (name != name_norm).then_some(name),
                        range_set,
                        affected.fix_state().as_str(),
                        affected.tracker_status(),
                        affected.urgency(),
                        own.label,
                        own.cvss_vector,
                        own.cvss_score,
                        affected.informational(),
                        notes.bits(),
                    ])
                })
                .map_err(|e| self.sql(e))?;
        }
        Ok(())
    }
}

fn packed_sql(p: Packed) -> rusqlite::types::Value {
    match p {
        Packed::Text(t) => rusqlite::types::Value::Text(t),
        Packed::Blob(b) => rusqlite::types::Value::Blob(b),
    }
}

/// A timestamp as Unix seconds when it is RFC 3339, else as the text given.
fn timestamp_sql(text: &str) -> rusqlite::types::Value {
    match time::parse_rfc3339(text.trim()) {
        Some(secs) => rusqlite::types::Value::Integer(secs),
        None => rusqlite::types::Value::Text(text.to_string()),
    }
}

/// A stored timestamp as RFC 3339 text.
fn timestamp_text(value: ValueRef<'_>) -> Option<String> {
    match value {
        ValueRef::Integer(secs) => Some(time::format_rfc3339(secs)),
        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
        _ => None,
    }
}

fn json_list(items: &[String]) -> Option<String> {
    if items.is_empty() {
        None
    } else {
        serde_json::to_string(items).ok()
    }
}

/// The kept reference URLs, most useful first, as a JSON array.
fn references_json(record: &OsvRecord) -> Option<String> {
    let rank = |kind: Option<&str>| match kind {
        Some("ADVISORY") => 0,
        Some("WEB") => 1,
        Some("REPORT") => 2,
        Some("FIX") => 3,
        _ => 4,
    };
    let mut refs: Vec<(usize, &str)> = record
        .references
        .iter()
        .map(|r| (rank(r.kind.as_deref()), r.url.trim()))
        .filter(|(_, url)| !url.is_empty())
        .collect();
    refs.sort_by_key(|(rank, _)| *rank);
    let mut urls: Vec<&str> = Vec::new();
    for (_, url) in refs {
        if !urls.contains(&url) {
            urls.push(url);
        }
        if urls.len() == MAX_REFERENCES {
            break;
        }
    }
    if urls.is_empty() {
        None
    } else {
        serde_json::to_string(&urls).ok()
    }
}

fn event_code(e: &Event) -> &'static str {
    match e {
        Event::Introduced(_) => "i",
        Event::Fixed(_) => "f",
        Event::LastAffected(_) => "a",
        Event::Limit(_) => "l",
    }
}

/// `S`, `E`, `G` for the three OSV range types; `x:TYPE` for any other.
fn range_code(kind: &RangeType) -> Cow<'_, str> {
    match kind {
        RangeType::Semver => Cow::Borrowed("S"),
        RangeType::Ecosystem => Cow::Borrowed("E"),
        RangeType::Git => Cow::Borrowed("G"),
        RangeType::Other(t) => Cow::Owned(format!("x:{t}")),
    }
}

fn ranges_json(affected: &Affected) -> String {
    let ranges: Vec<Vec<Cow<'_, str>>> = affected
        .ranges
        .iter()
        .map(|r| {
            let mut flat = Vec::with_capacity(1 + 2 * r.events.len());
            flat.push(range_code(&r.kind));
            for e in &r.events {
                flat.push(Cow::Borrowed(event_code(e)));
                flat.push(Cow::Borrowed(e.version()));
            }
            flat
        })
        .collect();
    serde_json::to_string(&ranges).unwrap_or_else(|_| "[]".into())
}

fn write_db(inputs: &[PathBuf], tmp: &Path, options: &BuildOptions) -> Result<BuildReport, DbError> {
    let werr = |e: rusqlite::Error| DbError::Write { path: tmp.to_path_buf(), reason: e.to_string() };
    let conn = Connection::open(tmp).map_err(werr)?;
    // A temporary file, renamed only when complete: no journal needed.
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;",
    )
    .map_err(werr)?;
    conn.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION};"))
        .map_err(werr)?;
    conn.execute_batch("BEGIN").map_err(werr)?;
    conn.execute_batch(SCHEMA_SQL).map_err(werr)?;
    // Only for replacing duplicates while building; dropped before the file is final.
    conn.execute_batch("CREATE INDEX build_affected_advisory ON affected(advisory_id)").map_err(werr)?;

    let mut writer = Writer {
        conn: &conn,
        path: tmp.to_path_buf(),
        packages: HashMap::new(),
        range_sets: HashMap::new(),
        report: BuildReport {
            out: PathBuf::new(),
            sources: Vec::new(),
            advisories: 0,
            withdrawn: 0,
            duplicates: 0,
            rejected: 0,
            packages: 0,
            affected: 0,
            skipped_affected: 0,
            not_comparable_entries: 0,
            suspect_entries: 0,
            ecosystems: Vec::new(),
            json_bytes: 0,
            db_bytes: 0,
            warnings: Vec::new(),
            warnings_dropped: 0,
        },
    };
    for input in inputs {
        let mut warnings = Vec::new();
        let info = {
            let writer = &mut writer;
            let mut on_record = |location: &str, record: OsvRecord| writer.add(location, record);
            source::read_source(input, &options.limits, &mut on_record, &mut |w| warnings.push(w))?
        };
        for w in warnings {
            writer.warn(w);
        }
        writer.report.rejected += info.rejected;
        writer.report.json_bytes += info.json_bytes;
        writer.report.sources.push(info);
    }
    let mut report = writer.report;

    // Replaced duplicates can leave packages without entries.
    conn.execute_batch(
        "DROP INDEX build_affected_advisory;
         DELETE FROM package WHERE id NOT IN (SELECT package_id FROM affected);
         DELETE FROM range_set WHERE id NOT IN (SELECT range_set FROM affected);
         INSERT INTO ecosystem_counts(ecosystem, advisories, packages, affected, withdrawn)
           SELECT p.ecosystem, count(DISTINCT a.advisory_id), count(DISTINCT p.id), count(*),
                  count(DISTINCT CASE WHEN v.withdrawn IS NOT NULL THEN v.id END)
           FROM affected a JOIN package p ON p.id = a.package_id JOIN advisory v ON v.id = a.advisory_id
           GROUP BY p.ecosystem;
         CREATE INDEX affected_package ON affected(package_id);",
    )
    .map_err(werr)?;

    let dict = pack_references(&conn).map_err(werr)?;

    let built = options.build_time.unwrap_or_else(SystemTime::now);
    let built_unix = time::unix_seconds(built);
    {
        let mut meta = conn.prepare("INSERT INTO meta(key, value) VALUES (?1, ?2)").map_err(werr)?;
        meta.execute(params!["schema_version", SCHEMA_VERSION]).map_err(werr)?;
        meta.execute(params!["build_time", time::format_rfc3339(built_unix)]).map_err(werr)?;
        meta.execute(params!["build_time_unix", built_unix]).map_err(werr)?;
        meta.execute(params!["dockward_version", options.dockward_version]).map_err(werr)?;
        meta.execute(params!["records", count_rows(&conn, "advisory").map_err(werr)?]).map_err(werr)?;
        meta.execute(params!["zdict", dict]).map_err(werr)?;
        let mut src = conn
            .prepare(
                "INSERT INTO source(idx, path, kind, sha256, records, rejected, json_bytes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .map_err(werr)?;
        for (i, s) in report.sources.iter().enumerate() {
            src.execute(params![
                i as i64,
                s.path.to_string_lossy(),
                s.kind.as_str(),
                s.sha256,
                s.records as i64,
                s.rejected as i64,
                s.json_bytes as i64
            ])
            .map_err(werr)?;
        }
    }
    conn.execute_batch("COMMIT").map_err(werr)?;
    conn.execute_batch("VACUUM").map_err(werr)?;

    report.ecosystems = read_counts(&conn).map_err(werr)?;
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).map(|n| n as u64).map_err(werr);
    report.packages = count("SELECT count(*) FROM package")?;
    report.advisories = count("SELECT count(*) FROM advisory")?;
    report.withdrawn = count("SELECT count(*) FROM advisory WHERE withdrawn IS NOT NULL")?;
    report.affected = count("SELECT count(*) FROM affected")?;
    report.not_comparable_entries = count("SELECT count(*) FROM affected WHERE notes & 1")?;
    report.suspect_entries = count("SELECT count(*) FROM affected WHERE notes & 6")?;
    conn.close().map_err(|(_, e)| werr(e))?;
    Ok(report)
}

/// Compresses the `refs` column with a dictionary of the URL prefixes common in it;
/// returns the dictionary. The dictionary is made from a sample (spread over the
/// ids) and the rows are rewritten in chunks, so memory stays flat for large builds.
fn pack_references(conn: &Connection) -> rusqlite::Result<Vec<u8>> {
    const SAMPLE: i64 = 50_000;
    const CHUNK: i64 = 10_000;
    let total = count_rows(conn, "advisory")?;
    let step = (total / SAMPLE).max(1);
    let sample: Vec<String> = conn
        .prepare("SELECT refs FROM (SELECT refs, row_number() OVER (ORDER BY id) AS n FROM advisory) WHERE n % ?1 = 0 AND refs IS NOT NULL")?
        .query_map([step], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let lists: Vec<Vec<String>> = sample.iter().map(|refs| serde_json::from_str(refs).unwrap_or_default()).collect();
    // A prefix earns its place when at least 1 in 2,000 sampled advisories use it.
    let min_count = (lists.len() / 2000).max(4);
    let dict = pack::url_dictionary(lists.iter().flatten().map(String::as_str), min_count);
    drop(lists);
    if dict.is_empty() {
        return Ok(dict);
    }
    let mut select =
        conn.prepare("SELECT id, refs FROM advisory WHERE id > ?1 AND typeof(refs) = 'text' ORDER BY id LIMIT ?2")?;
    let mut update = conn.prepare("UPDATE advisory SET refs = ?2 WHERE id = ?1")?;
    let mut after = String::new();
    loop {
        let chunk: Vec<(String, String)> = select
            .query_map(params![after, CHUNK], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let Some((last, _)) = chunk.last() else { break };
        after = last.clone();
        for (id, refs) in chunk {
            if let Packed::Blob(blob) = pack::pack(refs, Some(&dict)) {
                update.execute(params![id, blob])?;
            }
        }
    }
    Ok(dict)
}

fn count_rows(conn: &Connection, table: &str) -> rusqlite::Result<i64> {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
}

fn read_counts(conn: &Connection) -> rusqlite::Result<Vec<EcosystemCount>> {
    conn.prepare_cached(
        "SELECT ecosystem, advisories, packages, affected, withdrawn FROM ecosystem_counts ORDER BY ecosystem",
    )?
    .query_map([], |r| {
        Ok(EcosystemCount {
            ecosystem: r.get(0)?,
            advisories: r.get::<_, i64>(1)? as u64,
            packages: r.get::<_, i64>(2)? as u64,
            affected: r.get::<_, i64>(3)? as u64,
            withdrawn: r.get::<_, i64>(4)? as u64,
        })
    })?
    .collect()
}

// ---------------------------------------------------------------------------------
// Reading

/// One range, events in the record's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    pub kind: RangeType,
    pub events: Vec<Event>,
}

/// Severity as the source gave it; the matcher chooses what to show.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SeverityInfo {
    /// GHSA-style `database_specific.severity` (`LOW`, `MODERATE`, `HIGH`,
    /// `CRITICAL`) or Ubuntu's priority.
    pub label: Option<String>,
    /// CVSS v3 vector, else v2.
    pub cvss_vector: Option<String>,
    /// Base score of a valid v3 vector.
    pub cvss_score: Option<f64>,
}

/// One (advisory, package) entry, as returned by [`VulnDb::lookup`].
#[derive(Debug, Clone, PartialEq)]
pub struct AffectedEntry {
    pub advisory_id: String,
    pub ecosystem: String,
    /// The package name as the record spells it.
    pub name: String,
    pub ranges: Vec<Range>,
    /// Versions listed explicitly (`affected[].versions`).
    pub versions: Vec<String>,
    /// Whether the record names a fix (not whether an installed version has it).
    pub status: FixState,
    /// Debian tracker status (`unfixed`, `no-dsa`, `ignored`, `postponed`, ...).
    pub tracker_status: Option<String>,
    /// Debian urgency (`unimportant`, `low`, `medium`, `high`).
    pub urgency: Option<String>,
    /// The entry's own severity, else the advisory's.
    pub severity: SeverityInfo,
    /// RustSec `informational` (`unmaintained`, `unsound`, `notice`): not a vulnerability.
    pub informational: Option<String>,
    /// The record was withdrawn: the matcher skips it.
    pub withdrawn: bool,
    /// Shape notes over all of the entry's ranges.
    pub notes: RangeNotes,
}

/// One advisory, as returned by [`VulnDb::advisory`].
#[derive(Debug, Clone, PartialEq)]
pub struct Advisory {
    pub id: String,
    pub modified: String,
    pub published: Option<String>,
    pub withdrawn: Option<String>,
    pub summary: Option<String>,
    pub aliases: Vec<String>,
    pub related: Vec<String>,
    pub upstream: Vec<String>,
    pub severity: SeverityInfo,
    /// CVSS v4 vector as given (not scored).
    pub cvss_v4: Option<String>,
    /// At most [`MAX_REFERENCES`] URLs, most useful first.
    pub references: Vec<String>,
    pub informational: Option<String>,
}

/// What `db status` shows.
#[derive(Debug, Clone, PartialEq)]
pub struct DbStatus {
    pub path: PathBuf,
    /// Build time, RFC 3339 UTC.
    pub built: String,
    pub built_unix: i64,
    /// Time since the build (`None` if the build time is in the future).
    pub age: Option<Duration>,
    pub schema: i64,
    pub dockward_version: String,
    pub advisories: u64,
    pub sources: Vec<SourceInfo>,
    pub ecosystems: Vec<EcosystemCount>,
    pub file_bytes: u64,
}

/// An open database: read-only, immutable. Not `Sync` (one per thread).
pub struct VulnDb {
    conn: Connection,
    path: PathBuf,
    dict: Vec<u8>,
    /// Reused for every packed column read.
    inflater: std::cell::RefCell<flate2::Decompress>,
}

impl std::fmt::Debug for VulnDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VulnDb").field("path", &self.path).finish_non_exhaustive()
    }
}

/// `file:` URI of a path, with everything outside the unreserved set and `/`
/// percent-encoded.
fn file_uri(path: &Path) -> Option<String> {
    let text = path.to_str()?;
    let mut uri = String::with_capacity(text.len() + 20);
    uri.push_str("file:");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?mode=ro&immutable=1");
    Some(uri)
}

impl VulnDb {
    /// Opens a database read-only. Checks, before SQLite reads anything, that the
    /// file is SQLite, is a dockward database of this schema, and is as long as its
    /// header says (a truncated copy fails here); then reads its metadata.
    pub fn open(path: &Path) -> Result<VulnDb, DbError> {
        let not_db = || DbError::NotADatabase { path: path.to_path_buf() };
        let mut header = [0u8; 100];
        let mut file = File::open(path).map_err(|source| DbError::Io { path: path.to_path_buf(), source })?;
        let file_len = file.metadata().map_err(|source| DbError::Io { path: path.to_path_buf(), source })?.len();
        let n = std::io::Read::read(&mut file, &mut header)
            .map_err(|source| DbError::Io { path: path.to_path_buf(), source })?;
        drop(file);
        if n < 100 || &header[..16] != b"SQLite format 3\0" {
            return Err(not_db());
        }
        let be32 = |at: usize| u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]);
        if be32(68) as i32 != APPLICATION_ID {
            return Err(DbError::Foreign {
                path: path.to_path_buf(),
                reason: "an SQLite file of another application".into(),
            });
        }
        let user_version = i64::from(be32(60) as i32);
        if user_version != SCHEMA_VERSION {
            return Err(DbError::SchemaVersion {
                path: path.to_path_buf(),
                found: user_version,
                expected: SCHEMA_VERSION,
            });
        }
        let page_size = match u16::from_be_bytes([header[16], header[17]]) {
            1 => 65_536,
            n => u64::from(n),
        };
        let pages = u64::from(be32(28));
        if page_size < 512 || pages == 0 || page_size * pages != file_len {
            return Err(DbError::Corrupt {
                path: path.to_path_buf(),
                reason: format!("the file has {file_len} bytes, its header says {pages} pages of {page_size}"),
            });
        }
        let uri = file_uri(path).ok_or_else(|| DbError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "path is not UTF-8"),
        })?;
        let corrupt = |e: rusqlite::Error| DbError::Corrupt { path: path.to_path_buf(), reason: e.to_string() };
        let conn = Connection::open_with_flags(
            &uri,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(corrupt)?;
        // The whole database fits in a few tens of MiB of cache for the ecosystems a
        // site uses; a bigger page cache than SQLite's 2 MiB default keeps repeated
        // lookups off the file.
        conn.pragma_update(None, "cache_size", -32_768i64).map_err(corrupt)?;
        let meta_schema: Option<i64> = conn
            .query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get(0))
            .optional()
            .map_err(|e| DbError::Foreign {
                path: path.to_path_buf(),
                reason: format!("no readable meta table: {e}"),
            })?;
        match meta_schema {
            Some(SCHEMA_VERSION) => {}
            Some(found) => {
                return Err(DbError::SchemaVersion { path: path.to_path_buf(), found, expected: SCHEMA_VERSION })
            }
            None => {
                return Err(DbError::Foreign { path: path.to_path_buf(), reason: "meta has no schema_version".into() })
            }
        }
        let dict: Vec<u8> = conn
            .query_row("SELECT value FROM meta WHERE key = 'zdict'", [], |r| r.get::<_, Option<Vec<u8>>>(0))
            .optional()
            .map_err(corrupt)?
            .flatten()
            .unwrap_or_default();
        Ok(VulnDb {
            conn,
            path: path.to_path_buf(),
            dict,
            inflater: std::cell::RefCell::new(flate2::Decompress::new(false)),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn corrupt(&self, reason: impl std::fmt::Display) -> DbError {
        DbError::Corrupt { path: self.path.clone(), reason: reason.to_string() }
    }

    fn unpack_column(&self, value: ValueRef<'_>) -> Result<Option<String>, DbError> {
        match value {
            ValueRef::Null => Ok(None),
            ValueRef::Text(t) => String::from_utf8(t.to_vec()).map(Some).map_err(|_| self.corrupt("text is not UTF-8")),
            ValueRef::Blob(b) => {
                pack::unpack_with(&mut self.inflater.borrow_mut(), b, &self.dict).map(Some).map_err(|e| self.corrupt(e))
            }
            _ => Err(self.corrupt("packed column holds a number")),
        }
    }

    fn json_strings(&self, text: Option<String>) -> Result<Vec<String>, DbError> {
        match text {
            None => Ok(Vec::new()),
            Some(t) => serde_json::from_str(&t).map_err(|e| self.corrupt(format!("bad JSON list: {e}"))),
        }
    }

    fn parse_ranges(&self, text: &str) -> Result<Vec<Range>, DbError> {
        let raw: Vec<Vec<String>> = serde_json::from_str(text).map_err(|e| self.corrupt(format!("bad ranges: {e}")))?;
        raw.into_iter()
            .map(|flat| {
                let mut it = flat.into_iter();
                let kind = match it.next().as_deref() {
                    Some("S") => RangeType::Semver,
                    Some("E") => RangeType::Ecosystem,
                    Some("G") => RangeType::Git,
                    Some(other) => match other.strip_prefix("x:") {
                        Some(t) => RangeType::Other(t.to_string()),
                        None => return Err(self.corrupt(format!("unknown range type code `{other}`"))),
                    },
                    None => return Err(self.corrupt("empty range")),
                };
                let mut events = Vec::new();
                while let Some(code) = it.next() {
                    let version = it.next().ok_or_else(|| self.corrupt("range event without a version"))?;
                    events.push(match code.as_str() {
                        "i" => Event::Introduced(version),
                        "f" => Event::Fixed(version),
                        "a" => Event::LastAffected(version),
                        "l" => Event::Limit(version),
                        other => return Err(self.corrupt(format!("unknown range event `{other}`"))),
                    });
                }
                Ok(Range { kind, events })
            })
            .collect()
    }

    /// Every entry for a package, by ecosystem (the OSV string, e.g. `Debian:12`)
    /// and name (normalised here, see [`normalize_name`]), ordered by advisory id.
    /// Withdrawn and informational entries are included, flagged.
    pub fn lookup(&self, ecosystem: &str, name: &str) -> Result<Vec<AffectedEntry>, DbError> {
        let name_norm = normalize_name(ecosystem, name.trim());
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT a.advisory_id, coalesce(a.name, p.name_norm), r.ranges, r.versions, a.status,
                        a.tracker_status, a.urgency,
                        coalesce(a.severity_label, v.severity_label),
                        CASE WHEN a.cvss_vector IS NULL THEN v.cvss_vector ELSE a.cvss_vector END,
                        CASE WHEN a.cvss_vector IS NULL THEN v.cvss_score ELSE a.cvss_score END,
                        a.informational, v.withdrawn IS NOT NULL, a.notes, a.rowid
                 FROM package p
                 JOIN affected a ON a.package_id = p.id
                 JOIN range_set r ON r.id = a.range_set
                 JOIN advisory v ON v.id = a.advisory_id
                 WHERE p.ecosystem = ?1 AND p.name_norm = ?2",
            )
            .map_err(|e| self.corrupt(e))?;
        let mut rows = stmt.query(params![ecosystem, name_norm.as_ref()]).map_err(|e| self.corrupt(e))?;
        // Sorted here rather than by SQLite: its sorter costs more than the few rows
        // of one package.
        let mut out: Vec<(i64, AffectedEntry)> = Vec::new();
        while let Some(row) = rows.next().map_err(|e| self.corrupt(e))? {
            let get_err = |e: rusqlite::Error| self.corrupt(e);
            let rowid: i64 = row.get(13).map_err(get_err)?;
            let ranges_text: String = row.get(2).map_err(get_err)?;
            let versions = self.unpack_column(row.get_ref(3).map_err(get_err)?)?;
            let status: String = row.get(4).map_err(get_err)?;
            out.push((
                rowid,
                AffectedEntry {
                    advisory_id: row.get(0).map_err(get_err)?,
                    ecosystem: ecosystem.to_string(),
                    name: row.get(1).map_err(get_err)?,
                    ranges: self.parse_ranges(&ranges_text)?,
                    versions: self.json_strings(versions)?,
                    status: FixState::parse(&status)
                        .ok_or_else(|| self.corrupt(format!("unknown status `{status}`")))?,
                    tracker_status: row.get(5).map_err(get_err)?,
                    urgency: row.get(6).map_err(get_err)?,
                    severity: SeverityInfo {
                        label: row.get(7).map_err(get_err)?,
                        cvss_vector: row.get(8).map_err(get_err)?,
                        cvss_score: row.get(9).map_err(get_err)?,
                    },
                    informational: row.get(10).map_err(get_err)?,
                    withdrawn: row.get(11).map_err(get_err)?,
                    notes: RangeNotes::from_bits(row.get::<_, i64>(12).map_err(get_err)? as u8),
                },
            ));
        }
        out.sort_by(|(ra, a), (rb, b)| a.advisory_id.cmp(&b.advisory_id).then(ra.cmp(rb)));
        Ok(out.into_iter().map(|(_, e)| e).collect())
    }

    /// One advisory by id (exact), or `None`.
    pub fn advisory(&self, id: &str) -> Result<Option<Advisory>, DbError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, modified, published, withdrawn, summary, aliases, related, upstream,
                        severity_label, cvss_vector, cvss_score, cvss_v4, refs, informational
                 FROM advisory WHERE id = ?1",
            )
            .map_err(|e| self.corrupt(e))?;
        let mut rows = stmt.query([id]).map_err(|e| self.corrupt(e))?;
        let Some(row) = rows.next().map_err(|e| self.corrupt(e))? else {
            return Ok(None);
        };
        let get_err = |e: rusqlite::Error| self.corrupt(e);
        let refs = self.unpack_column(row.get_ref(12).map_err(get_err)?)?;
        Ok(Some(Advisory {
            id: row.get(0).map_err(get_err)?,
            modified: timestamp_text(row.get_ref(1).map_err(get_err)?).unwrap_or_default(),
            published: timestamp_text(row.get_ref(2).map_err(get_err)?),
            withdrawn: timestamp_text(row.get_ref(3).map_err(get_err)?),
            summary: row.get(4).map_err(get_err)?,
            aliases: self.json_strings(row.get(5).map_err(get_err)?)?,
            related: self.json_strings(row.get(6).map_err(get_err)?)?,
            upstream: self.json_strings(row.get(7).map_err(get_err)?)?,
            severity: SeverityInfo {
                label: row.get(8).map_err(get_err)?,
                cvss_vector: row.get(9).map_err(get_err)?,
                cvss_score: row.get(10).map_err(get_err)?,
            },
            cvss_v4: row.get(11).map_err(get_err)?,
            references: self.json_strings(refs)?,
            informational: row.get(13).map_err(get_err)?,
        }))
    }

    /// The normalised package names of an ecosystem, sorted (for `db search` and
    /// for benchmarks that need real names to look up).
    pub fn packages(&self, ecosystem: &str) -> Result<Vec<String>, DbError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name_norm FROM package WHERE ecosystem = ?1 ORDER BY name_norm")
            .map_err(|e| self.corrupt(e))?;
        let names = stmt.query_map([ecosystem], |r| r.get(0)).map_err(|e| self.corrupt(e))?;
        names.collect::<rusqlite::Result<Vec<String>>>().map_err(|e| self.corrupt(e))
    }

    /// Build time, age, schema, sources and per-ecosystem counts.
    pub fn status(&self) -> Result<DbStatus, DbError> {
        let meta = |key: &str| -> Result<Option<rusqlite::types::Value>, DbError> {
            self.conn
                .prepare_cached("SELECT value FROM meta WHERE key = ?1")
                .and_then(|mut s| s.query_row([key], |r| r.get(0)).optional())
                .map_err(|e| self.corrupt(e))
        };
        use rusqlite::types::Value as V;
        let text = |v: Option<V>| match v {
            Some(V::Text(t)) => t,
            _ => String::new(),
        };
        let int = |v: Option<V>| match v {
            Some(V::Integer(i)) => i,
            _ => 0,
        };
        let built = text(meta("build_time")?);
        let built_unix = int(meta("build_time_unix")?);
        let sources = self
            .conn
            .prepare_cached("SELECT path, kind, sha256, records, rejected, json_bytes FROM source ORDER BY idx")
            .and_then(|mut s| {
                s.query_map([], |r| {
                    let kind: String = r.get(1)?;
                    Ok(SourceInfo {
                        path: PathBuf::from(r.get::<_, String>(0)?),
                        kind: SourceKind::parse(&kind).unwrap_or(SourceKind::File),
                        sha256: r.get(2)?,
                        records: r.get::<_, i64>(3)? as u64,
                        rejected: r.get::<_, i64>(4)? as u64,
                        json_bytes: r.get::<_, i64>(5)? as u64,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(|e| self.corrupt(e))?;
        Ok(DbStatus {
            path: self.path.clone(),
            built,
            built_unix,
            age: time::age_since(built_unix, SystemTime::now()),
            schema: int(meta("schema_version")?),
            dockward_version: text(meta("dockward_version")?),
            advisories: int(meta("records")?) as u64,
            sources,
            ecosystems: read_counts(&self.conn).map_err(|e| self.corrupt(e))?,
            file_bytes: fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0),
        })
    }

    /// SQLite's full integrity check (reads the whole file; for `db status --verify`).
    pub fn verify(&self) -> Result<(), DbError> {
        let result: String =
            self.conn.query_row("PRAGMA integrity_check(1)", [], |r| r.get(0)).map_err(|e| self.corrupt(e))?;
        if result == "ok" {
            Ok(())
        } else {
            Err(self.corrupt(result))
        }
    }
}
