//! `dockward db build|update|status` end to end. `db update` runs its real download
//! code against hand-written HTTP/1.1 servers on 127.0.0.1 (tests named
//! `..._against_a_local_http_server`), which serve OSV `all.zip` files made here from
//! `../shared/corpus/vuln/osv/{Debian,crates.io}`.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;
use sha2::{Digest, Sha256};

const OSV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/vuln/osv");

fn dockward(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dockward"));
    cmd.args(args).env_remove("DOCKWARD_DB").env_remove("XDG_CACHE_HOME").env_remove("DOCKWARD_FETCH_IDLE_TIMEOUT_MS");
    // Never the real home's cache.
    cmd.env("HOME", std::env::temp_dir().join("dockward-vulndb-cli-no-home"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run dockward")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn both(o: &Output) -> String {
    stdout(o) + &stderr(o)
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// An OSV-style `all.zip` of the first `limit` `*.json` files of a corpus folder
/// (sorted), plus its licence file when there is one.
fn corpus_zip(folder: &str, limit: usize) -> Vec<u8> {
    let dir = Path::new(OSV).join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files.truncate(limit);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for licence in ["LICENSE", "LICENSE.txt"] {
        if let Ok(text) = std::fs::read(dir.join(licence)) {
            zip.start_file(licence, options).unwrap();
            zip.write_all(&text).unwrap();
        }
    }
    for f in files {
        zip.start_file(f.file_name().unwrap().to_str().unwrap(), options).unwrap();
        zip.write_all(&std::fs::read(&f).unwrap()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// What the server answers for a path.
#[derive(Clone)]
enum Route {
    /// 200 with an ETag, or 304 when `If-None-Match` carries it.
    File { body: Vec<u8>, etag: String },
    /// Headers for `len` bytes, the first `sent` of them, then the connection closes.
    Truncated { len: usize, sent: usize },
    /// Headers and a few bytes, then nothing until the client hangs up.
    Stall,
}

#[derive(Debug, Clone)]
struct Hit {
    path: String,
    if_none_match: Option<String>,
    status: u16,
}

struct Mirror {
    port: u16,
    routes: Arc<Mutex<HashMap<String, Route>>>,
    hits: Arc<Mutex<Vec<Hit>>>,
    stop: Arc<AtomicBool>,
}

impl Mirror {
    fn start() -> Mirror {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let routes: Arc<Mutex<HashMap<String, Route>>> = Arc::default();
        let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (r, h, s) = (routes.clone(), hits.clone(), stop.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (r, h) = (r.clone(), h.clone());
                thread::spawn(move || serve(stream, &r, &h));
            }
        });
        Mirror { port, routes, hits, stop }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn set(&self, path: &str, route: Route) {
        self.routes.lock().unwrap().insert(path.to_string(), route);
    }

    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }
}

impl Drop for Mirror {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(mut s: TcpStream, routes: &Mutex<HashMap<String, Route>>, hits: &Mutex<Vec<Hit>>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match s.read(&mut byte) {
            Ok(1) if head.len() < 65536 => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut lines = head.split("\r\n");
    let path = lines.next().and_then(|l| l.split(' ').nth(1)).unwrap_or("").to_string();
    let if_none_match = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("if-none-match"))
        .map(|(_, v)| v.trim().to_string());
    let route = routes.lock().unwrap().get(&path).cloned();
    let status = match &route {
        Some(Route::File { etag, .. }) if if_none_match.as_deref() == Some(etag.as_str()) => 304,
        Some(_) => 200,
        None => 404,
    };
    hits.lock().unwrap().push(Hit { path, if_none_match, status });
    let _ = match route {
        None => s.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found"),
        Some(Route::File { etag, .. }) if status == 304 => {
            s.write_all(format!("HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nConnection: close\r\n\r\n").as_bytes())
        }
        Some(Route::File { body, etag }) => s
            .write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Length: {}\r\nETag: {etag}\r\n\
                     Last-Modified: Fri, 04 Dec 2026 10:00:00 GMT\r\nConnection: close\r\n\r\n",
                    body.len()
                )
                .as_bytes(),
            )
            .and_then(|_| s.write_all(&body)),
        Some(Route::Truncated { len, sent }) => s
            .write_all(format!("HTTP/1.1 200 OK\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n").as_bytes())
            .and_then(|_| s.write_all(&vec![b'P'; sent])),
        Some(Route::Stall) => {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nPK\x03\x04");
            let _ = s.flush();
            let _ = s.set_read_timeout(Some(Duration::from_secs(60)));
            let mut sink = [0u8; 256];
            while matches!(s.read(&mut sink), Ok(n) if n > 0) {}
            Ok(())
        }
    };
}

/// The counts per ecosystem of a status JSON document.
fn ecosystems(status: &Value) -> Vec<(String, u64, u64, u64, u64)> {
    status["ecosystems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["ecosystem"].as_str().unwrap().to_string(),
                e["advisories"].as_u64().unwrap(),
                e["packages"].as_u64().unwrap(),
                e["affected"].as_u64().unwrap(),
                e["withdrawn"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn status_json(db: &Path) -> Value {
    let out = dockward(&["db", "status", "--db", db.to_str().unwrap(), "--format", "json"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The counts the same corpus folders give when built directly.
fn reference_counts(folders: &[&str]) -> Vec<(String, u64, u64, u64, u64)> {
    let tmp = tempfile::tempdir().unwrap();
    let inputs: Vec<PathBuf> = folders.iter().map(|f| Path::new(OSV).join(f)).collect();
    let report = dockward_vulndb::build(&inputs, &tmp.path().join("ref.db")).unwrap();
    report.ecosystems.into_iter().map(|e| (e.ecosystem, e.advisories, e.packages, e.affected, e.withdrawn)).collect()
}

const DEBIAN: &str = "/Debian%3A12/all.zip";
const CRATES: &str = "/crates.io/all.zip";

/// A mirror serving both corpus zips, and a first `db update` from it into `dir`.
fn mirror_and_first_update(dir: &Path) -> (Mirror, PathBuf, Vec<u8>, Vec<u8>) {
    let mirror = Mirror::start();
    let debian = corpus_zip("Debian", usize::MAX);
    let crates = corpus_zip("crates.io", usize::MAX);
    mirror.set(DEBIAN, Route::File { body: debian.clone(), etag: "\"deb-1\"".into() });
    mirror.set(CRATES, Route::File { body: crates.clone(), etag: "\"crates-1\"".into() });
    let db = dir.join("cache").join("vulns.db");
    let mirror_arg = format!("{}/", mirror.url());
    let out = dockward(
        &[
            "db",
            "update",
            "--mirror",
            &mirror_arg,
            "--ecosystem",
            "Debian:12",
            "--ecosystem",
            "crates.io",
            "--db",
            db.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let text = stdout(&out);
    assert!(
        text.contains(&format!("Debian:12: downloaded {}, sha256 {}", size(&debian), &sha256_hex(&debian)[..12])),
        "{text}"
    );
    assert!(
        text.contains(&format!("crates.io: downloaded {}, sha256 {}", size(&crates), &sha256_hex(&crates)[..12])),
        "{text}"
    );
    assert!(text.contains("read 1232 records from 2 sources"), "{text}");
    (mirror, db, debian, crates)
}

fn size(bytes: &[u8]) -> String {
    let n = bytes.len() as f64;
    if n < 1024.0 {
        format!("{} B", bytes.len())
    } else if n < 1024.0 * 1024.0 {
        format!("{:.1} KiB", n / 1024.0)
    } else {
        format!("{:.1} MiB", n / 1024.0 / 1024.0)
    }
}

fn modified(path: &Path) -> SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

#[test]
fn update_from_a_mirror_then_not_modified_against_a_local_http_server() {
    let tmp = tempfile::tempdir().unwrap();
    let (mirror, db, debian, crates) = mirror_and_first_update(tmp.path());
    let cache = tmp.path().join("cache").join("osv");

    // The database holds what building the corpus folders directly holds.
    let status = status_json(&db);
    assert_eq!(ecosystems(&status), reference_counts(&["Debian", "crates.io"]));
    assert_eq!(status["advisories"], 1232);
    let sources = status["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 2);
    assert_eq!(sources[0]["path"], cache.join("Debian:12.zip").to_str().unwrap());
    assert_eq!(sources[0]["kind"], "zip");
    assert_eq!(sources[0]["sha256"], sha256_hex(&debian));
    assert_eq!(sources[0]["records"], 26);
    assert_eq!(sources[1]["sha256"], sha256_hex(&crates));
    assert_eq!(sources[1]["records"], 1206);
    assert_eq!(status["stale"], false);

    // The cache: the zips, their sidecars and the remembered choice.
    assert_eq!(std::fs::read(cache.join("Debian:12.zip")).unwrap(), debian);
    let meta: Value = serde_json::from_slice(&std::fs::read(cache.join("crates.io.zip.meta")).unwrap()).unwrap();
    assert_eq!(meta["etag"], "\"crates-1\"");
    assert_eq!(meta["last_modified"], "Fri, 04 Dec 2026 10:00:00 GMT");
    assert_eq!(meta["url"], format!("{}/crates.io/all.zip", mirror.url()));
    let remembered = std::fs::read_to_string(cache.join("ecosystems")).unwrap();
    let names: Vec<&str> = remembered.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(names, ["Debian:12", "crates.io"]);
    assert!(std::fs::read_dir(&cache).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().contains(".part")));

    // Again, with no --ecosystem: the remembered set, conditional requests, 304s, no
    // rebuild.
    let db_time = modified(&db);
    let leftover = cache.join(".crates.io.zip.part-99999");
    std::fs::write(&leftover, b"from an interrupted update").unwrap();
    let out = dockward(&["db", "update", "--mirror", &mirror.url(), "--db", db.to_str().unwrap()], &[]);
    assert!(!leftover.exists(), "partial downloads left behind are removed");
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let text = stdout(&out);
    assert!(text.contains("Debian:12: not modified"), "{text}");
    assert!(text.contains("crates.io: not modified"), "{text}");
    assert!(text.contains("is up to date"), "{text}");
    assert_eq!(modified(&db), db_time, "the database was not rebuilt");
    let hits = mirror.hits();
    assert_eq!(hits.len(), 4);
    assert_eq!(hits[2].path, DEBIAN);
    assert_eq!(hits[2].if_none_match.as_deref(), Some("\"deb-1\""));
    assert_eq!((hits[2].status, hits[3].status), (304, 304));

    // The mirror publishes a new crates.io zip: only that one downloads, and the
    // database is rebuilt from the new zip and the cached Debian one.
    let fewer = corpus_zip("crates.io", 100);
    mirror.set(CRATES, Route::File { body: fewer.clone(), etag: "\"crates-2\"".into() });
    let out = dockward(&["db", "update", "--mirror", &mirror.url(), "--db", db.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let text = stdout(&out);
    assert!(text.contains("Debian:12: not modified"), "{text}");
    assert!(text.contains(&format!("crates.io: downloaded {}", size(&fewer))), "{text}");
    let status = status_json(&db);
    assert_eq!(status["sources"][1]["records"], 100);
    assert_eq!(status["sources"][1]["sha256"], sha256_hex(&fewer));
    assert_eq!(status["advisories"], 126);

    // A rebuilt database is rebuilt again if it goes missing, even with nothing new.
    std::fs::remove_file(&db).unwrap();
    let out = dockward(&["db", "update", "--mirror", &mirror.url(), "--db", db.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    assert!(stdout(&out).contains("read 126 records from 2 sources"), "{}", both(&out));
}

#[test]
fn broken_zip_keeps_the_old_database_against_a_local_http_server() {
    let tmp = tempfile::tempdir().unwrap();
    let (mirror, db, _, crates) = mirror_and_first_update(tmp.path());
    let cache = tmp.path().join("cache").join("osv");
    let db_bytes = std::fs::read(&db).unwrap();

    // Random bytes where the zip should be.
    let junk: Vec<u8> = (0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect();
    mirror.set(CRATES, Route::File { body: junk, etag: "\"crates-junk\"".into() });
    let out = dockward(&["db", "update", "--mirror", &mirror.url(), "--db", db.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    let text = both(&out);
    assert!(text.contains("Debian:12: not modified"), "{text}");
    assert!(
        text.contains(&format!(
            "crates.io: failed: the download from {}/crates.io/all.zip is unusable: it is not a readable zip",
            mirror.url()
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("1 of 2 downloads failed; the database at {} is unchanged", db.display())),
        "{text}"
    );

    // The old database and the cached zip are untouched, and the database answers.
    assert_eq!(std::fs::read(&db).unwrap(), db_bytes);
    assert_eq!(std::fs::read(cache.join("crates.io.zip")).unwrap(), crates);
    let meta: Value = serde_json::from_slice(&std::fs::read(cache.join("crates.io.zip.meta")).unwrap()).unwrap();
    assert_eq!(meta["etag"], "\"crates-1\"");
    let vulndb = dockward_vulndb::VulnDb::open(&db).unwrap();
    assert!(!vulndb.lookup("crates.io", "smallvec").unwrap().is_empty());
    assert_eq!(vulndb.lookup("Debian:12", "perl").unwrap().len(), 13);
    assert!(std::fs::read_dir(&cache).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().contains(".part")));

    // A 404 for one ecosystem fails the same way; the choice of ecosystems given with
    // it is not remembered.
    let out = dockward(
        &["db", "update", "--mirror", &mirror.url(), "--db", db.to_str().unwrap(), "--ecosystem", "Debian:12,NoSuch"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(
        both(&out).contains(&format!(
            "NoSuch:    failed: the server answered 404 Not Found for {}/NoSuch/all.zip",
            mirror.url()
        )),
        "{}",
        both(&out)
    );
    assert_eq!(std::fs::read(&db).unwrap(), db_bytes);
    let remembered = std::fs::read_to_string(cache.join("ecosystems")).unwrap();
    assert!(!remembered.contains("NoSuch"), "{remembered}");
}

#[test]
fn not_found_against_a_local_http_server() {
    let mirror = Mirror::start();
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("vulns.db");
    let out = dockward(
        &["db", "update", "--mirror", &mirror.url(), "--ecosystem", "Debian:13", "--db", db.to_str().unwrap()],
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    let text = both(&out);
    assert!(
        text.contains(&format!("the server answered 404 Not Found for {}/Debian%3A13/all.zip", mirror.url())),
        "{text}"
    );
    assert!(text.contains(&format!("no database was built at {}", db.display())), "{text}");
    assert!(!db.exists());
    assert!(!tmp.path().join("osv").join("ecosystems").exists());
}

#[test]
fn stalled_server_against_a_local_http_server() {
    let mirror = Mirror::start();
    mirror.set(CRATES, Route::Stall);
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("vulns.db");
    let started = Instant::now();
    let out = dockward(
        &["db", "update", "--mirror", &mirror.url(), "--ecosystem", "crates.io", "--db", db.to_str().unwrap()],
        &[("DOCKWARD_FETCH_IDLE_TIMEOUT_MS", "1000")],
    );
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(both(&out).contains(&format!("no data for 1 s from {}{CRATES}", mirror.url())), "{}", both(&out));
    assert!(took < Duration::from_secs(15), "{took:?}");
    assert!(!db.exists());
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path().join("osv"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn interrupted_transfer_against_a_local_http_server() {
    let mirror = Mirror::start();
    mirror.set(CRATES, Route::Truncated { len: 5000, sent: 100 });
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("vulns.db");
    let out = dockward(
        &["db", "update", "--mirror", &mirror.url(), "--ecosystem", "crates.io", "--db", db.to_str().unwrap()],
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(
        both(&out).contains(&format!("the transfer stopped after 100 bytes of 5000 from {}{CRATES}", mirror.url())),
        "{}",
        both(&out)
    );
    assert!(!db.exists());
    assert!(!tmp.path().join("osv").join("crates.io.zip").exists());
}

#[test]
fn update_without_ecosystems_lists_examples() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("vulns.db");
    let out = dockward(&["db", "update", "--db", db.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    let text = stderr(&out);
    assert!(text.contains("no ecosystems chosen"), "{text}");
    assert!(text.contains("--ecosystem Debian:12"), "{text}");
    assert!(text.contains("PyPI") && text.contains("crates.io") && text.contains("Alpine:v3.20"), "{text}");
    let out = dockward(&["db", "update", "--db", db.to_str().unwrap(), "--ecosystem", "../etc"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is not an OSV ecosystem name"), "{}", stderr(&out));
    let out =
        dockward(&["db", "update", "--db", db.to_str().unwrap(), "--ecosystem", "PyPI", "--mirror", "ftp://x"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("give an http:// or https:// URL"), "{}", stderr(&out));
}

#[test]
fn build_from_the_corpus_directories() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("new").join("vulns.db");
    let debian = format!("{OSV}/Debian");
    let crates = format!("{OSV}/crates.io");
    let out = dockward(&["db", "build", "--from", &debian, "--from", &crates, "--db", db.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let text = stdout(&out);
    assert!(text.starts_with(&format!("built {} (", db.display())), "{text}");
    assert!(text.contains("read 1232 records from 2 sources"), "{text}");
    assert!(text.contains("stored 1232 advisories (13 withdrawn)"), "{text}");
    assert!(text.contains("Debian:12  26 advisories, 11 packages"), "{text}");
    assert!(text.contains("no warnings"), "{text}");
    assert_eq!(ecosystems(&status_json(&db)), reference_counts(&["Debian", "crates.io"]));

    // The text status.
    let out = dockward(&["db", "status", "--db", db.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let text = stdout(&out);
    assert!(text.starts_with(&format!("database    {} (", db.display())), "{text}");
    assert!(text.contains("(just now) by dockward ") || text.contains("minute"), "{text}");
    assert!(text.contains("schema      1\n"), "{text}");
    assert!(text.contains("advisories  1232\n"), "{text}");
    assert!(text.contains("  directory  "), "{text}");
    assert!(text.contains("26 records\n"), "{text}");
    assert!(text.contains("  crates.io  1206 advisories, 908 packages, 1206 entries, 13 withdrawn\n"), "{text}");
    assert!(!stderr(&out).contains("stale"), "{}", stderr(&out));

    // Several paths after one --from work too, and a missing input is an error that
    // writes nothing.
    let out = dockward(&["db", "build", "--from", &debian, &crates, "--db", db.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let before = std::fs::read(&db).unwrap();
    let missing = tmp.path().join("missing");
    let out = dockward(&["db", "build", "--from", missing.to_str().unwrap(), "--db", db.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(stderr(&out).contains("no database was written"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn build_warnings_go_to_stderr() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    for i in 0..25 {
        std::fs::write(input.join(format!("bad-{i:02}.json")), "{\"id\": 1}").unwrap();
    }
    std::fs::copy(format!("{OSV}/Debian/DLA-4783-1.json"), input.join("DLA-4783-1.json")).unwrap();
    let db = tmp.path().join("v.db");
    let out = dockward(&["db", "build", "--from", input.to_str().unwrap(), "--db", db.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    assert!(stdout(&out).contains("read 1 records from 1 source (25 rejected, 0 duplicate ids)"), "{}", stdout(&out));
    assert!(stdout(&out).contains("25 warnings (on stderr)"), "{}", stdout(&out));
    let err = stderr(&out);
    assert_eq!(err.lines().filter(|l| l.starts_with("warning: ")).count(), 20, "{err}");
    assert!(err.contains("bad-00.json: not a valid OSV record"), "{err}");
    assert!(err.lines().last().unwrap() == "... and 5 more warnings", "{err}");
}

#[test]
fn status_warns_when_stale() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("old.db");
    let options = dockward_vulndb::BuildOptions {
        build_time: Some(SystemTime::now() - Duration::from_secs(10 * 86_400)),
        ..Default::default()
    };
    dockward_vulndb::build_with(&[Path::new(OSV).join("Debian")], &db, &options).unwrap();
    let out = dockward(&["db", "status", "--db", db.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    assert!(stdout(&out).contains("(10 days ago)"), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("warning: the vulnerability database is stale: built 10 days ago, more than 7 days ago"),
        "{}",
        stderr(&out)
    );
    let status = status_json(&db);
    assert_eq!(status["stale"], true);
    assert!(status["age_seconds"].as_u64().unwrap() >= 10 * 86_400);
    let out =
        dockward(&["db", "status", "--db", db.to_str().unwrap(), "--max-age-days", "30", "--format", "json"], &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((status["stale"].clone(), status["max_age_days"].clone()), (Value::Bool(false), Value::from(30)));
}

#[test]
fn status_of_a_corrupt_or_missing_database() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("v.db");
    dockward_vulndb::build(&[Path::new(OSV).join("Debian")], &db).unwrap();
    let mut bytes = std::fs::read(&db).unwrap();
    bytes.truncate(bytes.len() - 4096);
    std::fs::write(&db, &bytes).unwrap();
    let out = dockward(&["db", "status", "--db", db.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(
        stderr(&out).contains(&format!("dockward: {}: damaged vulnerability database", db.display())),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty());

    std::fs::write(&db, b"not a database at all, just text").unwrap();
    let out = dockward(&["db", "status", "--db", db.to_str().unwrap(), "--format", "json"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(stderr(&out).contains("not a dockward vulnerability database"), "{}", stderr(&out));

    let missing = tmp.path().join("none.db");
    let out = dockward(&["db", "status"], &[("DOCKWARD_DB", missing.to_str().unwrap())]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(stderr(&out).contains(&format!("no vulnerability database at {}", missing.display())), "{}", stderr(&out));
}

#[test]
fn default_locations_follow_the_environment() {
    let tmp = tempfile::tempdir().unwrap();
    let debian = format!("{OSV}/Debian");
    let xdg = tmp.path().join("xdg");
    let out = dockward(&["db", "build", "--from", &debian], &[("XDG_CACHE_HOME", xdg.to_str().unwrap())]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    assert!(xdg.join("dockward").join("vulns.db").is_file());
    // DOCKWARD_DB wins over XDG_CACHE_HOME; --db wins over both.
    let env_db = tmp.path().join("env.db");
    let env = [("XDG_CACHE_HOME", xdg.to_str().unwrap()), ("DOCKWARD_DB", env_db.to_str().unwrap())];
    let out = dockward(&["db", "build", "--from", &debian], &env);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    assert!(env_db.is_file());
    let flag_db = tmp.path().join("flag.db");
    let out = dockward(&["db", "status", "--db", flag_db.to_str().unwrap()], &env);
    assert!(stderr(&out).contains(&flag_db.display().to_string()), "{}", stderr(&out));
    let home = tmp.path().join("home");
    let out = dockward(&["db", "build", "--from", &debian], &[("HOME", home.to_str().unwrap())]);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    assert!(home.join(".cache/dockward/vulns.db").is_file());
}

// issue 13 #27: file errors of the db commands say what failed in plain words, without
// the OS error number.
#[test]
fn db_file_errors_are_plain_words() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let locked = tmp.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("x.db"), b"").unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o700)).unwrap();
    let as_nobody = |args: &[&str]| {
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_dockward")])
            .args(args)
            .output()
            .expect("setpriv (util-linux)")
    };
    let db = locked.join("x.db").display().to_string();
    let out = as_nobody(&["db", "status", "--db", &db]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("{db}: permission denied")), "{}", stderr(&out));
    assert!(!stderr(&out).contains("os error"), "{}", stderr(&out));
    let target = locked.join("sub/y.db").display().to_string();
    let out = as_nobody(&["db", "update", "--db", &target, "--ecosystem", "PyPI", "--mirror", "http://127.0.0.1:1"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot create the directory: permission denied"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("os error"), "{}", stderr(&out));
}
