//! `fetch_to_file` against hand-written HTTP/1.1 servers on 127.0.0.1: redirects,
//! the size cap, conditional requests, statuses, truncation, stalls and resets.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use dockward_fetch::{fetch_to_file, FetchError, FetchOptions, FetchOutcome};
use sha2::{Digest, Sha256};

/// One request as the server read it.
#[derive(Debug, Clone)]
struct Req {
    path: String,
    headers: Vec<(String, String)>,
}

impl Req {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A thread accepting connections; each gets its request read and is handed to the
/// handler with the connection's number (0, 1, ...).
struct Server {
    port: u16,
    requests: Arc<Mutex<Vec<Req>>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    fn start(handler: impl Fn(&Req, &mut TcpStream, usize) + Send + Sync + 'static) -> Server {
        Server::start_raw(move |stream: &mut TcpStream, n: usize, log: &Mutex<Vec<Req>>| {
            if let Some(req) = read_request(stream) {
                log.lock().unwrap().push(req.clone());
                handler(&req, stream, n);
            }
        })
    }

    /// The handler gets the connection before anything is read.
    fn start_raw(handler: impl Fn(&mut TcpStream, usize, &Mutex<Vec<Req>>) + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler = Arc::new(handler);
        let (log, flag) = (requests.clone(), stop.clone());
        let count = Arc::new(AtomicUsize::new(0));
        thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut stream) = stream else { continue };
                let (handler, log) = (handler.clone(), log.clone());
                let n = count.fetch_add(1, Ordering::SeqCst);
                thread::spawn(move || handler(&mut stream, n, &log));
            }
        });
        Server { port, requests, stop }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn requests(&self) -> Vec<Req> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn read_request(stream: &mut TcpStream) -> Option<Req> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).ok()? == 0 || buf.len() > 65536 {
            return None;
        }
        buf.push(byte[0]);
    }
    let text = String::from_utf8(buf).ok()?;
    let mut lines = text.split("\r\n");
    let path = lines.next()?.split(' ').nth(1)?.to_string();
    let headers =
        lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect();
    Some(Req { path, headers })
}

fn respond(stream: &mut TcpStream, status: &str, headers: &[(&str, &str)], body: &[u8]) {
    let mut head = format!("HTTP/1.1 {status}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn quick() -> FetchOptions {
    FetchOptions { idle_timeout: Duration::from_secs(2), ..FetchOptions::default() }
}

fn downloaded(outcome: FetchOutcome) -> dockward_fetch::Download {
    match outcome {
        FetchOutcome::Downloaded(d) => d,
        FetchOutcome::NotModified => panic!("expected a download"),
    }
}

#[test]
fn follows_redirects_against_a_local_http_server() {
    let body = b"the file".to_vec();
    let server = Server::start(move |req, s, _| match req.path.as_str() {
        "/a" => respond(s, "302 Found", &[("Location", "/b")], b""),
        "/b" => {
            let port = s.local_addr().unwrap().port();
            respond(s, "301 Moved Permanently", &[("Location", &format!("http://127.0.0.1:{port}/dir/c"))], b"")
        }
        "/dir/c" => respond(s, "307 Temporary Redirect", &[("Location", "d")], b""),
        "/dir/d" => respond(s, "200 OK", &[("ETag", "\"v1\"")], &body),
        _ => respond(s, "404 Not Found", &[], b""),
    });
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("f.part");
    let d = downloaded(fetch_to_file(&server.url("/a"), &dest, &quick()).unwrap());
    assert_eq!(d.url, server.url("/dir/d"));
    assert_eq!(d.bytes, 8);
    assert_eq!(d.sha256, sha256_hex(b"the file"));
    assert_eq!(d.etag.as_deref(), Some("\"v1\""));
    assert_eq!(std::fs::read(&dest).unwrap(), b"the file");
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/a", "/b", "/dir/c", "/dir/d"]);
}

#[test]
fn redirect_limit_against_a_local_http_server() {
    // /r/N redirects to /r/N+1 until N = 6, which serves the file.
    let server = Server::start(|req, s, _| {
        let n: usize = req.path.trim_start_matches("/r/").parse().unwrap_or(99);
        if n < 6 {
            respond(s, "302 Found", &[("Location", &format!("/r/{}", n + 1))], b"");
        } else {
            respond(s, "200 OK", &[], b"end");
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("f.part");
    // Five redirects (1 -> 6) are followed.
    let d = downloaded(fetch_to_file(&server.url("/r/1"), &dest, &quick()).unwrap());
    assert_eq!(d.bytes, 3);
    // Six (0 -> 6) are too many.
    let err = fetch_to_file(&server.url("/r/0"), &dest, &quick()).unwrap_err();
    assert!(matches!(err, FetchError::TooManyRedirects { max: 5, .. }), "{err:?}");
    assert_eq!(err.to_string(), format!("more than 5 redirects, starting at {}", server.url("/r/0")));
    assert!(!dest.exists());
    // A redirect without a Location.
    let bare = Server::start(|_, s, _| respond(s, "302 Found", &[], b""));
    let err = fetch_to_file(&bare.url("/x"), &dest, &quick()).unwrap_err();
    assert!(err.to_string().contains("without a Location"), "{err}");
}

#[test]
fn size_cap_against_a_local_http_server() {
    let server = Server::start(|req, s, _| match req.path.as_str() {
        "/declared" => respond(s, "200 OK", &[], &[7u8; 100]),
        // No Content-Length: the body ends when the connection closes.
        _ => {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
            let _ = s.write_all(&[7u8; 100]);
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("f.part");
    let opts = FetchOptions { max_bytes: 10, ..quick() };
    let err = fetch_to_file(&server.url("/declared"), &dest, &opts).unwrap_err();
    assert!(matches!(err, FetchError::TooLarge { limit: 10, .. }), "{err:?}");
    let err = fetch_to_file(&server.url("/streamed"), &dest, &opts).unwrap_err();
    assert!(matches!(err, FetchError::TooLarge { limit: 10, .. }), "{err:?}");
    assert!(err.to_string().contains("larger than the download limit of 10 bytes"), "{err}");
    assert!(!dest.exists(), "the partial file is removed");
    // At the cap exactly, it downloads (close-delimited too).
    let opts = FetchOptions { max_bytes: 100, ..quick() };
    assert_eq!(downloaded(fetch_to_file(&server.url("/streamed"), &dest, &opts).unwrap()).bytes, 100);
}

#[test]
fn conditional_requests_against_a_local_http_server() {
    let server = Server::start(|req, s, _| {
        if req.header("If-None-Match") == Some("\"v2\"") {
            respond(s, "304 Not Modified", &[("ETag", "\"v2\"")], b"");
        } else {
            respond(s, "200 OK", &[("ETag", "\"v2\""), ("Last-Modified", "Tue, 01 Dec 2026 10:00:00 GMT")], b"new");
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("f.part");
    let d = downloaded(fetch_to_file(&server.url("/f"), &dest, &quick()).unwrap());
    assert_eq!(d.last_modified.as_deref(), Some("Tue, 01 Dec 2026 10:00:00 GMT"));
    let opts = FetchOptions { etag: d.etag.clone(), last_modified: d.last_modified.clone(), ..quick() };
    assert_eq!(fetch_to_file(&server.url("/f"), &dest, &opts).unwrap(), FetchOutcome::NotModified);
    assert!(!dest.exists(), "nothing is left at the destination on 304");
    let reqs = server.requests();
    assert_eq!(reqs[0].header("If-None-Match"), None);
    assert_eq!(reqs[1].header("If-None-Match"), Some("\"v2\""));
    assert_eq!(reqs[1].header("If-Modified-Since"), Some("Tue, 01 Dec 2026 10:00:00 GMT"));
    assert!(reqs[1].header("User-Agent").unwrap().starts_with("dockward/"));
    // A changed file (another ETag) downloads again.
    let opts = FetchOptions { etag: Some("\"v1\"".into()), ..quick() };
    assert_eq!(downloaded(fetch_to_file(&server.url("/f"), &dest, &opts).unwrap()).bytes, 3);
}

#[test]
fn statuses_and_refused_connections_against_a_local_http_server() {
    let server = Server::start(|req, s, _| match req.path.as_str() {
        "/gone" => respond(s, "404 Not Found", &[], b"no such file"),
        "/odd" => respond(s, "304 Not Modified", &[], b""),
        _ => respond(s, "500 Internal Server Error", &[], b""),
    });
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("f.part");
    let err = fetch_to_file(&server.url("/gone"), &dest, &quick()).unwrap_err();
    assert_eq!(err.to_string(), format!("the server answered 404 Not Found for {}", server.url("/gone")));
    let err = fetch_to_file(&server.url("/x"), &dest, &quick()).unwrap_err();
    assert!(err.to_string().starts_with("the server answered 500 Internal Server Error for "), "{err}");
    // 304 to an unconditional request is not "not modified".
    let err = fetch_to_file(&server.url("/odd"), &dest, &quick()).unwrap_err();
    assert!(err.to_string().contains("304 Not Modified"), "{err}");

    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let err = fetch_to_file(&format!("http://127.0.0.1:{port}/x"), &dest, &quick()).unwrap_err();
    assert_eq!(err.to_string(), format!("cannot connect to 127.0.0.1:{port}: connection refused"));
    let err = fetch_to_file("ftp://127.0.0.1/x", &dest, &quick()).unwrap_err();
    assert!(matches!(err, FetchError::BadUrl { .. }), "{err:?}");
}

#[test]
fn interrupted_transfer_against_a_local_http_server() {
    let server = Server::start(|_, s, _| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n");
        let _ = s.write_all(&[1u8; 100]);
        let _ = s.flush();
        // Closing here ends the transfer 900 bytes short.
    });
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("f.part");
    let err = fetch_to_file(&server.url("/f"), &dest, &quick()).unwrap_err();
    assert_eq!(err.to_string(), format!("the transfer stopped after 100 bytes of 1000 from {}", server.url("/f")));
    assert!(!dest.exists());
    assert_eq!(server.requests().len(), 1, "a clean close is not retried");
}

#[test]
fn stalled_server_against_a_local_http_server() {
    let server = Server::start(|_, s, _| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nsome bytes");
        let _ = s.flush();
        // Stall until the client gives up and closes.
        let mut sink = [0u8; 64];
        let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
        while matches!(s.read(&mut sink), Ok(n) if n > 0) {}
    });
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("f.part");
    let opts = FetchOptions { idle_timeout: Duration::from_millis(700), ..FetchOptions::default() };
    let started = Instant::now();
    let err = fetch_to_file(&server.url("/f"), &dest, &opts).unwrap_err();
    let took = started.elapsed();
    assert_eq!(err.to_string(), format!("no data for 0.7 s from {}", server.url("/f")));
    assert!(took >= Duration::from_millis(700) && took < Duration::from_secs(5), "{took:?}");
    assert!(!dest.exists());

    // A server that never answers at all.
    let mute = Server::start(|_, s, _| {
        let mut sink = [0u8; 64];
        let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
        while matches!(s.read(&mut sink), Ok(n) if n > 0) {}
    });
    let err = fetch_to_file(&mute.url("/f"), &dest, &opts).unwrap_err();
    assert!(matches!(err, FetchError::Idle { .. }), "{err:?}");

    // The total timeout wins when it is shorter.
    let opts = FetchOptions { total_timeout: Duration::from_millis(300), ..opts };
    let err = fetch_to_file(&mute.url("/f"), &dest, &opts).unwrap_err();
    assert!(matches!(err, FetchError::TotalTimeout { .. }), "{err:?}");
    assert!(err.to_string().contains("took longer than 0.3 s"), "{err}");
}

/// Waits for the request to arrive and returns without reading it: the connection
/// is then dropped with unread data, which makes the kernel answer with a reset.
fn reset(_: &mut TcpStream) {
    thread::sleep(Duration::from_millis(150));
}

#[test]
fn one_retry_on_reset_against_a_local_http_server() {
    let flaky = Server::start_raw(|s, n, log| {
        if n == 0 {
            reset(s);
        } else if let Some(req) = read_request(s) {
            log.lock().unwrap().push(req);
            respond(s, "200 OK", &[], b"second time");
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("f.part");
    let d = downloaded(fetch_to_file(&flaky.url("/f"), &dest, &quick()).unwrap());
    assert_eq!(d.bytes, 11);
    assert_eq!(std::fs::read(&dest).unwrap(), b"second time");

    let broken = Server::start_raw(|s, _, _| reset(s));
    let err = fetch_to_file(&broken.url("/f"), &dest, &quick()).unwrap_err();
    assert!(matches!(err, FetchError::Reset { received: 0, .. }), "{err:?}");
    assert!(err.to_string().starts_with("the connection was reset after 0 bytes from "), "{err}");
    assert!(!dest.exists());
}

#[test]
fn destination_errors_are_reported_with_the_path() {
    let server = Server::start(|_, s, _| respond(s, "200 OK", &[], b"x"));
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("missing-dir").join("f.part");
    let err = fetch_to_file(&server.url("/f"), &dest, &quick()).unwrap_err();
    assert!(matches!(err, FetchError::Io { .. }), "{err:?}");
    assert!(err.to_string().starts_with(&dest.display().to_string()), "{err}");
    assert!(!Path::new(&dest).exists());
}
