//! A recording proxy for a unix-socket Engine API, for tests and benchmarks: it
//! forwards bytes unchanged between clients and the daemon, and records the method and
//! target of every HTTP request a client sends. It is how the read-only guarantee is
//! tested (every request of `dockward audit` is GET or HEAD) and how the benchmark
//! counts API calls. Standard library only; one thread per connection direction.

use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread;

/// One request seen by the proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub target: String,
}

/// A running proxy; it stops accepting when dropped (connections in flight finish).
pub struct RecordingProxy {
    pub socket: PathBuf,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl RecordingProxy {
    /// Listens on `socket` and forwards to the daemon socket `upstream`.
    pub fn start(socket: &Path, upstream: &Path) -> std::io::Result<Self> {
        let listener = UnixListener::bind(socket)?;
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = requests.clone();
        let upstream = upstream.to_path_buf();
        thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { break };
                let Ok(server) = UnixStream::connect(&upstream) else { continue };
                let recorded = recorded.clone();
                let (client_r, server_w) = (client.try_clone(), server.try_clone());
                let (Ok(client_r), Ok(server_w)) = (client_r, server_w) else { continue };
                thread::spawn(move || forward_requests(client_r, server_w, recorded));
                thread::spawn(move || copy_all(server, client));
            }
        });
        Ok(Self { socket: socket.to_path_buf(), requests })
    }

    /// The requests recorded so far, in arrival order per connection.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Drop for RecordingProxy {
    fn drop(&mut self) {
        // Wake the accept loop so it sees the socket is gone on its next connection.
        let _ = std::fs::remove_file(&self.socket);
    }
}

fn copy_all(mut from: UnixStream, mut to: UnixStream) {
    let _ = std::io::copy(&mut from, &mut to);
    let _ = to.shutdown(std::net::Shutdown::Write);
}

/// Copies the client's bytes to the daemon, parsing request heads on the way: after
/// each head, `Content-Length` bytes of body (if any) are skipped before the next head.
fn forward_requests(mut client: UnixStream, mut server: UnixStream, recorded: Arc<Mutex<Vec<Request>>>) {
    let mut pending: Vec<u8> = Vec::new();
    let mut body_left = 0usize;
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = match client.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if server.write_all(&buf[..n]).is_err() {
            break;
        }
        pending.extend_from_slice(&buf[..n]);
        loop {
            if body_left > 0 {
                let skip = body_left.min(pending.len());
                pending.drain(..skip);
                body_left -= skip;
                if body_left > 0 {
                    break;
                }
            }
            let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") else { break };
            let head = String::from_utf8_lossy(&pending[..end]).into_owned();
            pending.drain(..end + 4);
            let mut lines = head.lines();
            let mut first = lines.next().unwrap_or("").split_whitespace();
            let method = first.next().unwrap_or("").to_string();
            let target = first.next().unwrap_or("").to_string();
            body_left = lines
                .filter_map(|l| l.split_once(':'))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.trim().parse().ok())
                .unwrap_or(0);
            if let Ok(mut r) = recorded.lock() {
                r.push(Request { method, target });
            }
        }
    }
    let _ = server.shutdown(std::net::Shutdown::Write);
}
