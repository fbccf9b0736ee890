//! The guard's own requests to the daemon it guards: `/info` (the engine's defaults),
//! image lookups (an image's USER and HEALTHCHECK) and the start-up self-test.
//!
//! Each of them passes through the guard again (dockerd asks every plugin about every
//! request, the guard's own included), so the server must answer while one is in flight:
//! they run as their own tasks, never inside a plugin call's critical section, and each
//! has a timeout.
//!
//! One HTTP/1.1 request per connection over the unix socket with hyper's low-level
//! client: bollard's client would work too, but its connection pool and version
//! negotiation add round trips through the guard for three fixed requests.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use dockward_diagnostics::Location;
use dockward_spec::{EngineDefaults, ImageConfig, Val};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::UnixStream;

/// Largest answer read from the daemon.
const MAX_ANSWER: usize = 4 << 20;

/// A daemon's unix socket (`unix:///var/run/docker.sock` or a path).
#[derive(Debug, Clone)]
pub struct DaemonClient {
    socket: PathBuf,
    timeout: Duration,
}

impl DaemonClient {
    pub fn new(host: &str) -> Self {
        let path = host.strip_prefix("unix://").unwrap_or(host);
        DaemonClient { socket: PathBuf::from(path), timeout: Duration::from_secs(5) }
    }

    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// One request; the status and the body (at most 4 MiB).
    pub async fn request(&self, method: &str, path: &str, body: Option<Vec<u8>>) -> Result<(u16, Bytes), String> {
        tokio::time::timeout(self.timeout, self.request_inner(method, path, body))
            .await
            .map_err(|_| format!("{method} {path}: no answer within {:?}", self.timeout))?
    }

    async fn request_inner(&self, method: &str, path: &str, body: Option<Vec<u8>>) -> Result<(u16, Bytes), String> {
        let stream = UnixStream::connect(&self.socket).await.map_err(|e| format!("{}: {e}", self.socket.display()))?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(|e| e.to_string())?;
        let driver = tokio::spawn(connection);
        let mut builder = hyper::Request::builder().method(method).uri(path).header("Host", "docker");
        if body.is_some() {
            builder = builder.header("Content-Type", "application/json");
        }
        let request = builder.body(Full::new(Bytes::from(body.unwrap_or_default()))).map_err(|e| e.to_string())?;
        let response = sender.send_request(request).await.map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let bytes =
            Limited::new(response.into_body(), MAX_ANSWER).collect().await.map_err(|e| e.to_string())?.to_bytes();
        driver.abort();
        Ok((status, bytes))
    }

    /// The engine's defaults, from `/info`.
    pub async fn engine_defaults(&self) -> Result<EngineDefaults, String> {
        let (status, body) = self.request("GET", "/info", None).await?;
        if status != 200 {
            return Err(format!("GET /info: HTTP {status}"));
        }
        let info: bollard::models::SystemInfo = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        let info = dockward_engine::normalise::engine_info("local", &info, None);
        Ok(dockward_engine::normalise::engine_defaults(&info, &[], None))
    }

    /// An image's USER and HEALTHCHECK; `None` when the daemon does not have it.
    pub async fn image_config(&self, reference: &str) -> Result<Option<ImageConfig>, String> {
        let path = format!("/images/{}/json", percent_encode_path(reference));
        let (status, body) = self.request("GET", &path, None).await?;
        if status == 404 {
            return Ok(None);
        }
        if status != 200 {
            return Err(format!("GET {path}: HTTP {status}"));
        }
        let inspect: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        let at = |field: &str| Location::Logical { scope: format!("image/{reference}"), path: field.into() };
        let user = inspect
            .pointer("/Config/User")
            .and_then(Value::as_str)
            .filter(|u| !u.is_empty())
            .map(|u| Val::new(u.to_string(), at("Config.User")));
        let healthcheck = inspect
            .pointer("/Config/Healthcheck/Test")
            .and_then(Value::as_array)
            .is_some_and(|t| t.first().and_then(Value::as_str).is_some_and(|t| t != "NONE"));
        Ok(Some(ImageConfig { from: at("Config"), user: Some(user), has_healthcheck: Some(healthcheck) }))
    }
}

/// Escapes what a path segment cannot hold; `/` and `:` stay (image references).
fn percent_encode_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Image configurations by reference, kept for a minute (a tag can move).
#[derive(Default)]
pub struct ImageCache {
    entries: Mutex<HashMap<String, (Instant, Option<ImageConfig>)>>,
}

const IMAGE_TTL: Duration = Duration::from_secs(60);
const IMAGE_CACHE_MAX: usize = 4096;

impl ImageCache {
    pub fn get(&self, reference: &str) -> Option<Option<ImageConfig>> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.get(reference).filter(|(at, _)| at.elapsed() < IMAGE_TTL).map(|(_, c)| c.clone())
    }

    pub fn put(&self, reference: &str, config: Option<ImageConfig>) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= IMAGE_CACHE_MAX {
            entries.clear();
        }
        entries.insert(reference.to_string(), (Instant::now(), config));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_escaped_for_the_path() {
        assert_eq!(percent_encode_path("reg:5000/a/b:1"), "reg:5000/a/b:1");
        assert_eq!(percent_encode_path("a b?c#"), "a%20b%3Fc%23");
    }

    #[tokio::test]
    async fn a_missing_daemon_is_an_error_not_a_hang() {
        let client = DaemonClient::new("unix:///nonexistent/docker.sock");
        assert!(client.engine_defaults().await.is_err());
    }
}
