//! A fake Engine API on a unix socket, for fault injection: each request gets the
//! canned answer a route function gives (status and JSON body), or no answer at all.

use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

pub enum Reply {
    Json(u16, String),
    /// Hold the connection open and never answer.
    Stall,
}

pub struct FakeEngine {
    pub socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl FakeEngine {
    pub fn host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }
}

/// Strips the `/v1.41` version prefix and the query string.
fn route_path(target: &str) -> String {
    let path = target.split('?').next().unwrap_or(target);
    match path.strip_prefix("/v1.") {
        Some(rest) => rest.find('/').map(|i| rest[i..].to_string()).unwrap_or_default(),
        None => path.to_string(),
    }
}

pub fn start(route: impl Fn(&str, &str) -> Reply + Send + Sync + 'static) -> FakeEngine {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("fake.sock");
    let listener = UnixListener::bind(&socket).unwrap();
    let route = Arc::new(route);
    thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { break };
            let route = route.clone();
            thread::spawn(move || serve(conn, &*route));
        }
    });
    FakeEngine { socket, _dir: dir }
}

fn serve(mut conn: UnixStream, route: &dyn Fn(&str, &str) -> Reply) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match conn.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut first = text.lines().next().unwrap_or("").split_whitespace();
    let method = first.next().unwrap_or("").to_string();
    let path = route_path(first.next().unwrap_or(""));
    match route(&method, &path) {
        Reply::Stall => thread::sleep(Duration::from_secs(60)),
        Reply::Json(status, body) => {
            let ctype = if path == "/_ping" { "text/plain" } else { "application/json" };
            let _ = write!(
                conn,
                "HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nApi-Version: 1.43\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    }
}

/// A small healthy engine: one privileged container `web` on the default bridge (ICC
/// off), a container `gone` whose inspect says 404, no images.
pub fn healthy(method: &str, path: &str) -> Reply {
    let ok = |s: &str| Reply::Json(200, s.to_string());
    if method != "GET" && method != "HEAD" {
        return Reply::Json(405, r#"{"message":"read-only fake"}"#.into());
    }
    match path {
        "/_ping" => ok("OK"),
        "/version" => {
            ok(r#"{"Version":"26.1.4","ApiVersion":"1.45","MinAPIVersion":"1.24","Os":"linux","Arch":"amd64"}"#)
        }
        "/info" => ok(
            r#"{"Name":"fake","ServerVersion":"26.1.4","Containers":2,"ContainersRunning":1,"ContainersStopped":1,"Images":0,
               "SecurityOptions":["name=seccomp,profile=default","name=cgroupns"],"CgroupVersion":"2","Swarm":{"LocalNodeState":"inactive"}}"#,
        ),
        "/containers/json" => ok(
            r#"[{"Id":"aaa","Names":["/web"],"Image":"nginx:1","Labels":{}},{"Id":"bbb","Names":["/gone"],"Image":"nginx:1","Labels":{}}]"#,
        ),
        "/containers/aaa/json" => {
            ok(r#"{"Id":"aaa","Name":"/web","Image":"sha256:feed","Config":{"Image":"nginx:1","User":"","Labels":{}},
               "HostConfig":{"Privileged":true,"NetworkMode":"bridge"},"NetworkSettings":{"Networks":{"bridge":{}}},"Mounts":[]}"#)
        }
        "/containers/bbb/json" => Reply::Json(404, r#"{"message":"No such container: bbb"}"#.into()),
        "/images/json" => ok("[]"),
        "/networks" => ok(r#"[{"Name":"bridge","Id":"n1","Driver":"bridge","Scope":"local",
                "Options":{"com.docker.network.bridge.default_bridge":"true","com.docker.network.bridge.enable_icc":"false"}}]"#),
        "/volumes" => ok(r#"{"Volumes":[],"Warnings":null}"#),
        "/plugins" => ok("[]"),
        _ => Reply::Json(404, r#"{"message":"page not found"}"#.into()),
    }
}
