//! `dockward db`: the offline vulnerability database (`docs/vulnerabilities.md`).
//!
//! * `db build --from PATH...`: build the database from OSV inputs on disk.
//! * `db update`: download each chosen ecosystem's OSV `all.zip` (OSV's public bucket
//!   or a mirror) into `osv/` next to the database, with conditional requests, then
//!   rebuild the database from the cached zips. Any failure leaves the old database.
//! * `db status`: age, build time, schema, sources and counts.

use std::fmt::Write as _;
use std::fs;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use clap::{Args, Subcommand, ValueEnum};
use dockward_fetch::{FetchOptions, FetchOutcome};
use dockward_vulndb::{BuildReport, DbError, DbStatus, VulnDb};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::output::write_output;
use crate::exit;

/// OSV's public bucket: `<BASE>/<ECOSYSTEM>/all.zip`.
pub const OSV_BUCKET: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// For tests: the idle timeout of downloads in milliseconds, overriding `--timeout`.
const IDLE_TIMEOUT_ENV: &str = "DOCKWARD_FETCH_IDLE_TIMEOUT_MS";

/// Warnings printed in full after a build; the rest are counted.
const SHOWN_WARNINGS: usize = 20;

const DB_HELP: &str =
    "The database file [default: $DOCKWARD_DB, else $XDG_CACHE_HOME/dockward/vulns.db, else ~/.cache/dockward/vulns.db]";

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Build the database from OSV files on disk: all.zip files, directories of JSON records, JSON files.
    Build(BuildArgs),
    /// Download OSV data for the chosen ecosystems (OSV's public bucket or a mirror) and rebuild the database.
    Update(UpdateArgs),
    /// Show the database's age, sources and counts per ecosystem.
    Status(StatusArgs),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// An OSV input: an `all.zip`, a directory of `*.json` records (searched recursively) or a JSON file.
    #[arg(long = "from", value_name = "PATH", required = true, num_args = 1..)]
    pub from: Vec<PathBuf>,
    #[arg(long, value_name = "FILE", help = DB_HELP)]
    pub db: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// An OSV ecosystem to download (repeatable): `Debian:12`, `Alpine:v3.20`, `PyPI`, `npm`, `Go`, `crates.io`...
    /// Remembered: later updates without --ecosystem download the same set.
    #[arg(long = "ecosystem", value_name = "NAME", value_delimiter = ',')]
    pub ecosystems: Vec<String>,
    /// Download from this mirror instead of OSV's bucket; same layout: `<URL>/<ECOSYSTEM>/all.zip` (http or https).
    #[arg(long, value_name = "URL")]
    pub mirror: Option<String>,
    #[arg(long, value_name = "FILE", help = DB_HELP)]
    pub db: Option<PathBuf>,
    /// Seconds a server may stay silent before a download is given up.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub timeout: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[arg(long, value_name = "FILE", help = DB_HELP)]
    pub db: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = StatusFormat::Text)]
    pub format: StatusFormat,
    /// Warn when the database was built more than this many days ago.
    #[arg(long, value_name = "DAYS", default_value_t = 7)]
    pub max_age_days: u64,
}

pub fn run(command: DbCommand) -> u8 {
    let result = match command {
        DbCommand::Build(a) => build(&a),
        DbCommand::Update(a) => update(&a),
        DbCommand::Status(a) => status(&a),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln_safe(&format!("dockward: {message}"));
            exit::ERROR
        }
    }
}

/// Writes a line to stdout; a closed pipe is ignored.
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|_| out.flush());
}

fn eprintln_safe(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// The database path: `--db`, else the default; made absolute so that messages and
/// recorded source paths do not depend on the working directory.
fn db_path(arg: Option<&PathBuf>) -> PathBuf {
    let path = arg.cloned().unwrap_or_else(dockward_vulndb::default_path);
    std::path::absolute(&path).unwrap_or(path)
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

fn human_age(age: Duration) -> String {
    let secs = age.as_secs();
    let (n, unit) = match secs {
        0..60 => return "just now".into(),
        60..3600 => (secs / 60, "minute"),
        3600..86_400 => (secs / 3600, "hour"),
        _ => (secs / 86_400, "day"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

// ---------------------------------------------------------------------------------
// db build

fn build(args: &BuildArgs) -> Result<u8, String> {
    let db = db_path(args.db.as_ref());
    create_parent(&db)?;
    let started = Instant::now();
    let inputs: Vec<PathBuf> = args.from.iter().map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone())).collect();
    let report = dockward_vulndb::build(&inputs, &db).map_err(|e| format!("{e}; no database was written"))?;
    print_report(&report, started.elapsed());
    Ok(exit::CLEAN)
}

/// An I/O error in plain words: `permission denied`, without the OS error number.
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = text.split(" (os error ").next().unwrap_or(&text);
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text.to_string(),
    }
}

fn create_parent(path: &Path) -> Result<(), String> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => fs::create_dir_all(dir)
            .map_err(|e| format!("{}: cannot create the directory: {}", dir.display(), io_reason(&e))),
        _ => Ok(()),
    }
}

/// The summary on stdout; the first warnings, then a count, on stderr.
fn print_report(report: &BuildReport, took: Duration) {
    let records: u64 = report.sources.iter().map(|s| s.records).sum();
    let mut text = format!(
        "built {} ({}) in {:.1} s\n  read {records} records from {} source{}",
        report.out.display(),
        human_bytes(report.db_bytes),
        took.as_secs_f64(),
        report.sources.len(),
        if report.sources.len() == 1 { "" } else { "s" },
    );
    if report.rejected > 0 || report.duplicates > 0 {
        let _ = write!(text, " ({} rejected, {} duplicate ids)", report.rejected, report.duplicates);
    }
    let _ = write!(
        text,
        "\n  stored {} advisories ({} withdrawn), {} packages, {} entries\n",
        report.advisories, report.withdrawn, report.packages, report.affected
    );
    let width = report.ecosystems.iter().map(|e| e.ecosystem.len()).max().unwrap_or(0);
    for e in &report.ecosystems {
        let _ = writeln!(
            text,
            "    {:width$}  {} advisories, {} packages",
            e.ecosystem,
            e.advisories,
            e.packages,
            width = width
        );
    }
    let warnings = report.warnings.len() as u64 + report.warnings_dropped;
    if warnings == 0 {
        text.push_str("  no warnings\n");
    } else {
        let _ = writeln!(text, "  {warnings} warning{} (on stderr)", if warnings == 1 { "" } else { "s" });
    }
    let _ = write_output(None, text.as_bytes());
    let mut err = String::new();
    for w in report.warnings.iter().take(SHOWN_WARNINGS) {
        let _ = writeln!(err, "warning: {w}");
    }
    if warnings > SHOWN_WARNINGS as u64 {
        let _ = writeln!(err, "... and {} more warnings", warnings - SHOWN_WARNINGS as u64);
    }
    let _ = std::io::stderr().lock().write_all(err.as_bytes());
}

// ---------------------------------------------------------------------------------
// db update

/// What `db update` keeps next to a cached zip, for the next conditional request.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ZipMeta {
    url: String,
    etag: Option<String>,
    last_modified: Option<String>,
    sha256: String,
    bytes: u64,
    downloaded: String,
}

/// The downloads live in `osv/` next to the database.
fn cache_dir(db: &Path) -> PathBuf {
    db.parent().unwrap_or(Path::new(".")).join("osv")
}

fn zip_path(cache: &Path, ecosystem: &str) -> PathBuf {
    cache.join(format!("{ecosystem}.zip"))
}

fn meta_path(cache: &Path, ecosystem: &str) -> PathBuf {
    cache.join(format!("{ecosystem}.zip.meta"))
}

/// An ecosystem name is used in a file name and a URL: letters, digits and
/// ` : . _ - + ( )` only, not starting with a dot.
fn check_ecosystem(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 100
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || " :._-+()".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!("`{name}` is not an OSV ecosystem name (letters, digits and `:._-+() `, like `Debian:12`)"))
    }
}

fn no_ecosystems_error(cache: &Path) -> String {
    format!(
        "no ecosystems chosen: name them with --ecosystem, for example\n  \
         dockward db update --ecosystem Debian:12 --ecosystem PyPI\n\
         OSV ecosystems include Debian:12, Debian:11, Ubuntu:24.04:LTS, Alpine:v3.20, PyPI, npm, Go, \
         crates.io, Maven, RubyGems, NuGet, Packagist (the list: {OSV_BUCKET}/ecosystems.txt).\n\
         The choice is remembered in {} for later updates.",
        cache.join("ecosystems").display()
    )
}

fn read_ecosystems(cache: &Path) -> Result<Vec<String>, String> {
    let path = cache.join("ecosystems");
    match fs::read_to_string(&path) {
        Ok(text) => Ok(text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(format!("{}: {}", path.display(), io_reason(&e))),
    }
}

fn write_ecosystems(cache: &Path, ecosystems: &[String]) -> Result<(), String> {
    let path = cache.join("ecosystems");
    let mut text = String::from("# The OSV ecosystems `dockward db update` downloads, one a line.\n");
    for e in ecosystems {
        text.push_str(e);
        text.push('\n');
    }
    write_atomic(&path, text.as_bytes())
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    fs::write(&tmp, bytes).and_then(|_| fs::rename(&tmp, path)).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("{}: cannot write: {}", path.display(), io_reason(&e))
    })
}

/// The stored metadata of a cached zip, if it matches the zip on disk and the URL.
fn cached_meta(cache: &Path, ecosystem: &str, url: Option<&str>) -> Option<ZipMeta> {
    let text = fs::read_to_string(meta_path(cache, ecosystem)).ok()?;
    let meta: ZipMeta = serde_json::from_str(&text).ok()?;
    let len = fs::metadata(zip_path(cache, ecosystem)).ok()?.len();
    (len == meta.bytes && url.is_none_or(|u| u == meta.url)).then_some(meta)
}

/// Holds the update lock of a cache directory while alive.
struct UpdateLock(#[allow(dead_code)] fs::File);

fn lock(cache: &Path) -> Result<UpdateLock, String> {
    let path = cache.join(".lock");
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| format!("{}: cannot open: {}", path.display(), io_reason(&e)))?;
    match file.try_lock() {
        Ok(()) => Ok(UpdateLock(file)),
        Err(fs::TryLockError::WouldBlock) => {
            Err(format!("another `dockward db update` is running on {} (it holds {})", cache.display(), path.display()))
        }
        Err(fs::TryLockError::Error(e)) => Err(format!("{}: cannot lock: {}", path.display(), io_reason(&e))),
    }
}

/// Removes partial downloads an interrupted update left behind (the caller holds the lock).
fn remove_leftovers(cache: &Path) {
    let Ok(entries) = fs::read_dir(cache) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && name.contains(".zip.part-") {
            let _ = fs::remove_file(entry.path());
        }
    }
}

enum Fetched {
    Downloaded { bytes: u64, sha256: String },
    NotModified,
}

fn fetch_options(args: &UpdateArgs) -> FetchOptions {
    let test_idle =
        std::env::var(IDLE_TIMEOUT_ENV).ok().and_then(|v| v.trim().parse::<u64>().ok()).filter(|&ms| ms > 0);
    let idle = match test_idle {
        Some(ms) => Duration::from_millis(ms),
        None => Duration::from_secs(args.timeout.max(1)),
    };
    FetchOptions { idle_timeout: idle, ..FetchOptions::default() }
}

/// Downloads one ecosystem's zip into the cache; the cached copy is replaced only by a
/// download that reads as a zip with JSON entries.
fn fetch_one(cache: &Path, base: &str, ecosystem: &str, options: &FetchOptions) -> Result<Fetched, String> {
    let url = format!("{base}/{}/all.zip", dockward_fetch::encode_path_segment(ecosystem));
    let mut options = options.clone();
    if let Some(meta) = cached_meta(cache, ecosystem, Some(&url)) {
        options.etag = meta.etag;
        options.last_modified = meta.last_modified;
    }
    if std::io::stderr().is_terminal() {
        eprintln_safe(&format!("{ecosystem}: downloading {url}"));
    }
    let part = cache.join(format!(".{ecosystem}.zip.part-{}", std::process::id()));
    let download = match dockward_fetch::fetch_to_file(&url, &part, &options).map_err(|e| e.to_string())? {
        FetchOutcome::NotModified => return Ok(Fetched::NotModified),
        FetchOutcome::Downloaded(d) => d,
    };
    let checked = dockward_vulndb::check_zip(&part);
    let problem = match checked {
        Ok(0) => Some("it holds no *.json entries, so it is not an OSV all.zip".to_string()),
        Ok(_) => None,
        Err(DbError::Source { reason, .. }) => Some(format!("it is {reason}")),
        Err(e) => Some(e.to_string()),
    };
    if let Some(problem) = problem {
        let _ = fs::remove_file(&part);
        return Err(format!("the download from {url} is unusable: {problem}; the cached copy, if any, is kept"));
    }
    // The meta goes first, so that a crash in between leaves no stale ETag behind.
    let zip = zip_path(cache, ecosystem);
    let meta_file = meta_path(cache, ecosystem);
    let installed = match fs::remove_file(&meta_file) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => fs::rename(&part, &zip),
    };
    if let Err(e) = installed {
        let _ = fs::remove_file(&part);
        return Err(format!("{}: cannot install the download: {}", zip.display(), io_reason(&e)));
    }
    let now = dockward_vulndb::time::format_rfc3339(dockward_vulndb::time::unix_seconds(SystemTime::now()));
    // The URL asked for, not the one a redirect led to: the next request asks again.
    let meta = ZipMeta {
        url,
        etag: download.etag,
        last_modified: download.last_modified,
        sha256: download.sha256.clone(),
        bytes: download.bytes,
        downloaded: now,
    };
    // Without the meta the next update downloads in full: not worth failing for.
    let _ = serde_json::to_vec_pretty(&meta).map_err(|e| e.to_string()).and_then(|b| write_atomic(&meta_file, &b));
    Ok(Fetched::Downloaded { bytes: download.bytes, sha256: download.sha256 })
}

/// Whether the database was built from exactly these zips, as they are now.
fn up_to_date(db: &Path, cache: &Path, ecosystems: &[String]) -> bool {
    let Ok(status) = VulnDb::open(db).and_then(|d| d.status()) else { return false };
    status.sources.len() == ecosystems.len()
        && status.sources.iter().zip(ecosystems).all(|(source, eco)| {
            source.path == zip_path(cache, eco)
                && cached_meta(cache, eco, None).is_some_and(|m| m.sha256 == source.sha256)
        })
}

fn update(args: &UpdateArgs) -> Result<u8, String> {
    let db = db_path(args.db.as_ref());
    let cache = cache_dir(&db);
    let mut ecosystems: Vec<String> = Vec::new();
    let given = !args.ecosystems.is_empty();
    let chosen = if given { args.ecosystems.clone() } else { read_ecosystems(&cache)? };
    for e in chosen {
        let e = e.trim().to_string();
        check_ecosystem(&e)?;
        if !ecosystems.contains(&e) {
            ecosystems.push(e);
        }
    }
    if ecosystems.is_empty() {
        return Err(no_ecosystems_error(&cache));
    }
    let base = match &args.mirror {
        Some(m) => {
            let m = m.trim().trim_end_matches('/');
            if !(m.starts_with("http://") || m.starts_with("https://")) {
                return Err(format!("--mirror `{m}`: give an http:// or https:// URL"));
            }
            m.to_string()
        }
        None => OSV_BUCKET.to_string(),
    };
    fs::create_dir_all(&cache)
        .map_err(|e| format!("{}: cannot create the directory: {}", cache.display(), io_reason(&e)))?;
    let _lock = lock(&cache)?;
    remove_leftovers(&cache);
    let options = fetch_options(args);
    let mut failed = 0;
    let mut downloaded = false;
    let width = ecosystems.iter().map(|e| e.len()).max().unwrap_or(0) + 1;
    for eco in &ecosystems {
        let label = format!("{eco}:");
        match fetch_one(&cache, &base, eco, &options) {
            Ok(Fetched::Downloaded { bytes, sha256 }) => {
                downloaded = true;
                say(&format!("{label:width$} downloaded {}, sha256 {}", human_bytes(bytes), &sha256[..12]));
            }
            Ok(Fetched::NotModified) => say(&format!("{label:width$} not modified")),
            Err(why) => {
                failed += 1;
                say(&format!("{label:width$} failed: {why}"));
            }
        }
    }
    let old = if db.exists() {
        format!("the database at {} is unchanged", db.display())
    } else {
        format!("no database was built at {}", db.display())
    };
    if failed > 0 {
        return Err(format!("{failed} of {} downloads failed; {old}", ecosystems.len()));
    }
    if given {
        write_ecosystems(&cache, &ecosystems)?;
    }
    if !downloaded && up_to_date(&db, &cache, &ecosystems) {
        say(&format!("{} is up to date", db.display()));
        return Ok(exit::CLEAN);
    }
    let inputs: Vec<PathBuf> = ecosystems.iter().map(|e| zip_path(&cache, e)).collect();
    let started = Instant::now();
    match dockward_vulndb::build(&inputs, &db) {
        Ok(report) => {
            print_report(&report, started.elapsed());
            Ok(exit::CLEAN)
        }
        Err(e) => {
            // A cached zip the build cannot read is downloaded in full next time.
            if let DbError::Source { path, .. } | DbError::Limit { path, .. } | DbError::Io { path, .. } = &e {
                if let Some(eco) = ecosystems.iter().find(|eco| &zip_path(&cache, eco) == path) {
                    let _ = fs::remove_file(meta_path(&cache, eco));
                }
            }
            Err(format!("the build failed: {e}; {old}"))
        }
    }
}

// ---------------------------------------------------------------------------------
// db status

fn status(args: &StatusArgs) -> Result<u8, String> {
    let db = db_path(args.db.as_ref());
    let opened = VulnDb::open(&db).and_then(|d| d.status());
    let status = match opened {
        Ok(s) => s,
        Err(DbError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "no vulnerability database at {}: create one with `dockward db update --ecosystem NAME` \
                 or `dockward db build --from PATH`",
                db.display()
            ))
        }
        Err(e) => return Err(e.to_string()),
    };
    let max_age = Duration::from_secs(args.max_age_days.saturating_mul(86_400));
    let stale = status.age.is_some_and(|age| age > max_age);
    let text = match args.format {
        StatusFormat::Text => status_text(&status),
        StatusFormat::Json => {
            let mut s = serde_json::to_string_pretty(&status_json(&status, stale, args.max_age_days))
                .map_err(|e| e.to_string())?;
            s.push('\n');
            s
        }
    };
    write_output(None, text.as_bytes())?;
    if stale {
        let age = status.age.map(human_age).unwrap_or_default();
        eprintln_safe(&format!(
            "warning: the vulnerability database is stale: built {age}, more than {} day{} ago; \
             refresh it with `dockward db update`",
            args.max_age_days,
            if args.max_age_days == 1 { "" } else { "s" }
        ));
    }
    Ok(exit::CLEAN)
}

fn status_text(s: &DbStatus) -> String {
    let age = match s.age {
        Some(age) => human_age(age),
        None => "age unknown".to_string(),
    };
    let mut out = String::new();
    let _ = writeln!(out, "database    {} ({})", s.path.display(), human_bytes(s.file_bytes));
    let _ = writeln!(out, "built       {} ({age}) by dockward {}", s.built, s.dockward_version);
    let _ = writeln!(out, "schema      {}", s.schema);
    let _ = writeln!(out, "advisories  {}", s.advisories);
    let _ = writeln!(out, "sources");
    let width = s.sources.iter().map(|src| src.path.display().to_string().len()).max().unwrap_or(0);
    for src in &s.sources {
        let _ = write!(
            out,
            "  {:9}  {:width$}  sha256 {}  {} records",
            src.kind.as_str(),
            src.path.display().to_string(),
            src.sha256.get(..12).unwrap_or(&src.sha256),
            src.records,
            width = width
        );
        if src.rejected > 0 {
            let _ = write!(out, " ({} rejected)", src.rejected);
        }
        out.push('\n');
    }
    let _ = writeln!(out, "ecosystems");
    let width = s.ecosystems.iter().map(|e| e.ecosystem.len()).max().unwrap_or(0);
    for e in &s.ecosystems {
        let _ = write!(
            out,
            "  {:width$}  {} advisories, {} packages, {} entries",
            e.ecosystem,
            e.advisories,
            e.packages,
            e.affected,
            width = width
        );
        if e.withdrawn > 0 {
            let _ = write!(out, ", {} withdrawn", e.withdrawn);
        }
        out.push('\n');
    }
    out
}

fn status_json(s: &DbStatus, stale: bool, max_age_days: u64) -> serde_json::Value {
    json!({
        "path": s.path,
        "file_bytes": s.file_bytes,
        "built": s.built,
        "built_unix": s.built_unix,
        "age_seconds": s.age.map(|a| a.as_secs()),
        "stale": stale,
        "max_age_days": max_age_days,
        "schema": s.schema,
        "dockward_version": s.dockward_version,
        "advisories": s.advisories,
        "sources": s.sources.iter().map(|src| json!({
            "path": src.path,
            "kind": src.kind.as_str(),
            "sha256": src.sha256,
            "records": src.records,
            "rejected": src.rejected,
            "json_bytes": src.json_bytes,
        })).collect::<Vec<_>>(),
        "ecosystems": s.ecosystems.iter().map(|e| json!({
            "ecosystem": e.ecosystem,
            "advisories": e.advisories,
            "packages": e.packages,
            "affected": e.affected,
            "withdrawn": e.withdrawn,
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_ages() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(3 << 20), "3.0 MiB");
        assert_eq!(human_age(Duration::from_secs(5)), "just now");
        assert_eq!(human_age(Duration::from_secs(3600)), "1 hour ago");
        assert_eq!(human_age(Duration::from_secs(9 * 86_400 + 7)), "9 days ago");
    }

    #[test]
    fn ecosystem_names() {
        for ok in ["Debian:12", "Ubuntu:24.04:LTS", "crates.io", "GitHub Actions", "Alpine:v3.20"] {
            assert!(check_ecosystem(ok).is_ok(), "{ok}");
        }
        for bad in ["", "../x", ".hidden", "a/b", "a\\b", "x\ny"] {
            assert!(check_ecosystem(bad).is_err(), "{bad:?}");
        }
    }
}
